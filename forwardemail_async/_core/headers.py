"""Pure parsers for the response headers the client acts on: pagination, Link, rate limits.

Nothing here does I/O; every function takes header values (and the current time where it
matters) and returns plain values, so each can be tested on its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import timezone
from email.utils import parsedate_to_datetime

import attrs

__all__ = [
    "PageInfo",
    "RateLimitInfo",
    "parse_link_header",
    "parse_page_info",
    "parse_rate_limit",
    "parse_retry_after",
    "seconds_until_reset",
    "server_time",
]

# A Retry-After or reset value above this is an absolute Unix time, not a delay. The real
# server sends `Retry-After: <epoch seconds>` (koa-simple-ratelimit); RFC 9110 says
# delta-seconds. No real delay is 31 years long, so the two cannot be confused.
_EPOCH_THRESHOLD = 1_000_000_000

# Compiled on the first Link header (and cached by ``re``), not at import.
_LINK_ENTRY = r"<([^>]*)>\s*((?:;\s*[^,;<]*)*)"
_REL = r"""rel\s*=\s*"?([^";,]+)"?"""


@attrs.frozen(kw_only=True)
class PageInfo:
    """What the ``X-Page-*`` headers say about one page of a list.

    ``page_size`` is the number of items on this page as the server reports it (at least 1,
    even for an empty page, which is one of the server's quirks); ``None`` means the header
    was missing or unreadable.
    """

    page: int | None = None
    page_count: int | None = None
    page_size: int | None = None
    item_count: int | None = None


@attrs.frozen(kw_only=True)
class RateLimitInfo:
    """The ``X-RateLimit-*`` headers of one response.

    ``reset`` is the Unix time the server gives. The real server always sends "now + window"
    there, so it is an upper bound on the real reset, not the reset itself.
    """

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    # The server can send "Infinity" or "NaN" (limit=0 requests); treat those as unknown.
    if not math.isfinite(number) or number < 0:
        return None
    return int(number)


def parse_page_info(headers: Mapping[str, str]) -> PageInfo:
    """Read ``X-Page-Current``, ``X-Page-Count``, ``X-Page-Size`` and ``X-Item-Count``."""
    return PageInfo(
        page=_int_header(headers, "X-Page-Current"),
        page_count=_int_header(headers, "X-Page-Count"),
        page_size=_int_header(headers, "X-Page-Size"),
        item_count=_int_header(headers, "X-Item-Count"),
    )


def parse_link_header(value: str | None) -> dict[str, str]:
    """Map each ``rel`` of a ``Link`` header to its URL, tolerating the server's bugs.

    The real server writes ``<https://...?page=1)>; rel="last"``: a stray ``)`` inside the
    brackets, a wrong page number on ``last`` and a ``next`` that depends on the page size
    rather than the page count. We strip the stray ``)`` and return what is there; callers use
    it only when the ``X-Page-*`` headers are missing. Garbage yields an empty mapping.
    """
    links: dict[str, str] = {}
    if not value:
        return links
    for match in re.finditer(_LINK_ENTRY, value):
        url = match.group(1).strip()
        if url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        for rel_match in re.finditer(_REL, match.group(2), re.IGNORECASE):
            for rel in rel_match.group(1).split():
                links.setdefault(rel.lower(), url)
    return links


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait according to a ``Retry-After`` value, or ``None`` if unusable.

    Accepts delta-seconds (``"120"``, ``"1.5"``), an HTTP-date, and an absolute Unix time
    (what the real server sends). Never negative.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return _seconds_until_http_date(text, now=now)
    if not math.isfinite(number) or number < 0:
        return None
    if number >= _EPOCH_THRESHOLD:
        return max(0.0, number - now)
    return number


def _seconds_until_http_date(text: str, *, now: float) -> float | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        # RFC 9110 HTTP-dates are always GMT; parsedate_to_datetime leaves "-0000" naive.
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimitInfo | None:
    """Read ``X-RateLimit-Limit/Remaining/Reset``; ``None`` when none of them is present."""
    limit = _int_header(headers, "X-RateLimit-Limit")
    remaining = _int_header(headers, "X-RateLimit-Remaining")
    reset_raw = headers.get("X-RateLimit-Reset")
    reset: float | None = None
    if reset_raw is not None:
        try:
            reset_value = float(reset_raw.strip())
        except ValueError:
            reset_value = math.nan
        if math.isfinite(reset_value) and reset_value >= 0:
            reset = reset_value
    if limit is None and remaining is None and reset is None:
        return None
    return RateLimitInfo(limit=limit, remaining=remaining, reset=reset)


def seconds_until_reset(info: RateLimitInfo | None, *, now: float) -> float | None:
    """Seconds until ``X-RateLimit-Reset`` (an epoch time, or a delay if small)."""
    if info is None or info.reset is None:
        return None
    if info.reset >= _EPOCH_THRESHOLD:
        return max(0.0, info.reset - now)
    return info.reset


def server_time(headers: Mapping[str, str]) -> float | None:
    """The server's clock at the time of the answer (its ``Date`` header), or ``None``."""
    value = headers.get("Date")
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()
