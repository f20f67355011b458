"""The inbound-email webhook payload, built from a raw message with the standard library.

It follows the service's recipe (on-data-mx.js with mailparser's ``simpleParser``): the parsed
message, then ``dkim``/``spf``/``arc``/``dmarc``/``bimi``, ``headers`` (the headers as
received, decoded, last value winning), ``recipients`` and ``session``. Forward Email adds
``X-Original-To`` and ``Received`` before parsing; the fake does too, but signs neither DKIM
nor ARC, and its authentication results are plausible ``none`` verdicts unless a test
overrides them.
"""

from __future__ import annotations

import hashlib
import html
import mimetypes
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage, Message, MIMEPart
from email.parser import BytesParser
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import attrs

from ._shapes import iso

__all__ = ["Session", "build_message", "first_from_address", "inbound_payload"]

_PARSER = BytesParser(policy=policy.default)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_LINE_BREAK = re.compile(rb"\r?\n")
_ADDRESS_HEADERS = (("from", "From"), ("to", "To"), ("cc", "Cc"), ("bcc", "Bcc"))
_MTA = "mx1.forwardemail.net"


@attrs.frozen(kw_only=True)
class Session:
    """What the fake's MX knows of the SMTP session that brought the message."""

    sender: str
    remote_address: str
    remote_port: int
    client_hostname: str
    helo: str
    arrival_ms: int


def build_message(
    *,
    from_: str,
    to: list[str],
    subject: str,
    text: str | None,
    html_body: str | None,
    attachments: Iterable[tuple[str, bytes] | tuple[str, bytes, str]],
    headers: dict[str, str],
    message_id: str,
    date: float,
    boundary: str,
) -> bytes:
    """A MIME message from simple fields (what a test usually wants to send)."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = from_
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(_utc(date))
    for name, value in headers.items():
        del message[name]
        message[name] = value
    if text is not None or html_body is None:
        message.set_content(text or "")
    if html_body is not None:
        if text is not None:
            message.add_alternative(html_body, subtype="html")
        else:
            message.set_content(html_body, subtype="html")
    for attachment in attachments:
        filename, content = attachment[0], attachment[1]
        media = attachment[2] if len(attachment) == 3 else None
        media = media or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        maintype, _, subtype = media.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    for number, part in enumerate(message.walk()):
        if part.is_multipart():
            part.set_boundary(f"_fake_{boundary}_{number}")
    return message.as_bytes()


def first_from_address(raw: bytes) -> str:
    """The first address of the From header (the envelope sender a test did not give)."""
    return _first_address(_PARSER.parsebytes(raw, headersonly=True), "From")


def received_message(raw: bytes, recipient: str, session: Session) -> bytes:
    """The message as the MX forwards it: ``X-Original-To`` (when absent) and ``Received``
    added on top."""
    head = _HEADER_END.split(raw, maxsplit=1)[0]
    added = [
        f"Received: from {session.helo} ({session.client_hostname} [{session.remote_address}])"
        f" by {_MTA} with ESMTPS id fake for <{recipient}>;"
        f" {format_datetime(_utc(session.arrival_ms / 1000))}"
    ]
    if not re.search(rb"(?im)^x-original-to:", head):
        added.insert(0, f"X-Original-To: {recipient}")
    return "".join(f"{line}\r\n" for line in added).encode() + raw


def inbound_payload(
    raw: bytes,
    *,
    recipients: list[str],
    session: Session,
    attachments: bool = True,
    include_raw: bool = True,
) -> dict[str, Any]:
    """The JSON object the service POSTs for ``raw`` to the URL of ``recipients``."""
    original = _PARSER.parsebytes(raw)
    final_raw = received_message(raw, recipients[0], session)
    mail = _parse(final_raw, session.arrival_ms)
    if not attachments:
        del mail["attachments"]
    if include_raw:
        mail["raw"] = final_raw.decode("utf-8", errors="replace")
    from_domain = _domain(_first_address(original, "From"))
    sender_domain = _domain(session.sender)
    mail.update(
        dkim={
            "headerFrom": [a for a in [_first_address(original, "From")] if a],
            "envelopeFrom": session.sender or False,
            "results": [
                {
                    "status": {"result": "none", "comment": "message not signed"},
                    "info": "dkim=none (message not signed)",
                }
            ],
        },
        spf={
            "domain": sender_domain,
            "client-ip": session.remote_address,
            "helo": session.helo,
            "envelope-from": session.sender,
            "status": {
                "result": "none",
                "comment": f"{_MTA}: {sender_domain} does not designate permitted sender hosts",
                "smtp": {"mailfrom": session.sender, "helo": session.helo},
            },
            "header": f"Received-SPF: none client-ip={session.remote_address};",
            "info": f"spf=none smtp.mailfrom={session.sender}",
            "lookups": {"limit": 50, "count": 1},
        },
        arc={"status": {"result": "none"}, "i": 0, "authResults": f"{_MTA}; arc=none"},
        dmarc={
            "status": {"result": "none", "header": {"from": from_domain}},
            "domain": from_domain,
            "info": f"dmarc=none header.from={from_domain}",
        }
        if from_domain
        else False,
        bimi={
            "status": {"header": {}, "result": "skipped", "comment": "DMARC not enabled"},
            "info": "bimi=skipped (DMARC not enabled)",
        },
        headers=_decoded_headers(original),
        recipients=list(recipients),
        session={
            "recipient": recipients[0],
            "remoteAddress": session.remote_address,
            "remotePort": session.remote_port,
            "clientHostname": session.client_hostname,
            "hostNameAppearsAs": session.helo,
            "sender": session.sender,
            "mta": _MTA,
            "arrivalDate": iso(session.arrival_ms),
            "arrivalTime": session.arrival_ms,
        },
    )
    return mail


def _parse(raw: bytes, now_ms: int) -> dict[str, Any]:
    """mailparser's ``simpleParser`` output, as far as JSON shows it."""
    message = _PARSER.parsebytes(raw)
    texts: list[str] = []
    htmls: list[str] = []
    found: list[dict[str, Any]] = []
    _walk(message, "", False, texts, htmls, found)
    mail: dict[str, Any] = {"attachments": found, "headerLines": _header_lines(raw)}
    if texts or htmls:
        mail["text"] = "\n".join(texts)
        mail["textAsHtml"] = ""
    if message["Subject"] is not None:
        mail["subject"] = str(message["Subject"])
    if message["Date"] is not None:
        mail["date"] = _date(str(message["Date"]), now_ms)
    for key, name in (*_ADDRESS_HEADERS, ("replyTo", "Reply-To")):
        objects = [_address_object(value) for value in message.get_all(name) or []]
        if objects:
            mail[key] = objects[0] if len(objects) == 1 or key == "from" else objects
    for key, name in (("messageId", "Message-ID"), ("inReplyTo", "In-Reply-To")):
        if message[name] is not None:
            mail[key] = str(message[name]).strip()
    if message["References"] is not None:
        references = str(message["References"]).split()
        mail["references"] = references[0] if len(references) == 1 else references
    mail["html"] = "\n".join(htmls) if htmls else False
    return mail


def _walk(
    part: MIMEPart,
    part_id: str,
    related: bool,
    texts: list[str],
    htmls: list[str],
    found: list[dict[str, Any]],
) -> None:
    if part.is_multipart():
        related = related or part.get_content_subtype() == "related"
        for number, child in enumerate(part.iter_parts(), start=1):
            child_id = f"{part_id}.{number}" if part_id else str(number)
            _walk(child, child_id, related, texts, htmls, found)
        return
    content_type = part.get_content_type()
    disposition = part.get_content_disposition()
    if (
        content_type in ("text/plain", "text/html")
        and disposition != "attachment"
        and not part.get_filename()
    ):
        body = str(part.get_content()).replace("\r\n", "\n")
        (texts if content_type == "text/plain" else htmls).append(body)
        return
    content = part.get_payload(decode=True)
    data = content if isinstance(content, bytes) else b""
    filename = part.get_filename()
    if content_type == "application/octet-stream" and filename:
        content_type = mimetypes.guess_type(filename)[0] or content_type
    attachment: dict[str, Any] = {
        "type": "attachment",
        "content": {"type": "Buffer", "data": list(data)},
        "contentType": content_type,
        "partId": part_id or "1",
        "release": None,
    }
    if disposition:
        attachment["contentDisposition"] = disposition
    if filename:
        attachment["filename"] = filename
    content_id = part["Content-ID"]
    if content_id is not None:
        attachment["contentId"] = str(content_id).strip()
        attachment["cid"] = str(content_id).strip().strip("<>")
    if related:
        attachment["related"] = True
    attachment.update(headers={}, checksum=hashlib.md5(data).hexdigest(), size=len(data))
    found.append(attachment)


def _header_lines(raw: bytes) -> list[dict[str, str]]:
    head = _HEADER_END.split(raw, maxsplit=1)[0]
    lines: list[str] = []
    for line in _LINE_BREAK.split(head):
        text = line.decode("utf-8", errors="replace")
        if text[:1] in (" ", "\t") and lines:
            lines[-1] += "\r\n" + text
        elif text:
            lines.append(text)
    return [{"key": line.split(":", 1)[0].strip().lower(), "line": line} for line in lines]


def _decoded_headers(message: Message) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in message.items():
        headers[name] = str(value).strip()
    return headers


def _address_object(header: Any) -> dict[str, Any]:
    value: list[dict[str, Any]] = []
    for group in getattr(header, "groups", ()):
        mailboxes = [
            {"address": address.addr_spec, "name": address.display_name or ""}
            for address in group.addresses
        ]
        if group.display_name is None:
            value.extend(mailboxes)
        else:
            value.append({"name": group.display_name, "group": mailboxes})
    return {"value": value, "html": _address_html(value), "text": str(header)}


def _address_html(value: list[dict[str, Any]]) -> str:
    def mailbox(entry: dict[str, Any]) -> str:
        address = html.escape(entry["address"])
        link = f'<a href="mailto:{address}" class="mp_address_email">{address}</a>'
        if not entry["name"]:
            return link
        name = html.escape(entry["name"])
        return f'<span class="mp_address_name">{name}</span> &lt;{link}&gt;'

    parts = []
    for entry in value:
        if "group" in entry:
            members = ", ".join(mailbox(member) for member in entry["group"])
            name = html.escape(entry["name"])
            parts.append(f'<span class="mp_address_name">{name}</span>: {members};')
        else:
            parts.append(mailbox(entry))
    return f'<span class="mp_address_group">{", ".join(parts)}</span>'


def _first_address(message: Message, name: str) -> str:
    header = message[name]
    for group in getattr(header, "groups", ()):
        for address in group.addresses:
            return str(address.addr_spec)
    return ""


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower() if "@" in address else ""


def _date(value: str, now_ms: int) -> str:
    """mailparser: an unparseable date becomes the time of parsing."""
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return iso(now_ms)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return iso(round(parsed.timestamp() * 1000))


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=timezone.utc)
