""":class:`FakeForwardEmail`: the fake's settings and store, and the seeding and inspection
helpers tests use (``mailbox(fake, alias)``, ``outbound(fake)``...)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from aiohttp import web

from ._app import build_app
from ._context import RecordedRequest
from ._emails_state import FakeEmail, OutboundEmails
from ._faults import Faults
from ._mailbox import FakeMailbox
from ._observatory_state import FakeObservatory
from ._ratelimit import RateLimiter, RateLimits
from ._state import (
    PLANS,
    CatchAllToken,
    FakeAlias,
    FakeDomain,
    FakeInvite,
    FakeMember,
    FakePushToken,
    FakeS3Storage,
    FakeUser,
)
from ._store import Store
from ._webhooks import FakeWebhooks
from ._webhooks_state import WebhookDelivery

__all__ = [
    "FakeForwardEmail",
    "catch_all_passwords",
    "mailbox",
    "observatory",
    "outbound",
    "push_tokens",
    "s3_storage",
    "webhooks",
]


class FakeForwardEmail:
    """An in-memory Forward Email API v1 (domains and aliases, API-token auth).

    ``clock`` (epoch seconds) drives timestamps and rate-limit windows, so tests can move time
    without sleeping; ``seed`` makes ids, tokens, generated names and random faults
    reproducible.  ``alias_update_shape`` picks how an alias update nests its user and domain:
    as id strings (the newest server) or as full objects (older servers).

    Serve it with :class:`~forwardemail_async.testing.FakeServer`, or mount :meth:`make_app`
    in any aiohttp runner.  ``requests`` records every request received; ``rate_limits`` and
    ``faults`` may be changed while it serves; ``strip_page_headers`` removes the pagination
    headers from list answers (to test clients that must cope without them).
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        rate_limits: RateLimits | None = None,
        faults: Faults | None = None,
        seed: int = 0,
        alias_update_shape: Literal["ids", "objects"] = "ids",
    ) -> None:
        self.clock = clock
        self.rate_limits = rate_limits if rate_limits is not None else RateLimits()
        self.faults = faults if faults is not None else Faults()
        self.alias_update_shape = alias_update_shape
        self.strip_page_headers = False
        self.requests: list[RecordedRequest] = []
        self._seed = seed
        self._store = Store(clock, seed)
        self._limiter = RateLimiter()
        # The webhook sender: domain keys, delivery settings and the deliveries made.
        self.webhooks = FakeWebhooks(self._store)

    def make_app(self) -> web.Application:
        """A new aiohttp application serving this fake's state."""
        return build_app(self, self._store, self._limiter, self._seed)

    # --- seeding -----------------------------------------------------------------------------

    def add_user(
        self,
        *,
        email: str = "user@example.com",
        plan: str = "enhanced_protection",
        api_token: str | None = None,
        verified: bool = True,
        banned: bool = False,
        display_name: str | None = None,
    ) -> FakeUser:
        """Create an account; without ``api_token`` a random 40-hex-character one is made."""
        if plan not in PLANS:
            raise ValueError(f"plan must be one of {PLANS}")
        return self._store.add_user(
            email,
            plan=plan,
            api_token=api_token if api_token is not None else self._store.token_hex(40),
            verified=verified,
            banned=banned,
            display_name=display_name,
        )

    def add_domain(
        self,
        user: FakeUser,
        name: str,
        *,
        plan: str | None = None,
        dns_verified: bool = False,
        smtp_verified: bool = False,
        catchall: bool = False,
    ) -> FakeDomain:
        """Create a domain administered by ``user`` (on the user's plan unless ``plan`` is given).

        Verified domains start with their DNS flags set; ``catchall`` adds a ``*`` alias
        forwarding to the user.
        """
        name = name.strip().lower()
        if "xn--" in name:
            name = name.encode().decode("idna")
        if any(d.name == name for d in self._store.domains_of(user)):
            raise ValueError(f"{user.email} already has the domain {name}")
        domain = self._store.add_domain(user, name, plan=plan or user.plan)
        self.set_dns_verified(domain, dns_verified)
        self.set_smtp_verified(domain, smtp_verified)
        if catchall:
            self.add_alias(domain, "*", user=user, labels=["catch-all"])
        return domain

    def add_member(self, domain: FakeDomain | str, user: FakeUser, *, group: str = "user") -> None:
        """Make ``user`` a member of ``domain`` (``group`` ``"admin"`` or ``"user"``)."""
        found = self.get_domain(domain)
        if found.group_of(user) is not None:
            raise ValueError(f"{user.email} is already a member of {found.name}")
        found.members.append(FakeMember(user, group))

    def add_invite(
        self, domain: FakeDomain | str, email: str, *, group: str = "user"
    ) -> FakeInvite:
        """Add a pending invite to ``domain``."""
        ms = self._store.now_ms()
        invite = FakeInvite(email.lower(), group, self._store.token_hex(32), ms, ms)
        self.get_domain(domain).invites.append(invite)
        return invite

    def add_alias(
        self,
        domain: FakeDomain | str,
        name: str,
        *,
        user: FakeUser | None = None,
        recipients: Iterable[str] | None = None,
        labels: Iterable[str] = (),
        description: str = "",
        is_enabled: bool = True,
    ) -> FakeAlias:
        """Create one alias without the API's validation (owner: ``user`` or the first admin)."""
        return self._seed_aliases(
            self.get_domain(domain), [name], user, recipients, list(labels), description, is_enabled
        )[0]

    def add_aliases(
        self,
        domain: FakeDomain | str,
        count: int,
        *,
        prefix: str = "alias",
        user: FakeUser | None = None,
    ) -> list[FakeAlias]:
        """Create ``count`` aliases named ``<prefix>00001``… quickly, in creation order."""
        found = self.get_domain(domain)
        taken = {alias.name for alias in self._store.aliases_in(found)}
        width, number = max(5, len(str(count))), 0
        names: list[str] = []
        while len(names) < count:
            number += 1
            name = f"{prefix}{number:0{width}d}"
            if name not in taken:
                names.append(name)
        return self._seed_aliases(found, names, user, None, [], "", True)

    def _seed_aliases(
        self,
        domain: FakeDomain,
        names: list[str],
        user: FakeUser | None,
        recipients: Iterable[str] | None,
        labels: list[str],
        description: str,
        is_enabled: bool,
    ) -> list[FakeAlias]:
        owner = user or next(m.user for m in domain.members if m.group == "admin")
        wanted = list(recipients) if recipients is not None else [owner.email]
        existing = {alias.name for alias in self._store.aliases_in(domain)}
        created = []
        for name in names:
            if name.lower() in existing:
                raise ValueError(f"{domain.name} already has an alias named {name.lower()}")
            alias = self._store.new_alias(domain, owner, name.lower())
            alias.recipients, alias.labels = list(wanted), list(labels)
            alias.description, alias.is_enabled = description, is_enabled
            existing.add(alias.name)
            created.append(alias)
        self._store.store_aliases(created)
        return created

    def set_dns_verified(self, domain: FakeDomain | str, verified: bool) -> None:
        """Decide what verify-records answers (and set the MX/TXT flags accordingly)."""
        found = self.get_domain(domain)
        found.dns_verified = found.has_mx_record = found.has_txt_record = verified

    def set_smtp_verified(self, domain: FakeDomain | str, verified: bool) -> None:
        """Decide what verify-smtp answers (and set the DKIM/Return-Path/DMARC flags)."""
        found = self.get_domain(domain)
        found.smtp_verified = verified
        found.has_dkim_record = found.has_return_path_record = found.has_dmarc_record = verified

    def reset_rate_limits(self) -> None:
        """Forget every rate-limit window."""
        self._limiter.reset()

    # --- webhooks ----------------------------------------------------------------------------

    async def deliver(
        self,
        to: str | Iterable[str],
        message: bytes | str | None = None,
        *,
        from_: str = "Sender <sender@example.net>",
        subject: str = "Hello",
        text: str | None = "Hello from the fake.",
        html: str | None = None,
        attachments: Iterable[tuple[str, bytes] | tuple[str, bytes, str]] = (),
        headers: Mapping[str, str] | None = None,
        sender: str | None = None,
        remote_address: str = "192.0.2.10",
        client_hostname: str = "mail.example.net",
        extra: Mapping[str, Any] | None = None,
    ) -> list[WebhookDelivery]:
        """Receive mail for the alias address(es) ``to`` and POST it to their URL recipients,
        signed, timed out and retried as the service does; one delivery per distinct URL.

        ``message`` is a raw RFC 5322 message, or built from the other fields. See
        :meth:`FakeWebhooks.deliver`.
        """
        return await self.webhooks.deliver(
            to,
            message,
            from_=from_,
            subject=subject,
            text=text,
            html=html,
            attachments=attachments,
            headers=headers,
            sender=sender,
            remote_address=remote_address,
            client_hostname=client_hostname,
            extra=extra,
        )

    async def bounce(
        self,
        email: FakeEmail | str,
        *,
        recipient: str | None = None,
        code: int = 550,
        response: str | None = None,
        message: str | None = None,
        category: str | None = None,
        truth_source: str | None = None,
    ) -> WebhookDelivery | None:
        """Make a recipient of an email sent through the fake fail with SMTP ``code`` and POST
        the bounce report to its domain's ``bounce_webhook``. See :meth:`FakeWebhooks.bounce`.
        """
        return await self.webhooks.bounce(
            email,
            recipient=recipient,
            code=code,
            response=response,
            message=message,
            category=category,
            truth_source=truth_source,
        )

    # --- inspection --------------------------------------------------------------------------

    @property
    def users(self) -> list[FakeUser]:
        """Every account, oldest first."""
        return list(self._store.users.values())

    def get_domain(self, domain: FakeDomain | str) -> FakeDomain:
        """A domain by object, id or name; ``KeyError`` if there is none."""
        return self._store.get_domain(domain)

    def domains_of(self, user: FakeUser) -> list[FakeDomain]:
        """The domains ``user`` belongs to, oldest first."""
        return self._store.domains_of(user)

    def aliases_of(self, domain: FakeDomain | str) -> list[FakeAlias]:
        """The aliases of a domain (object, id or name), oldest first."""
        return self._store.aliases_in(self.get_domain(domain))


def mailbox(fake: FakeForwardEmail, alias: FakeAlias) -> FakeMailbox:
    """The mailbox of ``alias`` on ``fake``, for tests to seed or inspect."""
    return fake._store.mailboxes.of(alias)


def outbound(fake: FakeForwardEmail) -> OutboundEmails:
    """The outbound queue of ``fake``."""
    return fake._store.outbound


def push_tokens(fake: FakeForwardEmail) -> list[FakePushToken]:
    """Every push token of ``fake``, oldest first (a live list tests may change)."""
    return fake._store.push_tokens


def catch_all_passwords(fake: FakeForwardEmail, domain: FakeDomain | str) -> list[CatchAllToken]:
    """The catch-all passwords of one of ``fake``'s domains (a live list tests may change)."""
    return fake._store.catch_all_tokens(fake.get_domain(domain))


def s3_storage(fake: FakeForwardEmail) -> FakeS3Storage:
    """The simulated S3 world of ``fake`` (buckets and saved domain settings)."""
    return fake._store.s3


def observatory(fake: FakeForwardEmail) -> FakeObservatory:
    """The observatory state of ``fake``, to seed subjects and inspect monitors."""
    return fake._store.observatory


def webhooks(fake: FakeForwardEmail) -> FakeWebhooks:
    """The webhook sender of ``fake``; also ``fake.webhooks``."""
    return fake.webhooks
