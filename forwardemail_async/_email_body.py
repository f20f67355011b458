"""The JSON body of ``POST /v1/emails`` from typed arguments: Nodemailer's message fields.

Python names map to Nodemailer's camelCase keys (``reply_to`` → ``replyTo``). Attachments
travel inline and base64-encoded: the server refuses ``path`` and ``href`` (it never reads
files or URLs), so files are read here.
"""

from __future__ import annotations

import asyncio
import base64
import mimetypes
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from ._params import check_bool, check_choice, check_str, date_param

__all__ = ["Addresses", "AttachmentSource", "EmailAttachment", "build_email_body"]

Addresses = str | Sequence[str]
"""One address, a comma-separated list, or a list; ``"Name <me@example.com>"`` works."""

# The server's body limit for /v1/emails; base64 makes attachments a third larger.
_MAX_BODY_BYTES = 51 * 1024 * 1024
_FORBIDDEN_SOURCES = ("path", "href")
_DSN_KEYS = frozenset({"id", "return", "notify", "recipient"})
_HEADER_BREAKS = ("\r", "\n", "\x00")

# Python argument -> JSON key, for the fields that take one string: header values (which must
# not hold line breaks) and content.
_HEADER_FIELDS = {
    "subject": "subject",
    "sender": "sender",
    "in_reply_to": "inReplyTo",
    "message_id": "messageId",
}
_TEXT_FIELDS = {
    "text": "text",
    "html": "html",
    "watch_html": "watchHtml",
    "amp": "amp",
    "encoding": "encoding",
}
# Fields that shape the generated message, which `raw=` replaces.
_CONTENT_FIELDS = (
    *_HEADER_FIELDS,
    *_TEXT_FIELDS,
    "attachments",
    "reply_to",
    "references",
    "headers",
    "date",
    "list_",
    "attach_data_urls",
    "ical_event",
    "alternatives",
    "text_encoding",
    "newline",
    "priority",
)


@attrs.frozen(kw_only=True)
class EmailAttachment:
    """One attachment for :meth:`~forwardemail_async.EmailsService.create`.

    ``content`` is bytes (sent base64-encoded) or text. ``cid`` makes it an inline image
    referenced as ``<img src="cid:...">``. :meth:`from_path` reads a file.
    """

    content: bytes | str = attrs.field(repr=False)
    filename: str | None = None
    content_type: str | None = None
    cid: str | None = None
    content_disposition: Literal["attachment", "inline"] | None = None

    @classmethod
    def from_path(
        cls,
        path: str | os.PathLike[str],
        *,
        filename: str | None = None,
        content_type: str | None = None,
        cid: str | None = None,
    ) -> EmailAttachment:
        """Read a file; the name and media type default to the file's."""
        file = Path(path)
        guessed, _ = mimetypes.guess_type(file.name)
        return cls(
            content=file.read_bytes(),
            filename=filename or file.name,
            content_type=content_type or guessed,
            cid=cid,
        )

    def to_json(self) -> dict[str, Any]:
        """The Nodemailer attachment object."""
        data: dict[str, Any] = {}
        if isinstance(self.content, bytes):
            data.update(content=base64.b64encode(self.content).decode(), encoding="base64")
        elif isinstance(self.content, str):
            data["content"] = self.content
        else:
            raise TypeError("attachment content must be bytes or str")
        optional = {
            "filename": check_str(self.filename, "filename"),
            "contentType": check_str(self.content_type, "content_type"),
            "cid": check_str(self.cid, "cid"),
            "contentDisposition": check_choice(
                self.content_disposition, "content_disposition", ("attachment", "inline")
            ),
        }
        data.update({key: value for key, value in optional.items() if value is not None})
        return data


AttachmentSource = EmailAttachment | bytes | os.PathLike[str] | Mapping[str, Any]
"""An :class:`EmailAttachment`, raw bytes, a file path (``pathlib.Path``), or a Nodemailer
attachment object with inline ``content``."""


async def _attachment(item: object, index: int) -> dict[str, Any]:
    if isinstance(item, EmailAttachment):
        return item.to_json()
    if isinstance(item, (bytes, bytearray)):
        return EmailAttachment(content=bytes(item)).to_json()
    if isinstance(item, os.PathLike):
        # Reading may take a while for big files; keep the event loop free meanwhile.
        loaded = await asyncio.to_thread(EmailAttachment.from_path, item)
        return loaded.to_json()
    if isinstance(item, Mapping):
        return _nodemailer_object(item, f"attachments[{index}]")
    raise TypeError(
        f"attachments[{index}] must be an EmailAttachment, bytes, a pathlib.Path or a mapping, "
        f"not {type(item).__name__} (a str is ambiguous: wrap a file name in pathlib.Path)"
    )


def _nodemailer_object(item: Mapping[str, Any], what: str) -> dict[str, Any]:
    if not all(isinstance(key, str) for key in item):
        raise TypeError(f"{what} must have str keys")
    if any(key in item for key in _FORBIDDEN_SOURCES):
        raise ValueError(
            f"{what} cannot use 'path' or 'href' (the server never reads files or URLs); "
            "pass the content, or a pathlib.Path to read the file here"
        )
    return dict(item)


def _addresses(value: object, name: str) -> str | list[str] | None:
    if value is None or isinstance(value, str):
        return _header_text(value, name)
    if isinstance(value, Sequence):
        items = [_header_text(item, name) for item in value]
        if not all(items):
            raise ValueError(f"{name} must not contain blank addresses")
        return [item for item in items if item is not None]
    raise TypeError(f"{name} must be a str or a list of str, not {type(value).__name__}")


def _header_text(value: object, name: str) -> str | None:
    text = check_str(value, name)
    if text is not None and any(c in text for c in _HEADER_BREAKS):
        raise ValueError(f"{name} must not contain CR, LF or NUL")
    return text


def _headers(value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"headers must be a mapping, not {type(value).__name__}")
    checked: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key or ":" in key or " " in key:
            raise ValueError(f"invalid header name {key!r}")
        _header_text(key, "header names")
        if isinstance(item, str):
            checked[key] = _header_text(item, f"header {key!r}")
        elif isinstance(item, Sequence):
            checked[key] = [_header_text(part, f"header {key!r}") for part in item]
        else:
            raise TypeError(f"header {key!r} must be a str or a list of str")
    return checked


def _dsn(value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"dsn must be a mapping, not {type(value).__name__}")
    unknown = set(value) - _DSN_KEYS
    if unknown:
        raise ValueError(f"dsn takes only {sorted(_DSN_KEYS)}, not {sorted(map(str, unknown))}")
    check_choice(value.get("return"), "dsn['return']", ("headers", "full"))
    return dict(value)


def _ical_event(value: object) -> dict[str, Any] | None:
    if value is None or isinstance(value, str):
        return None if value is None else {"content": value}
    if isinstance(value, Mapping):
        return _nodemailer_object(value, "ical_event")
    raise TypeError(f"ical_event must be a str or a mapping, not {type(value).__name__}")


def _alternatives(value: object) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError("alternatives must be a list of mappings")
    result = []
    for index, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise TypeError(f"alternatives[{index}] must be a mapping")
        result.append(_nodemailer_object(item, f"alternatives[{index}]"))
    return result


def _raw(value: object) -> str:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError("raw must be UTF-8 text (JSON cannot carry other bytes)") from exc
    text = check_str(value, "raw")
    if not text or not text.strip():
        raise ValueError("raw must not be blank")
    return text


async def build_email_body(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Check the arguments of ``create()`` and return the JSON body; nothing is sent here."""
    body: dict[str, Any] = {}
    for name, key in (("from_", "from"), ("to", "to"), ("cc", "cc"), ("bcc", "bcc")):
        body[key] = _addresses(arguments[name], name)
    raw = arguments["raw"]
    if raw is not None:
        given = [name for name in _CONTENT_FIELDS if arguments[name] is not None]
        if given:
            raise ValueError(
                f"raw= replaces the generated message; do not also pass {', '.join(given)}"
            )
        body["raw"] = _raw(raw)
    else:
        if not body["from"]:
            raise ValueError("from_ is required (the address the email is sent from)")
        if not any(body[key] for key in ("to", "cc", "bcc")):
            raise ValueError("at least one recipient is required in to, cc or bcc")
    for name, key in _HEADER_FIELDS.items():
        body[key] = _header_text(arguments[name], name)
    for name, key in _TEXT_FIELDS.items():
        body[key] = check_str(arguments[name], name)
    body["replyTo"] = _addresses(arguments["reply_to"], "reply_to")
    body["references"] = _addresses(arguments["references"], "references")
    body["headers"] = _headers(arguments["headers"])
    body["date"] = date_param(arguments["date"], "date")
    list_headers = arguments["list_"]
    if list_headers is not None and not isinstance(list_headers, Mapping):
        raise TypeError("list_ must be a mapping such as {'unsubscribe': 'https://...'}")
    body["list"] = None if list_headers is None else dict(list_headers)
    body["attachDataUrls"] = check_bool(arguments["attach_data_urls"], "attach_data_urls")
    body["icalEvent"] = _ical_event(arguments["ical_event"])
    body["alternatives"] = _alternatives(arguments["alternatives"])
    body["textEncoding"] = check_choice(
        arguments["text_encoding"], "text_encoding", ("quoted-printable", "base64")
    )
    body["newline"] = check_choice(
        arguments["newline"], "newline", ("\r\n", "\n", "windows", "unix")
    )
    body["priority"] = check_choice(arguments["priority"], "priority", ("high", "normal", "low"))
    body["requireTLS"] = check_bool(arguments["require_tls"], "require_tls")
    body["dsn"] = _dsn(arguments["dsn"])
    attachments = arguments["attachments"]
    if attachments is not None:
        if isinstance(attachments, (str, bytes, Mapping)) or not isinstance(attachments, Sequence):
            raise TypeError("attachments must be a list")
        body["attachments"] = [
            await _attachment(item, index) for index, item in enumerate(attachments)
        ]
        size = sum(len(str(item.get("content", ""))) for item in body["attachments"])
        if size > _MAX_BODY_BYTES:
            raise ValueError(
                "attachments are too large: the server takes at most 51 MB per request "
                "(about 38 MB before base64 encoding)"
            )
    return {key: value for key, value in body.items() if value is not None}
