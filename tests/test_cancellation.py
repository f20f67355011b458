"""Cancelling a call at each of its await points leaks nothing and breaks nothing.

Each test parks one call at one await point, deterministically, then cancels it:

* the cooldown wait, the rate-limit wait and the retry sleep: a clock whose ``sleep`` blocks;
* the gate's semaphore: a second call queued behind one the server never answers;
* connect and send: aiohttp's own trace hooks (awaited inside the request) on a session the
  test passes in;
* read: the fake's ``hang`` (no answer) and ``stall_body`` (half a body) faults;
* the ``on_retry`` hook: a hook that blocks;
* listings: a page fetch that hangs, sequentially and fanned out.

Afterwards: no connection is checked out, every gate slot is back, no task of the client is
left, no warning was issued, and the same client still answers.
"""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser

from .conftest import acquired_connections, client_tasks, settle

DOMAIN = "example.com"
LIST = f"/v1/domains/{DOMAIN}/aliases"


class HeldClock(fe.ManualClock):
    """A manual clock whose ``sleep`` parks while ``hold`` is set, until cancelled."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = False
        self.sleeping = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        if self.hold:
            self.sleeping.set()
            await asyncio.Event().wait()  # only cancellation gets out of here
        await super().sleep(seconds)


@pytest.fixture(autouse=True)
def seeded(fake: FakeForwardEmail, user: FakeUser) -> None:
    fake.add_domain(user, DOMAIN)
    fake.add_aliases(DOMAIN, 100)


@pytest.fixture(autouse=True)
def no_warnings() -> Iterator[None]:
    """Fail on any warning, including ResourceWarnings that only show up at collection."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
        gc.collect()
    assert [str(w.message) for w in caught] == []


@pytest.fixture
def held() -> HeldClock:
    return HeldClock()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as own:
        yield own


def _client(server: FakeServer, user: FakeUser, clock: fe.ManualClock, **kwargs: Any) -> Any:
    return fe.ForwardEmail(api_key=user.api_token, base_url=server.url, clock=clock, **kwargs)


async def _cancel_when(task: asyncio.Task[Any], reached: Callable[[], bool]) -> None:
    """Cancel ``task`` as soon as ``reached()`` holds (polled without timed sleeps)."""
    for _ in range(100_000):
        if reached():
            break
        assert not task.done(), task
        await asyncio.sleep(0)
    else:
        pytest.fail("the call never reached the await point")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def _check_clean(
    c: fe.ForwardEmail, session: aiohttp.ClientSession, before: set[asyncio.Task[Any]]
) -> None:
    await settle()
    assert acquired_connections(session) == 0
    gate = c._requester.transport.gate
    assert gate.free_slots == gate.max_concurrency
    assert client_tasks(before) == []


def _own_session(c: fe.ForwardEmail) -> aiohttp.ClientSession:
    own = c._requester.transport.session.current
    assert own is not None
    return own


def _requests(fake: FakeForwardEmail, path: str) -> int:
    return sum(1 for r in fake.requests if r.path == path)


# --- gate, cooldown, rate limit ---------------------------------------------------------------


async def test_cancel_during_the_429_cooldown(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, held: HeldClock
) -> None:
    before = asyncio.all_tasks()
    async with _client(server, user, held) as c:
        await c.domains.retrieve(DOMAIN)
        c._requester.transport.gate.pause_for(60)
        held.hold = True
        task = asyncio.ensure_future(c.domains.retrieve(DOMAIN))
        await _cancel_when(task, held.sleeping.is_set)
        assert len(fake.requests) == 1  # the cancelled call never went out
        await _check_clean(c, _own_session(c), before)
        held.hold = False
        assert (await c.domains.retrieve(DOMAIN)).name == DOMAIN


async def test_cancel_while_queued_for_a_slot(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, held: HeldClock
) -> None:
    fake.faults.script("hang", count=1, method="GET")
    before = asyncio.all_tasks()
    async with _client(server, user, held, max_concurrency=1) as c:
        hung = asyncio.ensure_future(c.domains.retrieve(DOMAIN))
        while not fake.requests:
            await asyncio.sleep(0)
        queued = asyncio.ensure_future(c.domains.retrieve(DOMAIN))
        await settle()
        gate = c._requester.transport.gate
        await _cancel_when(queued, lambda: gate.free_slots == 0)
        assert not hung.done()  # cancelling the queued call did not disturb the hung one
        await _cancel_when(hung, lambda: True)
        assert len(fake.requests) == 1
        await _check_clean(c, _own_session(c), before)
        assert (await c.domains.retrieve(DOMAIN)).name == DOMAIN


async def test_cancel_during_the_client_side_rate_limit_wait(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, held: HeldClock
) -> None:
    before = asyncio.all_tasks()
    async with _client(server, user, held, rate_limit=(1, 60.0)) as c:
        await c.domains.retrieve(DOMAIN)
        held.hold = True
        task = asyncio.ensure_future(c.domains.retrieve(DOMAIN))
        await _cancel_when(task, held.sleeping.is_set)
        assert len(fake.requests) == 1
        await _check_clean(c, _own_session(c), before)  # the slot taken before the wait is back
        held.hold = False
        assert (await c.domains.retrieve(DOMAIN)).name == DOMAIN


# --- connect, send, read ----------------------------------------------------------------------


class Park:
    """A trace config whose ``signal`` hook parks requests while ``active`` is set."""

    def __init__(self, signal: str) -> None:
        self.active = True
        self.reached = asyncio.Event()
        self.config = aiohttp.TraceConfig()
        getattr(self.config, signal).append(self._park)

    async def _park(self, _session: aiohttp.ClientSession, _ctx: SimpleNamespace, _p: Any) -> None:
        if self.active:
            self.reached.set()
            await asyncio.Event().wait()  # only cancellation gets out of here


@pytest.mark.parametrize(
    ("signal", "sent"),
    [("on_connection_create_start", False), ("on_request_headers_sent", None)],
    ids=["connect", "send"],
)
async def test_cancel_while_connecting_or_sending(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, signal: str, sent: bool | None
) -> None:
    park = Park(signal)
    before = asyncio.all_tasks()
    async with aiohttp.ClientSession(trace_configs=[park.config]) as own:
        async with _client(server, user, fe.ManualClock(), session=own) as c:
            task = asyncio.ensure_future(c.domains.retrieve(DOMAIN))
            await _cancel_when(task, park.reached.is_set)
            if sent is False:
                assert fake.requests == []
            await _check_clean(c, own, before)
            park.active = False
            assert (await c.domains.retrieve(DOMAIN)).name == DOMAIN
        assert not own.closed  # the caller's session is still the caller's


@pytest.mark.parametrize("kind", ["hang", "stall_body"])
async def test_cancel_while_reading(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, held: HeldClock, kind: str
) -> None:
    fake.faults.script(kind, count=1, method="GET")  # type: ignore[arg-type]
    before = asyncio.all_tasks()
    async with _client(server, user, held) as c:
        task = asyncio.ensure_future(c.domains.retrieve(DOMAIN))
        await _cancel_when(task, lambda: bool(fake.requests))
        await _check_clean(c, _own_session(c), before)
        assert (await c.domains.retrieve(DOMAIN)).name == DOMAIN


# --- between attempts -------------------------------------------------------------------------


async def test_cancel_during_the_retry_sleep(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, held: HeldClock
) -> None:
    fake.faults.script("503", count=1, method="GET")
    held.hold = True
    before = asyncio.all_tasks()
    async with _client(server, user, held) as c:
        task = asyncio.ensure_future(c.domains.retrieve(DOMAIN))
        await _cancel_when(task, held.sleeping.is_set)
        assert [r.status for r in fake.requests] == [503]  # no second attempt went out
        await _check_clean(c, _own_session(c), before)
        held.hold = False
        assert (await c.domains.retrieve(DOMAIN)).name == DOMAIN


async def test_cancel_inside_the_on_retry_hook(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    entered = asyncio.Event()

    async def hook(_details: fe.RetryDetails) -> None:
        entered.set()
        await asyncio.Event().wait()

    fake.faults.script("503", count=1, method="GET")
    before = asyncio.all_tasks()
    async with _client(server, user, clock, retry=fe.RetryPolicy(on_retry=hook)) as c:
        task = asyncio.ensure_future(c.domains.retrieve(DOMAIN))
        await _cancel_when(task, entered.is_set)
        assert clock.sleeps == []
        await _check_clean(c, _own_session(c), before)
        quiet = c.with_options(retry=fe.RetryPolicy())
        assert (await quiet.domains.retrieve(DOMAIN)).name == DOMAIN


# --- listings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("concurrency", [1, 4])
async def test_cancel_a_listing_while_a_page_hangs(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, held: HeldClock, concurrency: int
) -> None:
    before = asyncio.all_tasks()
    async with _client(server, user, held, max_concurrency=8) as c:
        first_page = asyncio.Event()

        async def consume() -> list[str]:
            names = []
            async for page in c.aliases.list(DOMAIN, limit=10, concurrency=concurrency).pages():
                names += [a.name for a in page.items]
                if page.page == 1:
                    # Every later page hangs: the fetches in flight are parked on the wire.
                    fake.faults.script("hang", count=50, path=LIST)
                    first_page.set()
            return names

        task = asyncio.ensure_future(consume())
        await _cancel_when(
            task, lambda: first_page.is_set() and _requests(fake, LIST) >= 1 + concurrency
        )
        assert _requests(fake, LIST) == 1 + concurrency  # page 1, then `concurrency` at once
        await _check_clean(c, _own_session(c), before)
        fake.faults.clear()
        assert len(await c.aliases.list(DOMAIN, limit=10, concurrency=4).collect()) == 100


async def test_cancel_the_consumer_while_fan_out_fetches_are_in_flight(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, held: HeldClock
) -> None:
    # The consumer is parked in its own loop body, not in the paginator: the generator is
    # abandoned mid-iteration and its page fetches must still be reaped.
    before = asyncio.all_tasks()
    parked = asyncio.Event()
    # One slot, so pages go out in order: page 2 is answered, page 3 hangs holding the slot
    # and pages 4-5 wait for it.
    async with _client(server, user, held, max_concurrency=1) as c:

        async def consume() -> None:
            seen = 0
            async for _alias in c.aliases.list(DOMAIN, limit=10, concurrency=4):
                seen += 1
                if seen == 1:
                    fake.faults.script("wrong_content_type", count=1, path=LIST)  # passes
                    fake.faults.script("hang", count=50, path=LIST)
                if seen == 11:  # the first item of page 2
                    parked.set()
                    await asyncio.Event().wait()

        task = asyncio.ensure_future(consume())
        await _cancel_when(task, lambda: parked.is_set() and _requests(fake, LIST) == 3)
        await _check_clean(c, _own_session(c), before)
        assert _requests(fake, LIST) == 3  # pages 4 and 5 never went out
        fake.faults.clear()
        assert await c.aliases.list(DOMAIN).count() == 100


async def test_cancel_many_calls_at_random_points(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    # 200 calls through 4 slots with latency and faults; cancel them in waves as they run.
    fake.faults.latency = 0.002
    fake.faults.rate_503 = 0.2
    fake.faults.rate_reset = 0.1
    before = asyncio.all_tasks()
    async with _client(server, user, clock, max_concurrency=4) as c:
        calls: list[Callable[[], Awaitable[object]]] = [
            lambda: c.domains.retrieve(DOMAIN),
            lambda: c.aliases.retrieve(DOMAIN, "alias00001"),
            lambda: c.aliases.list(DOMAIN, limit=5, concurrency=3).collect(max_items=30),
        ]
        tasks = [asyncio.ensure_future(calls[i % 3]()) for i in range(200)]
        for wave in range(1, 20):
            for _ in range(wave * 7):
                await asyncio.sleep(0)
            for task in tasks[wave::19]:
                task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(
            isinstance(r, asyncio.CancelledError | fe.ForwardEmailError)
            or not isinstance(r, BaseException)
            for r in results
        ), [r for r in results if isinstance(r, BaseException)]
        assert any(isinstance(r, asyncio.CancelledError) for r in results)
        await _check_clean(c, _own_session(c), before)
        fake.faults.rate_503 = fake.faults.rate_reset = fake.faults.latency = 0.0
        assert (await c.domains.retrieve(DOMAIN)).name == DOMAIN
