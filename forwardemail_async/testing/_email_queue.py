"""``Emails.queue`` (contract §4.5): the rules a message must pass before it is queued.

In order: the envelope sender, the sender's domain on the account, outbound SMTP approval,
a paying admin, membership, the alias (its owner, enabled), the From header, and finally the
daily sending limit (the model's pre-save hook).
"""

from __future__ import annotations

from typing import Any

from . import _phrases as phrases
from ._boom import BoomError
from ._context import Ctx
from ._emails_state import FakeEmail
from ._mime import Composed, compose
from ._state import FakeAlias, FakeDomain, FakeUser
from ._text import WEB_URL, format_phrase, is_email, js_boolean

__all__ = ["queue_email"]


def queue_email(ctx: Ctx, who: FakeUser | FakeAlias, message: dict[str, Any]) -> FakeEmail:
    """Queue ``message`` for ``who`` (an API-token user, or the alias that authenticated)."""
    composed = compose(message, now=ctx.fake.clock(), rng=ctx.store.rng)
    sender = composed.envelope_from
    if not sender or not is_email(sender):
        raise BoomError(403, phrases.ENVELOPE_FROM_MISSING)
    alias_name, _, domain_name = sender.lower().rpartition("@")
    user = who.user if isinstance(who, FakeAlias) else who
    domain = who.domain if isinstance(who, FakeAlias) else _sender_domain(ctx, user, domain_name)
    if not domain.has_smtp:
        raise BoomError(403, phrases.EMAIL_SMTP_ACCESS_REQUIRED)
    _check_paying_admin(domain)
    group = domain.group_of(user)
    if group is None:
        raise BoomError(400, phrases.INVALID_MEMBER)
    alias = (
        who if isinstance(who, FakeAlias) else _sending_alias(ctx, user, domain, group, alias_name)
    )
    if alias is not None:
        if alias.user.banned:
            raise BoomError(403, phrases.ALIAS_ACCOUNT_BANNED)
        if not alias.is_enabled:
            raise BoomError(400, phrases.ALIAS_IS_NOT_ENABLED)
    _check_from_header(composed, domain, alias)
    queue = ctx.store.outbound
    now = ctx.store.now_ms()
    if queue.sent_today(user, now) >= queue.daily_limit:
        raise BoomError(429, phrases.SMTP_RATE_LIMIT_EXCEEDED)
    email = FakeEmail(
        id=ctx.store.new_id(now),
        user=user,
        domain=domain,
        alias=alias,
        envelope_from=sender.lower(),
        envelope_to=composed.envelope_to,
        message=composed.raw,
        headers=composed.headers,
        message_id=composed.message_id,
        date=round(composed.date * 1000) if composed.date is not None else now,
        subject=composed.subject,
        # A suspended domain's mail waits as "pending" instead of "queued".
        status="pending" if domain.is_smtp_suspended else "queued",
        created_at=now,
        updated_at=now,
        require_tls=js_boolean(message.get("requireTLS")),
        dsn=message.get("dsn") or None,
    )
    queue.emails[email.id] = email
    ctx.fake.webhooks.queued(email)
    return email


def _sender_domain(ctx: Ctx, user: FakeUser, name: str) -> FakeDomain:
    unicode_name = _unicode(name)
    for domain in ctx.store.domains_of(user):
        if domain.name == unicode_name:
            return domain
    raise BoomError(400, phrases.DOMAIN_DOES_NOT_EXIST)


def _check_paying_admin(domain: FakeDomain) -> None:
    """At least one verified, unbanned admin on a plan at least the domain's."""
    plans = ("team",) if domain.plan == "team" else ("team", "enhanced_protection")
    if not any(
        member.group == "admin"
        and member.user.verified
        and not member.user.banned
        and member.user.plan in plans
        for member in domain.members
    ):
        raise BoomError(403, phrases.PAST_DUE_OR_INVALID_ADMIN)


def _sending_alias(
    ctx: Ctx, user: FakeUser, domain: FakeDomain, group: str, alias_name: str
) -> FakeAlias | None:
    """Admins may send as any address of the domain (with or without an alias); members only
    as aliases they own, "+" tags allowed."""
    if group == "admin":
        return ctx.store.alias_named(domain, alias_name)
    alias = ctx.store.alias_named(domain, alias_name.split("+")[0])
    if alias is None or alias.user is not user:
        raise BoomError(403, phrases.ALIAS_DOES_NOT_EXIST)
    return alias


def _check_from_header(composed: Composed, domain: FakeDomain, alias: FakeAlias | None) -> None:
    """The single From address, without its "+" tag, must be the alias (or any address of the
    domain when there is no alias)."""
    ascii_domain = _ascii(domain.name)
    expected = f"{_ascii(alias.name) if alias else '*'}@{ascii_domain}"
    from_header = None
    if len(composed.from_addresses) == 1:
        local, _, host = composed.from_addresses[0].lower().rpartition("@")
        from_header = f"{local.split('+')[0]}@{_ascii(host)}"
    if from_header is None or (alias is not None and from_header != expected):
        link = (
            f"{WEB_URL}/en/my-account/domains/{ascii_domain}/advanced-settings#catch-all-passwords"
        )
        raise BoomError(403, format_phrase(phrases.INVALID_FROM_HEADER, expected, link, link))
    if alias is None and not from_header.endswith(f"@{ascii_domain}"):
        raise BoomError(
            403, format_phrase(phrases.INVALID_CATCHALL_FROM_HEADER, f"@{ascii_domain}")
        )


def _ascii(name: str) -> str:
    try:
        return name.encode("idna").decode()
    except UnicodeError:
        return name


def _unicode(name: str) -> str:
    try:
        return name.encode().decode("idna") if "xn--" in name else name
    except UnicodeError:
        return name
