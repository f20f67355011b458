"""The Email Deliverability Observatory: reputation, DNS blacklists, DNS history and
certificate events of a domain or IP address, and the subjects you monitor.

Background jobs fill these in, so a subject looked up for the first time is mostly empty
(``status="pending"``) and every measurement is optional.
"""

from datetime import datetime
from typing import Any, Literal

import attrs

from forwardemail_async._core.display import HtmlRepr

__all__ = [
    "BlacklistEvent",
    "BlacklistSummary",
    "CertificateEvent",
    "DmarcSummary",
    "DnsChange",
    "DnsSummary",
    "ObservatoryBlacklists",
    "ObservatoryDnsHistory",
    "ObservatoryLookup",
    "ObservatoryMonitor",
    "SubjectType",
]

SubjectType = Literal["domain", "ip"]
"""What a subject is; ``type`` fields are typed ``str``."""


@attrs.frozen(kw_only=True)
class BlacklistSummary(HtmlRepr):
    """How many DNS blacklists were checked and the names of those listing the subject."""

    listed_count: int = 0
    total_checked: int = 0
    lists: list[str] = attrs.field(factory=list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class DnsSummary(HtmlRepr):
    """What the latest DNS snapshot of a domain holds."""

    has_mx: bool = False
    has_spf: bool = False
    has_dmarc: bool = False
    dmarc_policy: str | None = None
    spf_lookup_count: int = 0
    ns_count: int = 0
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class ObservatoryLookup(HtmlRepr):
    """The public reputation of a domain or IP.

    ``status`` is ``"pending"`` for a subject seen for the first time (the server starts
    tracking it), ``"scoring"`` until it has a score, then ``"complete"``. Complete answers are
    cached by the server for five minutes. ``reputation_score`` runs from 0 to 100 and
    ``reputation_grade`` from ``"A+"`` to ``"F"``.
    """

    status: str
    type: str
    value: str
    reputation_score: float | None = None
    reputation_grade: str | None = None
    blacklist_summary: BlacklistSummary | None = None
    dns_summary: DnsSummary | None = None
    asn: int | None = None
    asn_org: str | None = None
    country_code: str | None = None
    last_scored_at: datetime | None = None
    blacklist_checked_at: datetime | None = None
    dns_checked_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class BlacklistEvent(HtmlRepr):
    """A subject being ``"listed"`` on or ``"delisted"`` from one DNS blacklist."""

    list_name: str
    event_type: str
    detected_at: datetime | None = None
    raw_response: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class ObservatoryBlacklists(HtmlRepr):
    """The blacklist summary of a subject and its latest 100 events, newest first."""

    blacklist_summary: BlacklistSummary | None = None
    last_checked: datetime | None = None
    events: list[BlacklistEvent] = attrs.field(factory=list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class DnsChange(HtmlRepr):
    """One change of a DNS record type (``MX``, ``SPF``, ``DMARC``, ``DKIM``, ``NS``, ``A``,
    ``AAAA``): ``change_type`` is ``initial``, ``added``, ``modified`` or ``removed``; the
    record data is whatever the resolver returned."""

    record_type: str
    change_type: str
    record_data: Any = None
    previous_data: Any = None
    detected_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class ObservatoryDnsHistory(HtmlRepr):
    """The current DNS snapshot of a subject (record type -> data) and its latest 200
    changes, newest first."""

    current_snapshot: dict[str, Any] | None = None
    last_checked: datetime | None = None
    changes: list[DnsChange] = attrs.field(factory=list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class CertificateEvent(HtmlRepr):
    """A TLS certificate for the domain seen in Certificate Transparency logs;
    ``is_suspicious`` when its issuer is not one the domain normally uses."""

    issuer: str | None = None
    not_before: datetime | None = None
    not_after: datetime | None = None
    san_count: int = 0
    is_suspicious: bool | None = None
    detected_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class DmarcSummary(HtmlRepr):
    """Reputation, DMARC policy and the latest 25 certificate events of one of your
    domains."""

    domain: str
    reputation_score: float | None = None
    reputation_grade: str | None = None
    dmarc_policy: str | None = None
    ct_events: list[CertificateEvent] = attrs.field(factory=list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class ObservatoryMonitor(HtmlRepr):
    """A subject you monitor.

    Listed monitors carry ``blacklist_summary``, ``dmarc_policy`` and ``last_scored_at``; the
    answer to adding one carries the server's ``message`` instead, and no score yet for a
    subject that was never scored.
    """

    id: str
    type: str
    value: str
    reputation_score: float | None = None
    reputation_grade: str | None = None
    blacklist_summary: BlacklistSummary | None = None
    dmarc_policy: str | None = None
    last_scored_at: datetime | None = None
    message: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
