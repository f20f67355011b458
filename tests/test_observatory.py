"""client.observatory against the fake server: the public lookups and the monitors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import (
    FakeBlacklistEvent,
    FakeCtEvent,
    FakeDnsChange,
    FakeForwardEmail,
    FakeServer,
    FakeUser,
    observatory,
)

from .server_rules import server_refuses

JAN_1 = 1_735_689_600_000  # 2025-01-01T00:00:00Z in epoch ms


@pytest.fixture
async def anonymous(
    server: FakeServer, clock: fe.ManualClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[fe.ForwardEmail]:
    """A client without an API key: the public routes must not need one."""
    monkeypatch.delenv(fe.API_KEY_ENV, raising=False)
    async with fe.ForwardEmail(base_url=server.url, clock=clock) as c:
        yield c


# --- public lookups -----------------------------------------------------------------------------


async def test_a_first_lookup_starts_tracking_the_subject(
    anonymous: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    found = await anonymous.observatory.lookup(" Example.COM ")
    assert (found.status, found.type, found.value) == ("pending", "domain", "example.com")
    assert found.reputation_score is None and found.dns_summary is None
    assert found.blacklist_summary == fe.BlacklistSummary(listed_count=0, total_checked=0)
    assert fake.requests[-1].query == {"q": "example.com"}
    assert [s.value for s in observatory(fake).subjects] == ["example.com"]
    assert anonymous.rate_limit is not None and anonymous.rate_limit.limit == 100
    again = await anonymous.observatory.lookup("example.com")
    assert again.status == "scoring"  # known, not scored yet


async def test_a_scored_subject_and_the_five_minute_cache(
    anonymous: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    subject = observatory(fake).subject("192.0.2.10")
    subject.reputation_score, subject.reputation_grade = 92.5, "A+"
    subject.last_scored_at = JAN_1
    subject.asn, subject.asn_org, subject.country_code = 64500, "Example Net", "US"
    subject.blacklist_summary = {"listed_count": 1, "total_checked": 8, "lists": ["spamcop"]}
    subject.dns_snapshot = {"MX": ["mx1.example.net"], "SPF": "v=spf1 -all", "NS": ["a", "b"]}
    subject.dmarc_policy, subject.spf_lookup_count = "reject", 3

    found = await anonymous.observatory.lookup("192.0.2.10", type="ip")
    assert (found.status, found.type, found.reputation_grade) == ("complete", "ip", "A+")
    assert found.reputation_score == 92.5
    assert found.last_scored_at == datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert found.blacklist_summary is not None and found.blacklist_summary.lists == ["spamcop"]
    assert found.dns_summary == fe.DnsSummary(
        has_mx=True,
        has_spf=True,
        has_dmarc=False,
        dmarc_policy="reject",
        spf_lookup_count=3,
        ns_count=2,
    )
    assert (found.asn, found.country_code) == (64500, "US")

    subject.reputation_score = 10
    assert (await anonymous.observatory.lookup("192.0.2.10")).reputation_score == 92.5
    clock.advance(5 * 60)
    assert (await anonymous.observatory.lookup("192.0.2.10")).reputation_score == 10


async def test_lookup_errors(anonymous: fe.ForwardEmail) -> None:
    with pytest.raises(fe.BadRequestError) as info:
        await anonymous.observatory.lookup("example.com", type="ip")
    assert info.value.message == "Invalid IP address"


async def test_blacklists_and_dns_history(
    anonymous: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    with pytest.raises(fe.NotFoundError) as unknown:
        await anonymous.observatory.blacklists("example.com")
    assert unknown.value.message == "Subject not found. Use /v1/observatory/lookup first."
    with pytest.raises(fe.NotFoundError):
        await anonymous.observatory.dns_history("example.com")

    subject = observatory(fake).subject("example.com")
    subject.blacklist_summary_at = JAN_1
    subject.blacklist_events += [
        FakeBlacklistEvent("spamhaus-dbl", "listed", JAN_1, "127.0.1.2"),
        FakeBlacklistEvent("spamhaus-dbl", "delisted", JAN_1 + 3_600_000),
    ]
    subject.dns_snapshot = {"MX": [{"exchange": "mx1.example.net", "priority": 10}]}
    subject.dns_changes.append(
        FakeDnsChange("MX", "modified", JAN_1, record_data=["mx1"], previous_data=["mx0"])
    )

    lists = await anonymous.observatory.blacklists("example.com")
    assert [(e.event_type, e.raw_response) for e in lists.events] == [
        ("delisted", None),
        ("listed", "127.0.1.2"),
    ]
    assert lists.last_checked == datetime(2025, 1, 1, tzinfo=timezone.utc)
    history = await anonymous.observatory.dns_history("example.com", type="domain")
    assert history.current_snapshot == subject.dns_snapshot
    assert [
        (c.record_type, c.change_type, c.record_data, c.previous_data) for c in history.changes
    ] == [("MX", "modified", ["mx1"], ["mx0"])]


# --- with the API key ---------------------------------------------------------------------------


async def test_dmarc_summary_of_your_own_domain(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "example.com")
    empty = await client.observatory.dmarc_summary("Example.com")
    assert empty == fe.DmarcSummary(domain="example.com")

    subject = observatory(fake).subject("example.com")
    subject.reputation_score, subject.dmarc_policy = 71, "quarantine"
    subject.ct_events.append(
        FakeCtEvent(
            JAN_1,
            issuer="Let's Encrypt",
            san_list=["example.com", "www.example.com"],
            is_suspicious=True,
        )
    )
    summary = await client.observatory.dmarc_summary("example.com")
    assert (summary.reputation_score, summary.dmarc_policy) == (71, "quarantine")
    assert [(e.issuer, e.san_count, e.is_suspicious) for e in summary.ct_events] == [
        ("Let's Encrypt", 2, True)
    ]

    with pytest.raises(fe.NotFoundError) as other:
        await client.observatory.dmarc_summary("someone-else.example")
    assert other.value.message == "Domain not found or you do not have access"


async def test_monitors_add_list_remove(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser, clock: fe.ManualClock
) -> None:
    added = await client.observatory.add_monitor("example.com")
    assert (added.type, added.value, added.message) == (
        "domain",
        "example.com",
        "Monitor added successfully",
    )
    assert added.reputation_score is None
    clock.advance(1)
    await client.observatory.add_monitor("198.51.100.7", type="ip")
    monitors = await client.observatory.monitors()
    assert [m.value for m in monitors] == ["198.51.100.7", "example.com"]
    assert monitors[1].id == added.id and monitors[1].message is None

    with pytest.raises(fe.ConflictError) as twice:
        await client.observatory.add_monitor("example.com")
    assert twice.value.message == "You are already monitoring this subject"

    removed = await client.observatory.remove_monitor("example.com")
    assert removed == fe.StatusMessage(message="Monitor removed successfully")
    assert [m.value for m in await client.observatory.monitors()] == ["198.51.100.7"]
    with pytest.raises(fe.NotFoundError) as not_monitored:
        await client.observatory.remove_monitor("example.com")
    assert not_monitored.value.message == "You are not monitoring this subject"
    with pytest.raises(fe.NotFoundError) as unknown:
        await client.observatory.remove_monitor("never.example")
    assert unknown.value.message == "Subject not found"


async def test_adding_a_monitor_needs_a_paid_plan_and_a_matching_type(
    client: fe.ForwardEmail, user: FakeUser
) -> None:
    with pytest.raises(fe.BadRequestError) as ip_as_domain:
        await client.observatory.add_monitor("192.0.2.1", type="domain")
    assert ip_as_domain.value.message == "Invalid domain name"
    user.plan = "free"
    with pytest.raises(fe.PaymentRequiredError):
        await client.observatory.add_monitor("example.com")
    # Listing and removing have no plan guard.
    assert await client.observatory.monitors() == []


async def test_the_authenticated_routes_need_the_key(anonymous: fe.ForwardEmail) -> None:
    with pytest.raises(ValueError, match="needs credentials"):
        await anonymous.observatory.monitors()


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda o: o.lookup(5), TypeError),
        (lambda o: o.lookup("example.com", type=1), TypeError),
        # Subjects that go into the URL path: a domain name or an IP address, nothing else.
        (lambda o: o.blacklists("example.com/../x"), ValueError),
        (lambda o: o.dns_history(""), ValueError),
        (lambda o: o.dmarc_summary("192.0.2.1"), ValueError),
        (lambda o: o.remove_monitor("not a domain"), ValueError),
    ],
)
async def test_bad_input_is_refused_before_sending(
    client: fe.ForwardEmail, fake: FakeForwardEmail, call: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        await call(client.observatory)  # type: ignore[operator]
    assert fake.requests == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda o: o.lookup("not a domain"), "Invalid domain name"),
        (lambda o: o.lookup("localhost"), "Invalid domain name"),
        (lambda o: o.lookup("example.com", type="host"), "is not a valid enum value"),
        (lambda o: o.add_monitor("exa mple.com"), "Invalid domain name"),
    ],
)
async def test_the_servers_subject_rules_come_back_as_its_400(
    client: fe.ForwardEmail, fake: FakeForwardEmail, call: object, message: str
) -> None:
    await server_refuses(fake, call(client.observatory), message)  # type: ignore[operator]
