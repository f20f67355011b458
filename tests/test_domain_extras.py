"""client.domains.catch_all_passwords / .invites / .members against the fake server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import (
    FakeDomain,
    FakeForwardEmail,
    FakeServer,
    FakeUser,
    catch_all_passwords,
)

from .server_rules import server_refuses

DOMAIN = "example.com"


@pytest.fixture
def domain(fake: FakeForwardEmail, user: FakeUser) -> FakeDomain:
    return fake.add_domain(user, DOMAIN)


@pytest.fixture
def member(fake: FakeForwardEmail, domain: FakeDomain) -> FakeUser:
    added = fake.add_user(email="member@example.net")
    fake.add_member(domain, added)
    return added


@pytest.fixture
async def member_client(
    server: FakeServer, member: FakeUser, clock: fe.ManualClock
) -> AsyncIterator[fe.ForwardEmail]:
    async with fe.ForwardEmail(api_key=member.api_token, base_url=server.url, clock=clock) as c:
        yield c


# --- catch-all passwords ------------------------------------------------------------------------


@pytest.mark.usefixtures("domain")
async def test_catch_all_passwords_create_list_delete(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    created = await client.domains.catch_all_passwords.create(DOMAIN, description="<b>Printer</b>")
    assert created.username == "*@example.com"
    assert created.description == "Printer"
    assert len(created.password) == 24
    assert created.password not in repr(created) and created.password not in str(created)
    assert catch_all_passwords(fake, DOMAIN)[0].password == created.password
    custom = await client.domains.catch_all_passwords.create(DOMAIN, new_password="Tr0ub4dor&3x!")
    assert custom.password == "Tr0ub4dor&3x!"
    listed = await client.domains.catch_all_passwords.list(DOMAIN)
    assert [(p.id, p.description) for p in listed] == [(created.id, "Printer"), (custom.id, "")]
    removed = await client.domains.catch_all_passwords.delete(DOMAIN, created.id)
    assert removed == fe.CatchAllPassword(id=created.id, description="Printer")
    assert [p.id for p in await client.domains.catch_all_passwords.list(DOMAIN)] == [custom.id]


@pytest.mark.usefixtures("domain")
async def test_catch_all_passwords_errors(client: fe.ForwardEmail) -> None:
    with pytest.raises(fe.BadRequestError) as weak:
        await client.domains.catch_all_passwords.create(DOMAIN, new_password="password")
    assert weak.value.message == "Password strength was not strong enough."
    with pytest.raises(fe.NotFoundError) as unknown:
        await client.domains.catch_all_passwords.delete(DOMAIN, "0" * 24)
    assert unknown.value.message == "Password was invalid."
    for _ in range(10):
        await client.domains.catch_all_passwords.create(DOMAIN)
    with pytest.raises(fe.BadRequestError) as too_many:
        await client.domains.catch_all_passwords.create(DOMAIN)
    assert too_many.value.message == (
        "You cannot have more than 10 catch-all passwords generated at once"
    )


async def test_catch_all_passwords_need_an_admin_and_a_paid_domain(
    member_client: fe.ForwardEmail, client: fe.ForwardEmail, domain: FakeDomain
) -> None:
    with pytest.raises(fe.NotAdminError) as info:
        await member_client.domains.catch_all_passwords.list(DOMAIN)
    assert info.value.message == "You do not belong to the administrative user group."
    domain.plan = "free"
    with pytest.raises(fe.PaymentRequiredError):
        await client.domains.catch_all_passwords.create(DOMAIN)


async def test_catch_all_passwords_check_input_before_sending(
    client: fe.ForwardEmail, fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    with pytest.raises(ValueError, match="token_id"):
        await client.domains.catch_all_passwords.delete(DOMAIN, "not-an-id")
    with pytest.raises(TypeError, match="description"):
        await client.domains.catch_all_passwords.create(DOMAIN, description=5)  # type: ignore[arg-type]
    assert fake.requests == []
    # Which characters a password may hold is the server's rule.
    create = client.domains.catch_all_passwords.create(DOMAIN, new_password='say "hi" 123')
    await server_refuses(fake, create, "Quotes and apostrophes cannot be used")


# --- invites ------------------------------------------------------------------------------------


async def test_invite_create_and_delete(
    client: fe.ForwardEmail, fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    invited = await client.domains.invites.create(DOMAIN, email="New@Example.org", group="user")
    assert invited.invites is not None
    assert [(i.email, i.group) for i in invited.invites] == [("new@example.org", "user")]
    with pytest.raises(fe.BadRequestError) as again:
        await client.domains.invites.create(DOMAIN, email="new@example.org", group="admin")
    assert again.value.message.startswith("Invite was already sent to this email address.")
    withdrawn = await client.domains.invites.delete(DOMAIN, email="new@example.org")
    assert withdrawn.invites == []
    # The address travels in the query string: DELETE bodies do not survive every proxy.
    assert fake.requests[-1].query == {"email": "new@example.org"}
    assert fake.requests[-1].raw_body == b""
    assert (await client.domains.invites.delete(DOMAIN, email="nobody@example.org")).invites == []


async def test_inviting_a_member_fails(
    client: fe.ForwardEmail, member: FakeUser, domain: FakeDomain
) -> None:
    with pytest.raises(fe.BadRequestError) as info:
        await client.domains.invites.create(DOMAIN, email=member.email, group="user")
    assert info.value.message == "User is already an accepted member of this domain"


async def test_a_member_of_another_team_domain_joins_at_once(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser, domain: FakeDomain
) -> None:
    teammate = fake.add_user(email="mate@example.net")
    team = fake.add_domain(user, "team.example", plan="team")
    fake.add_member(team, teammate)
    joined = await client.domains.invites.create(DOMAIN, email=teammate.email, group="admin")
    assert joined.invites == []
    assert domain.group_of(teammate) == "admin"


async def test_invites_need_an_admin_a_paid_plan_and_are_limited(
    member_client: fe.ForwardEmail, client: fe.ForwardEmail, domain: FakeDomain
) -> None:
    with pytest.raises(fe.NotAdminError):
        await member_client.domains.invites.create(DOMAIN, email="x@example.org", group="user")
    for number in range(10):
        await client.domains.invites.create(DOMAIN, email=f"p{number}@example.org", group="user")
    with pytest.raises(fe.RateLimitError) as limited:
        await client.domains.invites.create(DOMAIN, email="p10@example.org", group="user")
    assert limited.value.limit == 10
    domain.plan = "free"
    with pytest.raises(fe.PaymentRequiredError):
        await client.domains.invites.delete(DOMAIN, email="p1@example.org")


async def test_accept_with_the_link_token_or_the_domain_id(
    server: FakeServer,
    fake: FakeForwardEmail,
    domain: FakeDomain,
    clock: fe.ManualClock,
) -> None:
    guest = fake.add_user(email="guest@example.org")
    other = fake.add_user(email="other@example.org")
    token = fake.add_invite(domain, guest.email, group="admin").token
    fake.add_invite(domain, other.email, group="user")
    async with fe.ForwardEmail(api_key=guest.api_token, base_url=server.url, clock=clock) as c:
        text = await c.domains.invites.accept(token)
        assert text == "You have successfully accepted the invite to this domain and are an admin."
        assert fake.requests[-1].method == "GET"
        assert domain.group_of(guest) == "admin"
        with pytest.raises(fe.BadRequestError) as twice:  # now a domain of theirs
            await c.domains.invites.accept(token)
        assert "remove it first" in twice.value.message
    async with fe.ForwardEmail(api_key=other.api_token, base_url=server.url, clock=clock) as c:
        text = await c.domains.invites.accept(domain.id)  # a legacy link holds the domain id
        assert text.startswith("You have successfully accepted the invite to this domain and you")
        assert domain.group_of(other) == "user"
        assert domain.invites == []


async def test_accept_an_unknown_invite_fails(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    with pytest.raises(fe.NotFoundError) as info:
        await client.domains.invites.accept("ab" * 16)
    assert info.value.message == "Invite does not exist with your email address for this domain."
    with pytest.raises(fe.NotFoundError) as gone:
        await client.domains.invites.accept("0" * 24)
    assert gone.value.message == "Domain does not exist on your account."


async def test_invites_check_input_before_sending(
    client: fe.ForwardEmail, fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    # The invite reference goes into the URL path: held to its exact form.
    with pytest.raises(ValueError, match="not a domain name"):
        await client.domains.invites.accept("example.com")
    with pytest.raises(ValueError, match="hex"):
        await client.domains.invites.accept("short")
    with pytest.raises(TypeError, match="email"):
        await client.domains.invites.create(DOMAIN, email=None, group="user")  # type: ignore[arg-type]
    assert fake.requests == []
    # Groups and address forms are the server's rules: its 400 and message.
    invites = client.domains.invites
    owner = invites.create(DOMAIN, email="a@example.org", group="owner")  # type: ignore[arg-type]
    await server_refuses(fake, owner, "Group was invalid")
    await server_refuses(
        fake, invites.create(DOMAIN, email="nope", group="user"), "Email address was invalid."
    )
    await server_refuses(fake, invites.delete(DOMAIN, email="nope"), "Email address was invalid.")


# --- members ------------------------------------------------------------------------------------


async def test_member_update_and_delete(
    client: fe.ForwardEmail, fake: FakeForwardEmail, member: FakeUser, domain: FakeDomain
) -> None:
    alias = fake.add_alias(domain, "theirs", user=member)
    promoted = await client.domains.members.update(DOMAIN, member.id, group="admin")
    groups = {m.user.id: m.group for m in promoted.members or [] if m.user is not None}
    assert groups[member.id] == "admin"
    assert fake.requests[-1].json_body == {"group": "admin"}
    remaining = await client.domains.members.delete(DOMAIN, member.id)
    assert [m.group for m in remaining.members or []] == ["admin"]
    assert domain.group_of(member) is None
    assert alias.user is not member  # their aliases passed to the admin


async def test_member_errors(
    client: fe.ForwardEmail, user: FakeUser, member: FakeUser, domain: FakeDomain
) -> None:
    with pytest.raises(fe.NotFoundError) as unknown:
        await client.domains.members.update(DOMAIN, "0" * 24, group="user")
    assert unknown.value.message == "User does not exist."
    # Removing yourself works, then the domain is no longer yours to show: 404.
    with pytest.raises(fe.NotFoundError) as gone:
        await client.domains.members.delete(DOMAIN, user.id)
    assert gone.value.message == "Domain does not exist on your account."
    assert domain.group_of(user) is None


async def test_the_only_member_cannot_be_removed(
    client: fe.ForwardEmail, user: FakeUser, domain: FakeDomain
) -> None:
    with pytest.raises(fe.NotFoundError) as info:
        await client.domains.members.delete(DOMAIN, user.id)
    assert info.value.message.startswith("An unknown error has occurred.")


async def test_members_need_an_admin_and_a_paid_domain(
    member_client: fe.ForwardEmail, client: fe.ForwardEmail, user: FakeUser, domain: FakeDomain
) -> None:
    with pytest.raises(fe.NotAdminError):
        await member_client.domains.members.update(DOMAIN, user.id, group="user")
    domain.plan = "free"
    with pytest.raises(fe.PaymentRequiredError):
        await client.domains.members.delete(DOMAIN, user.id)


async def test_members_check_input_before_sending(
    client: fe.ForwardEmail, fake: FakeForwardEmail, member: FakeUser
) -> None:
    with pytest.raises(ValueError, match="member_user_id"):
        await client.domains.members.delete(DOMAIN, "member@example.net")
    with pytest.raises(TypeError, match="group"):
        await client.domains.members.update(DOMAIN, "0" * 24, group=None)  # type: ignore[arg-type]
    assert fake.requests == []
    owner = client.domains.members.update(DOMAIN, member.id, group="owner")  # type: ignore[arg-type]
    await server_refuses(fake, owner, "Group was invalid")


def test_sub_services_hang_off_domains() -> None:
    client = fe.ForwardEmail(api_key="k")
    assert isinstance(client.domains.catch_all_passwords, fe.CatchAllPasswordsService)
    assert isinstance(client.domains.invites, fe.InvitesService)
    assert isinstance(client.domains.members, fe.MembersService)
    assert repr(client.domains.invites) == "InvitesService()"
