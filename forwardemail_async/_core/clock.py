"""Time as the client sees it: wall time for the server's epoch stamps, monotonic time for
deadlines and cooldowns, and sleeping. Tests swap in :class:`ManualClock` so nothing sleeps."""

from __future__ import annotations

import asyncio
import sys
from time import monotonic as _monotonic
from time import time as _time
from typing import Protocol

if sys.version_info >= (3, 11):
    from asyncio import timeout as time_limit
else:  # pragma: no cover - exercised on Python 3.10 only
    from async_timeout import timeout as time_limit

__all__ = ["Clock", "ManualClock", "SystemClock", "time_limit"]


class Clock(Protocol):
    """What the client needs from time; pass your own to ``ForwardEmail(clock=...)``."""

    def time(self) -> float:
        """Seconds since the Unix epoch (compared with ``Retry-After`` epoch stamps)."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (deadlines and cooldowns)."""

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""


class SystemClock:
    """The real clocks and ``asyncio.sleep``."""

    # The C functions themselves: every request reads the clocks a few times.
    time = staticmethod(_time)
    monotonic = staticmethod(_monotonic)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def __repr__(self) -> str:
        return "SystemClock()"


class ManualClock:
    """A clock that only moves when told to, or when something sleeps on it.

    ``sleep`` advances the clock by the requested time at once and yields to the event loop,
    so retry and rate-limit waits take no real time in tests while the arithmetic stays real.
    ``sleeps`` records every requested wait.
    """

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._mono = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        """Move both clocks forward by ``seconds``."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self._now += seconds
        self._mono += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)

    def __repr__(self) -> str:
        return f"ManualClock(time={self._now!r})"
