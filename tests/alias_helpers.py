"""Opening an alias session against the fake: an IMAP alias, its generated password, and
``client.as_alias``. Shared by the alias-authenticated resource tests."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TypeVar

import forwardemail_async as fe
from forwardemail_async.testing import FakeAlias, FakeForwardEmail, FakeUser

DOMAIN = "example.com"
ADDRESS = f"me@{DOMAIN}"

T = TypeVar("T")


async def open_session(
    client: fe.ForwardEmail,
    fake: FakeForwardEmail,
    user: FakeUser,
    *,
    name: str = "me",
    has_imap: bool = True,
) -> tuple[fe.AliasSession, FakeAlias, str]:
    """A session for ``name@example.com`` (made if needed), the alias and its password."""
    if not any(d.name == DOMAIN for d in fake.domains_of(user)):
        fake.add_domain(user, DOMAIN)
    alias = fake.add_alias(DOMAIN, name)
    alias.has_imap = has_imap
    credentials = await client.aliases.generate_password(DOMAIN, name)
    return client.as_alias(credentials.username, credentials.password), alias, credentials.password


async def invoke(call: Callable[[T], object], target: T) -> None:
    """Run a service call, awaiting it unless it answers at once (``list()`` paginators)."""
    result = call(target)
    if isinstance(result, Coroutine):
        await result
