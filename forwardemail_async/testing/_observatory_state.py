"""The observatory's state: the subjects it tracks (domains and IPs), their events, the
lookup cache, and who monitors what."""

from __future__ import annotations

from typing import Any

import attrs

from ._state import FakeUser, IdSource
from ._text import is_ip

__all__ = [
    "FakeBlacklistEvent",
    "FakeCtEvent",
    "FakeDnsChange",
    "FakeObservatory",
    "FakeObservatorySubject",
    "infer_type",
]


@attrs.define(eq=False)
class FakeBlacklistEvent:
    """A subject ``"listed"``/``"delisted"`` on one DNSBL (``detected_at`` in epoch ms)."""

    list_name: str
    event_type: str
    detected_at: int
    raw_response: str | None = None


@attrs.define(eq=False)
class FakeDnsChange:
    """One DNS record change: ``change_type`` initial, added, modified or removed."""

    record_type: str
    change_type: str
    detected_at: int
    record_data: Any = None
    previous_data: Any = None


@attrs.define(eq=False)
class FakeCtEvent:
    """A certificate seen in Certificate Transparency logs (dates in epoch ms)."""

    detected_at: int
    issuer: str | None = None
    not_before: int | None = None
    not_after: int | None = None
    san_list: list[str] = attrs.field(factory=list)
    is_suspicious: bool = False


def _empty_blacklist_summary() -> dict[str, Any]:
    return {"listed_count": 0, "total_checked": 0, "lists": []}


@attrs.define(eq=False)
class FakeObservatorySubject:
    """A domain or IP the observatory tracks. Set the fields the background jobs would
    (score, grade, DNS snapshot, blacklist summary, events); dates are epoch ms."""

    id: str
    type: str
    value: str
    created_at: int
    updated_at: int
    reputation_score: float | None = None
    reputation_grade: str | None = None
    last_scored_at: int | None = None
    blacklist_summary: dict[str, Any] | None = attrs.field(factory=_empty_blacklist_summary)
    blacklist_summary_at: int | None = None
    dns_snapshot: dict[str, Any] | None = None
    dns_snapshot_at: int | None = None
    dmarc_policy: str | None = None
    spf_lookup_count: int | None = None
    asn: int | None = None
    asn_org: str | None = None
    country_code: str | None = None
    monitored_by: list[FakeUser] = attrs.field(factory=list, repr=False)
    blacklist_events: list[FakeBlacklistEvent] = attrs.field(factory=list, repr=False)
    dns_changes: list[FakeDnsChange] = attrs.field(factory=list, repr=False)
    ct_events: list[FakeCtEvent] = attrs.field(factory=list, repr=False)


@attrs.define(eq=False)
class FakeObservatory:
    """The observatory's subjects and its lookup cache (value -> expiry ms and answer)."""

    ids: IdSource = attrs.field(repr=False)
    subjects: list[FakeObservatorySubject] = attrs.field(factory=list)
    lookup_cache: dict[str, tuple[int, dict[str, Any]]] = attrs.field(factory=dict, repr=False)

    def find(self, value: str, type: str | None = None) -> FakeObservatorySubject | None:
        """The subject ``value`` (lowercased, trimmed) of ``type`` (inferred if ``None``)."""
        value = value.strip().lower()
        wanted = type or infer_type(value)
        return next((s for s in self.subjects if (s.type, s.value) == (wanted, value)), None)

    def subject(self, value: str, type: str | None = None) -> FakeObservatorySubject:
        """The subject ``value``, created empty (as a first lookup does) if needed."""
        found = self.find(value, type)
        if found is None:
            value = value.strip().lower()
            ms = self.ids.now_ms()
            found = FakeObservatorySubject(
                id=self.ids.new_id(ms),
                type=type or infer_type(value),
                value=value,
                created_at=ms,
                updated_at=ms,
            )
            self.subjects.append(found)
        return found


def infer_type(value: str) -> str:
    return "ip" if is_ip(value) else "domain"
