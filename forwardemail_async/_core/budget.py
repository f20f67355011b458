"""What the server's ``X-RateLimit-*`` answers say about its windows, and what may be sent now.

Sans-I/O: the client-wide gate and a bulk run's pacer feed it the answers they see and ask it
before each request; it never sleeps. Each distinct ``X-RateLimit-Limit`` is taken to be one
server limiter, bound to the kinds of request on whose answers it appeared.

The server's ``X-RateLimit-Reset`` is always "now + window", not the end of the current window
(contract §3.3), so the end is estimated. A window starts at its first request ``t0`` and ends
at ``t0 + W``. Every answer gives ``reset = floor(t + W)`` for its request time ``t``
(sent <= t <= received), so ``W < reset + 1 - sent``, and the window ends before
``min(reset) + 1`` and before ``min(received) + W`` over the answers in it. Both are upper
bounds, so resuming then never lands in the old window (clocks assumed in sync). As
``reset >= sent + W - 1`` bounds ``W`` to a one-second range, the window is taken to last a
whole number of seconds (the real server's are 60 s and 86 400 s) when exactly one fits.

Two rules keep a run from stampeding at a window's edge:

- the requests started in a window are counted here, so a limiter whose headers the answers
  no longer show (the server's route limiters overwrite the global one's, §3.3) still bounds
  the window at ``limit`` requests;
- after a window ends, the first request goes alone until an answer comes back, since nothing
  is known of the new window until then.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable

import attrs

from .headers import _EPOCH_THRESHOLD, RateLimitInfo

__all__ = ["RateBudget", "full_rate_limit"]

# Resume this long after the estimated end, for float rounding on either side.
_MARGIN = 0.001
# After a 429 that our estimate says should not happen, wait this long before probing again.
PROBE_SECONDS = 1.0


def full_rate_limit(info: RateLimitInfo | None) -> tuple[int, int, float] | None:
    """``(limit, remaining, reset)`` of ``info`` if it has all three, else ``None``."""
    if info is None or info.limit is None or info.remaining is None or info.reset is None:
        return None
    return info.limit, info.remaining, info.reset


@attrs.define
class _Limiter:
    """What the answers say about one server limiter, in client epoch seconds."""

    limit: int
    kinds: set[Hashable] = attrs.field(factory=set)
    length_low: float = 0.0
    length_high: float = math.inf
    end: float | None = None
    previous_end: float = -math.inf
    remaining: int | None = None
    min_reset: float = math.inf
    first_received: float = math.inf
    # Requests of this limiter's kinds started since its headers were last seen (or its
    # window began), and those still in flight then: what its ``remaining`` does not count.
    started: int = 0
    carried: int = 0
    # A window ended and no answer from the new one has come back yet.
    probing: bool = False

    def expire(self, now: float, inflight: int) -> None:
        """Forget a window that has certainly ended: the full budget is back, less the
        ``inflight`` requests not answered yet, which reach the server in the new window
        (a request let through may still be queued for a connection)."""
        if self.end is not None and now >= self.end:
            self.previous_end, self.end, self.remaining = self.end, None, None
            self.min_reset = self.first_received = math.inf
            self.started, self.carried, self.probing = inflight, 0, True

    @property
    def length(self) -> float:
        """The window length: the whole number of seconds in ``[low, high)`` if there is
        just one, else the upper bound."""
        whole = math.ceil(self.length_low)
        return float(whole) if whole < self.length_high <= whole + 1 else self.length_high

    def answered(self, sent: float, received: float) -> None:
        """Any answer to a request sent in the current window: the window is open, and it
        began no later than ``received``."""
        if sent < self.previous_end:
            return
        self.probing = False
        self.first_received = min(self.first_received, received)
        if self.end is None and math.isfinite(self.length):
            self.end = self.first_received + self.length

    def observe(
        self, sent: float, received: float, remaining: int, reset: float, inflight: int
    ) -> None:
        """An answer that carried this limiter's own headers, with ``inflight`` other
        requests of its kinds still out."""
        self.length_low = max(self.length_low, reset - received)
        self.length_high = min(self.length_high, reset + 1 - sent)
        if sent < self.previous_end:
            return  # may belong to an older window: it tells nothing about this one
        if self.end is not None and sent >= self.end:
            self.previous_end = self.end
            self.remaining, self.min_reset, self.first_received = remaining, reset, received
        else:
            if self.remaining is None or remaining < self.remaining:
                self.remaining = remaining
            self.min_reset = min(self.min_reset, reset)
            self.first_received = min(self.first_received, received)
        self.probing = False
        self.started, self.carried = 0, inflight
        self.end = min(self.min_reset + 1, self.first_received + self.length)


class RateBudget:
    """The known server limiters, and the requests in flight per kind of request.

    ``shared_kinds``: a limiter seen on an answer to one of these kinds is taken to apply to
    every kind (a bulk run knows its "other" requests meet only the global limiter). Without
    sharing (the client-wide gate, which cannot tell limiters of equal size apart), each kind
    keeps limiters of its own.
    """

    def __init__(self, *, shared_kinds: frozenset[Hashable] | None = None) -> None:
        self._shared_kinds = shared_kinds
        self._limiters: dict[Hashable, _Limiter] = {}
        self._inflight: Counter[Hashable] = Counter()
        self.cooldown_until = 0.0

    def __bool__(self) -> bool:
        """Whether anything is known that could hold a request back."""
        return bool(self._limiters) or self.cooldown_until > 0

    def knows(self, kind: Hashable) -> bool:
        """Whether an answer to a ``kind`` request has shown a limiter's headers."""
        return any(kind in limiter.kinds for limiter in self._limiters.values())

    def _applies(self, limiter: _Limiter, kind: Hashable) -> bool:
        if kind in limiter.kinds:
            return True
        shared = self._shared_kinds
        return shared is not None and not limiter.kinds.isdisjoint(shared)

    def check(self, kind: Hashable, now: float) -> tuple[float, bool]:
        """``(seconds to wait for a window, whether to wait for an in-flight answer first)``
        before one more ``kind`` request may start."""
        wait, blocked = max(0.0, self.cooldown_until - now), False
        for limiter in self._limiters.values():
            if not self._applies(limiter, kind):
                continue
            inflight = self._inflight_of(limiter)
            limiter.expire(now, inflight)
            limiter.carried = min(limiter.carried, inflight)
            remaining = limiter.remaining if limiter.remaining is not None else limiter.limit
            left = remaining - limiter.carried - limiter.started
            if left > 0 and not (limiter.probing and inflight > 0):
                continue
            if inflight > 0 and remaining > 0:
                blocked = True  # an answer may show more room, or open the new window
                continue
            if limiter.end is None:
                # Spent, with nothing in flight to tell when the window began: it began
                # before now, so it ends within one length from now.
                limiter.end = now + limiter.length
            wait = max(wait, limiter.end - now + _MARGIN)
        return wait, blocked

    def _inflight_of(self, limiter: _Limiter) -> int:
        return sum(n for k, n in self._inflight.items() if self._applies(limiter, k))

    def start(self, kind: Hashable) -> None:
        """One ``kind`` request is about to be sent."""
        self._inflight[kind] += 1
        for limiter in self._limiters.values():
            if self._applies(limiter, kind):
                limiter.started += 1

    def finish(
        self,
        kind: Hashable,
        sent: float,
        received: float,
        info: RateLimitInfo | None,
        *,
        status: int | None,
        answered: bool,
    ) -> None:
        """Record how a request that :meth:`start` counted ended: ``answered`` if the server
        sent an answer (``status`` its status, ``info`` its headers); ``sent`` and
        ``received`` are epoch seconds."""
        self._inflight[kind] -= 1
        if self._inflight[kind] <= 0:
            del self._inflight[kind]
        full = full_rate_limit(info)
        own: _Limiter | None = None
        if full is not None:
            limit, remaining, reset = full
            reset = reset if reset >= _EPOCH_THRESHOLD else received + reset
            key: Hashable = limit if self._shared_kinds is not None else (kind, limit)
            own = self._limiters.get(key)
            if own is None:
                # Met for the first time: every request in flight counts against it.
                own = self._limiters[key] = _Limiter(limit)
            own.kinds.add(kind)
            own.observe(sent, received, remaining, reset, self._inflight_of(own))
            if status == 429 and own.end is not None and sent >= own.end:
                # Refused although sent after the estimated end: the estimate was wrong
                # (clock skew?), so probe again shortly rather than trust it.
                own.end = received + PROBE_SECONDS
        if not answered:
            return
        for limiter in self._limiters.values():
            if limiter is not own and self._applies(limiter, kind):
                limiter.answered(sent, received)

    def cool_down(self, until: float) -> None:
        """A 429 that said only ``Retry-After`` (or nothing): hold every kind back."""
        self.cooldown_until = max(self.cooldown_until, until)

    def expected_finish(self, kind: Hashable, items_left: int, now: float) -> float | None:
        """When ``items_left`` more ``kind`` requests could be done, if the known limits make
        that later than the current window; ``None`` otherwise."""
        latest: float | None = None
        for limiter in self._limiters.values():
            if not self._applies(limiter, kind) or not math.isfinite(limiter.length_high):
                continue
            limiter.expire(now, self._inflight_of(limiter))
            budget = limiter.remaining if limiter.remaining is not None else limiter.limit
            budget -= limiter.carried + limiter.started
            beyond = items_left - max(0, budget)
            if beyond <= 0:
                continue
            start = limiter.end if limiter.end is not None else now
            finish = start + (math.ceil(beyond / limiter.limit) - 1) * limiter.length
            latest = finish if latest is None else max(latest, finish)
        return latest
