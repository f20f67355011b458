"""The optional client-side rate limit: at most N requests start in any span of P seconds.

For users who share one API key with other workers and want to stay inside their share of
the server's limits. A sliding-window log (the start times of the last N requests) gives that
guarantee exactly, unlike a token bucket, which lets up to 2N through in a span of P seconds
(a full bucket, then a refill). Memory is O(N).
"""

from __future__ import annotations

import math
from collections import deque

from .clock import Clock

__all__ = ["SlidingWindowLimit", "check_rate_limit"]


def check_rate_limit(value: object) -> tuple[int, float]:
    """Validate ``rate_limit=(requests, per_seconds)``; raise TypeError/ValueError otherwise."""
    if not isinstance(value, tuple) or len(value) != 2:
        raise TypeError("rate_limit must be a (requests, per_seconds) tuple, e.g. (100, 60.0)")
    requests, per_seconds = value
    if isinstance(requests, bool) or not isinstance(requests, int):
        raise TypeError("rate_limit requests must be an int")
    if isinstance(per_seconds, bool) or not isinstance(per_seconds, (int, float)):
        raise TypeError("rate_limit per_seconds must be a number")
    if requests < 1:
        raise ValueError(f"rate_limit requests must be >= 1, got {requests}")
    if not math.isfinite(per_seconds) or per_seconds <= 0:
        raise ValueError(f"rate_limit per_seconds must be > 0, got {per_seconds!r}")
    return requests, float(per_seconds)


class SlidingWindowLimit:
    """Admits a request only if fewer than ``requests`` started in the last ``per_seconds``."""

    def __init__(self, requests: int, per_seconds: float, clock: Clock) -> None:
        self.requests, self.per_seconds = check_rate_limit((requests, per_seconds))
        self._clock = clock
        self._starts: deque[float] = deque(maxlen=self.requests)

    def delay(self) -> float:
        """Seconds until one more request may start (0 when it may start now)."""
        if len(self._starts) < self.requests:
            return 0.0
        return max(0.0, self._starts[0] + self.per_seconds - self._clock.monotonic())

    async def acquire(self) -> None:
        """Wait until a request may start, and count it as started."""
        while (wait := self.delay()) > 0:
            await self._clock.sleep(wait)
        self._starts.append(self._clock.monotonic())

    def __repr__(self) -> str:
        return f"SlidingWindowLimit(requests={self.requests}, per_seconds={self.per_seconds})"
