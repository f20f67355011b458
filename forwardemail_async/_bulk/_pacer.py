"""Pacing a bulk run to the server's rate limits, learned from its answers.

Each kind of request ("create" POSTs, "other" requests) is bound to the server limiters seen
on its answers (see :mod:`forwardemail_async._core.budget`, which estimates each window's end
and counts the requests started in it). The "other" requests of an alias run meet only the
global limiter, so a limiter seen on them bounds the creates too, although the create
answers show only the create-alias limiter's headers. So before its third create, a run
sends one such request (the ``scout``): otherwise the global limiter would first show itself
in a 429, by which time every create in flight would be refused. The first two go without
waiting for it: at most two refusals are what the run tolerates in any window, and a run of
one or two creates costs no extra request.

The run sends as fast as the budget allows, keeps its in-flight requests within the
remaining budget, and when a window is spent pauses the whole client (the shared gate) until
that window ends, or gives up on that kind of work if the wait is longer than ``max_wait``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from forwardemail_async._core.budget import PROBE_SECONDS, RateBudget, full_rate_limit
from forwardemail_async._core.clock import Clock
from forwardemail_async._core.gate import RequestGate
from forwardemail_async._core.headers import RateLimitInfo

__all__ = ["UNSCOUTED", "Pacer", "StoppedError", "WindowClosedError", "full_rate_limit"]

# The kinds of request of a run that meet only the server's global limiter.
_GLOBAL_ONLY = frozenset({"other"})
# The first requests (not resends) of the other kinds that go before the scout is sent.
UNSCOUTED = 2


class WindowClosedError(Exception):
    """A rate-limit window stays closed longer than ``max_wait``; ``resume_at`` is its end."""

    def __init__(self, resume_at: float) -> None:
        super().__init__(f"rate-limit window closed until {resume_at:.0f}")
        self.resume_at = resume_at


class StoppedError(Exception):
    """The run was stopped (``batch.cancel()``) while this request waited for its turn."""

    def __init__(self) -> None:
        super().__init__("the bulk run was cancelled before this request was sent")


class Pacer:
    """Decides when each request of a bulk run may start; see the module docstring."""

    def __init__(self, clock: Clock, gate: RequestGate, max_wait: float) -> None:
        self._clock, self._gate, self._max_wait = clock, gate, max_wait
        self._budget = RateBudget(shared_kinds=_GLOBAL_ONLY)
        self._closed: dict[str, float] = {}
        self._answered = asyncio.Event()
        self._stopped = False
        self._sleeper: asyncio.Future[None] | None = None
        self._sleeper_until = 0.0
        self.paused_until = 0.0
        self.requests = 0
        # Awaited with the pause's end when a pause starts while none is under way: no item
        # finishes during a pause, so this is the run's only chance to report it in time.
        self.on_pause: Callable[[float], Awaitable[None]] | None = None
        # Sent once, before the third request of the kinds whose answers hide the global
        # limiter, unless an answer has shown that limiter already; see the module docstring.
        # It never raises.
        self.scout: Callable[[], Awaitable[None]] | None = None
        self._scouting: asyncio.Future[None] | None = None
        self._unscouted = UNSCOUTED

    def stop(self) -> None:
        """The run is cancelled: wake every waiting request (it raises :class:`StoppedError`)."""
        self._stopped = True
        if self._sleeper is not None:
            self._sleeper.cancel()
        if self._scouting is not None:
            self._scouting.cancel()
        self._answered.set()
        self._answered = asyncio.Event()

    async def _pause(self, now: float, wait: float) -> None:
        """Sleep until ``now + wait``, or until :meth:`stop`. The requests paused until the
        same time share one sleep, which :meth:`stop` cancels to wake them all."""
        until = now + wait
        if self._sleeper is None or self._sleeper.done() or until > self._sleeper_until:
            self._sleeper = asyncio.ensure_future(self._clock.sleep(wait))
            self._sleeper_until = until
        # wait() rather than await: cancelling this request must not cancel the shared sleep.
        await asyncio.wait((self._sleeper,))

    def closed(self, kind: str) -> float | None:
        """When the window that stopped ``kind`` reopens, or ``None`` if it is not stopped."""
        return self._closed.get(kind)

    async def wait_turn(self, kind: str, *, resend: bool = False) -> None:
        """Wait until one more ``kind`` request fits the known budgets, and count it in flight
        (``resend``: an attempt after the request's first).

        Raises :class:`WindowClosedError` when that would take longer than ``max_wait``, and
        :class:`StoppedError` if the run is stopped while waiting (a request that had to
        wait is never sent after a cancel; one that did not wait belongs to work already
        under way, such as the read-back of an ambiguous create, and goes ahead).
        """
        waited = False
        if kind not in _GLOBAL_ONLY:
            if not self._unscouted:
                waited = await self._scout()
            elif not resend:
                self._unscouted -= 1
        while True:
            if kind in self._closed:
                raise WindowClosedError(self._closed[kind])
            now = self._clock.time()
            wait, blocked = self._budget.check(kind, now)
            if self._stopped and (waited or wait > 0 or blocked):
                raise StoppedError
            if wait > 0:
                if wait > self._max_wait:
                    self._closed[kind] = now + wait
                    raise WindowClosedError(now + wait)
                starting = self.paused_until <= now
                self.paused_until = max(self.paused_until, now + wait)
                self._gate.pause_for(wait)
                if starting and self.on_pause is not None:
                    await self.on_pause(self.paused_until)
                await self._pause(now, wait)
                waited = True
            elif blocked:
                await self._answered.wait()
                waited = True
            else:
                self._budget.start(kind)
                self.requests += 1
                return

    async def _scout(self) -> bool:
        """Send the scout once, unless the global limiter is known; every request that
        arrives meanwhile waits for it. Whether this request waited."""
        if self._scouting is None:
            if self.scout is None or any(self._budget.knows(k) for k in _GLOBAL_ONLY):
                return False
            self._scouting = asyncio.ensure_future(self.scout())
        elif self._scouting.done():
            return False
        # wait() rather than await: cancelling this request must not cancel the scout.
        await asyncio.wait((self._scouting,))
        return True

    def finished(
        self, kind: str, sent: float, info: RateLimitInfo | None, *, status: int | None
    ) -> None:
        """Record the answer (or failure) of a request that :meth:`wait_turn` let through.

        ``status`` 429 with a ``retry_after`` but no ``X-RateLimit-*`` headers is handled by
        :meth:`cool_down`.
        """
        self._budget.finish(
            kind,
            sent,
            self._clock.time(),
            info,
            status=status,
            answered=info is not None or status is not None,
        )
        self._answered.set()
        self._answered = asyncio.Event()

    def cool_down(self, seconds: float | None) -> None:
        """A 429 that said only ``Retry-After`` (or nothing): hold every kind back."""
        wait = PROBE_SECONDS if seconds is None else seconds
        self._budget.cool_down(self._clock.time() + wait)

    def expected_finish(self, kind: str, items_left: int) -> float | None:
        """When ``items_left`` more ``kind`` requests could be done, if the known limits make
        that later than the current window; ``None`` otherwise."""
        if items_left <= 0:
            return None
        latest = self._budget.expected_finish(kind, items_left, self._clock.time())
        resume = self._closed.get(kind)
        if latest is None and resume is not None:
            return resume
        return latest
