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
import math
from collections import deque
from collections.abc import Hashable, Mapping
from types import TracebackType

from .budget import RateBudget
from .clock import Clock, time_limit
from .headers import RateLimitInfo, parse_rate_limit
from .ratelimit import SlidingWindowLimit

__all__ = ["RequestGate"]

_NEVER = -math.inf  # no cooldown was ever set, or the last one is over


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
        # The slots: free ones are counted, and a slot given back goes straight to the first
        # waiter, so there is never a free slot while someone waits for one.
        self._free = max_concurrency
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._paused_until = _NEVER
        self._budget = RateBudget()
        # Whether the budget held anything after the last answer it was told of (only the
        # gate tells it anything): while not, no server window can hold a request back.
        self._budget_known = False
        self._answered = asyncio.Event()
        self.rate_limit: SlidingWindowLimit | None = None
        self.in_flight = 0

    def set_rate_limit(self, requests: int, per_seconds: float) -> None:
        """Let at most ``requests`` requests start in any span of ``per_seconds`` seconds."""
        self.rate_limit = SlidingWindowLimit(requests, per_seconds, self._clock)

    @property
    def free_slots(self) -> int:
        """Slots no request holds (0 while requests queue for one)."""
        return self._free

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
        :meth:`release` (or :meth:`finish`).
        """
        if self.enter():
            return False
        return await self.wait_for_slot(budget, kind, max_wait=max_wait)

    async def wait_for_slot(self, budget: float | None, kind: Hashable, *, max_wait: float) -> bool:
        """:meth:`acquire` once :meth:`enter` has said something could hold the request
        back: the waits themselves."""
        started = self._clock.monotonic()
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
            await self._take_slot(left)
            if self.paused_for > 0 or self._budget_spent(kind, max_wait):
                # A cooldown began, or the server's budget was spent, while we queued.
                self._give_slot()
                continue
            if self.rate_limit is not None:
                try:
                    async with time_limit(left):
                        await self.rate_limit.acquire()
                except BaseException:  # timed out or cancelled: do not keep the slot
                    self._give_slot()
                    raise
            self.in_flight += 1
            if not self._budget:
                self._budget_known = False
                return False
            self._budget.start(kind)
            return True

    def enter(self) -> bool:
        """Take a slot at once if nothing could hold a request back: a free slot, no
        cooldown, no client-side rate limit and no server window known. Whether it did; if
        not, :meth:`acquire` waits. A request entered so does not count against a server
        budget (nothing is known of one)."""
        if self._free and self.rate_limit is None and not self._budget_known:
            if self._paused_until != _NEVER:
                if self._paused_until > self._clock.monotonic():
                    return False
                self._paused_until = _NEVER  # over for good: the clock never goes back
            self._free -= 1
            self.in_flight += 1
            return True
        return False

    async def _take_slot(self, left: float | None) -> None:
        """Wait, first come first served, for a slot (at most ``left`` seconds)."""
        if self._free:
            self._free -= 1
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with time_limit(left):
                await waiter
        except BaseException:  # timed out or cancelled
            if waiter.done() and not waiter.cancelled():
                self._give_slot()  # it was handed over just now: pass it on
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise

    def _give_slot(self) -> None:
        """A slot is free: hand it to the first waiter still waiting, or count it free."""
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1

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
        self._give_slot()
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
            self._budget_known = bool(self._budget)
            self._answered.set()
            self._answered = asyncio.Event()

    def finish(
        self,
        kind: Hashable,
        counted: bool,
        sent: float,
        status: int | None,
        headers: Mapping[str, str] | None,
    ) -> None:
        """:meth:`release` after an attempt, given its answer's status and headers (both
        ``None`` when no answer came); the ``X-RateLimit-*`` headers are parsed only when
        they can matter: the request counted against a known budget, or the answer says
        fewer than ``max_concurrency`` requests remain."""
        if not counted:
            remaining = None if headers is None else headers.get("X-RateLimit-Remaining")
            # The short cut reads only plain digits, at most 18 of them (int() of a long
            # digit string costs time); anything else takes the full parse below.
            if remaining is None or (
                len(remaining) < 19
                and remaining.isdecimal()
                and int(remaining) >= self.max_concurrency
            ):
                self._give_slot()
                self.in_flight -= 1
                return
        info = None
        if headers is not None and "X-RateLimit-Remaining" in headers:
            info = parse_rate_limit(headers)
        self.release(kind, counted=counted, sent=sent, info=info, status=status)

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
