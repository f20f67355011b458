"""client.aliases.create_many / update_many / delete_many against the fake server over HTTP.

Client and fake share a ManualClock, so rate-limit windows pass without real sleeping.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import AsyncIterator, Iterator

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import (
    FakeForwardEmail,
    FakeServer,
    FakeUser,
    Faults,
    RateLimits,
)
from tests.conftest import acquired_connections, client_session, client_tasks, settle

DOMAIN = "example.com"


@pytest.fixture(autouse=True)
def domain(fake: FakeForwardEmail, user: FakeUser) -> None:
    fake.add_domain(user, DOMAIN)


def specs(count: int, prefix: str = "user") -> Iterator[dict[str, object]]:
    for i in range(count):
        yield {"name": f"{prefix}{i:05d}", "recipients": [f"{prefix}{i}@inbox.example"]}


def posts(fake: FakeForwardEmail) -> int:
    return sum(r.method == "POST" for r in fake.requests)


def server_names(fake: FakeForwardEmail) -> list[str]:
    return [alias.name for alias in fake.aliases_of(DOMAIN)]


# --- the basics ----------------------------------------------------------------------------


async def test_results_come_in_input_order_and_match_the_server(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.add_alias(DOMAIN, "user00003", recipients=["someone@else.example"])
    batch = client.aliases.create_many(DOMAIN, list(specs(40)), concurrency=6)
    results = [result async for result in batch]

    assert [r.index for r in results] == list(range(40))
    assert [r.name for r in results] == [f"user{i:05d}" for i in range(40)]
    assert results[3].status == "exists"
    assert all(r.status == "created" and r.ok for r in results if r.index != 3)
    assert results[0].alias is not None and results[0].alias.recipients == ["user0@inbox.example"]
    # The existing alias was left alone.
    assert fake.get_domain(DOMAIN) and next(
        a for a in fake.aliases_of(DOMAIN) if a.name == "user00003"
    ).recipients == ["someone@else.example"]
    summary = batch.summary
    assert (summary.counts.created, summary.counts.exists, summary.total) == (39, 1, 40)
    assert summary.ok and not summary.cancelled and not summary.stopped_by_rate_limit
    # 40 creates, and before the third of them one GET that shows the global rate limiter
    # (which the create answers hide, contract §3.3).
    assert summary.requests == 41 == len(fake.requests)
    assert posts(fake) == 40
    assert [r.query for r in fake.requests if r.method == "GET"] == [{"limit": "1"}]
    assert "created 39, exists 1" in str(summary)


async def test_async_iterable_input_and_run(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    async def source() -> AsyncIterator[fe.AliasSpec]:
        for i in range(5):
            yield fe.AliasSpec(name=f"Async{i}", recipients=[f"a{i}@inbox.example"])

    summary = await client.aliases.create_many(DOMAIN, source()).run()
    assert summary.counts.created == 5
    assert sorted(server_names(fake)) == [f"async{i}" for i in range(5)]


async def test_bad_items_fail_alone(client: fe.ForwardEmail, fake: FakeForwardEmail) -> None:
    items: list[object] = [
        {"name": "good1", "recipients": ["a@inbox.example"]},
        {"recipients": ["no-name@inbox.example"]},
        {"name": "x", "recipients": ["a@inbox.example"], "colour": "blue"},
        {"name": "a+b", "recipients": ["a@inbox.example"]},
        {"name": "flag", "recipients": ["a@inbox.example"], "is_enabled": "yes"},
        "just-a-string",
        {"name": "good2", "recipients": ["b@inbox.example"]},
    ]
    results = [r async for r in client.aliases.create_many(DOMAIN, items)]  # type: ignore[arg-type]
    assert [r.status for r in results] == ["created", *["failed"] * 5, "created"]
    errors = [r.error for r in results[1:6]]
    assert isinstance(errors[0], ValueError) and "name" in str(errors[0])
    assert isinstance(errors[1], ValueError) and "colour" in str(errors[1])
    # A business rule is the server's: its 400 and message, for that item alone.
    assert isinstance(errors[2], fe.BadRequestError) and '"+"' in errors[2].message
    assert isinstance(errors[3], TypeError) and "is_enabled" in str(errors[3])
    assert isinstance(errors[4], TypeError)
    assert posts(fake) == 3  # good1, a+b, good2: the malformed items never left
    assert sorted(server_names(fake)) == ["good1", "good2"]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"specs": "user1"}, TypeError),
        ({"specs": {"name": "x"}}, TypeError),
        ({"specs": 5}, TypeError),
        ({"concurrency": 0}, ValueError),
        ({"concurrency": 2.5}, TypeError),
        ({"on_exists": "replace"}, ValueError),
        ({"on_exists": None}, ValueError),
        ({"max_wait": -1}, ValueError),
        ({"max_wait": "1h"}, TypeError),
        ({"max_attempts": 0}, ValueError),
        ({"progress": "yes"}, TypeError),
        ({"domain": "../x"}, ValueError),
    ],
)
async def test_bad_arguments_raise_before_any_request(
    client: fe.ForwardEmail,
    fake: FakeForwardEmail,
    kwargs: dict[str, object],
    error: type[Exception],
) -> None:
    arguments: dict[str, object] = {"domain": DOMAIN, "specs": [], **kwargs}
    with pytest.raises(error):
        client.aliases.create_many(**arguments)  # type: ignore[arg-type]
    assert fake.requests == []


async def test_a_batch_is_iterated_once(client: fe.ForwardEmail) -> None:
    batch = client.aliases.create_many(DOMAIN, [])
    assert (await batch.run()).total == 0
    with pytest.raises(RuntimeError, match="only once"):
        batch.__aiter__()


# --- exactly once ------------------------------------------------------------------------


async def test_dropped_answer_is_resolved_by_reading_the_alias_back(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.faults.script("commit_then_drop", method="POST")
    [result] = [r async for r in client.aliases.create_many(DOMAIN, specs(1))]
    assert (result.status, result.recovered) == ("created", True)
    assert result.alias is not None and result.alias.name == "user00000"
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in fake.requests] == [
        ("POST", "aliases"),
        ("GET", "user00000"),
    ]
    assert server_names(fake) == ["user00000"]


async def test_503_is_checked_then_posted_again(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.faults.script("503", method="POST")
    [result] = [r async for r in client.aliases.create_many(DOMAIN, specs(1))]
    assert (result.status, result.recovered) == ("created", False)
    assert [r.method for r in fake.requests] == ["POST", "GET", "POST"]
    assert server_names(fake) == ["user00000"]


async def test_alias_found_after_an_ambiguous_failure_but_older_is_not_ours(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    fake.add_alias(DOMAIN, "user00000", recipients=["user0@inbox.example"])
    clock.advance(3600)  # created an hour before the batch, with the very same values
    fake.faults.script("503", method="POST")
    [result] = [r async for r in client.aliases.create_many(DOMAIN, specs(1))]
    assert (result.status, result.recovered) == ("exists", True)
    assert posts(fake) == 1


@pytest.mark.parametrize(
    ("on_exists", "status", "recipients"),
    [
        ("skip", "exists", ["old@inbox.example"]),
        ("update", "updated", ["user0@inbox.example"]),
        ("fail", "failed", ["old@inbox.example"]),
    ],
)
async def test_on_exists(
    client: fe.ForwardEmail,
    fake: FakeForwardEmail,
    on_exists: fe.OnExists,
    status: str,
    recipients: list[str],
) -> None:
    fake.add_alias(DOMAIN, "user00000", recipients=["old@inbox.example"], description="keep")
    [result] = [r async for r in client.aliases.create_many(DOMAIN, specs(1), on_exists=on_exists)]
    assert result.status == status
    [alias] = fake.aliases_of(DOMAIN)
    assert alias.recipients == recipients
    assert alias.description == "keep"
    if on_exists == "fail":
        assert isinstance(result.error, fe.AlreadyExistsError)


async def test_update_with_nothing_to_change_reports_exists(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.add_alias(DOMAIN, "user00000", recipients=["user0@inbox.example"])
    [result] = [r async for r in client.aliases.create_many(DOMAIN, specs(1), on_exists="update")]
    assert result.status == "exists"
    assert [r.method for r in fake.requests] == ["POST", "GET"]


@pytest.mark.soak
async def test_2000_aliases_with_faults_end_exactly_once_and_match_the_report(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    """5% 503, 2% resets, 1% commit-then-drop on every request, and scaled-down limits
    (both the global and the create-alias limiter close several times)."""
    fake.add_alias(DOMAIN, "user00010", recipients=["user10@inbox.example"])  # identical
    fake.add_alias(DOMAIN, "user00020", recipients=["other@inbox.example"])  # different
    clock.advance(3600)
    fake.rate_limits = RateLimits(
        global_max=200, global_window=60, create_alias_max=250, route_window=600
    )
    fake.faults = Faults(rate_503=0.05, rate_reset=0.02, rate_commit_then_drop=0.01)
    started = clock.time()

    batch = client.aliases.create_many(DOMAIN, specs(2000), concurrency=16, max_wait=3600)
    results = [r async for r in batch]

    # Every alias exactly once on the server, with the requested recipients.
    on_server = {alias.name: alias for alias in fake.aliases_of(DOMAIN)}
    assert len(on_server) == len(fake.aliases_of(DOMAIN)) == 2000
    # The report matches the server item by item.
    assert [r.index for r in results] == list(range(2000))
    for i, result in enumerate(results):
        alias = on_server[f"user{i:05d}"]
        if i in (10, 20):
            assert result.status == "exists", result
        else:
            assert result.status == "created", result
            assert alias.recipients == [f"user{i}@inbox.example"]
            assert result.alias is not None and result.alias.id == alias.id
    assert on_server["user00020"].recipients == ["other@inbox.example"]
    # The faults really happened and some answers were lost after the commit.
    assert any(r.recovered for r in results)
    assert sum(r.status is None for r in fake.requests) > 10
    summary = batch.summary
    assert summary.ok and summary.counts.created == 1998
    # Pacing: 1998 creates at 250 per 600 s need 7 waits for the window; the run took about
    # that long in simulated time, with few requests refused.
    elapsed = clock.time() - started
    assert 7 * 600 <= elapsed < 7 * 600 + 400
    assert sum(r.status == 429 for r in fake.requests) < 100


# --- streaming ---------------------------------------------------------------------------


async def test_input_is_read_lazily_within_a_bounded_window(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    pulled = 0
    peak_connections = 0

    def source() -> Iterator[dict[str, object]]:
        nonlocal pulled
        for spec in specs(300):
            pulled += 1
            yield spec

    def progress(_: fe.BulkProgress) -> None:
        nonlocal peak_connections
        peak_connections = max(peak_connections, acquired_connections(client_session(client)))

    batch = client.aliases.create_many(DOMAIN, source(), concurrency=4, progress=progress)
    held = []
    async for result in batch:
        held.append(pulled - result.index)
    assert max(held) <= 4 * 4  # the window: never more than 16 items taken and not yet given
    assert 1 <= peak_connections <= 4
    assert batch.summary.counts.created == 300 == len(fake.aliases_of(DOMAIN))


async def test_progress_callback_sees_every_item(client: fe.ForwardEmail) -> None:
    seen: list[fe.BulkProgress] = []

    async def progress(update: fe.BulkProgress) -> None:
        seen.append(update)

    await client.aliases.create_many(DOMAIN, list(specs(7)), progress=progress).run()
    assert sorted(p.result.index for p in seen if p.result is not None) == list(range(7))
    assert all(p.result is not None and p.paused_until is None for p in seen)  # no pause
    assert [p.done for p in seen] == list(range(1, 8))
    assert all(p.total == 7 for p in seen)
    assert seen[-1].counts.created == 7


async def test_progress_bar_needs_tqdm(
    client: fe.ForwardEmail, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.raises(ImportError, match=r"forwardemail-async\[progress\]"):
        client.aliases.create_many(DOMAIN, [], progress=True)


async def test_progress_bar(client: fe.ForwardEmail, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    await client.aliases.create_many(DOMAIN, list(specs(3)), progress=True).run()
    err = capsys.readouterr().err
    assert "create aliases" in err and "3/3" in err and "created=3" in err


# --- cancellation ------------------------------------------------------------------------


async def test_cancel_stops_new_work_and_the_partial_report_is_correct(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    pulled = 0

    def source() -> Iterator[dict[str, object]]:
        nonlocal pulled
        for spec in specs(10_000):
            pulled += 1
            yield spec

    results = []
    async with client.aliases.create_many(DOMAIN, source(), concurrency=4) as batch:
        async for result in batch:
            results.append(result)
            if len(results) == 10:
                batch.cancel()
    summary = batch.summary
    assert summary.cancelled
    assert pulled < 100
    assert len(results) == summary.total
    created = {r.name for r in results if r.status == "created"}
    assert created == set(server_names(fake))
    assert summary.counts.created == len(created) >= 10
    assert all(r.status in ("created", "not_attempted") for r in results)


async def test_cancelling_the_task_waits_for_in_flight_items(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    batch = client.aliases.create_many(DOMAIN, specs(10_000), concurrency=8)
    started = asyncio.Event()

    async def consume() -> None:
        async for result in batch:
            if result.index == 20:
                started.set()

    task = asyncio.ensure_future(consume())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    summary = batch.summary
    assert summary.cancelled
    # Nothing was left running: what the summary counts is exactly what the server holds.
    assert summary.counts.created == len(fake.aliases_of(DOMAIN))
    assert posts(fake) == summary.counts.created


# --- pacing ------------------------------------------------------------------------------


async def test_spent_window_pauses_the_whole_client_until_it_ends(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    fake.rate_limits = RateLimits(create_alias_max=5, route_window=100)
    started = clock.time()
    summary = await client.aliases.create_many(DOMAIN, specs(12), max_wait=500).run()
    assert summary.counts.created == 12
    # Two waits of about one window (the estimate is at most a second late), no more.
    assert 200 <= clock.time() - started <= 203
    assert len([s for s in clock.sleeps if s >= 90]) == 2
    # Only the first burst, sent before the limit was known, could run into it.
    assert sum(r.status == 429 for r in fake.requests) <= 7
    assert len(fake.aliases_of(DOMAIN)) == 12


async def test_window_longer_than_max_wait_stops_with_the_expected_finish(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    fake.rate_limits = RateLimits(create_alias_max=5)  # 5 a day
    started = clock.time()
    batch = client.aliases.create_many(DOMAIN, specs(18), concurrency=3)
    results = [r async for r in batch]
    summary = batch.summary
    assert [r.status for r in results] == ["created"] * 5 + ["not_attempted"] * 13
    assert summary.stopped_by_rate_limit and not summary.ok and not summary.cancelled
    assert summary.resume_at is not None and summary.expected_finish is not None
    assert abs(summary.resume_at.timestamp() - (started + 86_400)) <= 2
    # 13 left at 5 a day: the window reopens tomorrow, the last 3 go two days after that.
    assert abs(summary.expected_finish.timestamp() - (started + 3 * 86_400)) <= 5
    assert "window reopens" in str(summary)
    assert len(fake.aliases_of(DOMAIN)) == 5
    # It did not keep knocking on the closed window.
    assert sum(r.status == 429 for r in fake.requests) <= 3
    assert clock.time() - started < 10


async def test_429_with_only_retry_after_waits_then_retries(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    fake.faults.script("429", method="POST", retry_after="seconds", delay=40)
    started = clock.time()
    [result] = [r async for r in client.aliases.create_many(DOMAIN, specs(1))]
    assert result.status == "created"
    assert 40 <= clock.time() - started < 45
    assert [r.status for r in fake.requests] == [429, 200]


# --- the scout: one request that shows the global limiter ---------------------------------


def scouts(fake: FakeForwardEmail) -> int:
    return sum(r.method == "GET" and r.query == {"limit": "1"} for r in fake.requests)


@pytest.mark.parametrize("concurrency", [1, 2])
async def test_no_scout_when_at_most_two_creates_are_in_flight(
    client: fe.ForwardEmail, fake: FakeForwardEmail, concurrency: int
) -> None:
    summary = await client.aliases.create_many(DOMAIN, specs(6), concurrency=concurrency).run()
    assert summary.counts.created == 6
    assert [r.method for r in fake.requests] == ["POST"] * 6


async def test_scout_goes_once_before_the_third_create(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    summary = await client.aliases.create_many(DOMAIN, specs(12), concurrency=8).run()
    assert summary.counts.created == 12 and summary.requests == 13
    methods = [r.method for r in fake.requests]
    assert methods.count("GET") == scouts(fake) == 1
    assert methods.index("GET") <= 2  # the first two creates may go before it


async def test_a_resent_create_does_not_bring_the_scout_forward(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    """Two items, one of them posted again after a 503: still two creates, so no scout."""
    fake.faults.script("503", method="POST")
    summary = await client.aliases.create_many(DOMAIN, specs(2), concurrency=4).run()
    assert summary.counts.created == 2
    assert posts(fake) == 3 and scouts(fake) == 0


async def test_a_failed_scout_leaves_the_run_to_its_items(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    """The scout is only read for its headers: a scout that fails every attempt changes
    nothing for the items."""
    fake.faults.script("503", count=50, method="GET")
    summary = await client.aliases.create_many(DOMAIN, specs(6), concurrency=4).run()
    assert summary.counts.created == 6 and summary.ok
    assert sorted(server_names(fake)) == [f"user{i:05d}" for i in range(6)]
    assert scouts(fake) == 5  # retried as a GET, up to the run's max_attempts


async def test_a_scout_refused_for_longer_than_max_wait_stops_the_creates(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    """A scout answered 429 with a window ending past ``max_wait`` tells the run the global
    window is spent: no create is sent into it."""
    fake.rate_limits = RateLimits(global_max=3, global_window=3600)
    summary = await client.aliases.create_many(DOMAIN, specs(8), concurrency=4, max_wait=60).run()
    assert summary.counts.created == 2  # the two that went before the scout
    assert summary.counts.not_attempted == 6 and summary.stopped_by_rate_limit
    assert [r.status for r in fake.requests].count(429) == 0
    assert posts(fake) == 2 and scouts(fake) == 1


async def test_cancel_while_the_scout_hangs(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    """Cancelling the run wakes the creates waiting for a hung scout and cancels it: no
    create goes out after the cancel, and no connection or task is left behind."""
    fake.faults.script("hang", method="GET")
    before = asyncio.all_tasks()
    async with client.aliases.create_many(DOMAIN, specs(6), concurrency=4) as batch:
        results = []
        async for result in batch:
            results.append(result)
            if len(results) == 2:
                while scouts(fake) == 0:
                    await asyncio.sleep(0)
                batch.cancel()
    assert [r.status for r in results] == ["created"] * 2 + ["not_attempted"] * 4
    assert posts(fake) == 2
    await settle()
    assert client_tasks(before) == []
    assert acquired_connections(client_session(client)) == 0


# --- update_many / delete_many -----------------------------------------------------------


async def test_update_many(client: fe.ForwardEmail, fake: FakeForwardEmail) -> None:
    fake.add_alias(DOMAIN, "a", recipients=["a@inbox.example"], description="keep me")
    fake.add_alias(DOMAIN, "b", recipients=["b@inbox.example"])
    fake.faults.script("503", method="PUT")
    items = [
        {"name": "a", "is_enabled": False},
        {"name": "missing", "is_enabled": False},
        {"name": "b"},
        {"name": "b", "recipients": ["new@inbox.example"]},
    ]
    results = [r async for r in client.aliases.update_many(DOMAIN, items)]  # type: ignore[arg-type]
    assert [r.status for r in results] == ["updated", "failed", "failed", "updated"]
    assert isinstance(results[1].error, fe.NotFoundError)
    assert isinstance(results[2].error, ValueError)
    a, b = fake.aliases_of(DOMAIN)
    assert (a.is_enabled, a.description) == (False, "keep me")
    assert b.recipients == ["new@inbox.example"]


async def test_delete_many(client: fe.ForwardEmail, fake: FakeForwardEmail) -> None:
    kept = fake.add_alias(DOMAIN, "kept")
    gone = fake.add_aliases(DOMAIN, 5, prefix="old")
    fake.faults.script("commit_then_drop", method="DELETE")
    items: list[object] = [gone[0].id, *(a.name for a in gone[1:]), "never", 42]
    batch = client.aliases.delete_many(DOMAIN, items)  # type: ignore[arg-type]
    results = [r async for r in batch]
    # The dropped answer is retried by the client (DELETE is idempotent) and meets a 404.
    assert batch.summary.counts == fe.BulkCounts(deleted=4, not_found=2, failed=1)
    assert results[5].status == "not_found" and isinstance(results[6].error, TypeError)
    assert server_names(fake) == [kept.name]


# --- the window estimate ---------------------------------------------------------------


# --- review fixes (issue 4) --------------------------------------------------------------


async def test_missing_description_counts_as_empty(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    # The server omits an empty description: wanting one is a change, not "already so".
    fake.add_alias(DOMAIN, "user00000", recipients=["user0@inbox.example"])
    spec = {"name": "user00000", "recipients": ["user0@inbox.example"], "description": "Ops"}
    [result] = [r async for r in client.aliases.create_many(DOMAIN, [spec], on_exists="update")]
    assert result.status == "updated"
    [alias] = fake.aliases_of(DOMAIN)
    assert alias.description == "Ops"


@pytest.mark.parametrize("on_exists", ["skip", "update", "fail"])
@pytest.mark.parametrize(
    "extra",
    [{"description": "R&D <b>team</b>"}, {"labels": ["café", "My Team"]}],
    ids=["html-description", "unicode-labels"],
)
async def test_own_alias_is_recognised_as_the_server_normalised_it(
    client: fe.ForwardEmail,
    fake: FakeForwardEmail,
    clock: fe.ManualClock,
    on_exists: fe.OnExists,
    extra: dict[str, object],
) -> None:
    fake.faults.script("commit_then_drop", method="POST")
    spec = {"name": "user00000", "recipients": ["user0@inbox.example"], **extra}
    batch = client.aliases.create_many(DOMAIN, [spec], on_exists=on_exists)
    [result] = [r async for r in batch]
    assert (result.status, result.recovered, result.error) == ("created", True, None)
    assert [r.method for r in fake.requests] == ["POST", "GET"]  # no second POST, no PUT
    assert server_names(fake) == ["user00000"]


async def test_existing_alias_holding_the_normalised_values_is_not_updated_again(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.add_alias(
        DOMAIN, "user00000", recipients=["user0@inbox.example"], labels=["cafe"],
        description="R&D team",
    )  # fmt: skip
    spec = {
        "name": "user00000",
        "recipients": ["user0@inbox.example"],
        "labels": "Café",
        "description": "R&D <i>team</i>",
    }
    [result] = [r async for r in client.aliases.create_many(DOMAIN, [spec], on_exists="update")]
    assert result.status == "exists"
    assert [r.method for r in fake.requests] == ["POST", "GET"]  # no PUT


async def test_duplicate_names_in_one_run_fail_without_a_request(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.faults.script("503", method="POST")
    items = [
        {"name": "dup", "recipients": ["a@inbox.example"]},
        {"name": " DUP ", "recipients": ["a@inbox.example"]},
        {"name": "other", "recipients": ["a@inbox.example"]},
    ]
    batch = client.aliases.create_many(DOMAIN, items, concurrency=3)
    results = [r async for r in batch]
    assert [r.status for r in results] == ["created", "failed", "created"]
    assert isinstance(results[1].error, ValueError)
    assert str(results[1].error) == "duplicate of item 0 (dup)"
    assert batch.summary.counts.created == 2 == len(fake.aliases_of(DOMAIN))
    assert sorted(server_names(fake)) == ["dup", "other"]
    assert sum(r.method == "POST" and r.status == 200 for r in fake.requests) == 2


@pytest.mark.parametrize("on_exists", ["skip", "fail"])
async def test_client_retry_of_non_idempotent_requests_never_resends_a_bulk_post(
    server: FakeServer,
    user: FakeUser,
    fake: FakeForwardEmail,
    clock: fe.ManualClock,
    on_exists: fe.OnExists,
) -> None:
    async with fe.ForwardEmail(
        api_key=user.api_token,
        base_url=server.url,
        clock=clock,
        retry=fe.RetryPolicy(retry_non_idempotent=True),
    ) as client:
        fake.faults.script("commit_then_drop", method="POST")
        batch = client.aliases.create_many(DOMAIN, specs(1), on_exists=on_exists)
        [result] = [r async for r in batch]
    assert (result.status, result.recovered) == ("created", True)
    assert [r.method for r in fake.requests] == ["POST", "GET"]
    assert server_names(fake) == ["user00000"]


class _HeldClock(fe.ManualClock):
    """A ManualClock whose long waits (rate-limit pauses) never end by themselves."""

    def __init__(self) -> None:
        super().__init__()
        self.held = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        if seconds < 50:
            await super().sleep(seconds)
            return
        self.sleeps.append(seconds)
        self.held.set()
        await asyncio.get_running_loop().create_future()  # until cancelled


async def test_cancel_wakes_a_rate_limit_pause_and_sends_nothing_more() -> None:
    clock = _HeldClock()
    fake = FakeForwardEmail(clock=clock.time)
    owner = fake.add_user(email="owner@example.net")
    fake.add_domain(owner, DOMAIN)
    fake.rate_limits = RateLimits(create_alias_max=5, route_window=100)
    async with (
        FakeServer(fake) as server,
        fe.ForwardEmail(api_key=owner.api_token, base_url=server.url, clock=clock) as client,
    ):
        batch = client.aliases.create_many(DOMAIN, specs(30), concurrency=4, max_wait=500)
        run = asyncio.ensure_future(batch.run())
        await clock.held.wait()  # the batch is pausing until the window ends
        posts_at_cancel = posts(fake)
        batch.cancel()
        summary = await asyncio.wait_for(run, timeout=60)
    assert summary.cancelled
    assert posts(fake) == posts_at_cancel  # no POST after the cancel
    assert summary.counts.created == len(fake.aliases_of(DOMAIN)) == 5
    assert summary.counts.not_attempted == summary.total - 5


# --- rate-limit pauses, as reported --------------------------------------------------------


async def test_a_pause_is_reported_when_it_starts_with_the_expected_finish(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    # 12 creates at 5 per 100 s: two pauses. Each is reported once, as it starts (no item
    # finishes during a pause), with when it ends and when the whole run should be done.
    fake.rate_limits = RateLimits(create_alias_max=5, route_window=100)
    started = clock.time()
    seen: list[tuple[float, fe.BulkProgress]] = []

    def progress(update: fe.BulkProgress) -> None:
        seen.append((clock.time(), update))

    summary = await client.aliases.create_many(
        DOMAIN, list(specs(12)), concurrency=2, max_wait=500, progress=progress
    ).run()
    assert summary.counts.created == 12

    pauses = [(at, p) for at, p in seen if p.result is None]
    assert len(pauses) == 2
    assert len(seen) == 12 + 2
    for number, (at, pause) in enumerate(pauses, start=1):
        assert pause.paused_until is not None and pause.expected_finish is not None
        until = pause.paused_until.timestamp()
        assert at < until <= started + 100 * number + 1  # the window's end, not "now + 100 s"
        # 7 items left at the first pause need the window after next, 2 at the second only
        # the next one (the estimate leaves out the pause's millisecond of margin).
        finish = pause.expected_finish.timestamp()
        assert abs(finish - (until + 100 * (2 - number))) < 1
        assert pause.total == 12 and pause.done == 5 * number
    # Items that finish after a pause see it over.
    after = [p for at, p in seen if p.result is not None and at >= pauses[0][0] + 1]
    assert after and all(p.paused_until is None for p in after)


async def test_an_async_callback_is_awaited_for_a_pause_too(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.rate_limits = RateLimits(create_alias_max=2, route_window=60)
    pauses: list[fe.BulkProgress] = []

    async def progress(update: fe.BulkProgress) -> None:
        await asyncio.sleep(0)
        if update.result is None:
            pauses.append(update)

    await client.aliases.create_many(DOMAIN, specs(3), max_wait=500, progress=progress).run()
    assert len(pauses) == 1
    assert pauses[0].paused_until is not None
    assert pauses[0].total is None and pauses[0].expected_finish is None  # a generator


async def test_progress_bar_shows_the_pause_and_the_expected_finish(
    client: fe.ForwardEmail, fake: FakeForwardEmail, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("tqdm")
    fake.rate_limits = RateLimits(create_alias_max=3, route_window=100)
    await client.aliases.create_many(
        DOMAIN, list(specs(7)), concurrency=1, max_wait=500, progress=True
    ).run()
    err = capsys.readouterr().err
    # Shown as the pause starts, at 3/7, with the window's end and the run's expected finish.
    assert re.search(r"3/7 .*paused_until=\d\d:\d\d:\d\d, finish=\d{4}-\d\d-\d\d \d\d:\d\d", err)
    assert "7/7" in err and "created=7" in err
