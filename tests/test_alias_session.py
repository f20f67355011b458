"""client.as_alias(): the session shares the parent's transport, keeps its password secret,
and reaches the alias's own account."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser

from .alias_helpers import ADDRESS, invoke, open_session


async def test_session_shares_the_parents_transport_gate_and_retry_policy(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    session, _, _ = await open_session(client, fake, user)
    parent = client._requester
    assert session._requester.transport is parent.transport
    assert session._requester.transport.gate is parent.transport.gate
    assert session._requester.options is parent.options
    assert session._requester.auth is not parent.auth
    assert session.address == ADDRESS

    # The parent's retry policy applies: one 503 is retried, on the same connection pool.
    fake.faults.script("503", count=1, method="GET", path="/v1/contacts")
    before = len(fake.requests)
    assert await session.contacts.list().collect() == []
    assert len(fake.requests) == before + 2
    assert [r.status for r in fake.requests[-2:]] == [503, 200]


async def test_every_resource_is_reachable(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    session, _, _ = await open_session(client, fake, user)
    services = {
        "contacts": fe.ContactsService,
        "calendars": fe.CalendarsService,
        "calendar_events": fe.CalendarEventsService,
        "messages": fe.MessagesService,
        "folders": fe.FoldersService,
        "sieve_scripts": fe.SieveScriptsService,
        "account": fe.AliasAccountService,
    }
    for name, cls in services.items():
        assert isinstance(getattr(session, name), cls)
    assert isinstance(client.aliases.sieve_scripts, fe.AliasSieveScriptsService)


async def test_wrong_password_is_an_authentication_error(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    await open_session(client, fake, user)
    wrong = client.as_alias(ADDRESS, "not-the-password")
    with pytest.raises(fe.AuthenticationError) as info:
        await wrong.folders.list().collect()
    assert info.value.status == 401
    assert info.value.message == "Authentication failed"
    assert info.value.headers["WWW-Authenticate"] == 'Basic realm="forwardemail/api"'


async def test_closing_the_parent_ends_the_session(
    server: FakeServer, fake: FakeForwardEmail, user: FakeUser, clock: fe.ManualClock
) -> None:
    async with fe.ForwardEmail(api_key=user.api_token, base_url=server.url, clock=clock) as client:
        session, _, _ = await open_session(client, fake, user)
    with pytest.raises(RuntimeError, match="closed"):
        await session.calendars.list().collect()


@pytest.mark.parametrize(
    ("address", "password", "exc"),
    [
        ("not-an-address", "secret", ValueError),
        (None, "secret", ValueError),
        (ADDRESS, "", ValueError),
        (ADDRESS, None, ValueError),
        (ADDRESS, "line\r\nbreak", ValueError),
    ],
)
def test_as_alias_refuses_bad_credentials(
    client: fe.ForwardEmail, address: object, password: object, exc: type[Exception]
) -> None:
    with pytest.raises(exc):
        client.as_alias(address, password)  # type: ignore[arg-type]


async def test_password_never_shows_in_reprs_errors_or_logs(
    client: fe.ForwardEmail,
    fake: FakeForwardEmail,
    user: FakeUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    session, _, password = await open_session(client, fake, user)
    texts = [repr(session), str(session), repr(session._requester), repr(session._requester.auth)]
    texts += [repr(getattr(session, name)) for name in ("contacts", "messages", "account")]
    fake.faults.script("503", count=1, method="GET")
    fake.faults.script("reset", count=1, method="GET")
    await session.folders.list().collect()  # retried twice, logged at DEBUG
    for call in (
        session.messages.retrieve("6650a7b1c2d3e4f5a6b7c8d9"),
        client.as_alias(ADDRESS, password + "x").contacts.retrieve("nope"),
    ):
        with pytest.raises(fe.APIError) as info:
            await call
        texts += [repr(info.value), str(info.value), repr(info.value.__dict__)]
    fake.faults.script("reset", count=10, method="GET")
    with pytest.raises(fe.APIConnectionError) as conn:
        await session.calendars.retrieve("x")
    texts += [repr(conn.value), str(conn.value)]
    texts += [record.getMessage() for record in caplog.records]
    texts += [repr(record.__dict__) for record in caplog.records]
    assert any("retrying" in text for text in texts)
    encoded = base64.b64encode(f"{ADDRESS}:{password}".encode()).decode()
    for secret in (password, encoded):
        assert all(secret not in text for text in texts)


async def test_alias_account_retrieve_and_update(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    session, alias, _ = await open_session(client, fake, user)
    account = await session.account.retrieve()
    assert (account.object, account.id, account.email) == ("alias", alias.id, ADDRESS)
    assert (account.domain_name, account.has_imap) == ("example.com", True)
    assert account.settings == fe.AliasSettings(
        mail=fe.AliasMailSettings(archive_folder=None, sent_folder=None, drafts_folder=None)
    )

    updated = await session.account.update(settings={"mail": {"archive_folder": "Archive/2025"}})
    assert fake.requests[-1].json_body == {"settings": {"mail": {"archive_folder": "Archive/2025"}}}
    assert updated.settings is not None and updated.settings.mail is not None
    assert updated.settings.mail.archive_folder == "Archive/2025"

    with pytest.raises(fe.BadRequestError) as info:
        await session.account.update(settings={"mail": {"sent_folder": ""}})
    assert info.value.message == "Sent folder must be a non-empty string or null."


@pytest.mark.parametrize(
    ("settings", "exc"),
    [
        ({}, ValueError),
        ([], TypeError),
        ({"mail": {"x": object()}}, TypeError),
        ({1: 2}, TypeError),
    ],
)
async def test_alias_account_update_refuses_bad_settings(
    client: fe.ForwardEmail,
    fake: FakeForwardEmail,
    user: FakeUser,
    settings: object,
    exc: type[Exception],
) -> None:
    session, _, _ = await open_session(client, fake, user)
    before = len(fake.requests)
    with pytest.raises(exc):
        await session.account.update(settings=settings)  # type: ignore[arg-type]
    assert len(fake.requests) == before


ID = "6650a7b1c2d3e4f5a6b7c8d9"
EVERY_ALIAS_ROUTE: list[Callable[[fe.AliasSession], object]] = [
    lambda s: s.account.retrieve(),
    lambda s: s.account.update(settings={"mail": {"archive_folder": None}}),
    lambda s: s.contacts.list().collect(),
    lambda s: s.contacts.create(full_name="x"),
    lambda s: s.contacts.retrieve("x"),
    lambda s: s.contacts.update("x", full_name="y"),
    lambda s: s.contacts.delete("x"),
    lambda s: s.calendars.list().collect(),
    lambda s: s.calendars.create("x"),
    lambda s: s.calendars.retrieve("x"),
    lambda s: s.calendars.update("x", name="y"),
    lambda s: s.calendars.delete("x"),
    lambda s: s.calendar_events.list().collect(),
    lambda s: s.calendar_events.create("x", "BEGIN:VCALENDAR"),
    lambda s: s.calendar_events.retrieve("x"),
    lambda s: s.calendar_events.update("x", calendar_id="y"),
    lambda s: s.calendar_events.delete("x"),
    lambda s: s.messages.list().collect(),
    lambda s: s.messages.create(subject="x"),
    lambda s: s.messages.retrieve(ID),
    lambda s: s.messages.update(ID, flags=[]),
    lambda s: s.messages.delete(ID),
    lambda s: s.folders.list().collect(),
    lambda s: s.folders.create("x"),
    lambda s: s.folders.retrieve("x"),
    lambda s: s.folders.update("x", path="y"),
    lambda s: s.folders.delete("x"),
    lambda s: s.sieve_scripts.list(),
    lambda s: s.sieve_scripts.create("x", "keep;"),
    lambda s: s.sieve_scripts.retrieve("x"),
    lambda s: s.sieve_scripts.update("x", "keep;"),
    lambda s: s.sieve_scripts.delete("x"),
    lambda s: s.sieve_scripts.activate("x"),
]


@pytest.mark.parametrize("call", EVERY_ALIAS_ROUTE)
async def test_every_alias_route_refuses_a_wrong_password(
    client: fe.ForwardEmail,
    fake: FakeForwardEmail,
    user: FakeUser,
    call: Callable[[fe.AliasSession], object],
) -> None:
    _, _, password = await open_session(client, fake, user)
    with pytest.raises(fe.AuthenticationError) as info:
        await invoke(call, client.as_alias(ADDRESS, password[::-1]))
    assert info.value.message == "Authentication failed"
    assert fake.requests[-1].status == 401


async def test_send_email_as_the_alias(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    session, alias, _ = await open_session(client, fake, user)
    alias.domain.has_smtp = True
    sent = await session.emails.create(
        from_=session.address, to="someone@example.org", subject="Hi", text="Hello"
    )
    assert sent.envelope is not None
    assert sent.subject == "Hi"
    post = fake.requests[-1]
    assert (post.method, post.path, post.status) == ("POST", "/v1/emails", 200)
    assert not hasattr(session.emails, "list")  # only sending accepts alias credentials


async def test_send_as_alias_is_never_repeated_after_a_5xx(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    session, alias, _ = await open_session(client, fake, user)
    alias.domain.has_smtp = True
    fake.faults.script("503", count=1, method="POST", path="/v1/emails")
    with pytest.raises(fe.ServerError):
        await session.emails.create(from_=session.address, to="x@example.org", text="once")
    assert sum(1 for r in fake.requests if r.path == "/v1/emails") == 1
