"""The query strings of ``session.messages``: the list filters and the answer-shape toggles."""

from __future__ import annotations

import re
from collections.abc import Mapping

from forwardemail_async._core.params import (
    check_bool,
    check_int,
    check_str,
    date_param,
    query_params,
)

__all__ = ["BOOLEAN_FILTERS", "HEADER_FILTERS", "filter_query", "shape_query"]

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


def _header(value: object) -> str | None:
    """The ``headers`` filter: ``"text"`` (some header's value contains it) or
    ``("X-Priority", "1")`` (that header's value contains ``"1"``).

    The server splits the parameter at ``:`` into name and value and drops anything after a
    second ``:``, so a ``:`` is refused inside the text and the value.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return _no_colon(check_str(value, "header"), "header")
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


def filter_query(arguments: Mapping[str, object]) -> dict[str, str]:
    """The list filters among a method's ``locals()``, checked, as query parameters."""
    query: dict[str, object] = {name: check_bool(arguments[name], name) for name in BOOLEAN_FILTERS}
    for name in ("folder", "subject", "body", "message_id", "search"):
        query[name] = check_str(arguments[name], name)
    for argument, header in HEADER_FILTERS.items():
        query[header] = check_str(arguments[argument], argument)
    query["headers"] = _header(arguments["header"])
    query["since"] = _when(arguments["since"], "since")
    query["before"] = _when(arguments["before"], "before")
    query.update(
        min_size=check_int(arguments["min_size"], "min_size"),
        max_size=check_int(arguments["max_size"], "max_size"),
    )
    return query_params(query)


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
