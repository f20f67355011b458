"""``session.contacts``: the alias's CardDAV address book over the REST API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from forwardemail_async._core.pagination import AsyncPaginator
from forwardemail_async._core.params import check_bool, check_str, drop_none, required_str
from forwardemail_async._core.requester import Requester, Service
from forwardemail_async._core.response import Response
from forwardemail_async._core.urls import name_segment
from forwardemail_async._decode.converter import structure
from forwardemail_async.models import Contact

__all__ = ["ContactEntry", "ContactsService"]

ContactEntry = Mapping[str, str] | tuple[str, str] | str
"""An email or phone: ``"a@example.com"``, ``("a@example.com", "WORK")`` or
``{"value": ..., "type": ...}``."""

_MANY = "/v1/contacts"
_ONE = "/v1/contacts/{contact}"


def _entries(value: object, name: str) -> list[dict[str, str]] | None:
    """Emails or phone numbers as the ``[{value, type}]`` list the server validates."""
    if value is None:
        return None
    if isinstance(value, (str, Mapping)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of entries, not {type(value).__name__}")
    entries = []
    for item in value:
        if isinstance(item, str):
            entry = {"value": item}
        elif isinstance(item, tuple) and len(item) == 2:
            entry = {"value": item[0], "type": item[1]}
        elif isinstance(item, Mapping):
            entry = dict(item)
        else:
            raise TypeError(f"each {name} entry must be a str, a (value, type) tuple or a mapping")
        for key, text in entry.items():
            if key not in ("value", "type") or not isinstance(text, str) or not text.strip():
                raise ValueError(
                    f"{name} entries take a non-blank 'value' and 'type' only: {item!r}"
                )
        if "value" not in entry:
            raise ValueError(f"each {name} entry needs a 'value': {item!r}")
        entries.append(entry)
    return entries


def _contact_body(arguments: Mapping[str, object]) -> dict[str, object]:
    """The JSON body shared by create and update, from a method's ``locals()``.

    The server validates phone numbers under ``phones`` but stores ``phone_numbers``, so
    both keys carry the same list.
    """
    full_name = check_str(arguments["full_name"], "full_name")
    content = check_str(arguments["content"], "content")
    for name, text in (("full_name", full_name), ("content", content)):
        if text is not None and not text.strip():
            raise ValueError(f"{name} must not be blank")
    phones = _entries(arguments["phone_numbers"], "phone_numbers")
    return drop_none(
        {
            "full_name": full_name,
            "content": content,
            "emails": _entries(arguments["emails"], "emails"),
            "phones": phones,
            "phone_numbers": phones,
            "is_group": check_bool(arguments["is_group"], "is_group"),
        }
    )


def _with_etag(response: Response, what: str) -> Contact:
    contact = structure(response.json(), Contact, what=what)
    etag = response.headers.get("ETag")
    if contact.etag is None and etag is not None:
        contact = attrs.evolve(contact, etag=etag)
    return contact


class ContactsService(Service):
    """Contacts of the alias's default address book. ``contact`` takes the contact's id."""

    def list(
        self, *, limit: int | None = None, page: int = 1, concurrency: int = 1
    ) -> AsyncPaginator[Contact]:
        """Every contact, newest first (100 per page unless ``limit``, at most 10000)."""
        return self._requester.paginate(
            Contact,
            _MANY,
            limit=limit,
            default_limit=100,
            max_limit=10000,
            start_page=page,
            concurrency=concurrency,
        )

    async def create(
        self,
        *,
        full_name: str | None = None,
        content: str | None = None,
        emails: Sequence[ContactEntry] | None = None,
        phone_numbers: Sequence[ContactEntry] | None = None,
        is_group: bool | None = None,
        contact_id: str | None = None,
        uid: str | None = None,
    ) -> Contact:
        """Add a contact from a name (the server writes the vCard) or from vCard ``content``.

        ``contact_id`` and ``uid`` default to new ids chosen by the server; an existing
        ``contact_id`` is refused with :class:`~forwardemail_async.ConflictError`.
        """
        body = _contact_body(locals())
        if "full_name" not in body and "content" not in body:
            raise ValueError("create() needs full_name or content (a vCard)")
        for name, value in (("contact_id", contact_id), ("uid", uid)):
            if value is not None:
                body[name] = required_str(value, name)
        response = await self._requester.send("POST", _MANY, json=body)
        return _with_etag(response, f"POST {_MANY}")

    async def retrieve(self, contact: str) -> Contact:
        """One contact, with its current ``etag``."""
        response = await self._requester.send("GET", _ONE, path_params=_path(contact))
        return _with_etag(response, f"GET {_ONE}")

    async def update(
        self,
        contact: str,
        *,
        full_name: str | None = None,
        content: str | None = None,
        emails: Sequence[ContactEntry] | None = None,
        phone_numbers: Sequence[ContactEntry] | None = None,
        is_group: bool | None = None,
        if_match: str | None = None,
    ) -> Contact:
        """Change a contact; only the arguments given are sent.

        Without ``content`` the server rewrites the vCard from the fields, and the etag
        changes. With ``if_match=<etag>`` the change applies only if nobody changed the
        contact since; otherwise :class:`~forwardemail_async.PreconditionFailedError`.
        """
        body = _contact_body(locals())
        if not set(body) - {"is_group"}:
            raise ValueError("update() needs full_name, content, emails or phone_numbers")
        response = await self._if_match(if_match).send(
            "PUT", _ONE, path_params=_path(contact), json=body
        )
        return _with_etag(response, f"PUT {_ONE}")

    async def delete(self, contact: str, *, if_match: str | None = None) -> Contact:
        """Delete a contact (only if its etag is still ``if_match``, when given); returns it."""
        response = await self._if_match(if_match).send("DELETE", _ONE, path_params=_path(contact))
        return _with_etag(response, f"DELETE {_ONE}")

    def _if_match(self, etag: str | None) -> Requester:
        """This service's requester, plus an ``If-Match`` header when ``etag`` is given."""
        if etag is None:
            return self._requester
        if not isinstance(etag, str) or not etag:
            raise TypeError("if_match must be a non-empty etag string")
        return self._requester.with_headers({"If-Match": etag})


def _path(contact: str) -> dict[str, str]:
    return {"contact": name_segment(contact, "contact")}
