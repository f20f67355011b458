"""Odd and hostile answers: each gives a typed error that says what was wrong, or a tolerant
parse; never a bare KeyError/TypeError/RecursionError from deep inside cattrs or json, and
never unbounded memory.

The answers come from the fake's ``response`` fault over real HTTP, or from a raw asyncio
server where the fake cannot produce them (an endless body).
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import pytest

import forwardemail_async as fe
from forwardemail_async._core import response as _response
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser

from .conftest import acquired_connections, client_session
from .test_models import DOMAIN_ID, USER_ID, alias_create, alias_list_item

DOMAIN = "example.com"
ONE = f"/v1/domains/{DOMAIN}"
LIST = f"/v1/domains/{DOMAIN}/aliases"
DEEP = 100_000


@pytest.fixture(autouse=True)
def seeded(fake: FakeForwardEmail, user: FakeUser) -> None:
    fake.add_domain(user, DOMAIN)
    fake.add_aliases(DOMAIN, 3)


@pytest.fixture(params=["orjson", "json"])
def json_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with orjson (the speedups extra) and with the standard library's json."""
    if request.param == "json":
        monkeypatch.setattr(_response, "_orjson", None)
    elif _response._orjson is None:
        pytest.skip("orjson is not installed")
    backend: str = request.param
    return backend


def _answer(
    fake: FakeForwardEmail, path: str, body: object, *, count: int = 1, **options: Any
) -> None:
    """The next ``count`` requests to ``path`` get ``body`` (JSON-encoded unless bytes/str)
    as a 200. A JSON-labelled body that does not parse is retried (as a cut body would be),
    so those tests answer every attempt (``count=3``) with it."""
    options.setdefault("status", 200)
    fake.faults.script("response", count=count, path=path, body=body, **options)


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _domain_json(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {"id": "5f1d7a8b9c0d1e2f3a4b5c6d", "name": DOMAIN}
    base.update(changes)
    return base


# --- size -----------------------------------------------------------------------------------


async def test_a_huge_success_body_is_refused_at_the_cap(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    fake.faults.script(
        "response", count=1, path=ONE, status=200, body=b" " * 3_000_000, content_type="text/plain"
    )
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, clock=clock, max_response_size=1_000_000
    ) as c:
        with pytest.raises(fe.ResponseTooLargeError) as info:
            await c.domains.retrieve(DOMAIN)
        assert info.value.limit == 1_000_000
        assert "max_response_size" in str(info.value)
        assert isinstance(info.value, fe.ResponseDecodeError)
        assert clock.sleeps == []  # the same request would get the same answer
        assert acquired_connections(client_session(c)) == 0
        assert (await c.domains.retrieve(DOMAIN)).name == DOMAIN  # still usable


async def test_a_body_just_under_the_cap_is_read(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    body = json.dumps(_domain_json(link="x" * 5000)).encode()
    _answer(fake, ONE, body, content_type="application/json")
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, clock=clock, max_response_size=len(body)
    ) as c:
        assert (await c.domains.retrieve(DOMAIN)).link == "x" * 5000


async def test_a_decompression_bomb_is_cut_at_the_cap(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    # 40 KB on the wire, 40 MB once inflated: the cap counts the inflated bytes.
    bomb = gzip.compress(b"[" + b" " * 40_000_000 + b"]")
    assert len(bomb) < 100_000
    _answer(fake, ONE, bomb, content_type="application/json", headers={"Content-Encoding": "gzip"})
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, clock=clock, max_response_size=1_000_000
    ) as c:
        with pytest.raises(fe.ResponseTooLargeError):
            await c.domains.retrieve(DOMAIN)


async def test_a_huge_error_page_is_cut_and_still_typed(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body>" + "x" * 3_000_000
    fake.faults.script(
        "response", count=1, path=ONE, status=502, body=page, content_type="text/html"
    )
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, clock=clock, max_response_size=100_000
    ) as c:
        domain = await c.domains.retrieve(DOMAIN)  # a 5xx is retried as usual
    assert domain.name == DOMAIN
    assert [r.status for r in fake.requests] == [502, 200]


async def test_an_endless_body_is_cut_at_the_cap(clock: fe.ManualClock) -> None:
    # A chunked answer that never ends: without a cap the client would read until it ran
    # out of memory (each chunk arrives well within the attempt timeout).
    disconnected = asyncio.Event()

    async def endless(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b" " * 65_536
        try:
            while True:
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
        except ConnectionError:
            disconnected.set()
        finally:
            writer.close()

    async with _raw_server(endless) as url:
        async with fe.ForwardEmail(
            api_key="k", base_url=url, clock=clock, max_response_size=2_000_000
        ) as c:
            with pytest.raises(fe.ResponseTooLargeError):
                await c.domains.retrieve(DOMAIN)
        await asyncio.wait_for(disconnected.wait(), 60)


def test_max_response_size_is_checked() -> None:
    with pytest.raises(ValueError, match="max_response_size"):
        fe.ForwardEmail(api_key="k", max_response_size=0)
    with pytest.raises(TypeError, match="max_response_size"):
        fe.ForwardEmail(api_key="k", max_response_size=1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="max_response_size"):
        fe.ForwardEmail(api_key="k", max_response_size=True)
    fe.ForwardEmail(api_key="k", max_response_size=None)  # no cap is allowed


# --- nesting ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("json_backend")
async def test_deeply_nested_success_body_is_a_decode_error(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    _answer(fake, ONE, _deep(DEEP), count=3, content_type="application/json")
    with pytest.raises(fe.ResponseDecodeError, match="not valid JSON"):
        await client.domains.retrieve(DOMAIN)
    assert fake.faults.pending == 0


@pytest.mark.parametrize("status", [400, 404, 429, 500, 503])
async def test_deeply_nested_error_body_is_still_a_typed_error(
    client: fe.ForwardEmail, fake: FakeForwardEmail, status: int
) -> None:
    # Used to escape as a bare RecursionError from the error mapping.
    fake.faults.script(
        "response",
        count=5,
        path=ONE,
        status=status,
        body=_deep(DEEP),
        content_type="application/json",
    )
    with pytest.raises(fe.APIError) as info:
        await client.domains.retrieve(DOMAIN)
    assert info.value.status == status
    assert len(info.value.message) <= 500  # the raw text, shortened


@pytest.mark.usefixtures("json_backend")
async def test_deep_nesting_inside_a_field(client: fe.ForwardEmail, fake: FakeForwardEmail) -> None:
    # Nesting the JSON decoder accepts, in a field that wants a string: a field error.
    inner = json.loads(_deep(400))
    _answer(fake, ONE, _domain_json(plan=inner))
    with pytest.raises(fe.ResponseDecodeError, match="plan"):
        await client.domains.retrieve(DOMAIN)
    # ... and in an unknown field: kept as it came.
    _answer(fake, ONE, _domain_json(future=inner))
    domain = await client.domains.retrieve(DOMAIN)
    assert domain.extra_fields["future"] == inner


# --- shapes -----------------------------------------------------------------------------------


async def test_unknown_fields_and_enum_values_are_kept(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    _answer(fake, ONE, _domain_json(plan="galactic", brand_new={"a": [1, 2]}))
    domain = await client.domains.retrieve(DOMAIN)
    assert domain.plan == "galactic"
    assert domain.extra_fields == {"brand_new": {"a": [1, 2]}}


async def test_numbers_as_strings_and_strings_as_numbers(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    _answer(fake, ONE, _domain_json(retention_days="30", smtp_port=2525))
    domain = await client.domains.retrieve(DOMAIN)
    assert (domain.retention_days, domain.smtp_port) == (30, "2525")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": None}, "name"),
        ({"id": None}, "id"),
        ({"retention_days": "thirty"}, "retention_days"),
        ({"has_smtp": "yes"}, "has_smtp"),
        ({"created_at": "yesterday"}, "created_at"),
        ({"members": {"not": "a list"}}, "members"),
        ({"members": [42]}, "members"),
    ],
)
async def test_a_wrong_value_names_its_field(
    client: fe.ForwardEmail, fake: FakeForwardEmail, changes: dict[str, object], field: str
) -> None:
    _answer(fake, ONE, _domain_json(**changes))
    with pytest.raises(fe.ResponseDecodeError) as info:
        await client.domains.retrieve(DOMAIN)
    assert field in str(info.value)
    assert "GET /v1/domains/{domain}" in str(info.value)


async def test_a_missing_required_field_names_it(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    _answer(fake, ONE, {"name": DOMAIN})
    with pytest.raises(fe.ResponseDecodeError, match="id"):
        await client.domains.retrieve(DOMAIN)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"results": []}, "expected an array, got an object"),
        ([{"id": "x", "name": "a"}, 7], "7"),
        ([{"id": "x", "name": "a"}, None], "null"),
        ("just text", "expected an array"),
        (None, "expected an array, got null"),
    ],
)
async def test_a_list_endpoint_answering_the_wrong_shape(
    client: fe.ForwardEmail, fake: FakeForwardEmail, body: object, expected: str
) -> None:
    _answer(fake, LIST, json.dumps(body).encode(), content_type="application/json")
    with pytest.raises(fe.ResponseDecodeError) as info:
        await client.aliases.list(DOMAIN).collect()
    assert expected in str(info.value)


@pytest.mark.usefixtures("json_backend")
async def test_nested_references_in_every_server_shape_over_http(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    # One page with each shape a server version sends for `domain` and `user`: the small
    # objects of today's lists, the full objects of a create answer, bare id strings (an
    # update on the newest server), objects without an id (older servers), and nonsense.
    listed = [alias_list_item(index) for index in range(6)]
    full = alias_create()
    listed[1]["domain"], listed[1]["user"] = full["domain"], full["user"]
    listed[2]["domain"], listed[2]["user"] = DOMAIN_ID, USER_ID
    listed[3]["domain"], listed[3]["user"] = {"name": DOMAIN}, {"email": "owner@example.net"}
    listed[4]["domain"], listed[4]["user"] = [DOMAIN], 7
    listed[5]["domain"], listed[5]["user"] = None, {"id": {"$oid": USER_ID}}
    _answer(fake, LIST, listed, headers={"X-Page-Count": "1", "X-Item-Count": "6"})

    aliases = await client.aliases.list(DOMAIN).collect()

    assert [alias.name for alias in aliases] == [f"alias-{index}" for index in range(6)]
    assert [alias.domain_id for alias in aliases] == [DOMAIN_ID] * 3 + [None] * 3
    assert [alias.domain_name for alias in aliases] == [DOMAIN, DOMAIN, None, DOMAIN, None, None]
    assert [alias.user_id for alias in aliases] == [USER_ID] * 3 + [None] * 3
    assert aliases[1].domain is not None and aliases[1].domain.extra_fields["plan"] == "team"
    assert aliases[3].user == fe.UserRef(email="owner@example.net")
    assert aliases[4].domain == fe.DomainRef()
    assert aliases[4].domain is not None and aliases[4].domain.extra_fields == {"value": [DOMAIN]}
    assert aliases[5].user is not None and aliases[5].user.extra_fields == {"id": {"$oid": USER_ID}}


@pytest.mark.usefixtures("json_backend")
async def test_non_utf8_bytes(client: fe.ForwardEmail, fake: FakeForwardEmail) -> None:
    _answer(fake, ONE, b'{"id": "a", "name": "\xff\xfe"}', count=3, content_type="application/json")
    with pytest.raises(fe.ResponseDecodeError, match="not valid JSON"):
        await client.domains.retrieve(DOMAIN)
    # A text endpoint replaces what it cannot decode.
    _answer(fake, ONE + "/verify-records", b"ok \xff done", content_type="text/plain")
    assert await client.domains.verify_records(DOMAIN) == "ok \ufffd done"
    # An error body with broken bytes is still a typed error with a readable message.
    fake.faults.script(
        "response", count=1, path=ONE, status=404, body=b"\xff\xfe nope", content_type="text/plain"
    )
    with pytest.raises(fe.NotFoundError, match="nope"):
        await client.domains.retrieve(DOMAIN)


@pytest.mark.parametrize("body", [b"", b"null", b"[]", b"42", b'"text"'])
async def test_a_model_endpoint_answering_no_object(
    client: fe.ForwardEmail, fake: FakeForwardEmail, body: bytes
) -> None:
    # Valid JSON of the wrong shape is a server change, not a glitch: never retried. An
    # empty body is not JSON at all, so it is retried like a cut one.
    attempts = 3 if body == b"" else 1
    _answer(fake, ONE, body, count=attempts, content_type="application/json")
    with pytest.raises(fe.ResponseDecodeError):
        await client.domains.retrieve(DOMAIN)
    assert sum(1 for r in fake.requests if r.path == ONE) == attempts


# --- pagination headers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        '<http://[::1>; rel="next"',  # an unclosed IPv6 bracket: yarl raises ValueError
        '<http://a:99999999/?page=2>; rel="next"',  # a port out of range
        '<https://x/?page=\u00b2>; rel="next"',  # a superscript two: isdigit() but not int()
        "<https://x/?page=" + "9" * 5000 + '>; rel="next"',  # beyond int()'s digit limit
    ],
)
async def test_a_malformed_link_header_ends_the_list_instead_of_crashing(
    client: fe.ForwardEmail, fake: FakeForwardEmail, link: str
) -> None:
    # Without X-Page-* headers the client falls back to Link; garbage there means "no next".
    _answer(fake, LIST, b"[]", content_type="application/json", headers={"Link": link})
    assert await client.aliases.list(DOMAIN).collect() == []


@pytest.mark.parametrize("count", ["-1", "NaN", "Infinity", "1e999", "lots", ""])
async def test_unusable_page_headers_fall_back(
    client: fe.ForwardEmail, fake: FakeForwardEmail, count: str
) -> None:
    headers = {"X-Page-Count": count, "X-Page-Current": count, "X-Item-Count": count}
    _answer(fake, LIST, b"[]", content_type="application/json", headers=headers)
    assert await client.aliases.list(DOMAIN).collect() == []


async def test_count_without_item_count_is_a_decode_error(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    _answer(fake, LIST, b"[]", content_type="application/json")
    with pytest.raises(fe.ResponseDecodeError, match="X-Item-Count"):
        await client.aliases.list(DOMAIN).count()


# --- helpers ----------------------------------------------------------------------------------

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Coroutine[Any, Any, None]]


@contextlib.asynccontextmanager
async def _raw_server(handler: Handler) -> AsyncIterator[str]:
    """A raw asyncio server on 127.0.0.1 for answers the fake cannot produce; yields its URL."""
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        await server.wait_closed()
