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


@pytest.mark.parametrize("max_concurrency", [10, 64])
async def test_bulk_paces_to_a_hidden_global_limit_without_a_stampede(
    fake: FakeForwardEmail, user: FakeUser, clock: NetworkClock, max_concurrency: int
) -> None:
    fake.add_domain(user, DOMAIN)
    fake.rate_limits = RateLimits(global_max=60, global_window=4)
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
        specs = ({"name": f"a{i:04d}", "recipients": [f"a{i}@inbox.example"]} for i in range(180))
        batch = client.aliases.create_many(DOMAIN, specs, concurrency=64, max_wait=60)
        statuses = [result.status async for result in batch]
    assert statuses == ["created"] * 180
    elapsed = clock.time() - started
    # The fixed-window floor: 180 requests at 60 per 4 s open a third window at 8 s.
    floor = (math.ceil(180 / 60) - 1) * 4
    assert floor <= elapsed <= floor * 1.15, clock.sleeps
    # Refusals: the first window's are the requests in flight when the global limiter,
    # which no create answer shows, is first met; after that at most two a window.
    refused = [i for i, r in enumerate(fake.requests) if r.status == 429]
    first_window = [i for i in refused if i < 60 + max_concurrency]
    assert len(first_window) <= max_concurrency
    assert len(refused) - len(first_window) <= 2 * 2, refused
    assert sorted(a.name for a in fake.aliases_of(DOMAIN)) == [f"a{i:04d}" for i in range(180)]


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
