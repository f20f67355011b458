"""The client-wide gate every request passes: a concurrency limit, a 429 cooldown and an
optional client-side rate limit.

One gate is shared by every service, paginator and alias session of a client, so
``max_concurrency`` and ``rate_limit`` bound the whole client, and a 429 pauses all of it
until the server's reset time instead of letting each in-flight task retry into the limit.
"""

from __future__ import annotations

import asyncio
from types import TracebackType

from .clock import Clock, time_limit
from .ratelimit import SlidingWindowLimit

__all__ = ["RequestGate"]


class RequestGate:
    """Entering waits out any cooldown, takes a slot, then waits for the client-side rate
    limit (if one is set); use :meth:`acquire`/:meth:`release`, or ``async with gate``."""

    def __init__(self, max_concurrency: int, clock: Clock) -> None:
        if not isinstance(max_concurrency, int) or isinstance(max_concurrency, bool):
            raise TypeError("max_concurrency must be an int")
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be >= 1, got {max_concurrency}")
        self.max_concurrency = max_concurrency
        self._clock = clock
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._paused_until = 0.0
        self.rate_limit: SlidingWindowLimit | None = None

    def set_rate_limit(self, requests: int, per_seconds: float) -> None:
        """Let at most ``requests`` requests start in any span of ``per_seconds`` seconds."""
        self.rate_limit = SlidingWindowLimit(requests, per_seconds, self._clock)

    @property
    def paused_for(self) -> float:
        """Seconds left in the current cooldown (0 when not paused)."""
        return max(0.0, self._paused_until - self._clock.monotonic())

    def pause_for(self, seconds: float) -> None:
        """Hold new requests back for ``seconds`` (a longer pause already set wins)."""
        self._paused_until = max(self._paused_until, self._clock.monotonic() + seconds)

    async def acquire(self, budget: float | None = None) -> None:
        """Wait for the right to send one request.

        ``budget`` bounds the wait in seconds (a call's remaining deadline); past it, or when
        a cooldown is longer than it, :class:`TimeoutError` is raised and nothing is held.
        """
        started = self._clock.monotonic()
        if (
            self.rate_limit is None
            and not self._semaphore.locked()
            and self._paused_until <= started
        ):
            # The common case under no pressure: a free slot, no cooldown, no rate limit.
            await self._semaphore.acquire()
            return
        while True:
            left = None if budget is None else budget - (self._clock.monotonic() - started)
            wait = self.paused_for
            if wait > 0:
                if left is not None and wait > left:
                    raise TimeoutError("the cooldown outlasts the time left")
                await self._clock.sleep(wait)
                continue
            async with time_limit(left):
                await self._semaphore.acquire()
            if self.paused_for > 0:
                # A cooldown began while we queued for a slot: give the slot back and wait.
                self._semaphore.release()
                continue
            if self.rate_limit is not None:
                try:
                    async with time_limit(left):
                        await self.rate_limit.acquire()
                except BaseException:  # timed out or cancelled: do not keep the slot
                    self._semaphore.release()
                    raise
            return

    def release(self) -> None:
        """Give back the slot taken by :meth:`acquire`."""
        self._semaphore.release()

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def __repr__(self) -> str:
        return (
            f"RequestGate(max_concurrency={self.max_concurrency}, paused_for={self.paused_for:.1f})"
        )
