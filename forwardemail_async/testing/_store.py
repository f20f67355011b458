"""The fake's store: every piece of server state, one typed attribute per resource.

Route modules hold no state of their own: a handler reads and changes what it needs through
``ctx.store``, and tests reach the same objects through :class:`FakeForwardEmail` and the
inspection helpers of ``forwardemail_async.testing``. The records themselves live in
``_state`` (users, domains, aliases and the small ones), ``_mailbox`` (what an alias keeps in
its IMAP/CalDAV/CardDAV mailbox), ``_emails_state`` and ``_observatory_state``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable

from ._emails_state import OutboundEmails
from ._mailbox import Mailboxes
from ._observatory_state import FakeObservatory
from ._state import (
    AccountProfiles,
    CatchAllToken,
    FakeAlias,
    FakeDomain,
    FakeMember,
    FakePushToken,
    FakeS3Storage,
    FakeUser,
    IdSource,
)
from ._webhooks_state import WebhookState

__all__ = ["Store"]

_ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789"


class Store(IdSource):
    """All the fake's data, with deterministic ids and strictly increasing timestamps.

    Users, domains and aliases have methods of their own; each other resource is one typed
    attribute: ``mailboxes`` (per alias), ``outbound`` (queued emails), ``push_tokens``,
    ``catch_all_passwords`` (per domain id), ``s3`` (the simulated S3 world), ``observatory``,
    ``profiles`` (account fields beyond the user record), ``invite_tokens`` (every invite
    token seen, to its domain id and address) and ``webhooks`` (signing keys, deliveries).
    """

    def __init__(self, clock: Callable[[], float], seed: int) -> None:
        super().__init__(clock, seed)
        self.users: dict[str, FakeUser] = {}
        self.domains: dict[str, FakeDomain] = {}
        self._aliases: dict[str, dict[str, FakeAlias]] = {}
        self.mailboxes = Mailboxes(self)
        self.outbound = OutboundEmails()
        self.push_tokens: list[FakePushToken] = []
        self.catch_all_passwords: dict[str, list[CatchAllToken]] = {}
        self.s3 = FakeS3Storage()
        self.observatory = FakeObservatory(self)
        self.profiles = AccountProfiles()
        self.invite_tokens: dict[str, tuple[str, str]] = {}
        self.webhooks = WebhookState()

    def get_domain(self, domain: FakeDomain | str) -> FakeDomain:
        """A domain by object, id or name; ``KeyError`` if there is none."""
        if isinstance(domain, FakeDomain):
            return domain
        found = self.find_domain(domain.strip().lower())
        if found is None:
            raise KeyError(f"no domain {domain!r}")
        return found

    def catch_all_tokens(self, domain: FakeDomain) -> list[CatchAllToken]:
        """The catch-all passwords of ``domain`` (a live list)."""
        return self.catch_all_passwords.setdefault(domain.id, [])

    def add_user(
        self,
        email: str,
        *,
        plan: str,
        api_token: str,
        verified: bool,
        banned: bool,
        display_name: str | None,
    ) -> FakeUser:
        """Create and store a user."""
        ms = self.now_ms()
        user = FakeUser(
            id=self.new_id(ms),
            email=email.lower(),
            api_token=api_token,
            plan=plan,
            verified=verified,
            banned=banned,
            display_name=display_name,
            created_at=ms,
            updated_at=ms,
        )
        self.users[user.id] = user
        return user

    def user_by_token(self, token: str) -> FakeUser | None:
        """The user whose API token is ``token``."""
        return next((u for u in self.users.values() if u.api_token == token), None)

    def add_domain(self, admin: FakeUser, name: str, *, plan: str) -> FakeDomain:
        """Create and store a domain with ``admin`` as its only member."""
        ms = self.now_ms()
        domain = FakeDomain(
            id=self.new_id(ms),
            name=name,
            plan=plan,
            created_at=ms,
            updated_at=ms,
            verification_record="".join(self.rng.choices(_ALPHANUMERIC, k=10)),
            dkim_key_selector=f"fe-{self.token_hex(10)}",
            dkim_public_key=base64.b64encode(self.rng.randbytes(162)).decode(),
            members=[FakeMember(admin, "admin")],
        )
        self.domains[domain.id] = domain
        self._aliases[domain.id] = {}
        return domain

    def remove_domain(self, domain: FakeDomain) -> None:
        """Delete ``domain`` and all its aliases."""
        self.domains.pop(domain.id, None)
        self._aliases.pop(domain.id, None)

    def find_domain(self, ref: str) -> FakeDomain | None:
        """A stored domain by id or exact name."""
        found = self.domains.get(ref)
        return found or next((d for d in self.domains.values() if d.name == ref), None)

    def domains_of(self, user: FakeUser) -> list[FakeDomain]:
        """The domains ``user`` is a member of, oldest first."""
        return [d for d in self.domains.values() if d.group_of(user) is not None]

    def new_alias(self, domain: FakeDomain, user: FakeUser, name: str) -> FakeAlias:
        """An alias with a fresh id and timestamps, not stored yet."""
        ms = self.now_ms()
        return FakeAlias(
            id=self.new_id(ms), domain=domain, user=user, name=name, created_at=ms, updated_at=ms
        )

    def store_aliases(self, aliases: Iterable[FakeAlias]) -> None:
        """Store (or re-store) aliases under their domain."""
        for alias in aliases:
            self._aliases[alias.domain.id][alias.id] = alias

    def remove_alias(self, alias: FakeAlias) -> None:
        """Delete an alias."""
        self._aliases.get(alias.domain.id, {}).pop(alias.id, None)

    def aliases_in(self, domain: FakeDomain) -> list[FakeAlias]:
        """The aliases of ``domain``, oldest first."""
        return list(self._aliases.get(domain.id, {}).values())

    def alias_named(self, domain: FakeDomain, name: str) -> FakeAlias | None:
        """The alias of ``domain`` called ``name``."""
        return next((a for a in self.aliases_in(domain) if a.name == name), None)

    def alias_by_address(self, address: str) -> FakeAlias | None:
        """The alias whose ``name@domain`` is ``address`` (case-insensitive)."""
        name, at, domain_name = address.strip().lower().rpartition("@")
        domain = self.find_domain(domain_name) if at else None
        return self.alias_named(domain, name) if domain is not None else None

    def find_alias(self, domain: FakeDomain, ref: str) -> FakeAlias | None:
        """An alias of ``domain`` by id or name."""
        found = self._aliases.get(domain.id, {}).get(ref)
        return found or self.alias_named(domain, ref)
