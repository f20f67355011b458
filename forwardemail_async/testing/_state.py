"""The fake's in-memory data: users, domains (with members and invites) and aliases.

Records are plain mutable attrs classes, so tests may change them directly (``user.plan =
"free"``, ``domain.has_smtp = True``).  :class:`Store` hands out ids and timestamps
deterministically from the injected clock and seed.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

__all__ = [
    "PLANS",
    "FakeAlias",
    "FakeDomain",
    "FakeInvite",
    "FakeMember",
    "FakeUser",
    "Store",
]

T = TypeVar("T")

PLANS = ("free", "enhanced_protection", "team", "enterprise")
PLAN_RANK = {plan: rank for rank, plan in enumerate(PLANS)}
# config.maxForwardedAddresses (env MAX_FORWARDED_ADDRESSES): the value is a guess.
MAX_FORWARDED_ADDRESSES = 10
# config.maxQuotaPerAlias: 10 GB.
MAX_QUOTA_PER_ALIAS = 10 * 1024**3
_ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789"


@attrs.define(eq=False)
class FakeUser:
    """An account.  Change ``plan``, ``verified`` or ``banned`` to exercise the auth guards."""

    id: str
    email: str
    api_token: str = attrs.field(repr=False)
    plan: str
    verified: bool
    banned: bool
    display_name: str | None
    created_at: int  # epoch milliseconds, like every timestamp in the store
    updated_at: int


@attrs.define(eq=False)
class FakeMember:
    """A user's membership of a domain; ``group`` is ``"admin"`` or ``"user"``."""

    user: FakeUser
    group: str


@attrs.define(eq=False)
class FakeInvite:
    """A pending invitation to a domain."""

    email: str
    group: str
    token: str = attrs.field(repr=False)
    created_at: int
    updated_at: int


@attrs.define(eq=False)
class FakeDomain:
    """A domain.  ``dns_verified``/``smtp_verified`` decide what verify-records/-smtp answer."""

    id: str
    name: str
    plan: str
    created_at: int
    updated_at: int
    verification_record: str
    dkim_key_selector: str
    dkim_public_key: str = attrs.field(repr=False)
    members: list[FakeMember] = attrs.field(factory=list, repr=False)
    invites: list[FakeInvite] = attrs.field(factory=list, repr=False)
    dns_verified: bool = False
    smtp_verified: bool = False
    has_mx_record: bool = False
    has_txt_record: bool = False
    has_dkim_record: bool = False
    has_return_path_record: bool = False
    has_dmarc_record: bool = False
    has_smtp: bool = False
    is_smtp_suspended: bool = False
    has_newsletter: bool = False
    ignore_mx_check: bool = False
    has_delivery_logs: bool = False
    has_regex: bool = False
    has_catchall: bool = False
    has_adult_content_protection: bool = True
    has_phishing_protection: bool = True
    has_executable_protection: bool = True
    has_virus_protection: bool = True
    is_catchall_regex_disabled: bool = False
    has_recipient_verification: bool = False
    has_custom_verification: bool = False
    require_tls_inbound: bool = False
    retention_days: int = 0
    smtp_port: str = "25"
    max_recipients_per_alias: int = 0  # 0 means the server default
    max_quota_per_alias: int | None = None
    bounce_webhook: str | None = None
    allowlist: list[str] = attrs.field(factory=list)
    denylist: list[str] = attrs.field(factory=list)
    restricted_alias_names: list[str] = attrs.field(factory=list)

    def group_of(self, user: FakeUser) -> str | None:
        """``user``'s group on this domain, or ``None`` if they are not a member."""
        return next((m.group for m in self.members if m.user is user), None)


@attrs.define(eq=False)
class FakeAlias:
    """An alias of a domain, owned by ``user``."""

    id: str
    domain: FakeDomain = attrs.field(repr=lambda domain: domain.name)
    user: FakeUser = attrs.field(repr=lambda user: user.email)
    name: str
    created_at: int
    updated_at: int
    recipients: list[str] = attrs.field(factory=list)
    description: str = ""
    labels: list[str] = attrs.field(factory=list)
    is_enabled: bool = True
    error_code_if_disabled: int = 250
    has_recipient_verification: bool = False
    verified_recipients: list[str] = attrs.field(factory=list)
    pending_recipients: list[str] = attrs.field(factory=list)
    has_imap: bool = False
    has_pgp: bool = False
    public_key: str | None = None
    max_quota: int | None = None
    retention: int = 0
    vacation_responder: dict[str, Any] = attrs.field(factory=lambda: {"is_enabled": False})
    passwords: list[str] = attrs.field(factory=list, repr=False)

    @property
    def address(self) -> str:
        """``name@domain``."""
        return f"{self.name}@{self.domain.name}"


class Store:
    """Users, domains and aliases, with deterministic ids and strictly increasing timestamps."""

    def __init__(self, clock: Callable[[], float], seed: int) -> None:
        self._clock = clock
        self.rng = random.Random(seed)
        # An ObjectId is a 4-byte time, 5 random bytes fixed per process and a 3-byte counter.
        self._process = f"{self.rng.getrandbits(40):010x}"
        self._counter = self.rng.getrandbits(24)
        self._last_ms = 0
        self.users: dict[str, FakeUser] = {}
        self.domains: dict[str, FakeDomain] = {}
        self._aliases: dict[str, dict[str, FakeAlias]] = {}
        self._resources: dict[str, Any] = {}

    def resource(self, name: str, factory: Callable[[], T]) -> T:
        """The state object of one resource family (emails, contacts, ...), made on first use.

        Each route module keeps its own data this way, so adding a resource never touches the
        core records above.
        """
        if name not in self._resources:
            self._resources[name] = factory()
        state: T = self._resources[name]
        return state

    def now_ms(self) -> int:
        """The clock in epoch ms, bumped so every call is later than the previous one."""
        self._last_ms = max(int(self._clock() * 1000), self._last_ms + 1)
        return self._last_ms

    def new_id(self, ms: int) -> str:
        """A 24-character lowercase hex ObjectId for an object created at ``ms``."""
        self._counter = (self._counter + 1) % (1 << 24)
        return f"{ms // 1000 % (1 << 32):08x}{self._process}{self._counter:06x}"

    def token_hex(self, length: int) -> str:
        """``length`` random lowercase hex characters."""
        return f"{self.rng.getrandbits(4 * length):0{length}x}"

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
