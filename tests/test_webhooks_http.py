"""Webhooks over real HTTP: the fake server delivers, the library's aiohttp handlers receive.

Signature cases (tampered body, wrong key, missing header, old key after rotation), the
service's attempts/timeouts/200-only rule as the fake keeps them, and bounce reports.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

import aiohttp
import pytest
from aiohttp import web

import forwardemail_async as fe
from forwardemail_async import webhooks
from forwardemail_async.testing import FakeDomain, FakeForwardEmail, FakeUser, outbound

from .webhook_helpers import Hang, VirtualTimer, receiver, status_route

pytestmark = pytest.mark.usefixtures("no_unclosed_resources")


@pytest.fixture
def domain(fake: FakeForwardEmail, user: FakeUser) -> FakeDomain:
    found = fake.add_domain(user, "example.com", smtp_verified=True)
    found.has_smtp = True
    return found


def hook(fake: FakeForwardEmail, domain: FakeDomain, url: str, name: str = "hook") -> str:
    fake.add_alias(domain, name, recipients=[url, "someone@example.org"])
    return f"{name}@{domain.name}"


async def post(url: str, body: bytes, signature: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Webhook-Signature"] = signature
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as answer,
    ):
        return answer.status


# --- signatures over HTTP --------------------------------------------------------------------


async def test_a_signed_email_reaches_the_handler(
    fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    key = fake.webhooks.key(domain)
    assert len(key) == 32 and int(key, 16) >= 0
    async with receiver(key) as got:
        address = hook(fake, domain, f"{got.url}/inbound")
        (delivery,) = await fake.deliver(address, subject="Hi", text="Hello there")
    assert delivery.ok and delivery.status == 200 and len(delivery.attempts) == 1
    expected = hmac.new(key.encode(), delivery.body, hashlib.sha256).hexdigest()
    assert delivery.signature == expected
    assert delivery.headers["User-Agent"].startswith("forwardemail-net/")
    assert delivery.headers["Content-Type"] == "application/json"
    (email,) = got.emails
    assert email.subject == "Hi" and email.text == "Hello there\n"
    assert email.recipients == [address] and email.session.recipient == address
    assert fake.webhooks.deliveries == [delivery]


async def test_a_tampered_body_is_refused_401(fake: FakeForwardEmail, domain: FakeDomain) -> None:
    key = fake.webhooks.key(domain)
    async with receiver(key) as got:
        address = hook(fake, domain, f"{got.url}/inbound")
        (delivery,) = await fake.deliver(address)
        payload = delivery.payload
        payload["subject"] = "Pay this invoice"
        tampered = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        assert await post(f"{got.url}/inbound", tampered, delivery.signature) == 401
        # Re-serialising the same JSON differently changes the bytes too.
        reformatted = json.dumps(delivery.payload).encode()
        assert await post(f"{got.url}/inbound", reformatted, delivery.signature) == 401
        assert await post(f"{got.url}/inbound", delivery.body, delivery.signature) == 200
    assert len(got.emails) == 2  # the delivery and the replayed original, never the others


async def test_a_wrong_key_is_refused_401_without_retry(
    fake: FakeForwardEmail, domain: FakeDomain, caplog: pytest.LogCaptureFixture
) -> None:
    key = fake.webhooks.key(domain)
    async with receiver("f" * 32) as got:
        address = hook(fake, domain, f"{got.url}/inbound")
        with caplog.at_level(logging.WARNING, logger="forwardemail_async.webhooks"):
            (delivery,) = await fake.deliver(address)
    assert not delivery.ok and delivery.status == 401
    assert len(delivery.attempts) == 1  # 401 is not retryable
    assert got.emails == []
    assert "does not match" in caplog.text
    assert delivery.signature is not None
    assert key not in caplog.text and delivery.signature not in caplog.text


async def test_a_missing_header_is_refused_unless_unsigned_is_allowed(
    fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    domain.plan = "free"  # no key in effect: the service sends inbound mail unsigned
    key = fake.webhooks.key(domain)
    async with receiver(key) as strict, receiver(key, allow_unsigned=True) as lenient:
        address = hook(fake, domain, f"{strict.url}/inbound", "strict")
        (refused,) = await fake.deliver(address)
        address = hook(fake, domain, f"{lenient.url}/inbound", "lenient")
        (accepted,) = await fake.deliver(address)
        # allow_unsigned never lets a bad signature through.
        assert await post(f"{lenient.url}/inbound", accepted.body, "0" * 64) == 401
        assert await post(f"{lenient.url}/inbound", accepted.body, "zz") == 401
    assert refused.signature is None and refused.status == 401
    assert accepted.signature is None and accepted.ok
    assert strict.emails == [] and len(lenient.emails) == 1


async def test_unsigned_receiver_without_keys(fake: FakeForwardEmail, domain: FakeDomain) -> None:
    domain.plan = "free"
    async with receiver(None, allow_unsigned=True) as got:
        (delivery,) = await fake.deliver(hook(fake, domain, f"{got.url}/inbound"))
    assert delivery.ok and len(got.emails) == 1
    with pytest.raises(ValueError, match="allow_unsigned"):
        webhooks.inbound_handler(got.on_email, keys=None)


async def test_the_old_key_during_and_after_rotation(
    fake: FakeForwardEmail, domain: FakeDomain, clock: fe.ManualClock
) -> None:
    old = fake.webhooks.key(domain)
    new = fake.webhooks.rotate_key(domain)
    assert new != old and fake.webhooks.key(domain) == new
    async with receiver(new) as only_new, receiver([new, old]) as both:
        to_new = hook(fake, domain, f"{only_new.url}/inbound", "new")
        to_both = hook(fake, domain, f"{both.url}/inbound", "both")
        # Within the hour the MX may still sign with the cached old key.
        (stale,) = await fake.deliver(to_new)
        (accepted,) = await fake.deliver(to_both)
        assert stale.status == 401 and accepted.ok
        assert accepted.signature == webhooks.compute_signature(accepted.body, old)
        clock.advance(3601)
        (fresh,) = await fake.deliver(to_new)
        assert fresh.ok and fresh.signature == webhooks.compute_signature(fresh.body, new)
    assert len(only_new.emails) == 1 and len(both.emails) == 1


async def test_rotation_without_a_stale_window(fake: FakeForwardEmail, domain: FakeDomain) -> None:
    old = fake.webhooks.key(domain)
    new = fake.webhooks.rotate_key(domain, stale_for=0)
    async with receiver(old) as got:
        (delivery,) = await fake.deliver(hook(fake, domain, f"{got.url}/inbound"))
    assert delivery.status == 401
    assert delivery.signature == webhooks.compute_signature(delivery.body, new)


# --- the handler's answers -------------------------------------------------------------------


async def test_a_failing_handler_is_answered_500(
    fake: FakeForwardEmail, domain: FakeDomain, caplog: pytest.LogCaptureFixture
) -> None:
    async with receiver(fake.webhooks.key(domain)) as got:
        got.fail_with = RuntimeError("database down")
        with caplog.at_level(logging.ERROR, logger="forwardemail_async.webhooks"):
            (delivery,) = await fake.deliver(hook(fake, domain, f"{got.url}/inbound"))
    assert delivery.status == 500 and not delivery.ok
    # A 5xx is not one of the service's retryable failures (408, 413, 429, 550, timeouts).
    assert len(delivery.attempts) == 1
    assert "database down" in caplog.text


async def test_a_handler_may_choose_its_answer_with_an_http_exception(
    fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    async def busy(email: webhooks.InboundEmail) -> None:
        raise web.HTTPTooManyRequests()

    handler = webhooks.inbound_handler(busy, keys=fake.webhooks.key(domain))
    async with receiver(None, allow_unsigned=True, extra_routes={"/busy": handler}) as got:
        (delivery,) = await fake.deliver(hook(fake, domain, f"{got.url}/busy"))
    assert [a.status for a in delivery.attempts] == [429, 429]  # retried once, as the service does


async def test_failure_status_makes_a_failing_handler_retryable(
    fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    async def broken(email: webhooks.InboundEmail) -> None:
        raise RuntimeError("database restarting")

    handler = webhooks.inbound_handler(broken, keys=fake.webhooks.key(domain), failure_status=429)
    async with receiver(None, allow_unsigned=True, extra_routes={"/broken": handler}) as got:
        (delivery,) = await fake.deliver(hook(fake, domain, f"{got.url}/broken"))
    assert [a.status for a in delivery.attempts] == [429, 429]
    for bad in (200, 302, 600, True):
        with pytest.raises(ValueError, match="failure_status"):
            webhooks.bounce_handler(broken, keys="k" * 32, failure_status=bad)  # type: ignore[arg-type]


async def test_bad_bodies_are_answered_400_and_413(
    fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    key = fake.webhooks.key(domain)
    async with receiver(key, max_size=2000) as got:
        not_json = b"hello"
        assert (
            await post(f"{got.url}/inbound", not_json, webhooks.compute_signature(not_json, key))
            == 400
        )
        big = b'{"text":"' + b"x" * 3000 + b'"}'
        assert await post(f"{got.url}/inbound", big, webhooks.compute_signature(big, key)) == 413
        (delivery,) = await fake.deliver(
            hook(fake, domain, f"{got.url}/inbound"), attachments=[("big.bin", bytes(1000))]
        )
    assert delivery.status == 413
    assert len(delivery.attempts) == 2  # 413 is retryable
    assert got.emails == []


# --- delivery behaviour ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "attempts"), [(201, 1), (204, 1), (302, 1), (404, 1), (408, 2), (429, 2), (550, 2)]
)
async def test_only_200_succeeds_and_only_some_failures_are_retried(
    fake: FakeForwardEmail, domain: FakeDomain, status: int, attempts: int
) -> None:
    async with receiver("k" * 32, extra_routes={"/status": status_route(status)}) as got:
        (delivery,) = await fake.deliver(hook(fake, domain, f"{got.url}/status"))
    assert [a.status for a in delivery.attempts] == [status] * attempts
    assert not delivery.ok and delivery.attempts[0].error == f"HTTP {status}"
    assert [a.waited for a in delivery.attempts] == [0.0, 2.0][:attempts]


async def test_inbound_times_out_after_30_s_twice(
    fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    hang, timer = Hang(), VirtualTimer()
    fake.webhooks.timer = timer
    pauses: list[float] = []

    async def pause(seconds: float) -> None:
        pauses.append(seconds)

    fake.webhooks.pause = pause
    async with receiver("k" * 32, extra_routes={"/hang": hang.handle}) as got:
        try:
            (delivery,) = await fake.deliver(hook(fake, domain, f"{got.url}/hang"))
        finally:
            hang.release.set()
    assert timer.timeouts == [30.0, 30.0] and pauses == [2.0]
    assert [a.error for a in delivery.attempts] == ["timed out after 30 s"] * 2
    assert delivery.status is None and not delivery.ok


async def test_a_refused_connection_is_retried_once(
    fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    async with receiver("k" * 32) as got:
        url = f"{got.url}/inbound"
    (delivery,) = await fake.deliver(hook(fake, domain, url))  # nobody listens any more
    assert len(delivery.attempts) == 2
    assert all(a.status is None and a.error for a in delivery.attempts)


async def test_one_request_per_url_with_every_alias_and_the_query_honoured(
    fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    async with receiver(fake.webhooks.key(domain)) as got:
        url = f"{got.url}/inbound?attachments=false&raw=false"
        first, second = hook(fake, domain, url, "one"), hook(fake, domain, url, "two")
        deliveries = await fake.deliver(
            [first, second], attachments=[("a.txt", b"hello")], text="hi"
        )
    (delivery,) = deliveries
    assert delivery.recipients == [first, second]
    payload = delivery.payload
    assert "attachments" not in payload and "raw" not in payload
    (email,) = got.emails
    assert email.recipients == [first, second] and email.attachments == [] and email.raw is None


async def test_unknown_and_disabled_aliases(fake: FakeForwardEmail, domain: FakeDomain) -> None:
    with pytest.raises(ValueError, match="no alias"):
        await fake.deliver("nobody@example.com")
    fake.add_alias(domain, "off", recipients=["http://127.0.0.1:9/x"], is_enabled=False)
    assert await fake.deliver("off@example.com") == []
    assert fake.webhooks.deliveries == []


RAW = (
    b"From: =?utf-8?q?Ren=C3=A9?= <rene@example.net>\r\n"
    b"To: Team: a@example.org, B <b@example.org>;, hook@example.com\r\n"
    b"Cc: c@example.org\r\n"
    b"Reply-To: replies@example.net\r\n"
    b"Subject: =?utf-8?b?w4dhIHZh?=\r\n"
    b"Message-ID: <raw-1@example.net>\r\n"
    b"In-Reply-To: <raw-0@example.net>\r\n"
    b"References: <raw-a@example.net> <raw-0@example.net>\r\n"
    b"Date: Wed, 01 Jan 2025 10:00:00 +0100\r\n"
    b"X-Long: first\r\n\tsecond\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/related; boundary="b1"\r\n'
    b"\r\n"
    b"--b1\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n"
    b"\r\n"
    b'<p>Voil\xc3\xa0 <img src="cid:logo@x"></p>\r\n'
    b"--b1\r\n"
    b"Content-Type: image/png\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"Content-ID: <logo@x>\r\n"
    b"Content-Disposition: inline; filename=logo.png\r\n"
    b"\r\n"
    b"iVBORw0KGgo=\r\n"
    b"--b1--\r\n"
)


async def test_a_raw_message_is_parsed_like_the_service(
    fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    async with receiver(fake.webhooks.key(domain)) as got:
        await fake.deliver(
            hook(fake, domain, f"{got.url}/inbound"), RAW, sender="bounces@example.net"
        )
    (email,) = got.emails
    assert email.subject == "Ça va" and email.messageId == "<raw-1@example.net>"
    assert email.inReplyTo == "<raw-0@example.net>"
    assert email.references == ["<raw-a@example.net>", "<raw-0@example.net>"]
    assert email.date is not None and email.date.isoformat() == "2025-01-01T09:00:00+00:00"
    assert email.from_ is not None and email.from_.value[0].name == "René"
    assert email.to is not None
    assert email.to.addresses == ["a@example.org", "b@example.org", "hook@example.com"]
    assert email.to.value[0].name == "Team" and email.to.value[0].group is not None
    assert email.cc is not None and email.cc.addresses == ["c@example.org"]
    assert email.replyTo is not None and email.replyTo.addresses == ["replies@example.net"]
    assert email.html == '<p>Voilà <img src="cid:logo@x"></p>' and email.text == ""
    (logo,) = email.attachments
    assert logo.content == b"\x89PNG\r\n\x1a\n" and logo.size == 8
    assert (logo.contentId, logo.cid, logo.related) == ("<logo@x>", "logo@x", True)
    assert logo.checksum == hashlib.md5(logo.content).hexdigest()
    assert isinstance(email.headers, dict)
    assert email.headers["Subject"] == "Ça va" and "X-Original-To" not in email.headers
    assert [line.key for line in email.headerLines[:2]] == ["x-original-to", "received"]
    assert any(line.line == "X-Long: first\r\n\tsecond" for line in email.headerLines)
    assert email.raw is not None and email.raw.endswith("--b1--\r\n")
    assert email.session.sender == "bounces@example.net"
    assert email.dkim is not None and email.dkim.envelopeFrom == "bounces@example.net"


async def test_extra_payload_fields_reach_the_model(
    fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    async with receiver(fake.webhooks.key(domain)) as got:
        await fake.deliver(
            hook(fake, domain, f"{got.url}/inbound"),
            extra={"spamScore": 0.5, "arc": False, "spf": {"status": {"result": "pass"}}},
        )
    (email,) = got.emails
    assert email.extra_fields == {"spamScore": 0.5}
    assert email.arc is None
    assert email.spf is not None and email.spf.status == webhooks.AuthStatus(result="pass")


# --- bounces ---------------------------------------------------------------------------------


async def sent_email(client: fe.ForwardEmail, fake: FakeForwardEmail, domain: FakeDomain) -> str:
    fake.add_alias(domain, "sales")
    email = await client.emails.create(
        from_="sales@example.com",
        to=["gone@example.org", "full@example.org"],
        subject="Offer",
        text="Hi",
        headers={"List-ID": "<offers.example.com>"},
    )
    return email.id


async def test_a_bounce_reaches_the_bounce_webhook_signed(
    client: fe.ForwardEmail, fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    email_id = await sent_email(client, fake, domain)
    key = fake.webhooks.key(domain)
    async with receiver(key) as got:
        domain.bounce_webhook = f"{got.url}/bounce"
        delivery = await fake.bounce(email_id, recipient="gone@example.org")
        soft = await fake.bounce(email_id, recipient="full@example.org", code=421)
    assert delivery is not None and delivery.ok and len(delivery.attempts) == 1
    assert delivery.signature == webhooks.compute_signature(delivery.body, key)
    hard_event, soft_event = got.bounces
    assert hard_event.email_id == email_id and hard_event.recipient == "gone@example.org"
    assert hard_event.response_code == 550 and hard_event.is_hard
    assert hard_event.bounce.status == "5.1.1" and hard_event.bounce.action == "reject"
    assert hard_event.truth_source is None and hard_event.list_id == "<offers.example.com>"
    assert hard_event.headers["Subject"] == "Offer"
    assert hard_event.bounced_at is not None and hard_event.bounced_at.tzinfo is not None
    assert soft is not None and not soft_event.is_hard and soft_event.bounce.action == "defer"
    detail = await client.emails.retrieve(email_id)
    assert detail.status == "deferred"
    assert {r.recipient for r in detail.rejectedErrors or []} == {
        "gone@example.org",
        "full@example.org",
    }
    assert set(delivery.payload) >= {
        "email_id",
        "recipient",
        "message",
        "response",
        "response_code",
        "truth_source",
        "bounce",
        "headers",
        "bounced_at",
    }


async def test_bounces_are_signed_even_on_the_free_plan_and_never_retried(
    client: fe.ForwardEmail, fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    email_id = await sent_email(client, fake, domain)
    domain.plan = "free"
    hang, timer = Hang(), VirtualTimer()
    routes = {"/hang": hang.handle, "/429": status_route(429)}
    async with receiver("k" * 32, extra_routes=routes) as got:
        domain.bounce_webhook = f"{got.url}/429"
        limited = await fake.bounce(email_id)
        domain.bounce_webhook = f"{got.url}/hang"
        fake.webhooks.timer = timer
        try:
            hung = await fake.bounce(email_id)
        finally:
            hang.release.set()
    assert limited is not None and limited.signature is not None
    assert [a.status for a in limited.attempts] == [429]
    assert hung is not None and [a.error for a in hung.attempts] == ["timed out after 5 s"]
    assert timer.timeouts == [5.0]


async def test_a_bounce_wrong_key_and_no_webhook(
    client: fe.ForwardEmail, fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    email_id = await sent_email(client, fake, domain)
    assert await fake.bounce(email_id) is None  # no bounce_webhook set
    assert outbound(fake).emails[email_id].status == "bounced"
    async with receiver("0" * 32) as got:
        domain.bounce_webhook = f"{got.url}/bounce"
        delivery = await fake.bounce(email_id)
    assert delivery is not None and delivery.status == 401 and got.bounces == []
    with pytest.raises(ValueError, match="not a recipient"):
        await fake.bounce(email_id, recipient="stranger@example.org")


async def test_bounce_rules_bounce_mail_sent_through_the_api(
    client: fe.ForwardEmail, fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    fake.webhooks.bounce_rules["gone@example.org"] = 550
    fake.webhooks.bounce_rules["full@example.org"] = 452
    async with receiver(fake.webhooks.key(domain)) as got:
        domain.bounce_webhook = f"{got.url}/bounce"
        email_id = await sent_email(client, fake, domain)
        await fake.webhooks.drain()
    assert [(e.recipient, e.response_code) for e in got.bounces] == [
        ("gone@example.org", 550),
        ("full@example.org", 452),
    ]
    assert all(event.email_id == email_id for event in got.bounces)
    assert outbound(fake).emails[email_id].status == "deferred"  # the latest verdict, a 4xx
