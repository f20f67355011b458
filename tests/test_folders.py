"""session.folders against the fake server over HTTP."""

from __future__ import annotations

import pytest

import forwardemail_async as fe
from forwardemail_async._core.urls import folder_segment
from forwardemail_async.testing import FakeForwardEmail, mailbox

from .alias_helpers import DOMAIN, refused_before_sending, refused_by_the_server


async def test_a_new_mailbox_lists_its_default_folders_by_path(
    session: fe.AliasSession, fake: FakeForwardEmail
) -> None:
    folders = await session.folders.list().collect()
    assert [f.path for f in folders] == ["Archive", "Drafts", "INBOX", "Junk", "Sent Mail", "Trash"]
    assert {f.path: f.special_use for f in folders}["Sent Mail"] == "\\Sent"
    assert fake.requests[-1].query == {"page": "1", "limit": "25"}


async def test_subscribed_filter(session: fe.AliasSession, fake: FakeForwardEmail) -> None:
    junk = mailbox(fake, fake.aliases_of(DOMAIN)[0]).folder("Junk")
    assert junk is not None
    junk.subscribed = False
    unsubscribed = await session.folders.list(subscribed=False).collect()
    assert [f.path for f in unsubscribed] == ["Junk"]
    assert fake.requests[-1].query["subscribed"] == "false"
    subscribed = await session.folders.list(subscribed=True).collect()
    assert "Junk" not in [f.path for f in subscribed] and len(subscribed) == 5


async def test_nested_folder_by_id_or_path(
    session: fe.AliasSession, fake: FakeForwardEmail
) -> None:
    created = await session.folders.create("Archive/2024")
    assert (created.path, created.name, created.parent) == ("Archive/2024", "2024", "Archive")
    assert created.subscribed is True

    by_path = await session.folders.retrieve("Archive/2024")
    assert fake.requests[-1].raw_path == "/v1/folders/Archive%2F2024"
    assert by_path.id == created.id
    assert (await session.folders.retrieve(created.id)).path == "Archive/2024"


async def test_rename_moves_subfolders_along(session: fe.AliasSession) -> None:
    parent = await session.folders.create("Projects")
    await session.folders.create("Projects/Alpha")
    renamed = await session.folders.update(parent.id, path="Clients")
    assert renamed.path == "Clients"
    assert (await session.folders.retrieve("Clients/Alpha")).name == "Alpha"
    with pytest.raises(fe.NotFoundError) as info:
        await session.folders.retrieve("Projects/Alpha")
    assert info.value.message == "Folder does not exist."


async def test_delete_returns_the_folder(session: fe.AliasSession) -> None:
    folder = await session.folders.create("Old Stuff")
    deleted = await session.folders.delete("Old Stuff")
    assert deleted.id == folder.id
    with pytest.raises(fe.NotFoundError):
        await session.folders.retrieve(folder.id)


async def test_imap_refusals(session: fe.AliasSession) -> None:
    await session.folders.create("Receipts")
    with pytest.raises(fe.BadRequestError) as exists:
        await session.folders.create("Receipts")
    assert exists.value.message == "Mailbox already exists"
    with pytest.raises(fe.BadRequestError) as reserved:
        await session.folders.delete("INBOX")
    assert reserved.value.message == "Mailbox is reserved and cannot be removed"
    with pytest.raises(fe.BadRequestError) as taken:
        await session.folders.update("Receipts", path="Trash")
    assert taken.value.message == "Mailbox already exists"


async def test_the_documented_copy_route_does_not_exist(session: fe.AliasSession) -> None:
    folder = await session.folders.create("Source")
    assert not hasattr(session.folders, "copy")
    with pytest.raises(fe.NotFoundError) as info:
        await session._requester.send(
            "POST", "/v1/folders/{folder}/copy", path_params={"folder": folder.id}
        )
    assert info.value.message == "Not Found"


async def test_server_requires_a_path(session: fe.AliasSession) -> None:
    with pytest.raises(fe.BadRequestError) as info:
        await session._requester.send("POST", "/v1/folders", json={"name": "x"})
    assert info.value.message == "Folder must have either name or path."


test_bad_input_never_reaches_the_wire = refused_before_sending(
    [
        (lambda s: s.folders.create(7), TypeError, "path"),
        (lambda s: s.folders.retrieve(".."), ValueError, "folder"),
        (lambda s: s.folders.retrieve("bad\x00name"), ValueError, "folder"),
        (lambda s: s.folders.update("INBOX", path=None), TypeError, "path"),
        (lambda s: s.folders.delete(None), TypeError, "folder"),
        (lambda s: s.folders.list(subscribed="no"), TypeError, "subscribed"),
    ]
)

test_the_servers_rules_come_back_as_its_400 = refused_by_the_server(
    [
        (lambda s: s.folders.create(""), fe.BadRequestError, "Folder must have either name or"),
        (lambda s: s.folders.update("INBOX", path=" "), fe.BadRequestError, "Folder must have"),
    ]
)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("Archive/2024", "Archive%2F2024"),
        ("Sent Mail", "Sent%20Mail"),
        ("100%/a?b#c", "100%25%2Fa%3Fb%23c"),
        ("Déjà vu", "D%C3%A9j%C3%A0%20vu"),
    ],
)
def test_folder_paths_are_one_segment(value: str, encoded: str) -> None:
    assert folder_segment(value) == encoded


@pytest.mark.parametrize(
    ("value", "exc"),
    [
        ("", ValueError),
        ("  ", ValueError),
        ("..", ValueError),
        ("a\x7fb", ValueError),
        (b"x", TypeError),
    ],
)
def test_folder_segment_refusals(value: object, exc: type[Exception]) -> None:
    with pytest.raises(exc):
        folder_segment(value)
