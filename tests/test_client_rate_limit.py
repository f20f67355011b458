"""ForwardEmail(rate_limit=(requests, per_seconds)): a client-side sliding-window limit."""

from __future__ import annotations

import asyncio

import pytest

import forwardemail_async as fe
from forwardemail_async._core.gate import RequestGate
from forwardemail_async._core.ratelimit import SlidingWindowLimit
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser


def most_in_any_span(times: list[float], span: float) -> int:
    """The largest number of ``times`` inside any half-open interval of length ``span``."""
    ordered = sorted(times)
    return max(sum(1 for t in ordered if start <= t < start + span) for start in ordered)


async def test_requests_stay_within_the_limit(
    server: FakeServer, fake: FakeForwardEmail, user: FakeUser, clock: fe.ManualClock
) -> None:
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, clock=clock, rate_limit=(3, 10.0)
    ) as client:
        for _ in range(10):
            await client.account.retrieve()
    times = [r.time for r in fake.requests]
    assert len(times) == 10
    assert most_in_any_span(times, 10.0) == 3
    assert max(times) - min(times) >= 30.0  # 10 requests at 3 per 10 s: three full waits


async def test_concurrent_entries_stay_within_the_limit() -> None:
    # At the gate, where the admission time is known exactly (with a ManualClock the fake
    # would stamp concurrent requests with the time of whichever sleep ran last).
    clock = fe.ManualClock()
    gate = RequestGate(4, clock)
    gate.set_rate_limit(3, 10.0)
    admitted: list[float] = []

    async def worker() -> None:
        async with gate:
            admitted.append(clock.monotonic())
            await asyncio.sleep(0)

    await asyncio.gather(*(worker() for _ in range(10)))
    assert len(admitted) == 10
    assert most_in_any_span(admitted, 10.0) == 3
    assert max(admitted) >= 30.0


async def test_copies_share_the_limit(
    server: FakeServer, fake: FakeForwardEmail, user: FakeUser, clock: fe.ManualClock
) -> None:
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, clock=clock, rate_limit=(2, 5.0)
    ) as client:
        other = client.with_options(timeout=5.0)
        await asyncio.gather(client.account.retrieve(), other.account.retrieve())
        await other.account.retrieve()
    assert most_in_any_span([r.time for r in fake.requests], 5.0) == 2


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ((0, 1.0), ValueError),
        ((5, 0), ValueError),
        ((5, -1.0), ValueError),
        ((5, float("inf")), ValueError),
        ((5.0, 1.0), TypeError),
        ((True, 1.0), TypeError),
        ((5, "1"), TypeError),
        ([5, 1.0], TypeError),
        ((5,), TypeError),
    ],
)
def test_bad_rate_limit_is_refused(value: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        fe.ForwardEmail(api_key="k", rate_limit=value)  # type: ignore[arg-type]


async def test_limit_is_a_sliding_window() -> None:
    clock = fe.ManualClock()
    limit = SlidingWindowLimit(2, 10.0, clock)
    await limit.acquire()
    clock.advance(4)
    await limit.acquire()
    assert limit.delay() == pytest.approx(6.0)
    await limit.acquire()  # waits until the first start leaves the window
    assert clock.monotonic() == pytest.approx(10.0)
    assert limit.delay() == pytest.approx(4.0)


async def test_cancelled_wait_gives_the_slot_back() -> None:
    clock = fe.ManualClock()
    gate = RequestGate(1, clock)
    gate.set_rate_limit(1, 10.0)
    async with gate:
        pass
    blocked = asyncio.Event()

    async def sleep_forever(_: float) -> None:
        blocked.set()
        await asyncio.Event().wait()

    clock.sleep = sleep_forever  # type: ignore[method-assign,assignment]
    waiter = asyncio.ensure_future(gate.__aenter__())
    await blocked.wait()
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert gate.free_slots == 1
