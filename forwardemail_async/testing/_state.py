"""The fake's records: users, domains (with members and invites), aliases, and the small
records of other resources (catch-all passwords, push tokens, S3 settings, account profiles).

Records are plain mutable attrs classes, so tests may change them directly (``user.plan =
"free"``, ``domain.has_smtp = True``). :class:`IdSource` hands out ids and timestamps
deterministically from the injected clock and seed. Nothing here imports the rest of the
fake: the store (``_store``) holds these records, and routes read them through it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import attrs

__all__ = [
    "MAX_FORWARDED_ADDRESSES",
    "MAX_QUOTA_PER_ALIAS",
    "PLANS",
    "PLAN_RANK",
    "AccountProfiles",
    "CatchAllToken",
    "FakeAlias",
    "FakeDomain",
    "FakeInvite",
    "FakeMember",
    "FakePushToken",
    "FakeS3Bucket",
    "FakeS3Settings",
    "FakeS3Storage",
    "FakeUser",
    "IdSource",
]


PLANS = ("free", "enhanced_protection", "team", "enterprise")
PLAN_RANK = {plan: rank for rank, plan in enumerate(PLANS)}
# config.maxForwardedAddresses (env MAX_FORWARDED_ADDRESSES): the value is a guess.
MAX_FORWARDED_ADDRESSES = 10
# config.maxQuotaPerAlias: 10 GB.
MAX_QUOTA_PER_ALIAS = 10 * 1024**3


class IdSource:
    """Deterministic ids, tokens and strictly increasing timestamps, from the injected clock
    and seed. The store is one; the mailboxes and the observatory are handed it to date and
    number the records they create."""

    def __init__(self, clock: Callable[[], float], seed: int) -> None:
        self._clock = clock
        self.rng = random.Random(seed)
        # An ObjectId is a 4-byte time, 5 random bytes fixed per process and a 3-byte counter.
        self._process = f"{self.rng.getrandbits(40):010x}"
        self._counter = self.rng.getrandbits(24)
        self._last_ms = 0

    def clock(self) -> float:
        """The injected clock: epoch seconds, not bumped."""
        return self._clock()

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


@attrs.define(eq=False)
class CatchAllToken:
    """One domain-wide password; the plain text is kept so tests can read it back."""

    id: str
    description: str
    password: str = attrs.field(repr=False)


@attrs.define(eq=False)
class FakePushToken:
    """A registered device of an alias; timestamps are epoch ms (``expires_at`` may be set in
    the past to expire it)."""

    id: str
    alias_id: str
    user_id: str
    platform: str
    token: str = attrs.field(repr=False)
    device_name: str
    expires_at: int
    created_at: int
    updated_at: int
    last_used_at: int | None = None
    failure_count: int = 0


@attrs.define(eq=False)
class FakeS3Bucket:
    """A bucket of the simulated S3 world, reachable at ``endpoint``'s host name."""

    endpoint: str
    name: str
    access_key_id: str
    secret_access_key: str = attrs.field(repr=False)
    is_public: bool = False


@attrs.define(eq=False)
class FakeS3Settings:
    """The custom S3 settings saved on a domain (what the test falls back to)."""

    endpoint: str | None = None
    region: str | None = None
    bucket: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = attrs.field(default=None, repr=False)


@attrs.define(eq=False)
class FakeS3Storage:
    """Every S3 bucket the fake can reach, and the S3 settings saved per domain id."""

    buckets: list[FakeS3Bucket] = attrs.field(factory=list)
    saved: dict[str, FakeS3Settings] = attrs.field(factory=dict)

    def add_bucket(
        self,
        endpoint: str,
        name: str,
        *,
        access_key_id: str,
        secret_access_key: str,
        is_public: bool = False,
    ) -> FakeS3Bucket:
        """Make a bucket reachable; endpoints with no bucket do not resolve."""
        bucket = FakeS3Bucket(endpoint, name, access_key_id, secret_access_key, is_public)
        self.buckets.append(bucket)
        return bucket

    def save_settings(self, domain: FakeDomain, **settings: str | None) -> FakeS3Settings:
        """Store S3 settings on ``domain`` (``endpoint``, ``region``, ``bucket``,
        ``access_key_id``, ``secret_access_key``), as the web app's settings page would."""
        saved = self.saved[domain.id] = FakeS3Settings(**settings)
        return saved


@attrs.define
class AccountProfiles:
    """Profile fields the core user record does not hold, and alias mailbox settings."""

    users: dict[str, dict[str, str]] = attrs.field(factory=dict)
    aliases: dict[str, dict[str, Any]] = attrs.field(factory=dict)
