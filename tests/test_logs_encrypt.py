"""client.logs.download and client.encrypt against the fake server over HTTP."""

from __future__ import annotations

import base64
import re

import aiohttp
import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser

from .server_rules import server_refuses

IN_PROGRESS = "Your report will be emailed to you shortly."


async def test_download_queues_a_report(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "example.com")
    text = await client.logs.download(
        domain="Example.com",
        domains=["other.example"],
        q="bounce",
        bounce_category="spam",
        response_code=550,
        response_codes=[421, 550],
        show_errors=True,
    )
    assert text == IN_PROGRESS
    assert fake.requests[-1].query == {
        "domains": "example.com,other.example",
        "q": "bounce",
        "bounce_category": "spam",
        "response_codes": "550,421",
        "show_errors": "true",
    }


async def test_download_without_a_paid_domain_finds_nothing(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "free.example", plan="free")
    with pytest.raises(fe.BadRequestError) as info:
        await client.logs.download()
    assert info.value.message == "No results were found."
    fake.add_domain(user, "paid.example")
    # A filter naming only other domains leaves nothing in scope either.
    with pytest.raises(fe.BadRequestError):
        await client.logs.download(domain="free.example")
    assert await client.logs.download(domain="paid.example") == IN_PROGRESS


async def test_download_for_a_member_needs_an_alias_of_theirs(
    server: FakeServer, fake: FakeForwardEmail, user: FakeUser, clock: fe.ManualClock
) -> None:
    member = fake.add_user(email="member@example.net")
    domain = fake.add_domain(user, "team.example")
    fake.add_member(domain, member)
    async with fe.ForwardEmail(api_key=member.api_token, base_url=server.url, clock=clock) as c:
        with pytest.raises(fe.BadRequestError):
            await c.logs.download()
        fake.add_alias(domain, "mine", user=member)
        assert await c.logs.download() == IN_PROGRESS


async def test_download_is_limited_to_20_a_day(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "example.com")
    for _ in range(20):
        await client.logs.download()
    with pytest.raises(fe.RateLimitError) as info:
        await client.logs.download()
    assert info.value.limit == 20
    assert info.value.message.startswith("Rate limit exceeded, retry in ")


async def test_download_free_plan_gets_payment_required(
    server: FakeServer, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    free = fake.add_user(email="free@example.net", plan="free")
    async with fe.ForwardEmail(api_key=free.api_token, base_url=server.url, clock=clock) as c:
        with pytest.raises(fe.PaymentRequiredError):
            await c.logs.download()


async def test_download_checks_input_before_sending(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    with pytest.raises(TypeError, match="response_code"):
        await client.logs.download(response_code="99")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="domain"):
        await client.logs.download(domain="not a domain")
    with pytest.raises(TypeError, match="show_errors"):
        await client.logs.download(show_errors="true")  # type: ignore[arg-type]
    assert fake.requests == []


async def test_which_response_codes_count_is_the_servers_call(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "example.com")
    assert await client.logs.download(response_codes=[99, 550]) == IN_PROGRESS
    assert fake.requests[-1].query["response_codes"] == "99,550"


async def test_encrypt_needs_no_key_and_answers_text(
    server: FakeServer, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    async with fe.ForwardEmail(base_url=server.url, clock=clock) as anonymous:
        record = await anonymous.encrypt("forward-email=me@example.net")
        port = await anonymous.encrypt("forward-email-port=2525")
    prefix, _, payload = record.partition("=")
    assert prefix == "forward-email"
    assert re.fullmatch(r"[0-9a-f]+", base64.b64decode(payload).decode())
    assert port.startswith("forward-email-port=")
    assert fake.requests[0].json_body == {"input": "forward-email=me@example.net"}
    assert fake.requests[0].user_id is None


async def test_encrypt_is_limited_to_50_a_day_per_ip(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    for _ in range(50):
        await client.encrypt("me@example.net")
    with pytest.raises(fe.RateLimitError) as info:
        await client.encrypt("me@example.net")
    assert info.value.limit == 50


async def test_encrypt_is_retried_after_a_503(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    # Encrypting has no side effect, so this POST may be repeated.
    fake.faults.script("503", method="POST", path="/v1/encrypt")
    assert (await client.encrypt("me@example.net")).startswith("forward-email=")
    assert [r.path for r in fake.requests] == ["/v1/encrypt", "/v1/encrypt"]


@pytest.mark.parametrize("value", [b"bytes", None, 5])
async def test_encrypt_checks_the_type_before_sending(
    client: fe.ForwardEmail, fake: FakeForwardEmail, value: object
) -> None:
    with pytest.raises(TypeError):
        await client.encrypt(value)  # type: ignore[arg-type]
    assert fake.requests == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "An unknown error has occurred."),
        ("x" * 1000, "An unknown error has occurred."),
        ("forward-email-site-verification=abc", "You do not need to encrypt site verification"),
    ],
)
async def test_encrypt_leaves_its_rules_to_the_server(
    client: fe.ForwardEmail, fake: FakeForwardEmail, value: str, message: str
) -> None:
    await server_refuses(fake, client.encrypt(value), message)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"input": "   "}, "An unknown error has occurred. We have been alerted of this issue."),
        (
            {"input": "forward-email=forward-email-site-verification=x"},
            "You do not need to encrypt site verification records",
        ),
    ],
)
async def test_fake_encrypt_refuses_what_the_server_refuses(
    server: FakeServer, body: dict[str, str], message: str
) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{server.url}/v1/encrypt", json=body) as response,
    ):
        assert response.status == 400
        assert (await response.json())["message"].startswith(message)
