"""The client-wide gate every request passes: a concurrency limit, the server's announced
budget, a 429 cooldown and an optional client-side rate limit.

One gate is shared by every service, paginator and alias session of a client, so
``max_concurrency`` and ``rate_limit`` bound the whole client, and a 429 pauses all of it
until the server's reset time instead of letting each in-flight task retry into the limit.
Once an answer says ``X-RateLimit-Remaining: R`` with ``R`` below ``max_concurrency``, at
most ``R`` requests of that route are in flight until the window ends, and the first one
after it goes alone (:class:`~forwardemail_async._core.budget.RateBudget`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from types import TracebackType

from .budget import RateBudget
from .clock import Clock, time_limit
from .headers import RateLimitInfo
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
        self._budget = RateBudget()
        self._answered = asyncio.Event()
        self.rate_limit: SlidingWindowLimit | None = None
        self.in_flight = 0

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

    async def acquire(
        self, budget: float | None = None, kind: Hashable = None, *, max_wait: float = 0.0
    ) -> bool:
        """Wait for the right to send one ``kind`` request (its method and route).

        ``budget`` bounds the wait in seconds (a call's remaining deadline); past it, or when
        a cooldown is longer than it, :class:`TimeoutError` is raised and nothing is held.
        A spent server window is waited out only if it ends within ``max_wait`` seconds;
        otherwise the request goes, and the server's 429 tells the caller when to come back.
        Returns whether the request counts against a known server budget; pass that on to
        :meth:`release`.
        """
        started = self._clock.monotonic()
        if (
            self.rate_limit is None
            and not self._budget
            and not self._semaphore.locked()
            and self._paused_until <= started
        ):
            # The common case under no pressure: a free slot, no cooldown, no limit known.
            await self._semaphore.acquire()
            self.in_flight += 1
            return False
        while True:
            left = None if budget is None else budget - (self._clock.monotonic() - started)
            wait = self.paused_for
            if self._budget:
                server_wait, blocked = self._budget.check(kind, self._clock.time())
                if server_wait <= max_wait:
                    wait = max(wait, server_wait)
                if not wait and blocked and server_wait <= max_wait:
                    async with time_limit(left):
                        await self._answered.wait()
                    continue
            if wait > 0:
                if left is not None and wait > left:
                    raise TimeoutError("the cooldown outlasts the time left")
                await self._clock.sleep(wait)
                continue
            async with time_limit(left):
                await self._semaphore.acquire()
            if self.paused_for > 0 or self._budget_spent(kind, max_wait):
                # A cooldown began, or the server's budget was spent, while we queued.
                self._semaphore.release()
                continue
            if self.rate_limit is not None:
                try:
                    async with time_limit(left):
                        await self.rate_limit.acquire()
                except BaseException:  # timed out or cancelled: do not keep the slot
                    self._semaphore.release()
                    raise
            self.in_flight += 1
            if not self._budget:
                return False
            self._budget.start(kind)
            return True

    def _budget_spent(self, kind: Hashable, max_wait: float) -> bool:
        if not self._budget:
            return False
        wait, blocked = self._budget.check(kind, self._clock.time())
        return 0 < wait <= max_wait or (blocked and wait <= max_wait)

    def release(
        self,
        kind: Hashable = None,
        *,
        counted: bool = False,
        sent: float = 0.0,
        info: RateLimitInfo | None = None,
        status: int | None = None,
    ) -> None:
        """Give back the slot taken by :meth:`acquire`, with what the answer (if any: a
        ``status``) said of the server's budget; ``sent`` is the epoch time it was sent."""
        self._semaphore.release()
        self.in_flight -= 1
        learn = info is not None and (
            counted or (info.remaining is not None and info.remaining < self.max_concurrency)
        )
        if counted or learn:
            if not counted:
                self._budget.start(kind)
            answered = status is not None
            now = self._clock.time()
            self._budget.finish(kind, sent, now, info, status=status, answered=answered)
            self._answered.set()
            self._answered = asyncio.Event()

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
