"""Shared fixtures: a fake Forward Email server on 127.0.0.1, a client pointed at it, and an
alias session of that client.

Client and server share one :class:`ManualClock`, so retry waits and rate-limit windows move
the same simulated time and no test sleeps.

Hypothesis runs without its per-example deadline and its "too slow" health check: both are
wall-clock verdicts, and a loaded machine is no bug in the code under test.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, settings

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser

from .alias_helpers import open_session

settings.register_profile(
    "machine-speed-independent", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("machine-speed-independent")


@pytest.fixture
def clock() -> fe.ManualClock:
    return fe.ManualClock()


@pytest.fixture
def fake(clock: fe.ManualClock) -> FakeForwardEmail:
    return FakeForwardEmail(clock=clock.time)


@pytest.fixture
def user(fake: FakeForwardEmail) -> FakeUser:
    return fake.add_user(email="owner@example.net")


@pytest.fixture
async def server(fake: FakeForwardEmail) -> AsyncIterator[FakeServer]:
    async with FakeServer(fake) as running:
        yield running


@pytest.fixture
async def client(
    server: FakeServer, user: FakeUser, clock: fe.ManualClock
) -> AsyncIterator[fe.ForwardEmail]:
    async with fe.ForwardEmail(api_key=user.api_token, base_url=server.url, clock=clock) as c:
        yield c


@pytest.fixture
async def session(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> fe.AliasSession:
    """The client's session as ``me@example.com``, an IMAP alias (see ``alias_helpers``)."""
    return (await open_session(client, fake, user))[0]


@pytest.fixture(autouse=True)
def no_unclosed_resources(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail any test after which asyncio reports an unclosed session or connector."""
    caplog.set_level(logging.ERROR, logger="asyncio")
    yield
    leaks = [
        r.getMessage()
        for r in caplog.records
        if r.name == "asyncio" and "Unclosed" in r.getMessage()
    ]
    assert not leaks, leaks


def acquired_connections(session: aiohttp.ClientSession) -> int:
    """Connections currently checked out of the session's pool.

    aiohttp has no public counter for this; ``_acquired`` is the connector's own set.
    """
    connector = session.connector
    assert connector is not None
    return len(connector._acquired)


def client_session(client: fe.ForwardEmail) -> aiohttp.ClientSession:
    """The aiohttp session a client created (tests inspect its pool)."""
    session = client._requester.transport.session.current
    assert session is not None
    return session


def client_tasks(before: set[asyncio.Task[Any]]) -> list[str]:
    """Tasks started since ``before`` that run client code (the fake server's are ignored)."""
    names = []
    for task in asyncio.all_tasks() - before:
        code = getattr(task.get_coro(), "cr_code", None)
        where = code.co_filename if code is not None else ""
        ours = "forwardemail_async" in where and "testing" not in where
        aiohttp_client = ("aiohttp" in where and "web_" not in where) or "happyeyeballs" in where
        if ours or aiohttp_client:
            names.append(repr(task.get_coro()))
    return names


async def settle() -> None:
    """Let already-scheduled callbacks run (no timed sleep)."""
    for _ in range(5):
        await asyncio.sleep(0)
