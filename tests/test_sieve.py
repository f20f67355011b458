"""Sieve scripts in both forms: session.sieve_scripts (alias auth) and
client.aliases.sieve_scripts (API key), against the fake server over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeUser

from .alias_helpers import DOMAIN, invoke, open_session, refused_before_sending

SCRIPT = (
    'require ["fileinto"];\n\nif header :contains "subject" "test" {\n  fileinto "INBOX.test";\n}\n'
)
BROKEN = (
    'require ["fileinto"\n\nif header :contains "subject" "test" {\n  fileinto "INBOX.test";\n}\n'
)


async def test_alias_auth_lifecycle(session: fe.AliasSession) -> None:
    sieve = session.sieve_scripts
    created = await sieve.create("my filter", SCRIPT, description="Test script")
    assert (created.name, created.description, created.is_active) == (
        "my filter",
        "Test script",
        False,
    )
    assert created.required_capabilities == ["fileinto"]
    assert created.content is None  # summaries carry no content

    by_name = await sieve.retrieve("my filter")  # a name with a space, as one segment
    by_id = await sieve.retrieve(created.id)
    assert by_name.id == by_id.id == created.id
    assert by_id.content == SCRIPT
    assert by_id.validation_errors == []

    changed = SCRIPT.replace("test", "changed")
    updated = await sieve.update(created.id, changed, description="Changed")
    assert updated.description == "Changed"
    assert (await sieve.retrieve(created.id)).content == changed

    second = await sieve.create("second", SCRIPT, activate=True)
    assert second.is_active is True
    activated = await sieve.activate("my filter")
    assert (activated.id, activated.name, activated.is_active) == (created.id, "my filter", True)
    listed = await sieve.list()
    assert [(s.name, s.is_active) for s in listed] == [("my filter", True), ("second", False)]

    deleted = await sieve.delete("second")
    assert deleted == fe.SieveScriptDeleted(id=second.id, deleted=True)
    with pytest.raises(fe.NotFoundError) as info:
        await sieve.retrieve(second.id)
    assert info.value.message == "Sieve script not found."


async def test_server_refusals(session: fe.AliasSession, fake: FakeForwardEmail) -> None:
    sieve = session.sieve_scripts
    await sieve.create("active", SCRIPT, activate=True)
    cases = [
        (sieve.create("broken", BROKEN), "Invalid Sieve script: unexpected end of script"),
        (sieve.create("active", SCRIPT), "A Sieve script with this name already exists."),
        (
            sieve.create("away", 'require ["copy"];\nredirect :copy "me@elsewhere.org";\n'),
            "Sieve script security error: redirect to elsewhere.org is not allowed",
        ),
        (
            sieve.create("odd", 'require ["vnd.unknown"];\nkeep;\n'),
            "Invalid Sieve script: unsupported capability: vnd.unknown",
        ),
        (sieve.delete("active"), "Cannot delete the active Sieve script."),
    ]
    for call, message in cases:
        with pytest.raises(fe.BadRequestError) as info:
            await call
        assert info.value.message == message
    with pytest.raises(fe.NotFoundError):
        await sieve.update("missing", SCRIPT)
    # Redirects to the account's own domains are fine.
    home = await sieve.create("home", f'redirect "other@{DOMAIN}";\n')
    assert home.name == "home"


async def test_script_limit(session: fe.AliasSession) -> None:
    for number in range(10):
        await session.sieve_scripts.create(f"s{number}", SCRIPT)
    with pytest.raises(fe.BadRequestError) as info:
        await session.sieve_scripts.create("one too many", SCRIPT)
    assert info.value.message == "Maximum number of Sieve scripts exceeded."


async def test_token_form_sees_the_same_scripts(
    client: fe.ForwardEmail, session: fe.AliasSession, fake: FakeForwardEmail
) -> None:
    sieve = client.aliases.sieve_scripts
    created = await sieve.create(DOMAIN, "me", "api-script", SCRIPT, description="via API")
    assert fake.requests[-1].path == f"/v1/domains/{DOMAIN}/aliases/me/sieve"
    assert [s.name for s in await session.sieve_scripts.list()] == ["api-script"]
    assert (await sieve.retrieve(DOMAIN, "me", "api-script")).content == SCRIPT
    updated = await sieve.update(DOMAIN, "me", created.id, SCRIPT, description="again")
    assert updated.description == "again"
    assert (await sieve.activate(DOMAIN, "me", created.id)).is_active is True
    assert [s.is_active for s in await sieve.list(DOMAIN, "me")] == [True]
    await session.sieve_scripts.create("other", SCRIPT)
    assert (await sieve.delete(DOMAIN, "me", "other")).deleted is True


@pytest.mark.usefixtures("session")  # the domain and its IMAP alias "me"
async def test_token_form_alias_guards(client: fe.ForwardEmail, fake: FakeForwardEmail) -> None:
    fake.add_alias(DOMAIN, "plain")  # no IMAP
    fake.add_alias(DOMAIN, "*")
    sieve = client.aliases.sieve_scripts
    for alias in ("plain", "*"):
        with pytest.raises(fe.BadRequestError) as info:
            await sieve.list(DOMAIN, alias)
        assert info.value.message == "Sieve filtering requires IMAP to be enabled for the alias."
    for call in (
        sieve.list(DOMAIN, "nobody"),
        sieve.create(DOMAIN, "nobody", "x", SCRIPT),
        sieve.retrieve(DOMAIN, "nobody", "x"),
        sieve.update(DOMAIN, "nobody", "x", SCRIPT),
        sieve.delete(DOMAIN, "nobody", "x"),
        sieve.activate(DOMAIN, "nobody", "x"),
    ):
        with pytest.raises(fe.NotFoundError) as missing:
            await call
        assert missing.value.message == "Alias does not exist on the domain."


async def test_alias_auth_without_imap_is_refused(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    session, _, _ = await open_session(client, fake, user, name="noimap", has_imap=False)
    with pytest.raises(fe.AuthenticationError) as info:
        await session.sieve_scripts.list()
    assert info.value.message == "Authentication failed"
    assert info.value.headers["WWW-Authenticate"] == 'Basic realm="forwardemail/api"'


test_bad_input_never_reaches_the_wire = refused_before_sending(
    [
        (lambda s: s.sieve_scripts.create(None, SCRIPT), TypeError, "name"),
        (lambda s: s.sieve_scripts.create("x", b"keep;"), TypeError, "content"),
        (lambda s: s.sieve_scripts.create("x", SCRIPT, activate="yes"), TypeError, "activate"),
        (lambda s: s.sieve_scripts.retrieve(""), ValueError, "script"),
        (lambda s: s.sieve_scripts.update("x", None), TypeError, "content"),
        (lambda s: s.sieve_scripts.delete(".."), ValueError, "script"),
        (lambda s: s.sieve_scripts.activate("a\tb"), ValueError, "script"),
    ]
)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.aliases.sieve_scripts.list("bad domain", "me"),
        lambda c: c.aliases.sieve_scripts.retrieve(DOMAIN, "a/b", "x"),
        lambda c: c.aliases.sieve_scripts.create(DOMAIN, "me", "x", None),
        lambda c: c.aliases.sieve_scripts.delete(DOMAIN, "me", ""),
    ],
)
async def test_token_form_bad_input_never_reaches_the_wire(
    client: fe.ForwardEmail, fake: FakeForwardEmail, call: Callable[[fe.ForwardEmail], object]
) -> None:
    with pytest.raises((ValueError, TypeError)):
        await invoke(call, client)
    assert fake.requests == []
