"""``/v1/contacts`` (contract §4.9): the alias's CardDAV address book.

Follows app/controllers/api/v1/contacts.js: phone numbers are validated under ``phones`` but
stored from ``phone_numbers``; ``If-Match`` guards updates and deletes (412); deletes are
soft; a ``contact_id`` in use gives 409 and a deleted one is brought back.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from aiohttp import web

from . import _phrases as phrases
from ._boom import BoomError, json_response
from ._context import Ctx, Route
from ._mailbox import FakeContact, FakeMailbox
from ._mailbox_access import mailbox_for, page_of
from ._shapes import iso
from ._text import is_email, is_sanb, js_boolean

__all__ = ["ROUTES"]

_ADDRESS_FIELDS = {
    "street": phrases.CONTACT_ADDRESS_STREET_INVALID,
    "city": phrases.CONTACT_ADDRESS_CITY_INVALID,
    "state": phrases.CONTACT_ADDRESS_STATE_INVALID,
    "postalCode": phrases.CONTACT_ADDRESS_POSTAL_CODE_INVALID,
    "country": phrases.CONTACT_ADDRESS_COUNTRY_INVALID,
    "type": phrases.CONTACT_ADDRESS_TYPE_INVALID,
}
# Any of these makes an update; `phone_numbers` alone does not (the server checks `phones`).
_UPDATE_FIELDS = ("content", "full_name", "emails", "phones", "addresses")
_VCARD_LINE = re.compile(r"^([A-Za-z-]+)(;[^:]*)?:(.*)$")


def contact_object(contact: FakeContact) -> dict[str, Any]:
    """The contact as ``json()`` in contacts.js builds it."""
    return {
        "id": contact.id,
        "uid": contact.uid,
        "full_name": contact.full_name,
        "content": contact.content,
        "etag": contact.etag,
        "is_group": contact.is_group,
        "emails": contact.emails,
        "phone_numbers": contact.phone_numbers,
        "created_at": iso(contact.created_at),
        "updated_at": iso(contact.updated_at),
        "object": "contact",
    }


def _etag(content: str) -> str:
    # carddav-xml.js generateETag: the hash and its quoting are a guess.
    return '"' + hashlib.md5(content.encode()).hexdigest() + '"'


def _answer(contact: FakeContact, *, etag: bool = True) -> web.Response:
    response = json_response(contact_object(contact))
    if etag:
        response.headers["ETag"] = contact.etag
    return response


def _truthy(value: object) -> bool:
    """JavaScript truthiness for JSON values: empty arrays and objects are true."""
    return value is not None and value is not False and value != 0 and value != ""


def _is_object(value: object) -> bool:
    """lodash ``isObject``: arrays count too."""
    return isinstance(value, (dict, list))


def _check_entries(body: dict[str, Any], key: str, checks: tuple[str, str, str, str]) -> None:
    must_be_array, must_be_object, invalid, type_invalid = checks
    if key not in body:
        return
    if not isinstance(body[key], list):
        raise BoomError(400, must_be_array)
    for entry in body[key]:
        if not _is_object(entry):
            raise BoomError(400, must_be_object)
        value = entry.get("value") if isinstance(entry, dict) else None
        if not is_sanb(value) or (key == "emails" and not is_email(value)):
            raise BoomError(400, invalid)
        if isinstance(entry, dict) and "type" in entry and not is_sanb(entry["type"]):
            raise BoomError(400, type_invalid)


def _check_texts(body: dict[str, Any]) -> None:
    if "full_name" in body and not is_sanb(body["full_name"]):
        raise BoomError(400, phrases.CONTACT_FULLNAME_INVALID)
    if "content" in body and not is_sanb(body["content"]):
        raise BoomError(400, phrases.CONTACT_CONTENT_INVALID)


def _check_lists(body: dict[str, Any]) -> None:
    """The checks of ``emails``, ``phones`` (not ``phone_numbers``!) and ``addresses``."""
    _check_entries(
        body,
        "emails",
        (
            phrases.CONTACT_EMAILS_MUST_BE_ARRAY,
            phrases.CONTACT_EMAIL_MUST_BE_OBJECT,
            phrases.CONTACT_EMAIL_INVALID,
            phrases.CONTACT_EMAIL_TYPE_INVALID,
        ),
    )
    _check_entries(
        body,
        "phones",
        (
            phrases.CONTACT_PHONES_MUST_BE_ARRAY,
            phrases.CONTACT_PHONE_MUST_BE_OBJECT,
            phrases.CONTACT_PHONE_INVALID,
            phrases.CONTACT_PHONE_TYPE_INVALID,
        ),
    )
    if "addresses" not in body:
        return
    if not isinstance(body["addresses"], list):
        raise BoomError(400, phrases.CONTACT_ADDRESSES_MUST_BE_ARRAY)
    for address in body["addresses"]:
        if not _is_object(address):
            raise BoomError(400, phrases.CONTACT_ADDRESS_MUST_BE_OBJECT)
        for field, message in _ADDRESS_FIELDS.items():
            if isinstance(address, dict) and field in address and not is_sanb(address[field]):
                raise BoomError(400, message)


def _vcard(uid: str, full_name: str, emails: list[Any], phones: list[Any]) -> str:
    """The vCard 3.0 the server writes when no ``content`` is given."""
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"FN:{full_name}"]
    lines += [f"EMAIL;TYPE={e.get('type') or 'INTERNET'}:{e.get('value')}" for e in emails]
    lines += [f"TEL;TYPE={p.get('type') or 'CELL'}:{p.get('value')}" for p in phones]
    return "\n".join([*lines, "END:VCARD"])


def _parse_vcard(content: str) -> dict[str, list[str]]:
    """The properties of a vCard by name (``FN``, ``EMAIL``, ``TEL``...), folded lines joined."""
    properties: dict[str, list[str]] = {}
    for line in re.sub(r"\r?\n[ \t]", "", content).splitlines():
        match = _VCARD_LINE.match(line.strip())
        if match:
            properties.setdefault(match.group(1).upper(), []).append(match.group(3))
    if "FN" not in properties and "N" in properties:
        family, _, rest = properties["N"][0].partition(";")
        given = rest.partition(";")[0]
        properties["FN"] = [" ".join(part for part in (given, family) if part)]
    return properties


def _find(mailbox: FakeMailbox, contact_id: str) -> FakeContact:
    contact = next((c for c in mailbox.contacts if c.id == contact_id), None)
    if contact is None or contact.deleted_at is not None:
        raise BoomError(404, phrases.CONTACT_DOES_NOT_EXIST)
    return contact


def _check_if_match(ctx: Ctx, contact: FakeContact) -> None:
    wanted = ctx.request.headers.get("If-Match")
    if wanted and wanted != contact.etag:
        raise BoomError(412, phrases.ETAG_DOES_NOT_MATCH)


async def list_contacts(ctx: Ctx) -> web.Response:
    """GET: newest first, deleted ones hidden, one contact per UID; sliced in memory."""
    mailbox = mailbox_for(ctx)
    seen: set[str] = set()
    active = []
    for contact in sorted(mailbox.contacts, key=lambda c: c.created_at, reverse=True):
        if contact.deleted_at is None and contact.uid not in seen:
            seen.add(contact.uid)
            active.append(contact)
    shown = page_of(ctx, active, default_limit=100, max_limit=10000, in_memory=True)
    return json_response([contact_object(c) for c in shown])


async def create_contact(ctx: Ctx) -> web.Response:
    """POST: from ``full_name`` (a vCard is written) or from vCard ``content``."""
    mailbox = mailbox_for(ctx)
    body = dict(ctx.body)
    if not body.get("content") and not body.get("full_name"):
        raise BoomError(400, phrases.CONTACT_FULLNAME_OR_CONTENT_REQUIRED)
    _check_texts(body)
    for key, message in (
        ("contact_id", phrases.CONTACT_ID_INVALID),
        ("uid", phrases.CONTACT_UID_INVALID),
    ):
        if key in body and not is_sanb(body[key]):
            raise BoomError(400, message)
    _check_lists(body)
    ms = ctx.store.now_ms()
    contact_id = body.get("contact_id") or ctx.store.new_id(ms)
    uid = body.get("uid") or ctx.store.new_id(ms)
    content = body.get("content")
    if content:
        vcard = _parse_vcard(content)
        body.setdefault("full_name", (vcard.get("FN") or [""])[0])
        if "emails" not in body and "EMAIL" in vcard:
            body["emails"] = [{"value": v, "type": "INTERNET"} for v in vcard["EMAIL"]]
        if "phone_numbers" not in body and "TEL" in vcard:
            body["phone_numbers"] = [{"value": v, "type": "CELL"} for v in vcard["TEL"]]
    else:
        content = _vcard(
            uid,
            body.get("full_name") or "",
            body.get("emails") or [],
            body.get("phone_numbers") or [],
        )
    existing = next((c for c in mailbox.contacts if c.id == contact_id), None)
    if existing is not None and existing.deleted_at is None:
        raise BoomError(409, phrases.CONTACT_ALREADY_EXISTS)
    contact = FakeContact(
        id=contact_id,
        uid=uid,
        full_name=body.get("full_name") or "",
        content=content,
        etag=_etag(content),
        is_group=js_boolean(body.get("is_group")),
        emails=body.get("emails") or [],
        phone_numbers=body.get("phone_numbers") or [],
        created_at=existing.created_at if existing else ms,
        updated_at=ms,
    )
    if existing is not None:
        mailbox.contacts.remove(existing)  # a deleted contact with this id comes back
    mailbox.contacts.append(contact)
    return _answer(contact)


async def retrieve_contact(ctx: Ctx) -> web.Response:
    """GET one contact, with its ``ETag``."""
    mailbox = mailbox_for(ctx)
    return _answer(_find(mailbox, ctx.params["id"]))


async def update_contact(ctx: Ctx) -> web.Response:
    """PUT: the given fields; the vCard is rewritten from them unless ``content`` is given."""
    mailbox = mailbox_for(ctx)
    body = ctx.body
    if not any(_truthy(body.get(key)) for key in _UPDATE_FIELDS):
        raise BoomError(400, phrases.CONTACT_UPDATE_FIELDS_REQUIRED)
    _check_texts(body)
    _check_lists(body)
    contact = _find(mailbox, ctx.params["id"])
    _check_if_match(ctx, contact)
    if "full_name" in body:
        contact.full_name = body["full_name"]
    if "content" in body:
        contact.content = body["content"]
    if "emails" in body:
        contact.emails = body["emails"]
    if "phone_numbers" in body:
        contact.phone_numbers = body["phone_numbers"]
    if "is_group" in body:
        contact.is_group = js_boolean(body["is_group"])
    if "content" not in body and {"full_name", "emails", "phone_numbers"} & set(body):
        contact.content = _vcard(
            contact.uid, contact.full_name, contact.emails, contact.phone_numbers
        )
    contact.etag = _etag(contact.content)
    contact.updated_at = ctx.store.now_ms()
    return _answer(contact)


async def delete_contact(ctx: Ctx) -> web.Response:
    """DELETE: a soft delete (kept for CardDAV sync); answers with the contact, no ETag."""
    mailbox = mailbox_for(ctx)
    contact = _find(mailbox, ctx.params["id"])
    _check_if_match(ctx, contact)
    answer = _answer(contact, etag=False)
    contact.deleted_at = contact.updated_at = ctx.store.now_ms()
    return answer


ROUTES = [
    Route("GET", "/v1/contacts", list_contacts),
    Route("POST", "/v1/contacts", create_contact),
    Route("GET", "/v1/contacts/{id}", retrieve_contact),
    Route("PUT", "/v1/contacts/{id}", update_contact),
    Route("DELETE", "/v1/contacts/{id}", delete_contact),
]
