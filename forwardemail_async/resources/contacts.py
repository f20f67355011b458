"""``session.contacts``: the alias's CardDAV address book over the REST API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from forwardemail_async._core.errors import ConflictError
from forwardemail_async._core.hooks import CallHooks
from forwardemail_async._core.pagination import AsyncPaginator
from forwardemail_async._core.params import required_str
from forwardemail_async._core.reconcile import conflict, read_back_at
from forwardemail_async._core.requester import Requester, Service
from forwardemail_async._core.response import Response
from forwardemail_async._core.routes import ListRoute
from forwardemail_async._core.urls import name_segment
from forwardemail_async._decode.converter import structure
from forwardemail_async.models import Contact

from ._schema.mailbox import CONTACT_FIELDS

__all__ = ["ContactEntry", "ContactsService"]

ContactEntry = Mapping[str, str] | tuple[str, str] | str
"""An email or phone: ``"a@example.com"``, ``("a@example.com", "WORK")`` or
``{"value": ..., "type": ...}``."""

_MANY = "/v1/contacts"
_ONE = "/v1/contacts/{contact}"
LIST = ListRoute(path=_MANY, model=Contact, default_limit=100, max_limit=10000)


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
            LIST, locals(), limit=limit, page=page, concurrency=concurrency
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
        ``contact_id`` is refused with :class:`~forwardemail_async.ConflictError`. With a
        ``contact_id`` it happens exactly once: after an ambiguous failure it is read back.
        """
        body = CONTACT_FIELDS.body(locals(), creating=True)
        if "full_name" not in body and "content" not in body:
            raise ValueError("create() needs full_name or content (a vCard)")
        for name, value in (("contact_id", contact_id), ("uid", uid)):
            if value is not None:
                body[name] = required_str(value, name)
        hooks = None
        if contact_id is not None:  # the key: after an ambiguous failure, read it back
            key = str(body["contact_id"])
            taken = conflict(ConflictError, 409, "Contact already exists.", _MANY)
            read_back = read_back_at(
                self._requester,
                _ONE,
                lambda: _path(key),
                Contact,
                body,
                conflict=taken,
                same_values=_same_name,
            )
            hooks = CallHooks(read_back=read_back)
        response = await self._requester.send("POST", _MANY, json=body, hooks=hooks)
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
        body = CONTACT_FIELDS.body(locals(), creating=False)
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


def _same_name(contact: Contact, body: Mapping[str, object]) -> bool:
    """A contact found by its id holds our values if it has our name (the server rewrites
    the vCard, so that is not compared)."""
    return "full_name" not in body or contact.full_name == body["full_name"]
