"""client.aliases against the fake server over HTTP."""

from __future__ import annotations

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeUser

DOMAIN = "example.com"


@pytest.fixture(autouse=True)
def domain(fake: FakeForwardEmail, user: FakeUser) -> None:
    fake.add_domain(user, DOMAIN)


async def test_create_retrieve_update_delete(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    created = await client.aliases.create(
        DOMAIN,
        name="Sales",
        recipients=["me@example.net", "you@example.net"],
        labels=["team", "crm"],
        description="Sales inbox",
    )
    assert created.name == "sales"
    assert created.recipients == ["me@example.net", "you@example.net"]
    assert created.labels == ["team", "crm"]
    assert created.is_enabled is True
    # Create answers with the full nested user and domain objects: a reference, the rest kept.
    assert isinstance(created.domain, fe.DomainRef)
    assert created.domain.extra_fields["plan"] == "enhanced_protection"
    assert created.domain_name == DOMAIN
    assert created.address == "sales@example.com"

    assert (await client.aliases.retrieve(DOMAIN, "sales")).id == created.id
    assert (await client.aliases.retrieve(DOMAIN, created.id)).name == "sales"

    updated = await client.aliases.update(DOMAIN, "sales", is_enabled=False)
    assert updated.is_enabled is False
    # The real server answers an update with bare ids for user and domain.
    assert updated.domain == fe.DomainRef(id=created.domain_id)
    assert updated.domain_id == created.domain_id
    assert updated.description == "Sales inbox"  # kept, see test_update_keeps_fields...
    assert fake.requests[-1].json_body["is_enabled"] is False

    deleted = await client.aliases.delete(DOMAIN, created.id)
    assert deleted.id == created.id
    with pytest.raises(fe.NotFoundError) as info:
        await client.aliases.retrieve(DOMAIN, "sales")
    assert info.value.message == "Alias does not exist on the domain."


async def test_recipients_and_labels_accept_a_string(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    alias = await client.aliases.create(
        DOMAIN, name="split", recipients="a@example.net, b@example.net", labels="x y"
    )
    assert alias.recipients == ["a@example.net", "b@example.net"]
    assert fake.requests[-1].json_body == {
        "name": "split",
        "recipients": ["a@example.net", "b@example.net"],
        "labels": ["x", "y"],
    }


async def test_random_name_when_none_given(client: fe.ForwardEmail) -> None:
    alias = await client.aliases.create(DOMAIN, recipients=["me@example.net"])
    assert alias.name


async def test_duplicate_alias_is_already_exists(client: fe.ForwardEmail) -> None:
    await client.aliases.create(DOMAIN, name="dup", recipients=["me@example.net"])
    with pytest.raises(fe.AlreadyExistsError) as info:
        await client.aliases.create(DOMAIN, name="dup", recipients=["me@example.net"])
    assert info.value.message == "Alias already exists for domain."


async def test_server_validation_errors_carry_the_message(client: fe.ForwardEmail) -> None:
    with pytest.raises(fe.BadRequestError) as info:
        await client.aliases.create(DOMAIN, name="bad", recipients=["not an address"])
    assert "Recipient must be a valid email address" in info.value.message


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"recipients": []}, ValueError, "recipients must not be empty"),
        ({"recipients": ["ok@example.net", ""]}, ValueError, "blank"),
        ({"recipients": [1]}, TypeError, "recipients"),
        ({"is_enabled": "yes"}, TypeError, "is_enabled must be a bool"),
        ({"error_code_if_disabled": "550"}, TypeError, "error_code_if_disabled"),
        ({"description": 5}, TypeError, "description"),
        ({"max_quota": 10}, TypeError, "max_quota"),
    ],
)
async def test_bad_types_never_reach_the_wire(
    client: fe.ForwardEmail,
    fake: FakeForwardEmail,
    kwargs: dict[str, object],
    exc: type[Exception],
    match: str,
) -> None:
    before = len(fake.requests)
    with pytest.raises(exc, match=match):
        await client.aliases.create(DOMAIN, **kwargs)  # type: ignore[arg-type]
    assert len(fake.requests) == before


async def test_generate_password_json_and_emailed(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    await client.aliases.create(DOMAIN, name="imap", recipients=["me@example.net"])
    creds = await client.aliases.generate_password(DOMAIN, "imap")
    assert creds.username == "imap@example.com"
    assert len(creds.password) >= 12
    assert creds.password not in repr(creds)
    text = await client.aliases.generate_password(
        DOMAIN, "imap", is_override=True, emailed_instructions="me@example.net"
    )
    assert text == "Alias password instructions have been emailed to me@example.net."
    with pytest.raises(fe.BadRequestError, match="also attempt to override"):
        await client.aliases.generate_password(DOMAIN, "imap", password="old", is_override=True)


async def test_generate_password_for_catch_all_is_refused_by_server(
    client: fe.ForwardEmail,
) -> None:
    await client.aliases.create(DOMAIN, name="*", recipients=["me@example.net"])
    with pytest.raises(fe.BadRequestError) as info:
        await client.aliases.generate_password(DOMAIN, "*")
    assert info.value.message == "Cannot create token for catch-all alias."


async def test_regex_alias_name_travels_as_one_segment(client: fe.ForwardEmail) -> None:
    created = await client.aliases.create(
        DOMAIN, name="/^support-.*$/", recipients=["me@example.net"]
    )
    fetched = await client.aliases.retrieve(DOMAIN, "/^support-.*$/")
    assert fetched.id == created.id


async def test_update_requires_a_field(client: fe.ForwardEmail) -> None:
    with pytest.raises(ValueError, match="at least one"):
        await client.aliases.update(DOMAIN, "x")


async def test_not_admin_is_a_typed_400(
    client: fe.ForwardEmail, fake: FakeForwardEmail, server: object, clock: fe.ManualClock
) -> None:
    from forwardemail_async.testing import FakeServer

    assert isinstance(server, FakeServer)
    owner_alias = await client.aliases.create(DOMAIN, name="owned", recipients=["me@example.net"])
    member = fake.add_user(email="member@example.net")
    fake.add_member(DOMAIN, member, group="user")
    async with fe.ForwardEmail(api_key=member.api_token, base_url=server.url, clock=clock) as c:
        with pytest.raises(fe.NotAdminError) as info:
            await c.aliases.retrieve(DOMAIN, owner_alias.id)
    assert info.value.status == 400


async def test_update_keeps_fields_the_real_server_would_reset(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    await client.aliases.create(
        DOMAIN, name="keep", recipients=["me@example.net"], labels=["vip"], description="Keep me"
    )
    updated = await client.aliases.update(DOMAIN, "keep", is_enabled=False)
    assert updated.is_enabled is False
    assert updated.description == "Keep me"
    assert updated.labels == ["vip"]
    assert updated.recipients == ["me@example.net"]
    put = fake.requests[-1]
    assert put.method == "PUT"
    assert put.json_body == {
        "description": "Keep me",
        "labels": ["vip"],
        "recipients": ["me@example.net"],
        "is_enabled": False,
    }


async def test_update_without_keep_unsent_sends_only_the_given_fields(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    await client.aliases.create(
        DOMAIN, name="raw", recipients=["me@example.net"], labels=["vip"], description="Gone"
    )
    before = len(fake.requests)
    updated = await client.aliases.update(DOMAIN, "raw", is_enabled=False, keep_unsent=False)
    assert len(fake.requests) == before + 1  # no read first
    assert fake.requests[-1].json_body == {"is_enabled": False}
    # This is what the real server does with such a PUT.
    assert updated.description is None
    assert updated.labels == []


async def test_update_with_all_resettable_fields_needs_no_read(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    await client.aliases.create(DOMAIN, name="full", recipients=["me@example.net"])
    before = len(fake.requests)
    updated = await client.aliases.update(DOMAIN, "full", description="d", labels=[], recipients=[])
    assert len(fake.requests) == before + 1
    assert updated.recipients == []  # an IMAP-only alias
    assert updated.description == "d"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "a+b"}, 'Aliases cannot have a "+" symbol'),
        (
            {"error_code_if_disabled": 123},
            "Error code if disabled must be either 250, 421, or 550.",
        ),
        ({"description": "x" * 151}, "maximum allowed length (150)"),
        ({"vacation_responder_subject": "x" * 101}, "maximum allowed length (100)"),
        ({"vacation_responder_message": "x" * 1001}, "maximum allowed length (1000)"),
    ],
)
async def test_the_servers_rules_come_back_as_its_400(
    client: fe.ForwardEmail, fake: FakeForwardEmail, kwargs: dict[str, object], message: str
) -> None:
    # The client checks types only; what values are allowed is the server's to say, once.
    before = len(fake.requests)
    with pytest.raises(fe.BadRequestError) as info:
        await client.aliases.create(DOMAIN, **{"name": "x", "recipients": ["a@b.net"], **kwargs})  # type: ignore[arg-type]
    assert message in info.value.message
    assert info.value.status == 400
    assert len(fake.requests) == before + 1
