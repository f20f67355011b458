"""``client.as_alias(address, password)``: the alias-authenticated side of the API.

Contacts, calendars, calendar events, messages, folders and sieve scripts are reached with an
alias address and its generated password instead of the API key. An :class:`AliasSession`
shares its parent client's session, connection pool, retry policy and concurrency gate; only
the credentials differ. Closing the parent client ends it too.
"""

from __future__ import annotations

from ._requester import Requester

__all__ = ["AliasSession"]


class AliasSession:
    """The resources of one alias, authenticated as that alias."""

    def __init__(self, requester: Requester, address: str) -> None:
        self._requester = requester
        self.address = address

    def __repr__(self) -> str:
        return f"AliasSession(address={self.address!r})"
