"""Nodemailer's message fields from typed arguments: the JSON body of ``POST /v1/emails``
(``client.emails.create``) and the message part of ``POST /v1/messages``
(``session.messages.create``), which the server reads with the same code.

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

from forwardemail_async._core.params import (
    check_bool,
    check_str,
    date_param,
    drop_none,
    required_str,
)

from ._schema import Encoder, Field, Schema

__all__ = ["Address", "Addresses", "AttachmentSource", "EmailAttachment", "build_email_body"]

Address = str | Mapping[str, str]
"""``"me@example.com"``, ``"Name <me@example.com>"``, a comma-separated list of those, or a
Nodemailer address object ``{"name": "Name", "address": "me@example.com"}``."""
Addresses = Address | Sequence[Address]
"""One :data:`Address` or a list of them."""

_FORBIDDEN_SOURCES = ("path", "href")
_DSN_KEYS = frozenset({"id", "return", "notify", "recipient"})
_HEADER_BREAKS = ("\r", "\n", "\x00")

# The arguments that address a raw message's envelope when it is sent, and those that are
# delivery options rather than message content; every other field shapes the generated
# message, which `raw=` replaces.
_ENVELOPE_FIELDS = ("from_", "to", "cc", "bcc")
_DELIVERY_OPTIONS = ("raw", "require_tls", "dsn")


@attrs.frozen(kw_only=True)
class EmailAttachment:
    """One attachment for :meth:`~forwardemail_async.EmailsService.create` (and
    ``session.messages.create``).

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
            "contentDisposition": check_str(self.content_disposition, "content_disposition"),
        }
        data.update(drop_none(optional))
        return data


AttachmentSource = EmailAttachment | bytes | os.PathLike[str] | Mapping[str, Any]
"""An :class:`EmailAttachment`, raw bytes, a file path (``pathlib.Path``), or a Nodemailer
attachment object with inline ``content`` (bytes ``content`` is sent base64-encoded)."""


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
        data = _nodemailer_object(item, f"attachments[{index}]")
        if isinstance(data.get("content"), (bytes, bytearray)):
            data.update(content=base64.b64encode(data["content"]).decode(), encoding="base64")
        return data
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


def _addresses(
    value: object, name: str
) -> str | dict[str, str] | list[str | dict[str, str]] | None:
    """One address (text or Nodemailer address object) or a list of them, as given."""
    if value is None:
        return None
    if isinstance(value, (str, Mapping)):
        return _address(value, name)
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return [_address(item, name) for item in value]
    raise TypeError(
        f"{name} must be an address, an address object or a list of them, "
        f"not {type(value).__name__}"
    )


def _address(value: object, name: str) -> str | dict[str, str]:
    if not isinstance(value, Mapping):
        return _filled_header_text(value, name)
    if set(value) - {"name", "address"} or not isinstance(value.get("address"), str):
        raise ValueError(f"{name} address objects take 'address' and an optional 'name': {value!r}")
    _filled_header_text(value["address"], name)
    _header_text(value.get("name"), f"{name} name")
    return dict(value)


def _references(value: object, name: str) -> str | list[str] | None:
    """Message-IDs: one (or a space-separated list of them) or a list."""
    if value is None or isinstance(value, str):
        return None if value is None else _filled_header_text(value, "references")
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return [_filled_header_text(item, "references") for item in value]
    raise TypeError(f"references must be a str or a list of str, not {type(value).__name__}")


def _header_text(value: object, name: str) -> str | None:
    text = check_str(value, name)
    if text is not None and any(c in text for c in _HEADER_BREAKS):
        raise ValueError(f"{name} must not contain CR, LF or NUL")
    return text


def _filled_header_text(value: object, name: str) -> str:
    text = _header_text(value, name)
    if text is None or not text.strip():
        raise ValueError(f"{name} must not be blank")
    return text


def _headers(value: object, name: str) -> dict[str, Any] | None:
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


def _dsn(value: object, name: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"dsn must be a mapping, not {type(value).__name__}")
    unknown = set(value) - _DSN_KEYS
    if unknown:
        raise ValueError(f"dsn takes only {sorted(_DSN_KEYS)}, not {sorted(map(str, unknown))}")
    return dict(value)


def _ical_event(value: object, name: str) -> dict[str, Any] | None:
    if value is None or isinstance(value, str):
        return None if value is None else {"content": value}
    if isinstance(value, Mapping):
        return _nodemailer_object(value, "ical_event")
    raise TypeError(f"ical_event must be a str or a mapping, not {type(value).__name__}")


def _alternatives(value: object, name: str) -> list[dict[str, Any]] | None:
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


def _raw(value: object, name: str) -> str:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError("raw must be UTF-8 text (JSON cannot carry other bytes)") from exc
    return required_str(value, "raw")


def _attachment_list(value: object, name: str) -> list[object]:
    """The attachments as a list; each is read and encoded by :func:`build_email_body`."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list")
    return list(value)


def _list_headers(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping such as {{'unsubscribe': 'https://...'}}")
    return dict(value)


def _field(name: str, annotation: str, encode: Encoder, key: str | None = None) -> Field[None]:
    return Field(name=name, annotation=annotation, encode=encode, wire=(key,) if key else ())


_ADDRESS = "Address | None"
_ADDRESSES = "Addresses | None"
_STR = "str | None"

EMAIL_FIELDS: Schema[None] = Schema(
    (
        _field("from_", _ADDRESSES, _addresses, "from"),
        _field("to", _ADDRESSES, _addresses),
        _field("cc", _ADDRESSES, _addresses),
        _field("bcc", _ADDRESSES, _addresses),
        _field("subject", _STR, _header_text),
        _field("text", _STR, check_str),
        _field("html", _STR, check_str),
        _field("attachments", "Sequence[AttachmentSource] | None", _attachment_list),
        _field("sender", _ADDRESS, _addresses),
        _field("reply_to", _ADDRESSES, _addresses, "replyTo"),
        _field("in_reply_to", _STR, _header_text, "inReplyTo"),
        _field("references", "str | Sequence[str] | None", _references),
        _field("headers", "Mapping[str, str | Sequence[str]] | None", _headers),
        _field("message_id", _STR, _header_text, "messageId"),
        _field("date", "datetime | date | str | None", date_param),
        _field("list_", "Mapping[str, Any] | None", _list_headers, "list"),
        _field("attach_data_urls", "bool | None", check_bool, "attachDataUrls"),
        _field("watch_html", _STR, check_str, "watchHtml"),
        _field("amp", _STR, check_str),
        _field("ical_event", "str | Mapping[str, Any] | None", _ical_event, "icalEvent"),
        _field("alternatives", "Sequence[Mapping[str, Any]] | None", _alternatives),
        _field("encoding", _STR, check_str),
        # Which encodings, newlines and priorities exist is Nodemailer's (the server's) to say.
        _field(
            "text_encoding",
            "Literal['quoted-printable', 'base64'] | None",
            check_str,
            "textEncoding",
        ),
        _field("newline", "Literal['\\r\\n', '\\n', 'windows', 'unix'] | None", check_str),
        _field("priority", "Literal['high', 'normal', 'low'] | None", check_str),
        _field("require_tls", "bool | None", check_bool, "requireTLS"),
        _field("dsn", "Mapping[str, Any] | None", _dsn),
        _field("raw", "str | bytes | None", _raw),
    )
)
"""Nodemailer's message fields, in ``emails.create``'s order; ``messages.create`` takes a
subset. Each goes under its camelCase key where Nodemailer's differs (``reply_to`` →
``replyTo``)."""
_CONTENT_FIELDS = tuple(
    name for name in EMAIL_FIELDS.names if name not in (*_ENVELOPE_FIELDS, *_DELIVERY_OPTIONS)
)


async def build_email_body(arguments: Mapping[str, Any], *, sending: bool) -> dict[str, Any]:
    """Check a ``create()`` call's message fields and return them as JSON; nothing is sent here.

    ``arguments`` is the method's ``locals()``; a field the method does not take reads as
    ``None``. ``sending`` (``POST /v1/emails``) needs a sender and a recipient unless ``raw``
    is given, and lets ``from_``/``to``/``cc``/``bcc`` set the envelope of a raw message. A
    stored message (``POST /v1/messages``) is a draft that needs neither, but some content;
    with no envelope to set, ``raw`` is then the only field.
    """
    get = arguments.get
    raw = get("raw")
    if raw is not None:
        replaced = _CONTENT_FIELDS if sending else (*_ENVELOPE_FIELDS, *_CONTENT_FIELDS)
        given = [name for name in replaced if get(name) is not None]
        if given:
            raise ValueError(
                f"raw= replaces the generated message; do not also pass {', '.join(given)}"
            )
    body: dict[str, Any] = EMAIL_FIELDS.body(arguments, creating=True)
    if raw is None and sending:
        if not body.get("from"):
            raise ValueError("from_ is required (the address the email is sent from)")
        if not any(body.get(key) for key in ("to", "cc", "bcc")):
            raise ValueError("at least one recipient is required in to, cc or bcc")
    if "attachments" in body:
        body["attachments"] = [
            await _attachment(item, index) for index, item in enumerate(body["attachments"])
        ]
    if not body:
        raise ValueError("create() needs raw= or message fields (from_, to, subject, text...)")
    return body
