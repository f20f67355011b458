"""client.domains against the fake server over HTTP."""

from __future__ import annotations

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser

from .server_rules import server_refuses


async def test_create_retrieve_update_delete(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    created = await client.domains.create("Example.com", catchall=False, has_delivery_logs=True)
    assert created.name == "example.com"
    assert created.object == "domain"
    assert created.has_delivery_logs is True
    assert len(created.id) == 24

    by_name = await client.domains.retrieve("example.com")
    by_id = await client.domains.retrieve(created.id)
    assert by_name.id == by_id.id == created.id
    assert by_name.members is not None and by_name.members[0].group == "admin"

    updated = await client.domains.update(
        "example.com", smtp_port=2525, retention_days=7, has_virus_protection=False
    )
    assert updated.smtp_port == "2525"
    assert updated.retention_days == 7
    assert updated.has_virus_protection is False
    last = fake.requests[-1]
    # smtp_port goes out as a string: the server silently ignores a JSON number.
    assert last.json_body == {
        "smtp_port": "2525",
        "retention_days": 7,
        "has_virus_protection": False,
    }

    deleted = await client.domains.delete(created.id)
    assert deleted.id == created.id
    with pytest.raises(fe.NotFoundError) as info:
        await client.domains.retrieve("example.com")
    assert info.value.status == 404
    assert info.value.message == "Domain does not exist on your account."


async def test_list_domains_and_filter(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    for name in ("alpha.example", "beta.example", "gamma.example"):
        fake.add_domain(user, name)
    names = [d.name async for d in client.domains.list()]
    assert sorted(names) == ["alpha.example", "beta.example", "gamma.example"]
    filtered = await client.domains.list(name="ET").collect()
    assert [d.name for d in filtered] == ["beta.example"]
    # List shapes carry no members or invites.
    assert filtered[0].members is None


async def test_create_sends_json_booleans_and_refuses_strings(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    await client.domains.create("flags.example", catchall=False, ignore_mx_check=True)
    assert fake.requests[-1].json_body == {
        "domain": "flags.example",
        "catchall": False,
        "ignore_mx_check": True,
    }
    before = len(fake.requests)
    with pytest.raises(TypeError, match="ignore_mx_check must be a bool"):
        await client.domains.create("x.example", ignore_mx_check="false")  # type: ignore[arg-type]
    assert len(fake.requests) == before


async def test_duplicate_domain_is_already_exists(client: fe.ForwardEmail) -> None:
    await client.domains.create("dup.example", catchall=False)
    with pytest.raises(fe.AlreadyExistsError) as info:
        await client.domains.create("dup.example", catchall=False)
    assert info.value.status == 400
    assert info.value.message == "Domain already exists on your account."


async def test_verify_records_and_smtp_are_text(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "ok.example", dns_verified=True, smtp_verified=True)
    fake.add_domain(user, "bad.example")
    text = await client.domains.verify_records("ok.example")
    assert text.startswith("Domain's DNS records have been verified.")
    smtp = await client.domains.verify_smtp("ok.example")
    assert smtp.startswith(
        "You have successfully configured and verified DNS records for outbound SMTP."
    )
    with pytest.raises(fe.BadRequestError) as info:
        await client.domains.verify_records("bad.example")
    assert info.value.message


async def test_free_plan_gets_payment_required(
    server: FakeServer, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    free = fake.add_user(email="free@example.net", plan="free")
    async with fe.ForwardEmail(api_key=free.api_token, base_url=server.url, clock=clock) as c:
        with pytest.raises(fe.PaymentRequiredError) as info:
            await c.domains.create("paid-only.example")
    assert info.value.status == 402
    assert "upgrade" in info.value.message.lower()


async def test_update_needs_a_change_and_checks_types_before_sending(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    before = len(fake.requests)
    with pytest.raises(ValueError, match="at least one"):
        await client.domains.update("example.com")
    with pytest.raises(TypeError, match="smtp_port"):
        await client.domains.update("example.com", smtp_port=25.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="retention_days"):
        await client.domains.update("example.com", retention_days="31")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="max_quota_per_alias"):
        await client.domains.update("example.com", max_quota_per_alias=10)  # type: ignore[arg-type]
    assert len(fake.requests) == before


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"smtp_port": 70000}, "Invalid port number."),
        ({"smtp_port": "abc"}, "Invalid port number."),
        ({"retention_days": 31}, "31"),
        ({"bounce_webhook": "http://127.0.0.1/x"}, "Localhost and private IP addresses"),
    ],
)
async def test_the_servers_domain_rules_come_back_as_its_400(
    client: fe.ForwardEmail,
    fake: FakeForwardEmail,
    user: FakeUser,
    kwargs: dict[str, object],
    message: str,
) -> None:
    fake.add_domain(user, "rules.example")
    await server_refuses(fake, client.domains.update("rules.example", **kwargs), message)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["example..com", "under_score.example", "a@b.example", " "])
async def test_the_server_judges_new_domain_names(
    client: fe.ForwardEmail, fake: FakeForwardEmail, name: str
) -> None:
    await server_refuses(fake, client.domains.create(name), "Domain name was invalid")


async def test_the_server_judges_plan_names(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    call = client.domains.create("new.example", plan="platinum")  # type: ignore[arg-type]
    await server_refuses(fake, call, "Invalid plan selected.")


async def test_bad_credentials(server: FakeServer, clock: fe.ManualClock) -> None:
    async with fe.ForwardEmail(api_key="not-a-real-key", base_url=server.url, clock=clock) as c:
        with pytest.raises(fe.AuthenticationError) as info:
            await c.domains.list().collect()
    assert info.value.status == 401
    assert info.value.message == "Invalid API token."


async def test_missing_api_key_fails_before_sending(
    server: FakeServer, fake: FakeForwardEmail, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(fe.API_KEY_ENV, raising=False)
    async with fe.ForwardEmail(base_url=server.url) as c:
        with pytest.raises(ValueError, match="api_key"):
            await c.domains.retrieve("example.com")
    assert fake.requests == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('"Domain\'s DNS records have been verified."', "Domain's DNS records have been verified."),
        ('{"message": "Verified."}', "Verified."),
    ],
)
async def test_text_endpoints_also_read_a_json_answer(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser, body: str, expected: str
) -> None:
    fake.add_domain(user, "ok.example", dns_verified=True)
    fake.faults.script(
        "response", count=1, method="GET", status=200, body=body, content_type="application/json"
    )
    assert await client.domains.verify_records("ok.example") == expected


async def test_text_endpoint_with_unexpected_json_is_a_decode_error(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "ok.example", dns_verified=True)
    fake.faults.script(
        "response",
        count=1,
        method="GET",
        status=200,
        body="[1, 2]",
        content_type="application/json",
    )
    with pytest.raises(fe.ResponseDecodeError, match="expected a text answer"):
        await client.domains.verify_records("ok.example")
