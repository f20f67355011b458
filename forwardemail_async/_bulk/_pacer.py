"""Pacing a bulk run to the server's rate limits, learned from its answers.

Each distinct ``X-RateLimit-Limit`` value is taken to be one server limiter (the global one,
or a route's such as "create alias"), and each kind of request ("create" POSTs, "other"
requests) is bound to the limiters seen on its answers. The run sends as fast as the budget
allows, keeps its in-flight requests within the remaining budget, and when a window is spent
pauses the whole client (the shared gate) until that window ends, or gives up on that kind of
work if the wait is longer than ``max_wait``.

The server's ``X-RateLimit-Reset`` (and its ``Retry-After``) is always "now + window", not
the end of the current window, so the end is estimated instead. A window starts at its first
request ``t0`` and ends at ``t0 + W``. Every answer gives ``reset = floor(t + W)`` for its
request time ``t`` (sent <= t <= received), so ``W < reset + 1 - sent``, and the window ends
before ``min(reset) + 1`` and before ``min(received) + W`` over the answers in it. Both are
upper bounds, so resuming then never lands in the old window (clocks assumed in sync). As
``reset >= sent + W - 1`` bounds ``W`` to a one-second range, the window is taken to last a
whole number of seconds (the real server's are 60 s and 86 400 s) when exactly one fits.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter

import attrs

from forwardemail_async._core.clock import Clock
from forwardemail_async._core.gate import RequestGate
from forwardemail_async._core.headers import _EPOCH_THRESHOLD, RateLimitInfo

__all__ = ["Pacer", "StoppedError", "WindowClosedError", "full_rate_limit"]

# Resume this long after the estimated end, for float rounding on either side.
_MARGIN = 0.001
# After a 429 that our estimate says should not happen, wait this long before probing again.
_PROBE = 1.0


def full_rate_limit(info: RateLimitInfo | None) -> tuple[int, int, float] | None:
    """``(limit, remaining, reset)`` of ``info`` if it has all three, else ``None``."""
    if info is None or info.limit is None or info.remaining is None or info.reset is None:
        return None
    return info.limit, info.remaining, info.reset


class WindowClosedError(Exception):
    """A rate-limit window stays closed longer than ``max_wait``; ``resume_at`` is its end."""

    def __init__(self, resume_at: float) -> None:
        super().__init__(f"rate-limit window closed until {resume_at:.0f}")
        self.resume_at = resume_at


class StoppedError(Exception):
    """The run was stopped (``batch.cancel()``) while this request waited for its turn."""

    def __init__(self) -> None:
        super().__init__("the bulk run was cancelled before this request was sent")


@attrs.define
class _Limiter:
    """What the answers say about one server limiter, in client epoch seconds."""

    limit: int
    kinds: set[str] = attrs.field(factory=set)
    length_low: float = 0.0
    length_high: float = math.inf
    end: float | None = None
    previous_end: float = -math.inf
    remaining: int | None = None
    min_reset: float = math.inf
    first_received: float = math.inf

    def expire(self, now: float) -> None:
        """Forget a window that has certainly ended: the full budget is back."""
        if self.end is not None and now >= self.end:
            self.previous_end, self.end, self.remaining = self.end, None, None
            self.min_reset = self.first_received = math.inf

    @property
    def length(self) -> float:
        """The window length: the whole number of seconds in ``[low, high)`` if there is
        just one, else the upper bound."""
        whole = math.ceil(self.length_low)
        return float(whole) if whole < self.length_high <= whole + 1 else self.length_high

    def observe(self, sent: float, received: float, remaining: int, reset: float) -> None:
        self.length_low = max(self.length_low, reset - received)
        self.length_high = min(self.length_high, reset + 1 - sent)
        if sent < self.previous_end:
            return  # may belong to an older window: it tells nothing about this one
        if self.end is None or sent >= self.end:
            if self.end is not None:
                self.previous_end = self.end
            self.remaining, self.min_reset, self.first_received = remaining, reset, received
        else:
            if self.remaining is None or remaining < self.remaining:
                self.remaining = remaining
            self.min_reset = min(self.min_reset, reset)
            self.first_received = min(self.first_received, received)
        self.end = min(self.min_reset + 1, self.first_received + self.length)


class Pacer:
    """Decides when each request of a bulk run may start; see the module docstring."""

    def __init__(self, clock: Clock, gate: RequestGate, max_wait: float) -> None:
        self._clock, self._gate, self._max_wait = clock, gate, max_wait
        self._limiters: dict[int, _Limiter] = {}
        self._inflight: Counter[str] = Counter()
        self._cooldown_until = 0.0
        self._closed: dict[str, float] = {}
        self._answered = asyncio.Event()
        self._stopped = False
        self._sleeper: asyncio.Future[None] | None = None
        self._sleeper_until = 0.0
        self.paused_until = 0.0
        self.requests = 0

    def stop(self) -> None:
        """The run is cancelled: wake every waiting request (it raises :class:`StoppedError`)."""
        self._stopped = True
        if self._sleeper is not None:
            self._sleeper.cancel()
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

    async def wait_turn(self, kind: str) -> None:
        """Wait until one more ``kind`` request fits the known budgets, and count it in flight.

        Raises :class:`WindowClosedError` when that would take longer than ``max_wait``, and
        :class:`StoppedError` if the run is stopped while waiting (a request that had to
        wait is never sent after a cancel; one that did not wait belongs to work already
        under way, such as the read-back of an ambiguous create, and goes ahead).
        """
        waited = False
        while True:
            if kind in self._closed:
                raise WindowClosedError(self._closed[kind])
            now = self._clock.time()
            wait, blocked = self._check(kind, now)
            if self._stopped and (waited or wait > 0 or blocked):
                raise StoppedError
            if wait > 0:
                if wait > self._max_wait:
                    self._closed[kind] = now + wait
                    raise WindowClosedError(now + wait)
                self.paused_until = max(self.paused_until, now + wait)
                self._gate.pause_for(wait)
                await self._pause(now, wait)
                waited = True
            elif blocked:
                await self._answered.wait()
                waited = True
            else:
                self._inflight[kind] += 1
                self.requests += 1
                return

    def _check(self, kind: str, now: float) -> tuple[float, bool]:
        """(seconds to wait for a window, whether to wait for an in-flight answer first)."""
        wait, blocked = max(0.0, self._cooldown_until - now), False
        for limiter in self._limiters.values():
            if kind not in limiter.kinds:
                continue
            limiter.expire(now)
            remaining = limiter.remaining if limiter.remaining is not None else limiter.limit
            if remaining <= 0 and limiter.end is not None:
                wait = max(wait, limiter.end - now + _MARGIN)
            elif remaining - sum(self._inflight[k] for k in limiter.kinds) <= 0:
                blocked = True
        return wait, blocked

    def finished(
        self, kind: str, sent: float, info: RateLimitInfo | None, *, status: int | None
    ) -> None:
        """Record the answer (or failure) of a request that :meth:`wait_turn` let through.

        ``status`` 429 with a ``retry_after`` but no ``X-RateLimit-*`` headers is handled by
        :meth:`cool_down`.
        """
        self._inflight[kind] -= 1
        now = self._clock.time()
        full = full_rate_limit(info)
        if full is not None:
            limit, remaining, reset = full
            reset = reset if reset >= _EPOCH_THRESHOLD else now + reset
            limiter = self._limiters.setdefault(limit, _Limiter(limit))
            limiter.kinds.add(kind)
            limiter.observe(sent, now, remaining, reset)
            if status == 429 and limiter.end is not None and sent >= limiter.end:
                # Refused although sent after the estimated end: the estimate was wrong
                # (clock skew?), so probe again shortly rather than trust it.
                limiter.end = now + _PROBE
        self._answered.set()
        self._answered = asyncio.Event()

    def cool_down(self, seconds: float | None) -> None:
        """A 429 that said only ``Retry-After`` (or nothing): hold every kind back."""
        wait = _PROBE if seconds is None else seconds
        self._cooldown_until = max(self._cooldown_until, self._clock.time() + wait)

    def expected_finish(self, kind: str, items_left: int) -> float | None:
        """When ``items_left`` more ``kind`` requests could be done, if the known limits make
        that later than the current window; ``None`` otherwise."""
        if items_left <= 0:
            return None
        now = self._clock.time()
        latest: float | None = None
        for limiter in self._limiters.values():
            if kind not in limiter.kinds or not math.isfinite(limiter.length_high):
                continue
            limiter.expire(now)
            budget = limiter.remaining if limiter.remaining is not None else limiter.limit
            beyond = items_left - max(0, budget)
            if beyond <= 0:
                continue
            start = limiter.end if limiter.end is not None else now
            finish = start + (math.ceil(beyond / limiter.limit) - 1) * limiter.length
            latest = finish if latest is None else max(latest, finish)
        resume = self._closed.get(kind)
        if latest is None and resume is not None:
            return resume
        return latest
