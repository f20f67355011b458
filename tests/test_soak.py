"""Soak: many concurrent calls through random faults of every kind, then a leak check.

Each call gets, with probability ``FAULT_RATE``, one fault of a random kind, scripted to hit
that call alone (each call sends its number in a header), while 256 others are in flight.
Every call must end in a result or a typed :class:`ForwardEmailError`; a call that no fault
hit must succeed (or meet the pool's churn: 404 and "already exists"); no POST may be sent
again unless the server answered 429; and once the client is closed, open file descriptors
and the client's tasks are back to where they were, and the client's objects did not grow
between a warm-up run and a run three times as long.

The verdict does not depend on the machine's speed: with 256 calls in flight one call can
take seconds on a loaded machine, so only the calls given a hang or a stalled body have an
attempt timeout (0.5 s, what ends the fault); the others have none, and the test counts only
the failures it injected. ``SOAK_REQUESTS`` scales the run.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import (
    FakeForwardEmail,
    FakeServer,
    FakeUser,
    FaultKind,
    ScriptedFault,
)

DOMAIN = "example.com"
REQUESTS = int(os.environ.get("SOAK_REQUESTS", "5000"))
CONCURRENCY = 256
FAULT_RATE = 0.05
# Only a call given one of these faults needs an attempt timeout to end.
ENDED_BY_TIMEOUT = frozenset({"hang", "stall_body"})
HANG_TIMEOUT = 0.5
CALL_HEADER = "X-Soak-Call"
CHURN = frozenset({"ok", "NotFoundError", "AlreadyExistsError"})
POOL = 200  # alias names that are created, updated and deleted over and over

FAULTS: list[tuple[FaultKind, dict[str, Any]]] = [
    ("503", {}),
    ("500", {}),
    ("502_html", {}),
    ("504_empty", {}),
    ("reset", {}),
    ("commit_then_drop", {}),
    ("hang", {}),
    ("stall_body", {}),
    ("truncated_json", {}),
    ("wrong_content_type", {}),
    ("redirect_301", {}),
    ("response", {"status": 429, "body": "slow down", "headers": {"Retry-After": "0.01"}}),
]


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _client_tasks() -> list[asyncio.Task[Any]]:
    """Live tasks running client code (pages fetched concurrently, aiohttp's client)."""
    found = []
    for task in asyncio.all_tasks():
        code = getattr(task.get_coro(), "cr_code", None)
        where = code.co_filename if code is not None else ""
        if ("forwardemail_async" in where and "testing" not in where) or (
            "aiohttp" in where and "web_" not in where
        ):
            found.append(task)
    return found


class Soak:
    """Drives the calls and keeps the tally."""

    def __init__(self, client: fe.ForwardEmail, fake: FakeForwardEmail, seed: int) -> None:
        self.client = client
        self.fake = fake
        self.rng = random.Random(seed)
        self.outcomes: dict[str, int] = defaultdict(int)
        self.unfaulted_failures: list[str] = []
        # Each call given a fault: what it was, its fault, its outcome, and whether the test
        # gave it a short attempt timeout.
        self.faulted: list[tuple[str, ScriptedFault, str, bool]] = []
        self.unfired: dict[str, int] = defaultdict(int)
        self.faulted_outcomes: dict[str, int] = defaultdict(int)
        self.untyped: list[BaseException] = []
        self.slowest = 0.0
        self.faults = 0

    def _call(self, i: int, c: fe.ForwardEmail) -> tuple[str, str, Callable[[], Awaitable[object]]]:
        """One call through ``c``: its method, its path, and the coroutine function."""
        pick = self.rng.random()
        name = f"pool{self.rng.randrange(POOL)}"
        alias_path = f"/v1/domains/{DOMAIN}/aliases/{name}"
        if pick < 0.40:
            return "GET", f"/v1/domains/{DOMAIN}", lambda: c.domains.retrieve(DOMAIN)
        if pick < 0.55:
            return "GET", alias_path, lambda: c.aliases.retrieve(DOMAIN, name)
        if pick < 0.65:
            page = self.rng.randrange(1, 6)
            return (
                "GET",
                f"/v1/domains/{DOMAIN}/aliases",
                lambda: c.aliases.list(DOMAIN, limit=20, page=page).collect(max_items=20),
            )
        if pick < 0.80:
            return "PUT", alias_path, lambda: c.aliases.update(DOMAIN, name, description=f"u{i}")
        if pick < 0.90:
            return "DELETE", alias_path, lambda: c.aliases.delete(DOMAIN, name)
        return (
            "POST",
            f"/v1/domains/{DOMAIN}/aliases",
            # Every other create reads itself back after an ambiguous failure (and may then
            # be sent again); the others keep the plain rule that _check_posts holds.
            lambda: c.aliases.create(
                DOMAIN,
                name=name,
                recipients=["me@example.net"],
                description=f"call-{i}",
                reconcile=i % 2 == 1,
            ),
        )

    async def one(self, i: int, slots: asyncio.Semaphore) -> None:
        fault: FaultKind | None = None
        if self.rng.random() < FAULT_RATE:
            fault, options = self.rng.choice(FAULTS)
        timeout = HANG_TIMEOUT if fault in ENDED_BY_TIMEOUT else None
        client = self.client.with_options(timeout=timeout, headers={CALL_HEADER: str(i)})
        method, path, call = self._call(i, client)
        scripted = None
        if fault is not None:
            scripted = self.fake.faults.script(
                fault, method=method, path=path, header=(CALL_HEADER, str(i)), **options
            )
            self.faults += 1
        async with slots:
            loop = asyncio.get_running_loop()
            started = loop.time()
            try:
                await call()
            except fe.ForwardEmailError as exc:
                outcome = type(exc).__name__
            except BaseException as exc:
                self.untyped.append(exc)
                outcome = "untyped"
            else:
                outcome = "ok"
            self.outcomes[outcome] += 1
            what = f"call {i} ({method} {path}): {outcome}"
            if scripted is not None:
                self.faulted.append((what, scripted, outcome, timeout is not None))
            elif outcome not in CHURN:
                self.unfaulted_failures.append(what)
            self.slowest = max(self.slowest, loop.time() - started)

    def sort_faulted(self) -> None:
        """Once every request has reached the server: split the calls given a fault into those
        it hit and those it did not (a request given up by its call may still arrive later,
        and take its fault then)."""
        for what, scripted, outcome, short_timeout in self.faulted:
            if not scripted.remaining:
                self.faulted_outcomes[outcome] += 1
                continue
            self.unfired[outcome] += 1
            # No fault hit this call: it must have succeeded, unless the short attempt timeout
            # the test gave it for a hang ran out first (its request was slow to arrive).
            if outcome not in CHURN and not (short_timeout and outcome == "APITimeoutError"):
                self.unfaulted_failures.append(what)

    async def run(self, count: int, offset: int) -> None:
        slots = asyncio.Semaphore(CONCURRENCY)
        await asyncio.gather(*(self.one(offset + i, slots) for i in range(count)))


def _check_posts(fake: FakeForwardEmail) -> None:
    """A create that does not read itself back sends its POST again only after a 429 (the
    server did not act on it)."""
    sent: dict[str, list[int | None]] = defaultdict(list)
    for r in fake.requests:
        if r.method == "POST" and isinstance(r.json_body, dict):
            call = str(r.json_body.get("description"))
            if int(call.removeprefix("call-")) % 2 == 0:
                sent[call].append(r.status)
    resent = {
        call: statuses
        for call, statuses in sent.items()
        if statuses[:-1] != [429] * (len(statuses) - 1)
    }
    assert resent == {}


def _memory(fake: FakeForwardEmail) -> dict[str, int]:
    """Live objects of the client (its own types, and those plus aiohttp's client types), all
    allocated memory blocks and the RSS in kB, after checking the POSTs of the run and
    dropping the fake's request log (which grows by design)."""
    _check_posts(fake)
    fake.requests.clear()
    gc.collect()
    own_objects = aiohttp_objects = 0
    for obj in gc.get_objects():
        module = str(type(obj).__module__)  # a getset_descriptor for some C types
        if module.startswith("forwardemail_async") and ".testing" not in module:
            own_objects += 1
        elif module.startswith("aiohttp") and not module.startswith("aiohttp.web"):
            aiohttp_objects += 1
    with open("/proc/self/statm") as statm:
        rss_pages = int(statm.read().split()[1])
    return {
        "own_objects": own_objects,
        "client_objects": own_objects + aiohttp_objects,
        "blocks": sys.getallocatedblocks(),
        "rss_kb": rss_pages * os.sysconf("SC_PAGE_SIZE") // 1024,
    }


async def _settled(check: Callable[[], bool]) -> bool:
    """Wait (at most 60 s, however busy the machine) for the server side to notice closed
    connections."""
    for _ in range(6000):
        if check():
            return True
        await asyncio.sleep(0.01)
    return check()


@pytest.mark.soak
async def test_soak(fake: FakeForwardEmail, user: FakeUser, server: FakeServer) -> None:
    fake.add_domain(user, DOMAIN)
    fake.add_aliases(DOMAIN, 60)
    for n in range(0, POOL, 2):
        fake.add_alias(DOMAIN, f"pool{n}")
    fake.rate_limits.global_max = 10**9
    fake.rate_limits.create_alias_max = 10**9
    policy = fe.RetryPolicy(max_retries=3, initial_delay=0.005, max_delay=0.05, max_retry_after=1.0)
    warmup = REQUESTS // 4
    # The services' modules hold declarations made once, when a service is first used (list
    # routes, request schemas): load them first, so only what the calls leave behind counts.
    for service in ("aliases", "domains"):
        importlib.import_module(f"forwardemail_async.resources.{service}")
    before = _memory(fake)
    fds_before, tasks_before = _open_fds(), len(asyncio.all_tasks())
    started = time.perf_counter()
    async with fe.ForwardEmail(
        api_key=user.api_token,
        base_url=server.url,
        timeout=None,
        connect_timeout=None,
        retry=policy,
        max_concurrency=CONCURRENCY,
    ) as client:
        soak = Soak(client, fake, seed=20240501)
        await soak.run(warmup, 0)
        warm = _memory(fake)
        await soak.run(REQUESTS - warmup, warmup)
        end = _memory(fake)
        fds_open = _open_fds()
    elapsed = time.perf_counter() - started
    del client
    assert await _settled(lambda: _open_fds() == fds_before), (_open_fds(), fds_before)
    assert await _settled(lambda: len(asyncio.all_tasks()) == tasks_before)
    assert _client_tasks() == []
    after = _memory(fake)
    soak.sort_faulted()

    print(
        f"\nsoak: {REQUESTS} calls, {CONCURRENCY} concurrent, {soak.faults} faults, "
        f"their calls {dict(soak.faulted_outcomes)}, unfired {dict(soak.unfired)}, "
        f"{elapsed:.1f}s; slowest call {soak.slowest:.2f}s; outcomes {dict(soak.outcomes)}; "
        f"fds {fds_before} before, {fds_open} while open, {_open_fds()} after; "
        f"tasks {tasks_before} before, {len(asyncio.all_tasks())} after; memory before "
        f"{before}, after warm-up {warm}, at the end {end}, after closing {after}"
    )
    assert soak.untyped == []
    assert sum(soak.outcomes.values()) == REQUESTS  # nothing hung: every call ended
    assert soak.faults > REQUESTS * FAULT_RATE * 0.8
    # A fault stays pending only when its call ended before the request it was meant for
    # (an update reads the alias first, and stops at a 404).
    assert fake.faults.pending == sum(soak.unfired.values())
    # A fault fails at most the call it hit: every other call succeeded (or met the pool's
    # churn), however long it took.
    assert soak.unfaulted_failures == []
    assert sum(n for outcome, n in soak.faulted_outcomes.items() if outcome not in CHURN) > 0
    # Three times the warm-up's calls leave no more of the client's objects behind than it
    # did, and closing the client frees them all. aiohttp's are left out while the client is
    # open: its keep-alive pool keeps growing towards max_concurrency connections (180 after
    # the warm-up and 255 at the end in one run, ~7 objects each), which is no leak.
    assert end["own_objects"] - warm["own_objects"] < 100
    assert after["client_objects"] - before["client_objects"] < 100
