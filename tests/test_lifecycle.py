"""Session ownership, closing, early breaks and cancellation: nothing leaks."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import threading
from collections.abc import Iterator

import aiohttp
import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser

from .conftest import acquired_connections, client_session, settle

DOMAIN = "example.com"


@pytest.fixture(autouse=True)
def domain(fake: FakeForwardEmail, user: FakeUser) -> None:
    fake.add_domain(user, DOMAIN)
    fake.add_aliases(DOMAIN, 300)


def test_constructing_outside_a_loop_creates_no_session() -> None:
    client = fe.ForwardEmail(api_key="k")
    assert client._requester.transport.session.current is None
    assert not client.closed


async def test_async_with_closes_the_owned_session(server: FakeServer, user: FakeUser) -> None:
    async with fe.ForwardEmail(api_key=user.api_token, base_url=server.url) as client:
        await client.domains.retrieve(DOMAIN)
        session = client_session(client)
    assert session.closed
    assert client.closed
    await client.close()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        await client.domains.retrieve(DOMAIN)


async def test_a_callers_session_is_never_closed(server: FakeServer, user: FakeUser) -> None:
    async with aiohttp.ClientSession() as session:
        async with fe.ForwardEmail(
            api_key=user.api_token, base_url=server.url, session=session
        ) as a:
            await a.domains.retrieve(DOMAIN)
        async with fe.ForwardEmail(
            api_key=user.api_token, base_url=server.url, session=session
        ) as b:
            await b.domains.retrieve(DOMAIN)
        assert not session.closed
        assert acquired_connections(session) == 0


async def test_a_dropped_client_closes_its_session_without_a_leak_warning(
    server: FakeServer, user: FakeUser
) -> None:
    """A notebook cell that makes a client, run again, drops the previous client unclosed;
    its session is closed on the loop, so aiohttp has no leak to report (the autouse
    ``no_unclosed_resources`` fixture fails the test on "Unclosed client session")."""
    client = fe.ForwardEmail(api_key=user.api_token, base_url=server.url)
    page = await client.aliases.list(DOMAIN, limit=10)
    assert len(page) == 10
    session = client_session(client)
    del client
    gc.collect()
    await settle()
    assert session.closed


async def test_a_closed_then_dropped_client_schedules_nothing(
    server: FakeServer, user: FakeUser
) -> None:
    client = fe.ForwardEmail(api_key=user.api_token, base_url=server.url)
    await client.domains.retrieve(DOMAIN)
    finalizer = client._requester.transport.session.on_collect
    assert finalizer is not None and finalizer.alive
    await client.close()
    assert not finalizer.alive


async def test_a_dropped_client_leaves_a_callers_session_open(
    server: FakeServer, user: FakeUser
) -> None:
    async with aiohttp.ClientSession() as session:
        client = fe.ForwardEmail(api_key=user.api_token, base_url=server.url, session=session)
        await client.domains.retrieve(DOMAIN)
        del client
        gc.collect()
        await settle()
        assert not session.closed


async def test_early_break_releases_the_connection(client: fe.ForwardEmail) -> None:
    async for alias in client.aliases.list(DOMAIN, limit=10):
        if alias.name:
            break
    await settle()
    assert acquired_connections(client_session(client)) == 0


async def test_cancelled_call_leaks_nothing_and_client_stays_usable(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail
) -> None:
    fake.faults.script("hang", count=1, method="GET")
    async with fe.ForwardEmail(api_key=user.api_token, base_url=server.url) as client:
        task = asyncio.ensure_future(client.domains.retrieve(DOMAIN))
        while not any(r.method == "GET" for r in fake.requests):
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await settle()
        assert acquired_connections(client_session(client)) == 0
        assert (await client.domains.retrieve(DOMAIN)).name == DOMAIN
        gate = client._requester.transport.gate
        assert gate.free_slots == gate.max_concurrency  # the slot came back


async def test_cancelled_concurrent_listing(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail
) -> None:
    fake.faults.latency = 0.02
    async with fe.ForwardEmail(api_key=user.api_token, base_url=server.url) as client:

        async def consume() -> int:
            return len([a async for a in client.aliases.list(DOMAIN, limit=10, concurrency=4)])

        task = asyncio.ensure_future(consume())
        while sum(1 for r in fake.requests if r.path.endswith("/aliases")) < 3:
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await settle()
        assert acquired_connections(client_session(client)) == 0
        assert [t for t in asyncio.all_tasks() if "_get_page" in repr(t.get_coro())] == []


def test_client_bound_to_its_first_loop(server_url_and_key: tuple[str, str]) -> None:
    url, key = server_url_and_key
    client = fe.ForwardEmail(api_key=key, base_url=url)
    first_loop = asyncio.new_event_loop()
    try:
        domain = first_loop.run_until_complete(client.domains.retrieve(DOMAIN))
        assert domain.name == DOMAIN

        async def use_elsewhere() -> None:
            await client.domains.retrieve(DOMAIN)

        with pytest.raises(RuntimeError, match="another event loop"):
            asyncio.run(use_elsewhere())
        first_loop.run_until_complete(client.close())
    finally:
        first_loop.close()
    assert client.closed


@pytest.fixture
def server_url_and_key() -> Iterator[tuple[str, str]]:
    """A fake server on its own thread's loop, for tests that run several event loops."""
    fake = FakeForwardEmail()
    user = fake.add_user(email="loops@example.net")
    fake.add_domain(user, DOMAIN)
    ready = threading.Event()
    stop: list[asyncio.Event] = []
    url: list[str] = []
    loop = asyncio.new_event_loop()

    async def serve() -> None:
        async with FakeServer(fake) as running:
            url.append(running.url)
            stop.append(asyncio.Event())
            ready.set()
            await stop[0].wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield url[0], user.api_token
    loop.call_soon_threadsafe(stop[0].set)
    thread.join(10)
    loop.close()


_LAZY_SERVICES_SCRIPT = """
import sys
from forwardemail_async import ForwardEmail
heavy = ["_aliases", "_bulk", "models._message"]
loaded = [name for name in heavy if "forwardemail_async." + name in sys.modules]
assert not loaded, loaded
client = ForwardEmail(api_key="k")
aliases = client.aliases
assert "forwardemail_async.resources.aliases" in sys.modules
assert client.aliases is aliases
assert aliases._requester is client._requester
clone = client.with_options(timeout=5)
assert clone.aliases is not aliases and clone.aliases._requester is clone._requester
"""


def test_importing_the_client_loads_services_on_first_use() -> None:
    # A fresh interpreter: this test process has imported every module already.
    result = subprocess.run(
        [sys.executable, "-c", _LAZY_SERVICES_SCRIPT], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
