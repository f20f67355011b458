"""The answer of account creation: a user plus the API token shown only this once."""

from typing import Any

import attrs

from ._user import User

__all__ = ["NewAccount"]


@attrs.frozen(kw_only=True)
class NewAccount(User):
    """A just-created account: the :class:`User` fields plus its ``api_token``.

    This is the only answer that ever carries the token; it is hidden in ``repr()`` and
    ``str()``. The account's email is unverified, so the token is refused (401) until the
    address is confirmed.
    """

    api_token: str = attrs.field(repr=lambda _: "'***'")
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
