"""client.account against the fake server over HTTP, and the fake's alias-auth account."""

from __future__ import annotations

import logging

import aiohttp
import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser

from .server_rules import server_refuses

SIGN_UP_DAY = 86_400


async def test_create_is_public_and_returns_the_token_once(
    server: FakeServer,
    fake: FakeForwardEmail,
    clock: fe.ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with fe.ForwardEmail(base_url=server.url, clock=clock) as anonymous:
        account = await anonymous.account.create(email="New@Example.org", password="correct horse")
    assert account.email == "new@example.org"
    assert account.plan == "free"
    assert len(account.api_token) == 40
    assert account.api_token not in repr(account)
    assert account.api_token not in str(account)
    assert caplog.records and all(account.api_token not in r.getMessage() for r in caplog.records)
    created = next(u for u in fake.users if u.email == "new@example.org")
    assert created.api_token == account.api_token
    assert fake.requests[-1].json_body == {"email": "New@Example.org", "password": "correct horse"}
    # The new address is unverified, so the token is refused until it is confirmed.
    async with fe.ForwardEmail(
        api_key=account.api_token, base_url=server.url, clock=clock
    ) as newcomer:
        with pytest.raises(fe.AuthenticationError) as info:
            await newcomer.account.retrieve()
    assert info.value.message == "Please verify your email address to continue."


async def test_create_an_existing_account_fails(client: fe.ForwardEmail, user: FakeUser) -> None:
    with pytest.raises(fe.BadRequestError) as info:
        await client.account.create(email=user.email, password="correct horse")
    assert info.value.status == 400
    assert info.value.message == "A user with the given username is already registered"


async def test_sign_ups_are_limited_per_ip_failures_included(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser, clock: fe.ManualClock
) -> None:
    for _ in range(5):
        with pytest.raises(fe.BadRequestError):
            await client.account.create(email=user.email, password="correct horse")
    with pytest.raises(fe.RateLimitError) as info:
        await client.account.create(email="fresh@example.org", password="correct horse")
    assert info.value.message == "Rate limit exceeded, retry in 1 day."
    assert info.value.retry_after == pytest.approx(SIGN_UP_DAY, abs=1)
    # A day-long wait exceeds max_retry_after: raised at once, never retried.
    assert sum(r.path == "/v1/account" for r in fake.requests) == 6
    clock.advance(SIGN_UP_DAY)
    assert (await client.account.create(email="fresh@example.org", password="pw pw pw")).email


@pytest.mark.parametrize(
    "kwargs",
    [
        {"email": "a@example.org", "password": 123},
        {"email": None, "password": "x"},
    ],
)
async def test_create_checks_types_before_sending(
    client: fe.ForwardEmail, fake: FakeForwardEmail, kwargs: dict[str, object]
) -> None:
    with pytest.raises(TypeError):
        await client.account.create(**kwargs)  # type: ignore[arg-type]
    assert fake.requests == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"email": "not-an-address", "password": "x"}, "Email address was invalid."),
        ({"email": "a@example.org", "password": "  "}, "Password was invalid."),
    ],
)
async def test_create_leaves_the_rules_to_the_server(
    client: fe.ForwardEmail, fake: FakeForwardEmail, kwargs: dict[str, str], message: str
) -> None:
    await server_refuses(fake, client.account.create(**kwargs), message)


async def test_retrieve_and_update(client: fe.ForwardEmail, fake: FakeForwardEmail) -> None:
    account = await client.account.retrieve()
    assert account.email == "owner@example.net"
    assert account.object == "user"
    updated = await client.account.update(given_name="Ada", avatar_url="https://x.example/a.png")
    assert (updated.given_name, updated.family_name) == ("Ada", None)
    assert updated.avatar_url == "https://x.example/a.png"
    assert fake.requests[-1].method == "PUT"
    assert fake.requests[-1].json_body == {
        "given_name": "Ada",
        "avatar_url": "https://x.example/a.png",
    }
    assert (await client.account.retrieve()).given_name == "Ada"


async def test_update_to_a_taken_email_fails(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.add_user(email="taken@example.org")
    with pytest.raises(fe.BadRequestError) as info:
        await client.account.update(email="taken@example.org")
    assert info.value.message == "A user with the given username is already registered"


async def test_update_checks_input_before_sending(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    with pytest.raises(ValueError, match="at least one"):
        await client.account.update()
    with pytest.raises(TypeError, match="given_name"):
        await client.account.update(given_name=1)  # type: ignore[arg-type]
    assert fake.requests == []
    # What an email address looks like is the server's rule: its 400 and message.
    await server_refuses(fake, client.account.update(email="nope"), "Email address was invalid.")


async def test_free_plan_gets_payment_required(
    server: FakeServer, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    free = fake.add_user(email="free@example.net", plan="free")
    async with fe.ForwardEmail(api_key=free.api_token, base_url=server.url, clock=clock) as c:
        with pytest.raises(fe.PaymentRequiredError) as info:
            await c.account.retrieve()
    assert info.value.status == 402
    assert info.value.message.startswith("Please upgrade to a paid plan https://forwardemail.net/")


async def test_fake_serves_the_alias_account_to_alias_credentials(
    server: FakeServer, fake: FakeForwardEmail, user: FakeUser
) -> None:
    domain = fake.add_domain(user, "example.com")
    alias = fake.add_alias(domain, "inbox")
    alias.passwords = ["alias-secret-123"]
    authorization = aiohttp.encode_basic_auth("inbox@example.com", "alias-secret-123")
    async with aiohttp.ClientSession(headers={"Authorization": authorization}) as http:
        async with http.get(f"{server.url}/v1/account") as response:
            account = await response.json()
        async with http.put(
            f"{server.url}/v1/account", json={"settings": {"mail": {"sent_folder": "Outbox"}}}
        ) as response:
            updated = await response.json()
        async with http.put(
            f"{server.url}/v1/account", json={"settings": {"mail": {"drafts_folder": " "}}}
        ) as response:
            refused = (response.status, await response.json())
    assert account["object"] == "alias"
    assert account["email"] == "inbox@example.com"
    assert account["settings"]["mail"]["sent_folder"] is None
    assert updated["settings"]["mail"]["sent_folder"] == "Outbox"
    assert refused[0] == 400
    assert refused[1]["message"] == "Drafts folder must be a non-empty string or null."
