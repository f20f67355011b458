"""Shared by the alias-authenticated resource tests: opening an alias session against the
fake (an IMAP alias, its generated password, ``client.as_alias``), and the test that bad
input is refused before anything is sent."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

import pytest

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


Refusal = tuple[Callable[..., object], type[Exception], str]
"""``(call, exc, match)``: ``call(session)`` raises ``exc`` with ``match`` in its message.

The calls take ``...`` rather than a typed session so that their deliberately wrong
arguments are not type errors."""


def refused_before_sending(
    refusals: Sequence[Refusal],
) -> Callable[..., Coroutine[Any, Any, None]]:
    """The test that each refusal raises before a request is sent, parametrized by the table.

    A module assigns it to a ``test_*`` name; each call runs on the ``session`` fixture
    (``conftest.py``).
    """

    @pytest.mark.parametrize(("call", "exc", "match"), refusals)
    async def test(
        session: fe.AliasSession,
        fake: FakeForwardEmail,
        call: Callable[[fe.AliasSession], object],
        exc: type[Exception],
        match: str,
    ) -> None:
        before = len(fake.requests)
        with pytest.raises(exc, match=match):
            await invoke(call, session)
        assert len(fake.requests) == before

    return test


def refused_by_the_server(
    refusals: Sequence[Refusal],
) -> Callable[..., Coroutine[Any, Any, None]]:
    """The test that each call breaking one of the server's rules reaches it exactly once and
    comes back as the typed error (``exc``) carrying the server's message (``match``)."""

    @pytest.mark.parametrize(("call", "exc", "match"), refusals)
    async def test(
        session: fe.AliasSession,
        fake: FakeForwardEmail,
        call: Callable[[fe.AliasSession], object],
        exc: type[Exception],
        match: str,
    ) -> None:
        before = len(fake.requests)
        with pytest.raises(exc) as info:
            await invoke(call, session)
        assert isinstance(info.value, fe.APIError) and match in info.value.message
        assert len(fake.requests) == before + 1

    return test
