"""References to a domain or a user nested in other objects (an alias, a domain member).

The server sends a nested domain or user in several shapes: the full object (an alias create
answer), a small ``{id, name}`` or ``{id, email, display_name}`` object (lists and retrieves),
a bare id string (an alias update on the newest server) or, on older servers, an object
without an ``id`` (``{"name": "example.com"}``). A reference takes every one of them, so an odd
nested object never fails the object around it, let alone a whole page:

* a bare string becomes the ``id``;
* from an object, the declared keys holding a string are read; every other key (the rest of a
  full object, or a declared key holding something else) is kept in ``extra_fields``;
* any other JSON value is kept as ``extra_fields["value"]``, with every field ``None``.

For the whole domain or user, fetch it by ``id`` (``client.domains.retrieve(ref.id)``).
"""

from typing import Any

import attrs

from forwardemail_async._core.display import HtmlRepr
from forwardemail_async._decode.converter import reference_model
from forwardemail_async._decode.extra_fields import ExtraFieldsOnDemand

__all__ = ["DomainRef", "UserRef"]


@attrs.frozen(kw_only=True)
class DomainRef(ExtraFieldsOnDemand, HtmlRepr):
    """A domain nested in another object: its ``id`` and ``name`` where the server sent them."""

    id: str | None = None
    name: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class UserRef(ExtraFieldsOnDemand, HtmlRepr):
    """A user nested in another object: its ``id``, ``email`` and ``display_name`` where the
    server sent them."""

    id: str | None = None
    email: str | None = None
    display_name: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


reference_model(DomainRef)
reference_model(UserRef)
