"""The client-wide gate: concurrency bound and 429 cooldown (no network, no real sleeps)."""

from __future__ import annotations

import asyncio

import pytest

import forwardemail_async as fe
from forwardemail_async._core.gate import RequestGate


async def test_gate_bounds_concurrency() -> None:
    gate = RequestGate(3, fe.ManualClock())
    inside = 0
    peak = 0

    async def worker() -> None:
        nonlocal inside, peak
        async with gate:
            inside += 1
            peak = max(peak, inside)
            for _ in range(3):
                await asyncio.sleep(0)
            inside -= 1

    await asyncio.gather(*(worker() for _ in range(20)))
    assert peak == 3
    assert inside == 0


async def test_cooldown_holds_every_new_entry_until_the_reset() -> None:
    clock = fe.ManualClock()
    gate = RequestGate(5, clock)
    gate.pause_for(30)
    assert gate.paused_for == 30
    entered_at: list[float] = []

    async def worker() -> None:
        async with gate:
            entered_at.append(clock.monotonic())

    await asyncio.gather(*(worker() for _ in range(4)))
    assert all(t >= 30 for t in entered_at)
    assert gate.paused_for == 0


async def test_longer_pause_wins() -> None:
    clock = fe.ManualClock()
    gate = RequestGate(1, clock)
    gate.pause_for(50)
    gate.pause_for(10)
    assert gate.paused_for == 50


async def test_slot_is_released_on_error() -> None:
    gate = RequestGate(1, fe.ManualClock())
    with pytest.raises(RuntimeError):
        async with gate:
            raise RuntimeError("boom")
    async with gate:
        pass


@pytest.mark.parametrize(
    ("value", "exc"), [(0, ValueError), (-1, ValueError), (1.5, TypeError), (True, TypeError)]
)
def test_gate_validation(value: object, exc: type[Exception]) -> None:
    with pytest.raises(exc):
        RequestGate(value, fe.ManualClock())  # type: ignore[arg-type]


async def test_a_slot_handed_to_a_cancelled_waiter_goes_to_the_next() -> None:
    gate = RequestGate(1, fe.ManualClock())
    assert gate.enter()
    second = asyncio.ensure_future(gate.acquire())
    third = asyncio.ensure_future(gate.acquire())
    await asyncio.sleep(0)
    assert gate.free_slots == 0
    gate.release()  # handed to the second, which is cancelled before it runs
    second.cancel()
    with pytest.raises(asyncio.CancelledError):
        await second
    assert await third is False
    assert gate.in_flight == 1
    gate.release()
    assert gate.free_slots == 1
    assert gate.in_flight == 0


async def test_a_waiter_out_of_time_leaves_the_queue() -> None:
    gate = RequestGate(1, fe.ManualClock())
    assert gate.enter()
    with pytest.raises((TimeoutError, asyncio.TimeoutError)):  # two classes on 3.10
        await gate.acquire(0.01)
    gate.release()
    assert gate.free_slots == 1
    assert gate.enter()  # nobody is left queued ahead
    gate.release()


def _answer(remaining: str) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": "1000",
        "X-RateLimit-Remaining": remaining,
        "X-RateLimit-Reset": "1700000060",
    }


@pytest.mark.parametrize("remaining", ["999", "10", " 999 ", "999.0", "Infinity", "x"])
async def test_an_answer_leaving_room_for_every_slot_teaches_nothing(remaining: str) -> None:
    gate = RequestGate(10, fe.ManualClock())
    assert gate.enter()
    gate.finish(("GET", "/v1/account"), False, 1_700_000_000.0, 200, _answer(remaining))
    assert gate.free_slots == 10
    assert gate.enter()  # the fast path stays open


@pytest.mark.parametrize("remaining", ["3", "03", " 3 ", "3.0", "٣"])
async def test_an_answer_below_max_concurrency_holds_the_next_requests(remaining: str) -> None:
    gate = RequestGate(10, fe.ManualClock())
    assert gate.enter()
    gate.finish(("GET", "/v1/account"), False, 1_700_000_000.0, 200, _answer(remaining))
    assert gate.free_slots == 10
    assert not gate.enter()  # the server's budget is known now: acquire() decides
    kind = ("GET", "/v1/account")
    assert [await gate.acquire(None, kind) for _ in range(3)] == [True, True, True]
    assert gate.in_flight == 3
