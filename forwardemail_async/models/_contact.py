"""The contact object of the alias-authenticated CardDAV address book."""

from datetime import datetime
from typing import Any

import attrs

from forwardemail_async._core.display import HtmlRepr

__all__ = ["Contact", "ContactValue"]


@attrs.frozen(kw_only=True)
class ContactValue(HtmlRepr):
    """One email address or phone number of a contact, with its vCard ``type`` (e.g. ``HOME``)."""

    value: str
    type: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Contact(HtmlRepr):
    """A contact in the alias's default address book.

    ``id`` is the CardDAV contact id, which other clients may have chosen (not necessarily an
    ObjectId). ``content`` is the vCard text and ``etag`` its version: pass it as ``if_match``
    to update or delete only an unchanged contact. The server also sends it as the ``ETag``
    header, which fills ``etag`` when the body lacks it.
    """

    id: str
    object: str = "contact"
    uid: str | None = None
    full_name: str | None = None
    content: str | None = None
    etag: str | None = None
    is_group: bool | None = None
    emails: list[ContactValue] | None = None
    phone_numbers: list[ContactValue] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    def __repr__(self) -> str:
        return f"Contact(id={self.id!r}, full_name={self.full_name!r}, etag={self.etag!r})"
