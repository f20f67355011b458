"""Reading a stored message the way the API shows and searches it (mailparser's part).

:class:`MessageView` parses the raw RFC 822 text with the standard library and gives the
subject, dates, text, attachments and addresses, plus an approximation of mailparser's
``simpleParser`` result for the ``nodemailer`` key.
"""

from __future__ import annotations

import email
import email.policy
from datetime import datetime
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from ._text import strip_tags

__all__ = ["MessageView"]


class MessageView:
    """What the API reads from one message's raw text."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self._message: EmailMessage = email.message_from_string(
            raw, _class=EmailMessage, policy=email.policy.default
        )

    @property
    def headers(self) -> list[tuple[str, str]]:
        """Every header as ``(lowercase name, value)``."""
        return [(name.lower(), str(value)) for name, value in self._message.items()]

    def header(self, name: str) -> str | None:
        value = self._message.get(name)
        return None if value is None else str(value)

    @property
    def subject(self) -> str:
        return self.header("Subject") or ""

    @property
    def message_id(self) -> str | None:
        return self.header("Message-ID")

    @property
    def date(self) -> datetime | None:
        text = self.header("Date")
        try:
            return parsedate_to_datetime(text) if text else None
        except (TypeError, ValueError):
            return None

    def _body(self, subtype: str) -> str | None:
        try:
            part = self._message.get_body(preferencelist=(subtype,))
            return None if part is None else str(part.get_content())
        except (KeyError, LookupError):
            return None

    @property
    def text(self) -> str:
        """The plain text, or else the HTML without its tags."""
        plain = self._body("plain")
        if plain is not None:
            return plain
        html = self._body("html")
        return strip_tags(html) if html else ""

    @property
    def attachments(self) -> list[EmailMessage]:
        return [part for part in self._message.iter_attachments() if isinstance(part, EmailMessage)]

    def addresses(self, name: str) -> list[dict[str, str]] | None:
        """A header's addresses as ``[{address, name}]``; ``None`` without the header."""
        value = self.header(name)
        if value is None:
            return None
        return [{"address": address, "name": label} for label, address in getaddresses([value])]

    def nodemailer(self, *, with_attachments: bool) -> dict[str, Any]:
        """An approximation of mailparser's ``simpleParser`` result."""
        parsed: dict[str, Any] = {
            "headers": dict(self.headers),
            "headerLines": [{"key": k, "line": f"{k}: {v}"} for k, v in self.headers],
            "subject": self.subject,
            "messageId": self.message_id,
            "date": None if self.date is None else self.date.isoformat(),
            "text": self._body("plain") or "",
            "html": self._body("html") or False,
        }
        for key, header in (("from", "From"), ("to", "To"), ("cc", "Cc"), ("replyTo", "Reply-To")):
            addresses = self.addresses(header)
            if addresses is not None:
                text = self.header(header)
                parsed[key] = {"value": addresses, "text": text, "html": text}
        if with_attachments:
            parsed["attachments"] = [_attachment(part) for part in self.attachments]
        return parsed


def _attachment(part: EmailMessage) -> dict[str, Any]:
    content = part.get_payload(decode=True)
    data = content if isinstance(content, bytes) else b""
    return {
        "type": "attachment",
        "filename": part.get_filename(),
        "contentType": part.get_content_type(),
        "contentDisposition": "attachment",
        "size": len(data),
        "content": {"type": "Buffer", "data": list(data)},
    }
