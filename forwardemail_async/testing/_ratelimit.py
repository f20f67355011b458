"""Rate limiting as ``@ladjs/koa-simple-ratelimit`` does it (contract §3).

Windows are fixed: they start at the first request of a key and last a whole window, counted
on the fake's injected clock, so tests move time instead of sleeping.  A window remembers when
it started and how many requests it let through, and is judged by the limits of the moment:
lowering ``create_alias_max`` or a window length takes effect at the next request, in the
windows already open too (the real server would keep a window's budget until it ends; the
fake follows its documentation, ``fake.rate_limits`` changes apply while it runs).  Every
limited request
gets ``X-RateLimit-*`` headers whose ``Reset`` is always "now + window" (the library's quirk),
and a blocked one a plain-text 429 whose ``Retry-After`` is that same epoch time.
"""

from __future__ import annotations

import math
from typing import Literal

import attrs
from aiohttp import web

from ._boom import text_response

__all__ = ["GLOBAL_IGNORED_PATHS", "RateLimiter", "RateLimits", "Verdict"]

# config/api.js ignoredPathGlobs: the global limiter skips exactly this path.
GLOBAL_IGNORED_PATHS = frozenset({"/v1/emails"})

# dayjs relativeTime thresholds: (format key, largest rounded value, unit in seconds).
_DAYJS_THRESHOLDS: tuple[tuple[str, int | None, float | None], ...] = (
    ("s", 44, 1),
    ("m", 89, None),
    ("mm", 44, 60),
    ("h", 89, None),
    ("hh", 21, 3600),
    ("d", 35, None),
    ("dd", 25, 86400),
    ("M", 45, None),
    ("MM", 10, 86400 * 30.436875),
    ("y", 17, None),
    ("yy", None, 86400 * 365.2425),
)
_DAYJS_EN = {
    "s": "a few seconds",
    "m": "a minute",
    "mm": "%d minutes",
    "h": "an hour",
    "hh": "%d hours",
    "d": "a day",
    "dd": "%d days",
    "M": "a month",
    "MM": "%d months",
    "y": "a year",
    "yy": "%d years",
}
_MS_UNITS = ((86_400_000, "day"), (3_600_000, "hour"), (60_000, "minute"), (1000, "second"))


@attrs.define
class RateLimits:
    """Limits the fake enforces; change them at any time, even while the server runs.

    ``global_*`` is the limiter in front of every request, keyed by client IP (``global_key=
    "ip"``, what the server effectively does because it runs before authentication) or by the
    authenticated user (``"user"``, what its key function would pick if it ran later).  The
    ``*_max`` fields are the per-route daily limits of contract §3.2, keyed by user and sharing
    ``route_window``.  Scale them down for tests, e.g. ``RateLimits(create_alias_max=2)``.
    """

    global_max: int = 1000
    global_window: float = 60.0
    global_key: Literal["ip", "user"] = "ip"
    route_window: float = 86_400.0
    create_domain_max: int = 50
    create_alias_max: int = 300
    generate_alias_password_max: int = 300


@attrs.frozen
class Verdict:
    """One limiter's decision: the headers to send and, if blocked, the 429 to answer with."""

    headers: dict[str, str]
    blocked: web.Response | None


class RateLimiter:
    """Fixed-window counters keyed by ``(limiter, key)``, like the library's Redis keys."""

    def __init__(self) -> None:
        # (limiter name, key) -> [requests let through, window start in epoch ms]
        self._windows: dict[tuple[str, str], list[int]] = {}

    def reset(self) -> None:
        """Forget every window."""
        self._windows.clear()

    def hit(
        self, name: str, key: str, *, limit: int, window: float, now: float, daily: bool
    ) -> Verdict:
        """Count one request against ``limit`` per ``window`` (the current settings, also for
        a window already open); ``daily`` picks the route limiters' message format."""
        now_ms, window_ms = math.floor(now * 1000), round(window * 1000)
        reset = str((now_ms + window_ms) // 1000)
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - 1)),
            "X-RateLimit-Reset": reset,
        }
        state = self._windows.get((name, key))
        if state is None or now_ms >= state[1] + window_ms:
            state = self._windows[(name, key)] = [0, now_ms]
        used, started_ms = state
        if used < limit:
            state[0] = used + 1
            headers["X-RateLimit-Remaining"] = str(limit - used - 1)
            return Verdict(headers, None)
        headers["X-RateLimit-Remaining"] = "0"
        headers["Retry-After"] = reset  # an epoch time, not a delay: the library's quirk
        left = started_ms + window_ms - now_ms
        wait = _ms_long(left) if daily else _dayjs_humanize(left)
        response = text_response(f"Rate limit exceeded, retry in {wait}.", 429)
        response.headers.update(headers)
        return Verdict(headers, response)


def _js_round(value: float) -> int:
    return math.floor(value + 0.5)


def _dayjs_humanize(ms: int) -> str:
    """``dayjs().add(ms, "ms").fromNow(true)`` in English (the global limiter's wording)."""
    value, rounded, chosen, previous = 0.0, 0, "yy", "s"
    for key, largest, unit in _DAYJS_THRESHOLDS:
        if unit is not None:
            value = ms / 1000 / unit
        rounded = _js_round(abs(value))
        if largest is None or rounded <= largest:
            # "1 minutes" reads "a minute"; "0 seconds" reads "a few seconds".
            chosen = previous if rounded <= 1 and key != "s" else key
            break
        previous = key
    return _DAYJS_EN[chosen].replace("%d", str(rounded))


def _ms_long(ms: int) -> str:
    """npm ``ms(value, {long: true})`` (the route limiters' wording)."""
    for unit, name in _MS_UNITS:
        if abs(ms) >= unit:
            plural = "s" if abs(ms) >= unit * 1.5 else ""
            return f"{_js_round(ms / unit)} {name}{plural}"
    return f"{ms} ms"
