"""The domain object and its parts: members, invites and the outbound SMTP DNS records."""

from datetime import datetime
from typing import Any, Literal

import attrs

from forwardemail_async._core.display import HtmlRepr
from forwardemail_async._decode.extra_fields import ExtraFieldsOnDemand

from ._refs import UserRef

__all__ = ["DnsRecord", "Domain", "DomainInvite", "DomainMember", "MemberGroup", "SmtpDnsRecords"]

MemberGroup = Literal["admin", "user"]
"""Known values of ``group`` on members and invites; fields are typed ``str``."""


@attrs.frozen(kw_only=True)
class DnsRecord(HtmlRepr):
    """One DNS record to publish: its host ``name`` and its ``value``."""

    name: str
    value: str
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class SmtpDnsRecords(HtmlRepr):
    """The DKIM, return-path and DMARC records needed for outbound SMTP."""

    dkim: DnsRecord
    return_path: DnsRecord
    dmarc: DnsRecord
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class DomainMember(HtmlRepr):
    """A member of a domain. ``user`` is a reference whatever shape the server sent (a user
    object, or only its id in nested domains); an odd entry decodes with ``None`` fields
    rather than failing the domain."""

    user: UserRef | None = None
    group: str | None = None
    object: str = "member"
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class DomainInvite(HtmlRepr):
    """A pending invitation to join a domain (the secret invite token is never returned); an
    odd entry decodes with ``None`` fields rather than failing the domain."""

    email: str | None = None
    group: str | None = None
    object: str = "invite"
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Domain(ExtraFieldsOnDemand, HtmlRepr):
    """A domain on the account. Lists omit ``members`` and ``invites``, non-admins do not see
    the admin-only keys, and nested in an alias it may be only ``{id, name}``."""

    id: str
    name: str
    object: str = "domain"
    plan: str | None = None
    has_newsletter: bool | None = None
    ignore_mx_check: bool | None = None
    has_delivery_logs: bool | None = None
    has_regex: bool | None = None
    has_catchall: bool | None = None
    has_adult_content_protection: bool | None = None
    has_phishing_protection: bool | None = None
    has_executable_protection: bool | None = None
    has_virus_protection: bool | None = None
    is_catchall_regex_disabled: bool | None = None
    has_smtp: bool | None = None
    is_smtp_suspended: bool | None = None
    has_recipient_verification: bool | None = None
    has_custom_verification: bool | None = None
    has_mx_record: bool | None = None
    has_txt_record: bool | None = None
    has_dkim_record: bool | None = None
    has_return_path_record: bool | None = None
    has_dmarc_record: bool | None = None
    require_tls_inbound: bool | None = None
    has_strict_dmarc: bool | None = None
    has_spf_record: bool | None = None
    retention_days: int | None = None
    max_recipients_per_alias: int | None = None
    max_quota_per_alias: int | None = None
    smtp_port: str | None = None
    verification_record: str | None = None
    storage_used: int | None = None
    storage_used_by_aliases: int | None = None
    storage_quota: int | None = None
    smtp_dns_records: SmtpDnsRecords | None = None
    link: str | None = None
    members: list[DomainMember] | None = None
    invites: list[DomainInvite] | None = None
    allowlist: list[str] | None = None
    denylist: list[str] | None = None
    restricted_alias_names: list[str] | None = None
    bounce_webhook: str | None = None
    custom_verification: dict[str, Any] | None = None
    s3_endpoint: str | None = None
    s3_region: str | None = None
    s3_bucket: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    def __repr__(self) -> str:
        return f"Domain(id={self.id!r}, name={self.name!r}, plan={self.plan!r})"
