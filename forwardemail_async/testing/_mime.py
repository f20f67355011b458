"""The message side of ``POST /v1/emails``: Nodemailer's options checked as the server does
(get-nodemailer-message-from-request.js), then composed into an RFC 822 message with the
standard library, or taken as is from ``raw``.

Composition approximates Nodemailer (header order, multipart layout); what matters to the
queue rules is exact: the envelope, the From header, the Message-ID, the Date and the Subject.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import mimetypes
import random
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import Parser
from typing import Any

import attrs

from . import _phrases as phrases
from ._boom import BoomError
from ._text import format_phrase

__all__ = ["Composed", "compose", "nodemailer_message"]

# The options the server picks from the body; anything else is ignored.
_PICKED = (
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "text",
    "html",
    "attachments",
    "sender",
    "replyTo",
    "inReplyTo",
    "references",
    "attachDataUrls",
    "watchHtml",
    "amp",
    "icalEvent",
    "alternatives",
    "encoding",
    "raw",
    "textEncoding",
    "priority",
    "headers",
    "messageId",
    "date",
    "list",
    "newline",
    "requireTLSExtensionEnabled",
    "requireTLS",
    "dsn",
)
_DSN_FIELDS = ("id", "return", "notify", "recipient")
# Node's Buffer encodings; others raise ERR_UNKNOWN_ENCODING.
_BINARY_ENCODINGS = {"base64": base64.b64decode, "base64url": base64.urlsafe_b64decode}
_TEXT_ENCODINGS = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "ascii": "ascii",
    "latin1": "latin-1",
    "binary": "latin-1",
    "ucs2": "utf-16-le",
    "ucs-2": "utf-16-le",
    "utf16le": "utf-16-le",
    "utf-16le": "utf-16-le",
}
_PRIORITY_HEADERS = {
    "high": ("1 (Highest)", "High", "High"),
    "low": ("5 (Lowest)", "Low", "Low"),
}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_HEADER_END = re.compile(r"\r?\n\r?\n")


@attrs.frozen
class Composed:
    """A message ready for the queue: the RFC 822 text and what the queue reads from it."""

    raw: str
    headers: dict[str, str]
    envelope_from: str | None
    envelope_to: list[str]
    from_addresses: list[str]
    message_id: str
    date: float | None
    subject: str


def nodemailer_message(body: dict[str, Any]) -> dict[str, Any]:
    """get-nodemailer-message-from-request.js: pick the options, then its 400s."""
    message = {key: body[key] for key in _PICKED if key in body}
    tls = message.pop("requireTLSExtensionEnabled", None)
    if tls:
        message["requireTLS"] = tls
    if "dsn" in message:
        if not isinstance(message["dsn"], dict):
            raise BoomError(400, phrases.DSN_MUST_BE_OBJECT)
        message["dsn"] = {k: v for k, v in message["dsn"].items() if k in _DSN_FIELDS}
    attachments = message.get("attachments", [])
    if not isinstance(attachments, list):
        raise BoomError(400, phrases.ATTACHMENTS_MUST_BE_ARRAY)
    if not all(isinstance(item, dict) for item in attachments):
        raise BoomError(400, phrases.ATTACHMENTS_MUST_BE_OBJECTS)
    if any(item.get("path") or item.get("href") for item in attachments):
        raise BoomError(400, phrases.ATTACHMENTS_NO_PATH_OR_HREF)
    for key in ("text", "html", "watchHtml"):
        value = message.get(key)
        if isinstance(value, dict) and (value.get("path") or value.get("href")):
            raise BoomError(400, format_phrase(phrases.CONTENT_NO_PATH_OR_HREF, key))
    return message


def compose(message: dict[str, Any], *, now: float, rng: random.Random) -> Composed:
    """The message Nodemailer would stream, and its envelope."""
    raw = message.get("raw")
    if isinstance(raw, str) and raw.strip():
        return _from_raw(raw, message, rng=rng)
    try:
        built = _build(message, now=now, rng=rng)
    except (ValueError, TypeError, IndexError) as exc:
        raise BoomError(400, str(exc) or "Invalid message") from None
    # Nodemailer's envelope sender is `sender` when given, else `from`.
    senders = _addresses(message.get("sender")) or _addresses(message.get("from"))
    return _composed(
        built.as_string(),
        envelope_from=senders[0] if senders else None,
        envelope_to=_recipients(message),
        rng=rng,
    )


def _build(message: dict[str, Any], *, now: float, rng: random.Random) -> EmailMessage:
    built = EmailMessage(policy=policy.SMTP)
    for header, key in (("From", "from"), ("Sender", "sender"), ("To", "to"), ("Cc", "cc")):
        addresses = _addresses(message.get(key))
        if addresses:
            built[header] = ", ".join(addresses)
    reply_to = _addresses(message.get("replyTo"))
    if reply_to:
        built["Reply-To"] = ", ".join(reply_to)
    if _text(message.get("inReplyTo")):
        built["In-Reply-To"] = _bracketed(message["inReplyTo"])
    references = message.get("references")
    if isinstance(references, str):
        references = references.split()
    if isinstance(references, list) and references:
        built["References"] = " ".join(_bracketed(str(ref)) for ref in references)
    built["Subject"] = _text(message.get("subject"))
    given_id = _text(message.get("messageId"))
    domain = _domain_of((_addresses(message.get("from")) or ["localhost"])[0])
    built["Message-ID"] = _bracketed(given_id) if given_id else _new_message_id(domain, rng)
    built["Date"] = email.utils.formatdate(_date(message.get("date")) or now, usegmt=True)
    _priority(built, message.get("priority"))
    _list_headers(built, message.get("list"))
    _content(built, message)
    for name, value in (message.get("headers") or {}).items():
        del built[name]  # Nodemailer's setHeader replaces a header of the same name
        for item in value if isinstance(value, list) else [value]:
            built[name] = str(item)
    for part in built.walk():
        if part.is_multipart():
            part.set_boundary(f"_fake_{rng.getrandbits(64):016x}")
    return built


def _content(built: EmailMessage, message: dict[str, Any]) -> None:
    text, html = _text(message.get("text")), _text(message.get("html"))
    if text or not html:
        built.set_content(text)
    if html:
        if text:
            built.add_alternative(html, subtype="html")
        else:
            built.set_content(html, subtype="html")
    for key, subtype in (("amp", "x-amp-html"), ("watchHtml", "watch-html")):
        if _text(message.get(key)):
            built.add_alternative(_text(message[key]), subtype=subtype)
    event = message.get("icalEvent")
    if isinstance(event, str):
        event = {"content": event}
    if isinstance(event, dict) and _text(event.get("content")):
        method = str(event.get("method") or "PUBLISH").upper()
        built.add_alternative(event["content"], subtype="calendar", params={"method": method})
    for alternative in message.get("alternatives") or []:
        if isinstance(alternative, dict):
            maintype, subtype = _media_type(alternative.get("contentType"), None)
            built.add_alternative(_payload(alternative), maintype=maintype, subtype=subtype)
    for attachment in message.get("attachments") or []:
        maintype, subtype = _media_type(attachment.get("contentType"), attachment.get("filename"))
        options: dict[str, Any] = {"maintype": maintype, "subtype": subtype}
        if _text(attachment.get("filename")):
            options["filename"] = attachment["filename"]
        if _text(attachment.get("cid")):
            options["cid"] = _bracketed(attachment["cid"])
        if attachment.get("contentDisposition") == "inline":
            options["disposition"] = "inline"
        built.add_attachment(_payload(attachment), **options)


def _payload(part: dict[str, Any]) -> bytes:
    """An attachment's bytes from ``content`` and ``encoding``, as Node's Buffer decodes."""
    content = part.get("content")
    if content is None:
        return b""
    if not isinstance(content, str):
        raise TypeError("attachment content must be a string")
    encoding = str(part.get("encoding") or "utf8").lower()
    try:
        if encoding == "hex":
            return bytes.fromhex(content)
        if encoding in _BINARY_ENCODINGS:
            return _BINARY_ENCODINGS[encoding](content + "=" * (-len(content) % 4))
    except (ValueError, binascii.Error):
        return b""
    if encoding not in _TEXT_ENCODINGS:
        raise BoomError(400, format_phrase(phrases.UNKNOWN_ENCODING, part.get("encoding")))
    return content.encode(_TEXT_ENCODINGS[encoding], errors="replace")


def _media_type(content_type: object, filename: object) -> tuple[str, str]:
    value = content_type if isinstance(content_type, str) and "/" in content_type else None
    if value is None and isinstance(filename, str):
        value = mimetypes.guess_type(filename)[0]
    maintype, _, subtype = (value or "application/octet-stream").partition("/")
    return maintype.strip().lower(), subtype.split(";")[0].strip().lower()


def _priority(built: EmailMessage, priority: object) -> None:
    if isinstance(priority, str) and priority in _PRIORITY_HEADERS:
        x_priority, ms_priority, importance = _PRIORITY_HEADERS[priority]
        built["X-Priority"] = x_priority
        built["X-MSMail-Priority"] = ms_priority
        built["Importance"] = importance


def _list_headers(built: EmailMessage, lists: object) -> None:
    if not isinstance(lists, dict):
        return
    for key, value in lists.items():
        name = "List-ID" if key.lower() == "id" else f"List-{key.capitalize()}"
        values = value if isinstance(value, list) else [value]
        urls = [item.get("url") if isinstance(item, dict) else item for item in values]
        built[name] = ", ".join(_bracketed(str(url)) for url in urls if url)


def _from_raw(raw: str, message: dict[str, Any], *, rng: random.Random) -> Composed:
    """A raw message is sent as is; a missing envelope comes from its headers."""
    head = _HEADER_END.split(raw, maxsplit=1)[0]
    lines = _LINE_BREAK.split(head)
    froms = [
        line
        for index, line in enumerate(lines)
        if re.match(r"^\s*from\s*:" if index == 0 else r"^from\s*:", line, re.IGNORECASE)
    ]
    if len(froms) > 1:
        raise BoomError(403, phrases.MULTIPLE_FROM_HEADERS)
    parsed = Parser(policy=policy.default).parsestr(raw, headersonly=True)
    given = _addresses(message.get("from"))
    envelope_from = given[0] if given else None
    for header in ("From", "Sender", "Reply-To"):
        found = _header_addresses(parsed, header)
        if envelope_from is None and found:
            envelope_from = found[0]
    envelope_to = _recipients(message)
    if not envelope_to:
        for header in ("To", "Cc", "Bcc"):
            envelope_to += [a for a in _header_addresses(parsed, header) if a not in envelope_to]
    return _composed(raw, envelope_from=envelope_from, envelope_to=envelope_to, rng=rng)


def _composed(
    raw: str,
    *,
    envelope_from: str | None,
    envelope_to: list[str],
    rng: random.Random,
) -> Composed:
    parsed = Parser(policy=policy.default).parsestr(raw, headersonly=True)
    headers: dict[str, str] = {}
    for name, value in parsed.items():
        headers.setdefault(name, str(value))
    header_id = str(parsed.get("Message-ID") or "").strip()
    found_id = header_id or _new_message_id(_domain_of(envelope_from or ""), rng)
    return Composed(
        raw=raw,
        headers=headers,
        envelope_from=_bare(envelope_from) if envelope_from else None,
        envelope_to=[_bare(address) for address in envelope_to],
        from_addresses=_header_addresses(parsed, "From"),
        message_id=found_id.strip("<>"),
        date=_date(parsed.get("Date")),
        subject=str(parsed.get("Subject") or ""),
    )


def _header_addresses(parsed: Any, name: str) -> list[str]:
    values = parsed.get_all(name) or []
    return [address for _, address in email.utils.getaddresses([str(v) for v in values]) if address]


def _addresses(value: object) -> list[str]:
    """A Nodemailer address option: a comma list, an array, or ``{name, address}`` objects."""
    items: Iterable[object] = value if isinstance(value, list) else [value]
    result: list[str] = []
    for item in items:
        if isinstance(item, dict) and _text(item.get("address")):
            name = _text(item.get("name"))
            username, _, domain = str(item["address"]).rpartition("@")
            result.append(str(Address(name, username, domain)) if name else item["address"])
        elif isinstance(item, str) and item.strip():
            result += [
                email.utils.formataddr(pair) for pair in email.utils.getaddresses([item]) if pair[1]
            ]
    return result


def _recipients(message: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for key in ("to", "cc", "bcc"):
        for entry in _addresses(message.get(key)):
            address = _bare(entry)
            if address not in found:
                found.append(address)
    return found


def _bare(entry: str) -> str:
    """The address part of ``"Name" <a@b>``."""
    return email.utils.parseaddr(entry)[1] or entry.strip()


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _bracketed(value: str) -> str:
    value = value.strip()
    return value if value.startswith("<") else f"<{value}>"


def _domain_of(address: str) -> str:
    return _bare(address).rpartition("@")[2] or "localhost"


def _new_message_id(domain: str, rng: random.Random) -> str:
    parts = [f"{rng.getrandbits(bits):0{bits // 4}x}" for bits in (32, 16, 16, 48)]
    return f"<{'-'.join(parts)}@{domain}>"


def _date(value: object) -> float | None:
    """A Date header or option as epoch seconds; ``None`` when missing or unparseable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    # The server takes dates before one second after the epoch as missing.
    return parsed.timestamp() if parsed.timestamp() >= 1 else None
