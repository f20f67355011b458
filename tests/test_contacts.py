"""session.contacts against the fake server over HTTP."""

from __future__ import annotations

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, _contacts

from .alias_helpers import refused_before_sending, refused_by_the_server

VCARD = "BEGIN:VCARD\nVERSION:3.0\nUID:vc-1\nN:Lovelace;Ada;;;\nEMAIL:ada@example.org\nEND:VCARD"


async def test_create_retrieve_update_delete(
    session: fe.AliasSession, fake: FakeForwardEmail
) -> None:
    created = await session.contacts.create(
        full_name="Ada Lovelace",
        emails=[("ada@example.org", "WORK")],
        phone_numbers=["+1 555 0100"],
    )
    sent = fake.requests[-1].json_body
    # The server validates `phones` but stores `phone_numbers`: both carry the list.
    assert sent["phones"] == sent["phone_numbers"] == [{"value": "+1 555 0100"}]
    assert sent["emails"] == [{"value": "ada@example.org", "type": "WORK"}]
    assert created.full_name == "Ada Lovelace"
    assert created.emails == [fe.ContactValue(value="ada@example.org", type="WORK")]
    assert created.phone_numbers == [fe.ContactValue(value="+1 555 0100")]
    assert created.content is not None and "FN:Ada Lovelace" in created.content
    assert created.etag

    fetched = await session.contacts.retrieve(created.id)
    assert fetched.etag == created.etag

    updated = await session.contacts.update(created.id, full_name="Ada King", if_match=created.etag)
    assert fake.requests[-1].headers["If-Match"] == created.etag
    assert updated.full_name == "Ada King"
    assert updated.etag != created.etag

    deleted = await session.contacts.delete(created.id, if_match=updated.etag)
    assert deleted.id == created.id
    with pytest.raises(fe.NotFoundError) as info:
        await session.contacts.retrieve(created.id)
    assert info.value.message == "Contact does not exist."


async def test_stale_etag_is_a_precondition_failure(session: fe.AliasSession) -> None:
    contact = await session.contacts.create(full_name="Grace Hopper")
    await session.contacts.update(contact.id, full_name="Rear Admiral Hopper")
    for call in (
        session.contacts.update(contact.id, full_name="Grace", if_match=contact.etag),
        session.contacts.delete(contact.id, if_match=contact.etag),
    ):
        with pytest.raises(fe.PreconditionFailedError) as info:
            await call
        assert info.value.status == 412
        assert info.value.message == "ETag does not match."
    assert (await session.contacts.retrieve(contact.id)).full_name == "Rear Admiral Hopper"


async def test_etag_header_fills_a_missing_body_etag(
    session: fe.AliasSession, fake: FakeForwardEmail, monkeypatch: pytest.MonkeyPatch
) -> None:
    contact = await session.contacts.create(full_name="Header Only")
    original = _contacts.contact_object
    monkeypatch.setattr(_contacts, "contact_object", lambda c: {**original(c), "etag": None})
    fetched = await session.contacts.retrieve(contact.id)
    assert fetched.etag == contact.etag


async def test_create_from_vcard_content(session: fe.AliasSession) -> None:
    contact = await session.contacts.create(content=VCARD, contact_id="card-1")
    assert contact.id == "card-1"
    assert contact.full_name == "Ada Lovelace"  # derived from N, as the server does
    assert contact.emails == [fe.ContactValue(value="ada@example.org", type="INTERNET")]
    # Ids chosen by other CardDAV clients are not ObjectIds; they work in paths too.
    assert (await session.contacts.retrieve("card-1")).content == VCARD


async def test_duplicate_contact_id_is_a_conflict(session: fe.AliasSession) -> None:
    await session.contacts.create(full_name="One", contact_id="same id")
    with pytest.raises(fe.ConflictError) as info:
        await session.contacts.create(full_name="Two", contact_id="same id")
    assert info.value.message == "Contact already exists."


async def test_server_validates_email_addresses(session: fe.AliasSession) -> None:
    with pytest.raises(fe.BadRequestError) as info:
        await session.contacts.create(full_name="Bad", emails=["not-an-email@"])
    assert info.value.message == (
        "Contact email address is required and must be a valid email address."
    )


async def test_update_of_phone_numbers_alone_is_accepted(session: fe.AliasSession) -> None:
    contact = await session.contacts.create(full_name="Phone")
    updated = await session.contacts.update(
        contact.id, phone_numbers=[("+44 20 7946 0000", "HOME")]
    )
    assert updated.phone_numbers == [fe.ContactValue(value="+44 20 7946 0000", type="HOME")]
    assert updated.content is not None and "TEL;TYPE=HOME:+44 20 7946 0000" in updated.content


async def test_list_pages_newest_first(session: fe.AliasSession, fake: FakeForwardEmail) -> None:
    for name in ("first", "second", "third"):
        await session.contacts.create(full_name=name)
    before = len(fake.requests)
    names = [c.full_name async for c in session.contacts.list(limit=2)]
    assert names == ["third", "second", "first"]
    assert len(fake.requests) == before + 2
    assert fake.requests[-1].query == {"page": "2", "limit": "2"}


async def test_empty_list_reports_one_page(
    session: fe.AliasSession, fake: FakeForwardEmail
) -> None:
    page = await session.contacts.list()
    assert page.items == []
    assert page.page_count == 1  # alias-auth lists report at least one page
    assert page.item_count == 0
    assert not page.has_next
    assert fake.requests[-1].query["limit"] == "100"


test_bad_input_never_reaches_the_wire = refused_before_sending(
    [
        (lambda s: s.contacts.create(), ValueError, "full_name or content"),
        (lambda s: s.contacts.create(full_name="x", emails="a@b.c"), TypeError, "emails"),
        (lambda s: s.contacts.create(full_name="x", emails=[{"value": 1}]), TypeError, "emails"),
        (lambda s: s.contacts.create(full_name="x", emails=[{"kind": "a"}]), TypeError, "emails"),
        (lambda s: s.contacts.create(full_name="x", is_group="yes"), TypeError, "is_group"),
        (lambda s: s.contacts.create(full_name="x", contact_id=5), TypeError, "contact_id"),
        (lambda s: s.contacts.retrieve(""), ValueError, "contact"),
        (lambda s: s.contacts.retrieve(".."), ValueError, "contact"),
        (lambda s: s.contacts.update("x"), ValueError, "update"),
        (lambda s: s.contacts.update("x", is_group=True), ValueError, "update"),
        (lambda s: s.contacts.update("x", full_name="y", if_match=""), TypeError, "if_match"),
        (lambda s: s.contacts.delete("x", if_match="a\r\nb"), ValueError, "If-Match"),
        (lambda s: s.contacts.list(limit=10001), ValueError, "limit"),
        (lambda s: s.contacts.create(full_name="x", uid=[]), TypeError, "uid"),
    ]
)

test_the_servers_rules_come_back_as_its_400 = refused_by_the_server(
    [
        (
            lambda s: s.contacts.create(full_name="x", contact_id=""),
            fe.BadRequestError,
            "Contact ID must be a valid string.",
        ),
        (
            lambda s: s.contacts.create(full_name=" "),
            fe.BadRequestError,
            "Contact full name must be a valid string.",
        ),
        (
            lambda s: s.contacts.create(full_name="x", emails=[{"value": ""}]),
            fe.BadRequestError,
            "Contact email address is required and must be a valid email address.",
        ),
    ]
)
