"""The body of ``session.messages.create``: Nodemailer message fields, or a raw message.

The server builds the RFC 822 message with Nodemailer's MailComposer, so the keys are
Nodemailer's (``replyTo``, ``messageId``...). File and URL access is disabled there, so
attachments carry their content inline.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Literal

from ._params import check_choice, check_str, date_param, drop_none

__all__ = ["Address", "Addresses", "Attachment", "Priority", "compose_body"]

Address = str | Mapping[str, str]
"""``"a@example.com"``, ``"Name <a@example.com>"`` or ``{"name": ..., "address": ...}``."""
Addresses = Address | Sequence[Address]
Attachment = Mapping[str, str | bytes]
"""``{"filename": ..., "content": str | bytes, "contentType": ..., "cid": ...}``; bytes
content is sent base64-encoded."""
Priority = Literal["high", "normal", "low"]

# Keyword argument -> Nodemailer key, for the address fields.
ADDRESS_FIELDS = {
    "from_": "from",
    "to": "to",
    "cc": "cc",
    "bcc": "bcc",
    "reply_to": "replyTo",
    "sender": "sender",
}
_TEXT_FIELDS = {
    "subject": "subject",
    "text": "text",
    "html": "html",
    "message_id": "messageId",
    "in_reply_to": "inReplyTo",
}
_ATTACHMENT_KEYS = frozenset({"filename", "content", "contentType", "cid", "encoding"})
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")


def _address(value: object, name: str) -> str | dict[str, str]:
    if isinstance(value, str):
        if not value.strip() or "@" not in value:
            raise ValueError(f"{name} must hold email addresses, got {value!r}")
        return value
    if isinstance(value, Mapping):
        if not isinstance(value.get("address"), str) or set(value) - {"name", "address"}:
            raise ValueError(f"{name} entries take 'address' and an optional 'name': {value!r}")
        return dict(value)
    raise TypeError(f"{name} must be a str, a mapping or a list of them")


def _addresses(value: object, name: str) -> object:
    if value is None or isinstance(value, (str, Mapping)):
        return None if value is None else _address(value, name)
    if not isinstance(value, Sequence) or not value:
        raise TypeError(f"{name} must be an address or a non-empty list of addresses")
    return [_address(item, name) for item in value]


def _headers(value: object) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError("headers must be a mapping of header names to values")
    for key, text in value.items():
        if not isinstance(key, str) or not _HEADER_NAME.match(key):
            raise ValueError(f"invalid header name {key!r}")
        if not isinstance(text, str) or "\r" in text or "\n" in text:
            raise ValueError(f"header {key!r} must be a single-line str")
    return dict(value)


def _attachment(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping) or "content" not in value:
        raise TypeError("each attachment must be a mapping with inline 'content'")
    unknown = set(value) - _ATTACHMENT_KEYS
    if unknown:
        raise ValueError(
            f"unsupported attachment keys {sorted(unknown)} (the server refuses path/href)"
        )
    result: dict[str, str] = {}
    for key, item in value.items():
        if isinstance(item, bytes) and key == "content":
            result["content"] = base64.b64encode(item).decode("ascii")
            result["encoding"] = "base64"
        elif isinstance(item, str):
            result[key] = item
        else:
            raise TypeError(f"attachment {key!r} must be a str (content may be bytes)")
    return result


def _raw(value: object) -> str:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError("raw bytes must be UTF-8 text (the body travels as JSON)") from exc
    text = check_str(value, "raw")
    if text is None or not text.strip():
        raise ValueError("raw must not be blank")
    return text


def _references(value: object) -> str | list[str] | None:
    if value is None or isinstance(value, str):
        return check_str(value, "references")
    if isinstance(value, Sequence) and all(isinstance(item, str) for item in value):
        return list(value)
    raise TypeError("references must be a str or a list of str")


def compose_body(arguments: Mapping[str, object]) -> dict[str, object]:
    """The message part of the body from a method's ``locals()``: ``raw`` alone, or fields."""
    fields: dict[str, object] = {
        key: _addresses(arguments[argument], argument) for argument, key in ADDRESS_FIELDS.items()
    }
    fields.update(
        {key: check_str(arguments[argument], argument) for argument, key in _TEXT_FIELDS.items()}
    )
    date = arguments["date"]
    if date is not None and not isinstance(date, datetime):
        raise TypeError("date must be a datetime")
    attachments = arguments["attachments"]
    if attachments is not None and (
        isinstance(attachments, (str, bytes, Mapping)) or not isinstance(attachments, Sequence)
    ):
        raise TypeError("attachments must be a list of mappings")
    fields.update(
        headers=_headers(arguments["headers"]),
        references=_references(arguments["references"]),
        date=date_param(date, "date"),
        attachments=None if attachments is None else [_attachment(a) for a in attachments],
        priority=check_choice(arguments["priority"], "priority", ("high", "normal", "low")),
    )
    body = drop_none(fields)
    if arguments["raw"] is not None:
        if body:
            raise ValueError(f"raw is the whole message; do not also pass {sorted(body)}")
        return {"raw": _raw(arguments["raw"])}
    if not body:
        raise ValueError("create() needs raw= or message fields (from_, to, subject, text...)")
    return body
