"""Pagination through client.aliases.list / client.domains.list against the fake server."""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import pytest
from aiohttp import web

import forwardemail_async as fe
from forwardemail_async._core.routes import ListRoute
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser

from .conftest import acquired_connections, client_session, settle

DOMAIN = "example.com"


@pytest.fixture
def seeded(fake: FakeForwardEmail, user: FakeUser) -> list[str]:
    fake.add_domain(user, DOMAIN)
    return [a.name for a in fake.add_aliases(DOMAIN, 2_345)]


def _page_requests(fake: FakeForwardEmail) -> list[dict[str, str]]:
    return [
        {key: str(value) for key, value in r.query.items()}
        for r in fake.requests
        if r.method == "GET" and r.path.endswith("/aliases")
    ]


async def test_every_alias_with_the_default_page_size(
    client: fe.ForwardEmail, fake: FakeForwardEmail, seeded: list[str]
) -> None:
    names = [a.name async for a in client.aliases.list(DOMAIN)]
    assert names == seeded
    pages = _page_requests(fake)
    assert [q["page"] for q in pages] == ["1", "2", "3"]
    assert all(q["limit"] == "1000" for q in pages)


async def test_small_pages_and_filters_persist(
    client: fe.ForwardEmail, fake: FakeForwardEmail, seeded: list[str]
) -> None:
    names = [a.name async for a in client.aliases.list(DOMAIN, limit=100, sort="created_at")]
    assert names == seeded
    pages = _page_requests(fake)
    assert len(pages) == 24
    assert all(q["sort"] == "created_at" and q["limit"] == "100" for q in pages)


async def test_pages_report_counts(client: fe.ForwardEmail, seeded: list[str]) -> None:
    pages = [p async for p in client.aliases.list(DOMAIN, limit=1000).pages()]
    assert [len(p) for p in pages] == [1000, 1000, 345]
    assert [p.page for p in pages] == [1, 2, 3]
    assert {p.page_count for p in pages} == {3}
    assert {p.item_count for p in pages} == {len(seeded)}
    assert pages[-1].has_next is False


async def test_count_uses_one_request(
    client: fe.ForwardEmail, fake: FakeForwardEmail, seeded: list[str]
) -> None:
    assert await client.aliases.list(DOMAIN).count() == len(seeded)
    assert _page_requests(fake) == [{"page": "1", "limit": "1"}]


async def test_collect_bounded(
    client: fe.ForwardEmail, fake: FakeForwardEmail, seeded: list[str]
) -> None:
    first = await client.aliases.list(DOMAIN, limit=10).collect(max_items=25)
    assert [a.name for a in first] == seeded[:25]
    assert len(_page_requests(fake)) == 3
    assert await client.aliases.list(DOMAIN).collect(max_items=0) == []


async def test_await_gives_the_first_page(client: fe.ForwardEmail, seeded: list[str]) -> None:
    page = await client.aliases.list(DOMAIN, limit=5, page=2)
    assert page.page == 2
    assert [a.name for a in page.items] == seeded[5:10]


async def test_empty_list(client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser) -> None:
    fake.add_domain(user, "empty.example")
    assert [a async for a in client.aliases.list("empty.example")] == []
    assert await client.aliases.list("empty.example").count() == 0
    assert len(_page_requests(fake)) == 2


@pytest.mark.parametrize("concurrency", [2, 4, 8])
async def test_concurrent_pages_keep_order(
    client: fe.ForwardEmail, fake: FakeForwardEmail, seeded: list[str], concurrency: int
) -> None:
    names = [a.name async for a in client.aliases.list(DOMAIN, limit=100, concurrency=concurrency)]
    assert names == seeded
    assert sorted(int(q["page"]) for q in _page_requests(fake)) == list(range(1, 25))


async def test_breaking_early_from_concurrent_pages_cancels_fetches(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, seeded: list[str]
) -> None:
    # One slot at the gate: after page 2 is read, the fetches of pages 3-5 are still queued
    # when the loop is left, so only a prompt cancel keeps them from being sent.
    async with fe.ForwardEmail(api_key=user.api_token, base_url=server.url, max_concurrency=1) as c:
        iterator = aiter(c.aliases.list(DOMAIN, limit=50, concurrency=4))
        seen = [await anext(iterator) for _ in range(60)]
        await iterator.aclose()
        # No settling: closing the iterator must already have cancelled and reaped them.
        leftover = [t for t in asyncio.all_tasks() if "_request_page" in repr(t.get_coro())]
        assert leftover == []
        await settle()
        # Pages 1 and 2, plus at most page 3, which held the slot and was already on the wire.
        assert len(_page_requests(fake)) <= 3
        assert acquired_connections(client_session(c)) == 0
        assert await c.aliases.list(DOMAIN).count() == len(seeded)  # still usable
    assert [a.name for a in seen] == seeded[:60]


async def test_concurrent_pages_keep_every_request_in_flight_while_a_page_is_read(
    client: fe.ForwardEmail, fake: FakeForwardEmail, seeded: list[str]
) -> None:
    iterator = aiter(client.aliases.list(DOMAIN, limit=100, concurrency=2))
    seen = [await anext(iterator) for _ in range(101)]  # the first item of page 2
    # While the caller works through page 2, pages 3 and 4 are both being fetched: both
    # requests already hold a connection, before the caller gives the loop a turn.
    in_flight = [t for t in asyncio.all_tasks() if "_request_page" in repr(t.get_coro())]
    assert len(in_flight) == 2
    assert acquired_connections(client_session(client)) == 2
    await settle()
    assert sorted(int(q["page"]) for q in _page_requests(fake)) == [1, 2, 3, 4]
    await iterator.aclose()
    assert [a.name for a in seen] == seeded[:101]


_NUMBERS = ListRoute(path="/v1/test", model=int, default_limit=1, max_limit=100)


@attrs.frozen(kw_only=True)
class _WatchedResponse(fe.Response):
    """A response that reports when its body is decoded."""

    on_decode: Callable[[], None]

    def json(self) -> Any:
        self.on_decode()
        return super().json()


class _NumberedPages:
    """A page source whose page N holds the one item N; ``decoded`` lists the pages whose
    JSON was read, and ``on_decode`` runs just before."""

    def __init__(self, count: int, on_decode: Callable[[], None] = lambda: None) -> None:
        self.count = count
        self.on_decode = on_decode
        self.decoded: list[int] = []

    async def send(
        self,
        method: str,
        route: str,
        *,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
    ) -> fe.Response:
        assert (method, route) == ("GET", "/v1/test")
        assert query is not None
        page = int(query["page"])
        return _WatchedResponse(
            status=200,
            headers={"X-Page-Count": str(self.count), "X-Page-Current": str(page)},
            body=json.dumps([page]).encode(),
            method=method,
            route=route,
            url=f"http://127.0.0.1/v1/test?page={page}",
            on_decode=lambda: self._decoding(page),
        )

    def _decoding(self, page: int) -> None:
        self.on_decode()
        self.decoded.append(page)


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_a_page_the_caller_let_go_is_freed_before_the_next_is_decoded(
    concurrency: int,
) -> None:
    # The paginator must not keep the previous page (and its JSON) alive while it fetches and
    # decodes the next one: on a long read that doubled memory and the collector's work.
    previous: list[weakref.ref[fe.Page[int]]] = []
    alive_while_decoding: list[bool] = []

    def check_previous() -> None:
        alive_while_decoding.extend(ref() is not None for ref in previous[-1:])

    source = _NumberedPages(5, check_previous)
    async for page in fe.AsyncPaginator(source, _NUMBERS, concurrency=concurrency).pages():
        previous.append(weakref.ref(page))
        del page
    assert alive_while_decoding == [False] * 4
    assert source.decoded == [1, 2, 3, 4, 5]


async def test_concurrent_pages_are_decoded_only_when_their_turn_comes() -> None:
    received: list[int] = []
    source = _NumberedPages(6)

    async for number in fe.AsyncPaginator(source, _NUMBERS, concurrency=4):
        await settle()  # every fetch in flight has answered by now
        received.append(number)
        assert source.decoded == received  # nothing decoded ahead of the caller
    assert received == [1, 2, 3, 4, 5, 6]


async def test_filters_reach_the_server(client: fe.ForwardEmail, seeded: list[str]) -> None:
    found = await client.aliases.list(DOMAIN, name=seeded[7]).collect()
    assert seeded[7] in [a.name for a in found]


async def test_pagination_falls_back_when_page_headers_are_missing(
    client: fe.ForwardEmail, fake: FakeForwardEmail, seeded: list[str]
) -> None:
    fake.strip_page_headers = True
    names = [a.name async for a in client.aliases.list(DOMAIN, limit=1000)]
    assert names == seeded


@pytest.mark.parametrize(
    ("bad", "exc"), [(0, ValueError), (-1, ValueError), (1001, ValueError), (True, TypeError)]
)
def test_bad_limits_fail_before_any_request(
    client: fe.ForwardEmail, bad: int, exc: type[Exception]
) -> None:
    with pytest.raises(exc):
        client.aliases.list(DOMAIN, limit=bad)


async def test_an_exact_multiple_of_the_page_size_needs_no_extra_request(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "even.example")
    fake.add_aliases("even.example", 2_000)
    assert len([a async for a in client.aliases.list("even.example")]) == 2_000
    assert [q["page"] for q in _page_requests(fake)] == ["1", "2"]


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_an_empty_page_in_the_middle_does_not_end_the_list(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser, concurrency: int
) -> None:
    # The server drops aliases of banned users after paginating, so a page can come back
    # empty while X-Page-Count says more follow.
    fake.add_domain(user, DOMAIN)
    banned = fake.add_user(email="banned@example.net")
    fake.add_member(DOMAIN, banned, group="user")
    visible = [a.name for a in fake.add_aliases(DOMAIN, 10, prefix="early")]
    for i in range(10):
        fake.add_alias(DOMAIN, f"hidden{i:02d}", user=banned)
    visible += [a.name for a in fake.add_aliases(DOMAIN, 10, prefix="late")]
    banned.banned = True
    names = [a.name async for a in client.aliases.list(DOMAIN, limit=10, concurrency=concurrency)]
    assert names == visible


async def test_a_server_that_ignores_page_is_an_error_not_a_loop(clock: fe.ManualClock) -> None:
    async def always_page_one(request: web.Request) -> web.Response:
        headers = {"X-Page-Current": "1", "X-Page-Count": "5", "X-Item-Count": "5"}
        return web.json_response([{"id": "a" * 24, "name": "same"}], headers=headers)

    app = web.Application()
    app.router.add_get("/v1/domains/{domain}/aliases", always_page_one)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        async with fe.ForwardEmail(api_key="k", base_url=f"http://{host}:{port}", clock=clock) as c:
            with pytest.raises(fe.ResponseDecodeError, match="asked for page 2"):
                await c.aliases.list(DOMAIN, limit=1).collect()
    finally:
        await runner.cleanup()
