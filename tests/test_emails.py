"""client.emails against the fake server over HTTP: sending, listing, looking up, cancelling."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from email import message_from_string
from pathlib import Path

import aiohttp
import pytest

import forwardemail_async as fe
from forwardemail_async._decode.converter import structure, unstructure
from forwardemail_async.testing import (
    FakeDomain,
    FakeForwardEmail,
    FakeServer,
    FakeUser,
    RateLimits,
    outbound,
)

DOMAIN = "example.com"


@pytest.fixture
def domain(fake: FakeForwardEmail, user: FakeUser) -> FakeDomain:
    found = fake.add_domain(user, DOMAIN, smtp_verified=True)
    found.has_smtp = True
    fake.add_alias(found, "sales")
    return found


async def send(client: fe.ForwardEmail, **fields: object) -> fe.EmailDetail:
    message: dict[str, object] = {
        "from_": "sales@example.com",
        "to": "someone@example.org",
        "subject": "Hello",
        "text": "Hi there",
        **fields,
    }
    return await client.emails.create(**message)  # type: ignore[arg-type]


@pytest.mark.usefixtures("domain")
async def test_create_maps_every_field_and_answers_in_full(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    email = await client.emails.create(
        from_='"Sales 🚀" <sales@example.com>',
        to=["a@example.org", "B <b@example.org>"],
        cc="c@example.org",
        bcc=["hidden@example.org"],
        subject="Hello 👋",
        text="Hi",
        html="<p>Hi</p>",
        sender="sales@example.com",
        reply_to="replies@example.com",
        in_reply_to="<older@example.com>",
        references=["<older@example.com>"],
        headers={"X-Campaign": "42"},
        message_id="<unique-1@example.com>",
        date=datetime(2023, 11, 14, 22, 0, tzinfo=timezone.utc),
        list_={"unsubscribe": "https://example.com/unsubscribe"},
        attach_data_urls=True,
        watch_html="<p>watch</p>",
        amp="<html amp></html>",
        ical_event="BEGIN:VCALENDAR\r\nEND:VCALENDAR",
        alternatives=[{"contentType": "text/x-web-markdown", "content": "**Hi**"}],
        encoding="utf-8",
        text_encoding="quoted-printable",
        newline="\r\n",
        priority="high",
        require_tls=True,
        dsn={"id": "d-1", "return": "headers", "notify": ["failure"], "recipient": "me@x.org"},
    )
    sent = fake.requests[-1].json_body
    assert sent["from"] == '"Sales 🚀" <sales@example.com>'
    assert sent["to"] == ["a@example.org", "B <b@example.org>"]
    assert sent["replyTo"] == "replies@example.com"
    assert sent["inReplyTo"] == "<older@example.com>"
    assert sent["messageId"] == "<unique-1@example.com>"
    assert sent["date"] == "2023-11-14T22:00:00Z"
    assert sent["list"] == {"unsubscribe": "https://example.com/unsubscribe"}
    assert sent["attachDataUrls"] is True
    assert sent["watchHtml"] == "<p>watch</p>"
    assert sent["icalEvent"] == {"content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR"}
    assert sent["textEncoding"] == "quoted-printable"
    assert sent["requireTLS"] is True
    assert sent["dsn"]["return"] == "headers"
    assert sent["priority"] == "high"
    assert isinstance(email, fe.EmailDetail)
    assert email.status == "queued"
    assert email.messageId == "unique-1@example.com"  # without the angle brackets
    assert email.requireTLS is True
    assert email.envelope is not None and email.envelope.from_ == "sales@example.com"
    assert email.envelope.to == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
        "hidden@example.org",
    ]
    assert email.headers["Subject"] == "Hello 👋"
    assert email.headers["X-Campaign"] == "42"
    assert email.headers["Importance"] == "High"
    assert "Bcc" not in email.headers
    assert email.rejectedErrors == []
    assert email.date == datetime(2023, 11, 14, 22, 0, tzinfo=timezone.utc)
    assert "hidden@example.org" not in email.message
    assert email.alias is not None and email.link and email.link.endswith(email.id)


@pytest.mark.usefixtures("domain")
async def test_attachments_travel_base64_encoded(
    client: fe.ForwardEmail, fake: FakeForwardEmail, tmp_path: Path
) -> None:
    report = tmp_path / "report.csv"
    report.write_bytes(b"a,b\n1,2\n")
    email = await send(
        client,
        attachments=[
            report,
            b"\x00\x01raw",
            fe.EmailAttachment(content=b"<svg/>", filename="logo.svg", cid="logo@x"),
            {"filename": "note.txt", "content": "plain text"},
        ],
    )
    sent = fake.requests[-1].json_body["attachments"]
    assert sent[0] == {
        "content": base64.b64encode(b"a,b\n1,2\n").decode(),
        "encoding": "base64",
        "filename": "report.csv",
        "contentType": "text/csv",
    }
    assert sent[1] == {"content": base64.b64encode(b"\x00\x01raw").decode(), "encoding": "base64"}
    assert sent[2]["cid"] == "logo@x"
    assert sent[3] == {"filename": "note.txt", "content": "plain text"}
    parts = [p for p in message_from_string(email.message).walk() if p.get_filename()]
    assert [p.get_filename() for p in parts] == ["report.csv", "logo.svg", "note.txt"]
    assert parts[0].get_payload(decode=True) == b"a,b\n1,2\n"


@pytest.mark.usefixtures("domain")
async def test_addresses_may_be_nodemailer_address_objects(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    email = await client.emails.create(
        from_={"name": "Sales", "address": "sales@example.com"},
        to=["a@example.org", {"name": "B", "address": "b@example.org"}],
        cc={"address": "c@example.org"},
        sender={"address": "sales@example.com"},
        reply_to={"name": "Replies", "address": "replies@example.com"},
        subject="Objects",
        text="Hi",
        attachments=[{"filename": "n.bin", "content": b"\x00\x01"}],
    )
    sent = fake.requests[-1].json_body
    assert sent["from"] == {"name": "Sales", "address": "sales@example.com"}
    assert sent["to"] == ["a@example.org", {"name": "B", "address": "b@example.org"}]
    assert sent["cc"] == {"address": "c@example.org"}
    assert sent["attachments"] == [
        {
            "filename": "n.bin",
            "content": base64.b64encode(b"\x00\x01").decode(),
            "encoding": "base64",
        }
    ]
    assert email.envelope is not None
    assert (email.envelope.from_, email.envelope.to) == (
        "sales@example.com",
        ["a@example.org", "b@example.org", "c@example.org"],
    )
    assert email.headers["From"] == "Sales <sales@example.com>"
    assert email.headers["Reply-To"] == "Replies <replies@example.com>"


def test_envelope_from_is_from_underscore_in_python_and_from_in_json() -> None:
    data = {"from": "a@example.com", "to": ["b@example.org"], "future": 1}
    envelope = structure(data, fe.EmailEnvelope, what="test")
    assert (envelope.from_, envelope.to, envelope.extra_fields) == (
        "a@example.com",
        ["b@example.org"],
        {"future": 1},
    )
    assert unstructure(envelope) == {"from": "a@example.com", "to": ["b@example.org"]}


def test_a_full_email_needs_its_headers_message_and_errors() -> None:
    listed = {"id": "e1", "status": "queued", "messageId": "m@x"}
    assert structure(listed, fe.Email, what="test").messageId == "m@x"
    with pytest.raises(fe.ResponseDecodeError, match="headers"):
        structure(listed, fe.EmailDetail, what="test")


@pytest.mark.usefixtures("domain")
async def test_raw_message_sets_the_envelope_from_its_headers(client: fe.ForwardEmail) -> None:
    raw = (
        "From: sales@example.com\r\nTo: one@example.org\r\nCc: two@example.org\r\n"
        "Subject: Raw\r\nMessage-ID: <raw-1@example.com>\r\n\r\nBody\r\n"
    )
    email = await client.emails.create(raw=raw.encode())
    assert email.envelope is not None
    assert (email.envelope.from_, email.envelope.to) == (
        "sales@example.com",
        ["one@example.org", "two@example.org"],
    )
    assert (email.subject, email.messageId, email.message) == ("Raw", "raw-1@example.com", raw)


@pytest.mark.parametrize(
    ("fields", "error", "match"),
    [
        ({"from_": None}, ValueError, "from_ is required"),
        ({"to": None}, ValueError, "recipient"),
        ({"to": {"name": "No address"}}, ValueError, "address objects"),
        ({"from_": {"address": "sales@example.com", "email": "x"}}, ValueError, "address objects"),
        ({"reply_to": {"address": "a@b.c", "name": "A\r\nBcc: x@y.z"}}, ValueError, "CR, LF"),
        ({"raw": "From: a@b.c\r\n\r\nx"}, ValueError, "raw= replaces"),
        ({"attachments": ["report.pdf"]}, TypeError, "pathlib.Path"),
        ({"attachments": [{"path": "/etc/passwd"}]}, ValueError, "path"),
        ({"alternatives": [{"href": "https://x.example"}]}, ValueError, "href"),
        ({"headers": {"X-Evil": "a\r\nBcc: x@y.z"}}, ValueError, "CR, LF"),
        ({"headers": {"Bad Name": "x"}}, ValueError, "header name"),
        ({"subject": "a\nb"}, ValueError, "CR, LF"),
        ({"priority": 1}, TypeError, "priority"),
        ({"dsn": {"ret": "full"}}, ValueError, "dsn"),
        ({"date": datetime(2024, 1, 1)}, ValueError, "timezone"),
        ({"require_tls": "yes"}, TypeError, "require_tls"),
        ({"retry_unsafe": 1}, TypeError, "retry_unsafe"),
    ],
)
async def test_create_checks_input_before_sending(
    client: fe.ForwardEmail,
    fake: FakeForwardEmail,
    fields: dict[str, object],
    error: type,
    match: str,
) -> None:
    with pytest.raises(error, match=match):
        await send(client, **fields)
    assert fake.requests == []


async def test_raw_must_be_utf8_text(client: fe.ForwardEmail, fake: FakeForwardEmail) -> None:
    with pytest.raises(ValueError, match="UTF-8"):
        await client.emails.create(raw=b"\xff\xfe")
    assert fake.requests == []


@pytest.mark.usefixtures("domain")
async def test_option_values_are_the_servers_to_judge(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    # Nodemailer's option values (priority, DSN return, ...) go as given: the client checks
    # their types, and the server (which ignores or refuses what it does not know) decides.
    await send(client, priority="urgent", dsn={"return": "everything", "notify": ["failure"]})
    sent = fake.requests[-1].json_body
    assert isinstance(sent, dict)
    assert (sent["priority"], sent["dsn"]["return"]) == ("urgent", "everything")
    # A blank raw message is one request, refused there.
    before = len(fake.requests)
    with pytest.raises(fe.APIError) as info:
        await client.emails.create(raw="  ")
    assert info.value.message and len(fake.requests) == before + 1


async def test_create_with_a_missing_file_sends_nothing(
    client: fe.ForwardEmail, fake: FakeForwardEmail, tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError):
        await send(client, attachments=[tmp_path / "missing.pdf"])
    assert fake.requests == []


@pytest.mark.usefixtures("domain")
@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        (
            {"from_": "me@elsewhere.example"},
            fe.BadRequestError,
            "Domain does not exist on your account.",
        ),
        (
            {"from_": "Sales <sales@example.com>", "sender": "nobody@elsewhere.example"},
            fe.BadRequestError,
            "Domain does not exist on your account.",
        ),
        (
            {"sender": "sales@example.com", "from_": "ceo@other.example"},
            fe.PermissionDeniedError,
            "From header must be equal to sales@example.com (or) you can use a domain-wide "
            "catch-all password at https://forwardemail.net/en/my-account/domains/example.com/"
            "advanced-settings#catch-all-passwords",
        ),
        (
            {"sender": "nobody@example.com", "from_": "ceo@other.example"},
            fe.PermissionDeniedError,
            "From header must end with @example.com",
        ),
    ],
)
async def test_queue_rules_give_the_servers_errors(
    client: fe.ForwardEmail, fields: dict[str, object], error: type, message: str
) -> None:
    with pytest.raises(error) as info:
        await send(client, **fields)
    assert info.value.message == message  # type: ignore[attr-defined]


async def test_domain_without_smtp_approval_is_refused(
    client: fe.ForwardEmail, domain: FakeDomain
) -> None:
    domain.has_smtp = False
    with pytest.raises(fe.PermissionDeniedError) as info:
        await send(client)
    assert info.value.message == (
        "Domain is not approved for outbound SMTP access, please contact us "
        "https://forwardemail.net/help."
    )


async def test_members_send_only_as_their_own_enabled_aliases(
    server: FakeServer,
    fake: FakeForwardEmail,
    domain: FakeDomain,
    clock: fe.ManualClock,
) -> None:
    member = fake.add_user(email="member@example.net")
    fake.add_member(domain, member)
    mine = fake.add_alias(domain, "mine", user=member)
    async with fe.ForwardEmail(api_key=member.api_token, base_url=server.url, clock=clock) as c:
        with pytest.raises(fe.PermissionDeniedError) as info:
            await send(c, from_="sales@example.com")
        assert info.value.message == "Alias does not exist on the domain."
        email = await send(c, from_="mine+news@example.com")  # "+" tags are allowed
        assert email.alias == mine.id
        mine.is_enabled = False
        with pytest.raises(fe.BadRequestError) as disabled:
            await send(c, from_="mine@example.com")
        assert disabled.value.message == "Alias is not enabled."


async def test_a_domain_without_a_paying_admin_cannot_send(
    client: fe.ForwardEmail, user: FakeUser, domain: FakeDomain
) -> None:
    domain.plan = "team"  # a team domain needs a team-plan admin
    with pytest.raises(fe.PermissionDeniedError) as info:
        await send(client)
    assert info.value.message == (
        "Domain has past due balance or does not have at least one valid admin."
    )


async def test_the_daily_limit_is_enforced_and_reported(
    client: fe.ForwardEmail, fake: FakeForwardEmail, domain: FakeDomain, clock: fe.ManualClock
) -> None:
    outbound(fake).daily_limit = 2
    assert await client.emails.limit() == fe.EmailLimit(count=0, limit=2)
    await send(client)
    await send(client)
    assert await client.emails.limit() == fe.EmailLimit(count=2, limit=2)
    client = client.with_options(retry=fe.RetryPolicy.disabled())
    with pytest.raises(fe.RateLimitError) as info:
        await send(client)
    assert info.value.message == "You have exceeded your daily SMTP outbound rate limit."
    assert len(outbound(fake).emails) == 2
    clock.advance(86_400)
    assert (await client.emails.limit()).count == 0


async def test_limit_free_plan_gets_payment_required(
    server: FakeServer, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    free = fake.add_user(email="free@example.net", plan="free")
    async with fe.ForwardEmail(api_key=free.api_token, base_url=server.url, clock=clock) as c:
        with pytest.raises(fe.PaymentRequiredError):
            await c.emails.limit()
        with pytest.raises(fe.PaymentRequiredError):
            await send(c)


# --- never sent twice ---------------------------------------------------------------------------


@pytest.fixture
async def eager_client(
    server: FakeServer, user: FakeUser, clock: fe.ManualClock
) -> AsyncIterator[fe.ForwardEmail]:
    """A client whose policy retries every POST; create() must still not repeat itself."""
    policy = fe.RetryPolicy(retry_non_idempotent=True, max_retries=3)
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, clock=clock, retry=policy
    ) as c:
        yield c


def _posts(fake: FakeForwardEmail) -> int:
    return sum(r.method == "POST" and r.path == "/v1/emails" for r in fake.requests)


@pytest.mark.usefixtures("domain")
async def test_a_503_is_not_retried_whatever_the_policy(
    eager_client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.faults.script("503", method="POST", path="/v1/emails")
    with pytest.raises(fe.ServerError):
        await send(eager_client)
    assert _posts(fake) == 1


@pytest.mark.usefixtures("domain")
async def test_a_dropped_answer_is_not_retried_and_the_email_exists_once(
    eager_client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.faults.script("commit_then_drop", method="POST", path="/v1/emails")
    with pytest.raises(fe.APIConnectionError) as info:
        await send(eager_client, message_id="<once@example.com>")
    assert info.value.request_sent is True
    assert _posts(fake) == 1
    assert [e.message_id for e in outbound(fake).emails.values()] == ["once@example.com"]
    # The Message-ID finds the email that was queued although the answer was lost.
    assert (await eager_client.emails.retrieve("<once@example.com>")).status == "queued"


@pytest.mark.usefixtures("domain")
async def test_a_rate_limited_send_is_retried_because_it_never_reached_the_queue(
    eager_client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.faults.script("429", method="POST", path="/v1/emails", retry_after="seconds", delay=1)
    await send(eager_client)
    assert _posts(fake) == 2
    assert len(outbound(fake).emails) == 1


@pytest.mark.usefixtures("domain")
async def test_retry_unsafe_opts_in_per_call(
    eager_client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.faults.script("503", method="POST", path="/v1/emails")
    email = await send(eager_client, retry_unsafe=True)
    assert _posts(fake) == 2
    assert email.status == "queued"


# --- list, retrieve, delete ---------------------------------------------------------------------


@pytest.mark.usefixtures("domain")
async def test_list_pages_25_at_a_time_in_the_list_shape(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    for number in range(30):
        await send(client, subject=f"Message {number:02d}")
    first = await client.emails.list()
    assert (len(first.items), first.page_count, first.item_count) == (25, 2, 30)
    assert fake.requests[-1].query == {"page": "1", "limit": "25"}
    emails = await client.emails.list(limit=100).collect()
    assert [e.subject for e in emails] == [f"Message {n:02d}" for n in range(30)]
    assert all(type(e) is fe.Email for e in emails)
    assert emails[0].accepted is None and "headers" not in emails[0].extra_fields
    newest = await client.emails.list(sort="-created_at", limit=1)
    assert newest.items[0].subject == "Message 29"
    with pytest.raises(ValueError, match="limit"):
        client.emails.list(limit=101)


async def test_list_filters(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser, domain: FakeDomain
) -> None:
    await send(client, subject="Invoice 7")
    await send(client, subject="Later", date=datetime(2030, 1, 1, tzinfo=timezone.utc))
    other = fake.add_domain(user, "other.example")
    other.has_smtp = True
    await send(client, from_="me@other.example", subject="Elsewhere")
    assert [e.subject for e in await client.emails.list(q="INVOICE").collect()] == ["Invoice 7"]
    scheduled = await client.emails.list(is_scheduled=True).collect()
    assert [e.subject for e in scheduled] == ["Later"]
    assert fake.requests[-1].query["is_scheduled"] == "true"
    mine = await client.emails.list(domain="Other.Example").collect()
    assert [e.subject for e in mine] == ["Elsewhere"]
    assert fake.requests[-1].query["domain"] == "other.example"


async def test_list_domain_filter_errors(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "nosmtp.example")
    fake.add_domain(user, "free.example", plan="free")
    with pytest.raises(fe.NotFoundError) as missing:
        await client.emails.list(domain="unknown.example").collect()
    assert missing.value.message == "Domain does not exist on your account."
    with pytest.raises(fe.BadRequestError) as no_smtp:
        await client.emails.list(domain="nosmtp.example").collect()
    assert no_smtp.value.message.startswith("Domain is not approved for outbound SMTP access")
    with pytest.raises(fe.PaymentRequiredError):
        await client.emails.list(domain="free.example").collect()
    before = len(fake.requests)
    with pytest.raises(ValueError, match="domain"):
        client.emails.list(domain="not a domain")
    assert len(fake.requests) == before


async def test_empty_list_reports_zero_pages(client: fe.ForwardEmail) -> None:
    page = await client.emails.list()
    assert (page.items, page.page_count, page.item_count) == ([], 0, 0)


@pytest.mark.usefixtures("domain")
async def test_retrieve_by_id_or_message_id(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    sent = await send(client, message_id="<a/b?c#d%e@example.com>")
    for reference in (sent.id, sent.messageId, f"<{sent.messageId}>", f"{sent.id}.eml"):
        found = await client.emails.retrieve(reference)  # type: ignore[arg-type]
        assert found.id == sent.id
        assert found.message == sent.message
    # Message-ID characters that would change the path travel percent-encoded.
    assert fake.requests[-3].raw_path == "/v1/emails/a%2Fb%3Fc%23d%25e@example.com"
    with pytest.raises(fe.NotFoundError) as info:
        await client.emails.retrieve("512312312")
    assert info.value.message == "Email does not exist."
    with pytest.raises(ValueError, match="email"):
        await client.emails.retrieve("<>")


async def test_other_peoples_emails_are_invisible(
    server: FakeServer,
    fake: FakeForwardEmail,
    client: fe.ForwardEmail,
    domain: FakeDomain,
    clock: fe.ManualClock,
) -> None:
    sent = await send(client)
    member = fake.add_user(email="member@example.net")
    fake.add_member(domain, member)
    async with fe.ForwardEmail(api_key=member.api_token, base_url=server.url, clock=clock) as c:
        assert await c.emails.list().collect() == []
        with pytest.raises(fe.NotFoundError):
            await c.emails.retrieve(sent.id)


async def test_delete_rejects_a_queued_email_only(
    client: fe.ForwardEmail, fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    sent = await send(client, to=["a@example.org", "b@example.org"])
    cancelled = await client.emails.delete(sent.id)
    assert cancelled.status == "rejected"
    assert [(e.recipient, e.message) for e in cancelled.rejectedErrors] == [
        ("a@example.org", "Email was removed from the queue by an admin."),
        ("b@example.org", "Email was removed from the queue by an admin."),
    ]
    assert (await client.emails.retrieve(sent.id)).status == "rejected"
    delivered = await send(client)
    outbound(fake).emails[delivered.id].status = "sent"
    with pytest.raises(fe.BadRequestError) as info:
        await client.emails.delete(delivered.id)
    assert info.value.message == "Email status must be pending, queued, deferred, or scheduled."


@pytest.mark.usefixtures("domain")
async def test_emails_bypass_the_global_limiter_but_not_its_sub_paths(
    server: FakeServer, fake: FakeForwardEmail, user: FakeUser, clock: fe.ManualClock
) -> None:
    fake.rate_limits = RateLimits(global_max=1)
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, clock=clock, retry=fe.RetryPolicy.disabled()
    ) as c:
        for _ in range(3):
            await send(c)
            await c.emails.list().collect()
        assert c.rate_limit is None  # /v1/emails answers carry no X-RateLimit headers
        await c.emails.limit()
        with pytest.raises(fe.RateLimitError):
            await c.emails.limit()


# --- the fake's own rules, over plain HTTP ------------------------------------------------------


async def _post(server: FakeServer, authorization: str, body: object) -> tuple[int, object]:
    async with (
        aiohttp.ClientSession(headers={"Authorization": authorization}) as http,
        http.post(f"{server.url}/v1/emails", json=body) as response,
    ):
        return response.status, await response.json()


@pytest.mark.usefixtures("domain")
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "Invalid request body."),
        ({"dsn": "yes"}, 'Nodemailer option "dsn" must be an Object'),
        ({"attachments": {}}, 'Attachments option "attachments" must be an Array if set; '),
        ({"attachments": ["x"]}, '"attachments" must contain only objects; '),
        ({"attachments": [{"path": "/etc/passwd"}]}, '"attachments" cannot use "path" nor "href"'),
        ({"html": {"href": "https://x.example"}}, '"html" cannot use "path" nor "href"'),
        (
            {
                "from": "sales@example.com",
                "to": "x@example.org",
                "attachments": [{"content": "abc", "encoding": "base65"}],
            },
            "Unknown encoding: base65",
        ),
    ],
)
async def test_fake_validates_nodemailer_options(
    server: FakeServer, user: FakeUser, body: object, message: str
) -> None:
    status, answer = await _post(server, aiohttp.encode_basic_auth(user.api_token, ""), body)
    assert status == 400
    assert isinstance(answer, dict) and answer["message"].startswith(message)


async def test_fake_refuses_a_raw_message_with_two_from_headers(
    server: FakeServer, user: FakeUser, domain: FakeDomain
) -> None:
    raw = "From: sales@example.com\r\nFROM : ceo@example.com\r\nTo: x@example.org\r\n\r\nx"
    status, answer = await _post(
        server, aiohttp.encode_basic_auth(user.api_token, ""), {"raw": raw}
    )
    assert (status, answer) == (
        403,
        {
            "statusCode": 403,
            "error": "Forbidden",
            "message": "The email sent contains multiple From headers",
        },
    )


async def test_fake_accepts_alias_credentials_for_sending(
    server: FakeServer, fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    alias = fake.add_alias(domain, "support")
    alias.passwords = ["alias-secret-123"]
    authorization = aiohttp.encode_basic_auth("support@example.com", "alias-secret-123")
    body = {"from": "support@example.com", "to": "x@example.org", "text": "hi"}
    status, answer = await _post(server, authorization, body)
    assert status == 200
    assert isinstance(answer, dict) and answer["alias"] == alias.id
    status, answer = await _post(server, authorization, {**body, "from": "sales@example.com"})
    assert status == 403
    assert isinstance(answer, dict)
    assert answer["message"].startswith("From header must be equal to support@example.com")
