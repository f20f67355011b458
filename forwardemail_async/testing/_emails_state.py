"""The fake's outbound SMTP queue: stored emails, the daily limit, and their JSON shapes.

Tests reach it with :func:`outbound`: ``outbound(fake).emails`` (by id), ``.daily_limit``,
and plain mutable records, e.g. ``email.status = "sent"`` to exercise status rules.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from ._shapes import iso
from ._state import FakeAlias, FakeDomain, FakeUser
from ._text import WEB_URL

__all__ = ["FakeEmail", "OutboundEmails", "email_object"]

# config.smtpLimitMessages: the daily default (a guess at the configured value).
DEFAULT_DAILY_LIMIT = 300
_DAY_MS = 86_400_000


@attrs.define(eq=False)
class FakeEmail:
    """One queued email. ``status`` is one of pending, queued, sent, partially_sent, deferred,
    bounced, rejected; ``alias`` is ``None`` for mail an admin sent from a catch-all address."""

    id: str
    user: FakeUser = attrs.field(repr=lambda user: user.email)
    domain: FakeDomain = attrs.field(repr=lambda domain: domain.name)
    alias: FakeAlias | None = attrs.field(repr=lambda alias: alias and alias.name)
    envelope_from: str
    envelope_to: list[str]
    message: str = attrs.field(repr=False)
    headers: dict[str, str] = attrs.field(repr=False)
    message_id: str
    date: int  # epoch milliseconds
    subject: str
    status: str
    created_at: int
    updated_at: int
    require_tls: bool = False
    dsn: dict[str, Any] | None = None
    accepted: list[str] = attrs.field(factory=list)
    rejected_errors: list[dict[str, Any]] = attrs.field(factory=list)


@attrs.define
class OutboundEmails:
    """Every queued email by id, and the daily sending limit of every user."""

    emails: dict[str, FakeEmail] = attrs.field(factory=dict)
    daily_limit: int = DEFAULT_DAILY_LIMIT

    def sent_today(self, user: FakeUser, now_ms: int) -> int:
        """Emails ``user`` queued since midnight UTC."""
        day_start = now_ms - now_ms % _DAY_MS
        return sum(e.user is user and e.created_at >= day_start for e in self.emails.values())


def email_object(email: FakeEmail, view: Literal["list", "full"]) -> dict[str, Any]:
    """emails.js ``json()``: lists drop headers, message, rejectedErrors and accepted."""
    data: dict[str, Any] = {
        "is_redacted": False,
        "hard_bounces": [],
        "soft_bounces": [],
        "is_bounce": False,
        "is_dsn": False,
        "is_locked": False,
    }
    if email.alias is not None:
        data["alias"] = email.alias.id
    data.update(
        domain=email.domain.id,
        user=email.user.id,
        status=email.status,
        envelope={"from": email.envelope_from, "to": list(email.envelope_to)},
        requireTLS=email.require_tls,
        messageId=email.message_id,
        date=iso(email.date),
        subject=email.subject,
        deliveries=[],
        id=email.id,
        object="email",
        created_at=iso(email.created_at),
        updated_at=iso(email.updated_at),
    )
    if email.dsn:
        data["dsn"] = dict(email.dsn)
    if view == "full":
        data.update(
            accepted=list(email.accepted),
            headers=dict(email.headers),
            message=email.message,
            rejectedErrors=[dict(error) for error in email.rejected_errors],
        )
    data["link"] = f"{WEB_URL}/my-account/emails/{email.id}"
    return data
