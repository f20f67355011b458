"""The query strings of ``session.messages``: the list filters and the answer-shape toggles."""

from __future__ import annotations

import re

from forwardemail_async._core.params import (
    check_bool,
    check_int,
    check_str,
    date_param,
    query_params,
)
from forwardemail_async._core.routes import Filter

__all__ = ["FILTERS", "shape_query"]

# Flag and state filters, sent as true/false.
BOOLEAN_FILTERS = (
    "is_unread",
    "is_flagged",
    "is_deleted",
    "is_draft",
    "is_junk",
    "is_copied",
    "is_encrypted",
    "is_searchable",
    "is_expired",
    "has_attachment",
)
# What the answer carries (see shape_query), sent as true/false.
SHAPE_TOGGLES = ("lightweight", "raw", "nodemailer", "attachments")
# Keyword argument -> the header name the server matches (a case-insensitive substring).
HEADER_FILTERS = {
    "from_": "from",
    "to": "to",
    "cc": "cc",
    "bcc": "bcc",
    "reply_to": "reply-to",
    "sender": "sender",
    "in_reply_to": "in-reply-to",
    "references": "references",
}
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # RFC 5322 field-name: printable, no ':'


def _header(value: object, name: str) -> str | None:
    """The ``headers`` filter: ``"text"`` (some header's value contains it) or
    ``("X-Priority", "1")`` (that header's value contains ``"1"``).

    The server splits the parameter at ``:`` into name and value and drops anything after a
    second ``:``, so a ``:`` is refused inside the text and the value.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return _no_colon(check_str(value, name), name)
    name, text = _pair(value)
    if not _HEADER_NAME.match(name):
        raise ValueError(f"header name must be printable text without ':' or spaces: {name!r}")
    return f"{name}:{_no_colon(check_str(text, 'header value'), 'header value')}"


def _pair(value: object) -> tuple[str, str]:
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not all(isinstance(part, str) for part in value)
    ):
        raise TypeError("header must be a str or a (name, value) tuple of str")
    return value[0], value[1]


def _no_colon(text: str | None, name: str) -> str:
    if not text or ":" in text:
        raise ValueError(f"{name} must be non-blank text without ':', got {text!r}")
    return text


def _when(value: object, name: str) -> str | None:
    if isinstance(value, str):
        raise TypeError(f"{name} must be a date or datetime, not str")
    return date_param(value, name)


# The filters and answer-shape toggles of GET /v1/messages.
FILTERS = (
    *(Filter(name, check_bool) for name in BOOLEAN_FILTERS),
    *(Filter(name, check_str) for name in ("folder", "subject", "body", "message_id", "search")),
    *(Filter(argument, check_str, header) for argument, header in HEADER_FILTERS.items()),
    Filter("header", _header, "headers"),
    Filter("since", _when),
    Filter("before", _when),
    Filter("min_size", check_int),
    Filter("max_size", check_int),
    *(Filter(name, check_bool) for name in SHAPE_TOGGLES),
)


def shape_query(
    *,
    lightweight: bool | None = None,
    raw: bool | None = None,
    nodemailer: bool | None = None,
    attachments: bool | None = None,
) -> dict[str, str]:
    """What the answer carries: ``lightweight`` drops ``raw`` and ``nodemailer`` for the
    parsed addresses; the others drop one part each when ``False``."""
    toggles = {
        "lightweight": check_bool(lightweight, "lightweight"),
        "raw": check_bool(raw, "raw"),
        "nodemailer": check_bool(nodemailer, "nodemailer"),
        "attachments": check_bool(attachments, "attachments"),
    }
    return query_params(toggles)
