"""Outbound emails in the SMTP queue: the list shape, the full shape, and the daily limit.

Lists leave out ``headers``, ``message`` and ``rejectedErrors`` (and usually ``accepted``), so
a listed item is an :class:`Email` while create, retrieve and delete answer an
:class:`EmailDetail`, which always has them. Attribute names are the JSON keys, camelCase
included (``messageId``); only ``envelope.from`` is ``from_``, ``from`` being a keyword.
"""

from datetime import datetime
from typing import Any, Literal

import attrs

from forwardemail_async._core.display import HtmlRepr

from ._keyword_fields import keyword_field

__all__ = [
    "Email",
    "EmailDetail",
    "EmailEnvelope",
    "EmailLimit",
    "EmailStatus",
    "RejectedRecipient",
]

EmailStatus = Literal[
    "pending", "queued", "sent", "partially_sent", "deferred", "bounced", "rejected"
]
"""Known values of ``status``; the field is typed ``str``."""


@attrs.frozen(kw_only=True)
class EmailEnvelope(HtmlRepr):
    """The SMTP envelope: ``from_`` (JSON ``from``) and every recipient in ``to`` (To, Cc and
    Bcc together)."""

    from_: str | None = None
    to: list[str] | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class RejectedRecipient(HtmlRepr):
    """Why one recipient was not delivered to (the server's ``rejectedErrors`` entries)."""

    recipient: str | None = None
    responseCode: int | None = None  # noqa: N815 - the JSON key
    response: str | None = None
    message: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Email(HtmlRepr):
    """An outbound email as listed. ``alias``, ``domain`` and ``user`` are id strings
    (``alias`` is ``None`` for mail sent from a catch-all address)."""

    id: str
    object: str = "email"
    status: str | None = None
    subject: str | None = None
    date: datetime | None = None
    messageId: str | None = None  # noqa: N815 - the JSON key
    envelope: EmailEnvelope | None = None
    alias: str | None = None
    domain: str | None = None
    user: str | None = None
    accepted: list[str] | None = None
    hard_bounces: list[str] | None = None
    soft_bounces: list[str] | None = None
    is_bounce: bool | None = None
    is_dsn: bool | None = None
    is_locked: bool | None = None
    is_redacted: bool | None = None
    requireTLS: bool | None = None  # noqa: N815 - the JSON key
    dsn: dict[str, Any] | None = None
    deliveries: list[dict[str, Any]] | None = None
    link: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(id={self.id!r}, status={self.status!r}, "
            f"subject={self.subject!r}, messageId={self.messageId!r})"
        )


@attrs.frozen(kw_only=True, repr=False)
class EmailDetail(Email):
    """An outbound email in full (create, retrieve and delete): adds the decoded ``headers``,
    the raw RFC 822 ``message`` and the per-recipient ``rejectedErrors``."""

    headers: dict[str, Any]
    message: str
    rejectedErrors: list[RejectedRecipient]  # noqa: N815 - the JSON key
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class EmailLimit(HtmlRepr):
    """Outbound SMTP today: ``count`` emails sent of a daily ``limit``."""

    count: int
    limit: int
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


keyword_field(EmailEnvelope, "from_")
