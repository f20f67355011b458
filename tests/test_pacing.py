"""Pacing at the server's rate limit without a stampede at each window's edge (issue 12.3).

The run meets the server's global limiter, whose headers the create answers never show (the
create-alias limiter's overwrite them, contract §3.3). Time is virtual, but passes as on a
network: the clock moves only once the requests in flight have been answered (an answer takes
milliseconds, a window seconds), and sleeps that overlap take their time once.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser, RateLimits

DOMAIN = "example.com"


class NetworkClock(fe.ManualClock):
    """A sleep ends when the clock reaches its deadline; the clock jumps to the earliest
    deadline once ``idle()`` says nothing is in flight."""

    def __init__(self) -> None:
        super().__init__()
        self.idle: Callable[[], bool] = lambda: True
        self._deadlines: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        deadline = self.monotonic() + max(0.0, seconds)
        self._deadlines.append(deadline)
        try:
            while self.monotonic() < deadline:
                # Loopback answers arrive within a few turns of the loop; the bound only
                # keeps a request that itself waits on the clock from stopping time.
                for _ in range(200):
                    await asyncio.sleep(0)
                    if self.idle():
                        break
                if self.monotonic() < deadline and deadline <= min(self._deadlines):
                    self.advance(deadline - self.monotonic())
        finally:
            self._deadlines.remove(deadline)


@pytest.fixture
def clock() -> NetworkClock:
    return NetworkClock()


async def _create_many(
    fake: FakeForwardEmail, user: FakeUser, clock: NetworkClock, count: int, max_concurrency: int
) -> float:
    """Create ``count`` aliases in one bulk run; the virtual seconds it took."""
    started = clock.time()
    async with (
        FakeServer(fake) as server,
        fe.ForwardEmail(
            api_key=user.api_token,
            base_url=server.url,
            clock=clock,
            max_concurrency=max_concurrency,
        ) as client,
    ):
        gate = client._requester.transport.gate
        clock.idle = lambda: gate.in_flight == 0
        specs = ({"name": f"a{i:04d}", "recipients": [f"a{i}@inbox.example"]} for i in range(count))
        batch = client.aliases.create_many(DOMAIN, specs, concurrency=64, max_wait=60)
        statuses = [result.status async for result in batch]
    assert statuses == ["created"] * count
    assert sorted(a.name for a in fake.aliases_of(DOMAIN)) == [f"a{i:04d}" for i in range(count)]
    return clock.time() - started


def _floor(requests: int, limit: int = 60, window: float = 4) -> float:
    """The fixed-window floor: when the window that takes the last request opens."""
    return (math.ceil(requests / limit) - 1) * window


@pytest.mark.parametrize("max_concurrency", [10, 64])
@pytest.mark.parametrize("count", [180, 170])
async def test_bulk_paces_to_a_hidden_global_limit_without_a_stampede(
    fake: FakeForwardEmail, user: FakeUser, clock: NetworkClock, max_concurrency: int, count: int
) -> None:
    """The issue's run (180 creates against a global limit of 60 per 4 s), and 170.

    Before its third create the run asks for one listed alias, whose answer shows the global
    limiter: from then on it knows each window's budget, and nothing is refused. That one
    request counts in the window too: 180 creates and it need a fourth window, at 12 s
    (180 alone would end in the third, at 8 s, but a client that does not spend it is refused
    every request in flight when the hidden limit is first met); 170 end at the 8 s floor.
    """
    fake.add_domain(user, DOMAIN)
    fake.rate_limits = RateLimits(global_max=60, global_window=4)
    elapsed = await _create_many(fake, user, clock, count, max_concurrency)
    refused = [i for i, r in enumerate(fake.requests) if r.status == 429]
    assert [(r.method, r.query) for r in fake.requests[:3]].count(("GET", {"limit": "1"})) == 1
    assert len(fake.requests) == count + 1 and refused == [], refused
    floor = _floor(count + 1)
    assert floor <= elapsed <= floor * 1.15, clock.sleeps


async def test_client_keeps_within_the_announced_remaining_budget(
    fake: FakeForwardEmail, user: FakeUser, clock: NetworkClock
) -> None:
    """Once an answer says ``X-RateLimit-Remaining: R``, ordinary calls keep at most R in
    flight and wait for the window's end instead of running into 429s."""
    fake.add_domain(user, DOMAIN)
    fake.rate_limits = RateLimits(global_max=5, global_window=10)
    async with (
        FakeServer(fake) as server,
        fe.ForwardEmail(
            api_key=user.api_token, base_url=server.url, clock=clock, max_concurrency=10
        ) as client,
    ):
        gate = client._requester.transport.gate
        clock.idle = lambda: gate.in_flight == 0
        await client.domains.retrieve(DOMAIN)  # learns: 4 left of 5 in this window
        started = clock.time()
        domains = await asyncio.gather(*(client.domains.retrieve(DOMAIN) for _ in range(20)))
    assert {d.name for d in domains} == {DOMAIN}
    assert [r.status for r in fake.requests].count(429) == 0
    # 4 in this window, then 5 in each of the next three and 1 in the fifth, which opens
    # four 10 s windows later.
    assert 40 <= clock.time() - started <= 41
