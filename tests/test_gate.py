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
