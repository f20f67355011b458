"""client.push_tokens (API key + alias_id) and session.push_tokens (alias auth) against the
fake server."""

from __future__ import annotations

import json
from datetime import timedelta

import aiohttp
import pytest

import forwardemail_async as fe
from forwardemail_async.testing import (
    FakeAlias,
    FakeForwardEmail,
    FakeServer,
    FakeUser,
    push_tokens,
)

from .alias_helpers import DOMAIN, open_session
from .server_rules import server_refuses

APNS = "a" * 64
FCM = "fcm-registration:" + "x" * 40
SUBSCRIPTION = {
    "endpoint": "https://push.example.org/send/abc",
    "keys": {"p256dh": "k", "auth": "a"},
}


@pytest.fixture
def alias(fake: FakeForwardEmail, user: FakeUser) -> FakeAlias:
    fake.add_domain(user, DOMAIN)
    return fake.add_alias(DOMAIN, "me")


async def test_register_list_refresh_and_delete_with_the_api_key(
    client: fe.ForwardEmail, fake: FakeForwardEmail, alias: FakeAlias, clock: fe.ManualClock
) -> None:
    phone = await client.push_tokens.create(
        "apns", APNS.upper(), device_name="iPhone", alias_id=alias.id
    )
    assert (phone.alias, phone.platform, phone.device_name) == (alias.id, "apns", "iPhone")
    assert phone.token == APNS  # the server lowercases APNs tokens
    assert phone.failure_count == 0 and phone.last_used_at is None
    assert phone.expires_at is not None and phone.created_at is not None
    assert phone.expires_at - phone.created_at == timedelta(days=365)
    assert APNS not in repr(phone)
    assert fake.requests[-1].status == 201

    clock.advance(60)
    browser = await client.push_tokens.create("web-push", SUBSCRIPTION, alias_id=alias.id)
    assert json.loads(browser.token) == SUBSCRIPTION
    listed = await client.push_tokens.list(alias_id=alias.id)
    assert [t.id for t in listed] == [browser.id, phone.id]  # newest first
    assert [t.id for t in await client.push_tokens.list(alias_id=alias.id, platform="apns")] == [
        phone.id
    ]

    # Registering the same token again refreshes it instead of adding one.
    again = await client.push_tokens.create("apns", APNS, alias_id=alias.id)
    assert again.id == phone.id and again.device_name == ""
    assert len(push_tokens(fake)) == 2

    await client.push_tokens.delete(phone.id, alias_id=alias.id)
    assert fake.requests[-1].status == 204
    assert fake.requests[-1].json_body == {"alias_id": alias.id}
    gone = await client.push_tokens.delete_all(alias_id=alias.id)
    assert gone == fe.PushTokensDeleted(deleted_count=1)
    assert push_tokens(fake) == []


async def test_an_alias_session_manages_its_own_tokens(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    session, alias, _ = await open_session(client, fake, user)
    registered = await session.push_tokens.create("fcm", FCM, device_name="Pixel")
    assert registered.alias == alias.id
    assert "alias_id" not in fake.requests[-1].json_body
    assert [t.id for t in await session.push_tokens.list()] == [registered.id]
    # The same tokens, seen with the API key.
    assert [t.id for t in await client.push_tokens.list(alias_id=alias.id)] == [registered.id]
    assert (await session.push_tokens.delete_all()).deleted_count == 1


async def test_expired_tokens_are_hidden_but_deleted_with_the_rest(
    client: fe.ForwardEmail, fake: FakeForwardEmail, alias: FakeAlias
) -> None:
    await client.push_tokens.create("apns", APNS, alias_id=alias.id)
    push_tokens(fake)[0].expires_at = 0
    assert await client.push_tokens.list(alias_id=alias.id) == []
    assert (await client.push_tokens.delete_all(alias_id=alias.id)).deleted_count == 1


async def test_only_the_api_token_is_checked(
    client: fe.ForwardEmail, user: FakeUser, alias: FakeAlias
) -> None:
    # ensureApiTokenOrAliasAuth alone: no verified-email, ban or plan guard on these routes.
    user.verified, user.plan = False, "free"
    assert await client.push_tokens.list(alias_id=alias.id) == []


async def test_push_token_errors_carry_the_servers_messages(
    client: fe.ForwardEmail, fake: FakeForwardEmail, alias: FakeAlias
) -> None:
    stranger = fake.add_user(email="stranger@example.org")
    fake.add_domain(stranger, "other.example")
    theirs = fake.add_alias("other.example", "them")
    with pytest.raises(fe.NotFoundError) as not_yours:
        await client.push_tokens.create("apns", APNS, alias_id=theirs.id)
    assert (
        not_yours.value.message == "Alias not found or does not belong to the authenticated user."
    )

    with pytest.raises(fe.BadRequestError) as private:
        await client.push_tokens.create("unified-push", "https://127.0.0.1/up", alias_id=alias.id)
    assert (
        private.value.message == "URL must not point to private, reserved, or localhost addresses."
    )
    with pytest.raises(fe.BadRequestError) as port:
        await client.push_tokens.create(
            "unified-push", "https://ntfy.example.org:8443/up", alias_id=alias.id
        )
    assert port.value.message == "URL must use standard HTTPS port (443)."

    with pytest.raises(fe.NotFoundError) as unknown:
        await client.push_tokens.delete("0" * 24, alias_id=alias.id)
    assert unknown.value.message == "Push token not found."

    for n in range(15):
        await client.push_tokens.create("fcm", f"{FCM}{n}", alias_id=alias.id)
    with pytest.raises(fe.BadRequestError) as full:
        await client.push_tokens.create("fcm", FCM + "-16th", alias_id=alias.id)
    assert full.value.message == (
        "Maximum of 15 push tokens per alias. Please remove an existing token before "
        "registering a new one."
    )


async def test_another_aliases_token_cannot_be_deleted(
    client: fe.ForwardEmail, fake: FakeForwardEmail, alias: FakeAlias
) -> None:
    other = fake.add_alias(DOMAIN, "other")
    token = await client.push_tokens.create("apns", APNS, alias_id=other.id)
    with pytest.raises(fe.PermissionDeniedError) as info:
        await client.push_tokens.delete(token.id, alias_id=alias.id)
    assert info.value.status == 403
    assert info.value.message == "You do not have permission to delete this token."


async def test_a_wrong_alias_password_is_refused(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    session, _, _ = await open_session(client, fake, user)
    wrong = client.as_alias(session.address, "not-the-password")
    with pytest.raises(fe.AuthenticationError):
        await wrong.push_tokens.list()


async def test_the_fake_reads_alias_id_of_a_delete_from_the_body_only(
    server: FakeServer, user: FakeUser, alias: FakeAlias
) -> None:
    headers = {"Authorization": aiohttp.encode_basic_auth(user.api_token, "")}
    async with aiohttp.ClientSession(headers=headers) as session:
        url = f"{server.url}/v1/push-tokens?alias_id={alias.id}"
        async with session.delete(url) as response:
            assert response.status == 400
            body = await response.json()
    assert body["message"] == "alias_id is required when using API token authentication."


async def test_the_fake_wants_a_token_or_alias_credentials(server: FakeServer) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{server.url}/v1/push-tokens") as response,
    ):
        assert response.status == 401
        body = await response.json()
    assert body["message"] == "Authentication is required."


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.create("apns", 42, alias_id="0" * 24),
        lambda s: s.create(None, APNS, alias_id="0" * 24),
        lambda s: s.create("fcm", FCM, device_name=5, alias_id="0" * 24),
        lambda s: s.list(alias_id=24),
        lambda s: s.delete("x", alias_id="0" * 24),  # the token id goes into the path
    ],
)
async def test_bad_input_is_refused_before_sending(
    client: fe.ForwardEmail, fake: FakeForwardEmail, call: object
) -> None:
    with pytest.raises((TypeError, ValueError)):
        await call(client.push_tokens)  # type: ignore[operator]
    assert fake.requests == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s, a: s.create("ios", APNS, alias_id=a), "platform is required"),
        (lambda s, a: s.create("apns", "not-hex", alias_id=a), "APNs token must be"),
        (lambda s, a: s.create("fcm", "short", alias_id=a), "FCM token must be at least"),
        (
            lambda s, a: s.create("unified-push", "http://x.example/up", alias_id=a),
            "UnifiedPush token must be a valid HTTPS endpoint URL.",
        ),
        (
            lambda s, a: s.create("web-push", {"endpoint": "https://x.example"}, alias_id=a),
            "Web Push subscription must include keys object.",
        ),
        (lambda s, a: s.create("web-push", "[]", alias_id=a), "Web Push token must be"),
        (lambda s, a: s.create("fcm", FCM, device_name="d" * 256, alias_id=a), "device_name"),
        (lambda s, a: s.create("fcm", FCM), "alias_id is required"),
        (lambda s, a: s.list(alias_id="me@example.com"), "alias_id must be a valid ObjectId."),
        (lambda s, a: s.delete_all(), "alias_id is required"),
    ],
)
async def test_the_servers_token_rules_come_back_as_its_400(
    client: fe.ForwardEmail, fake: FakeForwardEmail, alias: FakeAlias, call: object, message: str
) -> None:
    await server_refuses(fake, call(client.push_tokens, alias.id), message)  # type: ignore[operator]


async def test_an_alias_session_takes_no_alias_id(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    session, alias, _ = await open_session(client, fake, user)
    sent = len(fake.requests)
    with pytest.raises(ValueError, match="alias session"):
        await session.push_tokens.list(alias_id=alias.id)
    assert len(fake.requests) == sent
    assert isinstance(session.push_tokens, fe.PushTokensService)
    assert isinstance(client.push_tokens, fe.PushTokensService)
