"""Date-times as the server writes them (``2024-05-01T12:34:56.789Z``) and as it may."""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

__all__ = ["format_datetime", "parse_datetime", "parse_javascript_datetime"]


@functools.cache
def _iso_datetime() -> re.Pattern[str]:
    """The general ISO-8601 pattern, compiled on first use: the server's own shape never
    needs it, and compiling it at import cost more than the rest of this module."""
    return re.compile(
        r"(\d{4})-(\d{2})-(\d{2})"
        r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
        r"(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)?",
        re.ASCII,
    )


parse_javascript_datetime: Callable[[str], datetime]
"""Parses the shape of JavaScript's ``Date#toJSON`` (``2024-05-01T12:34:56.789Z``). Callers
check the separators and the final ``Z``; this refuses a longer string."""
if sys.version_info >= (3, 11):
    parse_javascript_datetime = datetime.fromisoformat
else:  # pragma: no cover - Python 3.10 does not take "Z", and datetime.replace(tzinfo=...)
    # costs five times the parse, hence "+00:00".
    def parse_javascript_datetime(text: str) -> datetime:
        if len(text) != 24:
            raise ValueError(f"not a JavaScript date-time: {text!r}")
        return datetime.fromisoformat(text[:23] + "+00:00")


def parse_datetime(text: str) -> datetime:
    """Parse an ISO-8601 date-time into an aware UTC datetime, the same on every Python.

    Takes the server's ``2024-05-01T12:34:56.789Z`` and also offsets (``+02:00``, ``+0200``),
    missing seconds or milliseconds, and any number of fraction digits (truncated to
    microseconds). A value without an offset is taken as UTC, a date alone as midnight UTC.
    Raises ``ValueError`` otherwise.
    """
    # Fast path for the exact shape JavaScript's Date#toJSON produces.
    if len(text) == 24 and text[23] == "Z" and text[4:20:3] == "--T::.":
        try:
            return parse_javascript_datetime(text)
        except ValueError:
            pass
    match = _iso_datetime().fullmatch(text)
    if match is None:
        raise ValueError(f"not an ISO-8601 date-time: {text!r}")
    year, month, day, hour, minute, second, fraction, sign, off_hours, off_minutes = match.groups()
    offset = timedelta(hours=int(off_hours or 0), minutes=int(off_minutes or 0))
    parsed = datetime(
        int(year),
        int(month),
        int(day),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        int((fraction or "0")[:6].ljust(6, "0")),
        tzinfo=timezone(-offset if sign == "-" else offset),
    )
    return parsed.astimezone(timezone.utc)


def format_datetime(value: datetime) -> str:
    """Format a datetime as the server does: ``YYYY-MM-DDTHH:MM:SS.mmmZ`` in UTC.

    A naive datetime is taken as UTC; sub-millisecond digits are dropped.
    """
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="milliseconds") + "Z"
