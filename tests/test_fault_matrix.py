"""Every fault the fake can inject, against each HTTP method the client sends.

For each (fault, method) pair the test states the one expected outcome (retried and then
succeeded, or which typed error) and checks the idempotency rule on what the server really
received (``fake.requests``): GET, PUT and DELETE may be repeated; a POST is sent again only
when the server certainly did not act on it (a 429, a connection never opened), unless the
caller opted in. Failures below the HTTP layer (connection refused, a peer that resets before
reading anything) use a raw socket server, since the fake always reads the request first.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser, FaultKind

DOMAIN = "example.com"
TARGET = "target"
RECIPIENT = "me@example.net"
METHODS = ["GET", "PUT", "DELETE", "POST"]

Call = Callable[[fe.ForwardEmail], Awaitable[object]]

# One representative call per method, each on a path no other call in a test touches.
CALLS: dict[str, tuple[Call, str]] = {
    "GET": (lambda c: c.domains.retrieve(DOMAIN), f"/v1/domains/{DOMAIN}"),
    "PUT": (
        lambda c: c.aliases.update(DOMAIN, TARGET, description="updated"),
        f"/v1/domains/{DOMAIN}/aliases/{TARGET}",
    ),
    "DELETE": (
        lambda c: c.aliases.delete(DOMAIN, TARGET),
        f"/v1/domains/{DOMAIN}/aliases/{TARGET}",
    ),
    "POST": (
        # Without the read-back, so the transport's own rule for POST is what is tested
        # (reconciled creates: tests/test_reliability_bars.py).
        lambda c: c.aliases.create(DOMAIN, name="fresh", recipients=[RECIPIENT], reconcile=False),
        f"/v1/domains/{DOMAIN}/aliases",
    ),
}


@pytest.fixture(autouse=True)
def seeded(fake: FakeForwardEmail, user: FakeUser) -> None:
    fake.add_domain(user, DOMAIN)
    fake.add_alias(DOMAIN, TARGET)


@pytest.fixture
async def quick(
    server: FakeServer, user: FakeUser, clock: fe.ManualClock
) -> AsyncIterator[fe.ForwardEmail]:
    """A client whose attempts give up after 1 s of real time: what ends a hang or a stalled
    body, and still ample for the healthy retry that follows on a loaded machine."""
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, clock=clock, timeout=1.0
    ) as c:
        yield c


def _sent(fake: FakeForwardEmail, method: str) -> list[int | None]:
    """The statuses of the requests ``method``'s call sent (None: no answer was sent)."""
    path = CALLS[method][1]
    return [r.status for r in fake.requests if r.method == method and r.path == path]


def _script(fake: FakeForwardEmail, kind: FaultKind, method: str, **options: Any) -> None:
    fake.faults.script(kind, count=1, method=method, path=CALLS[method][1], **options)


def _check_applied(fake: FakeForwardEmail, method: str) -> None:
    """The call's effect is visible in the fake's state."""
    names = {alias.name: alias for alias in fake.aliases_of(DOMAIN)}
    if method == "PUT":
        assert names[TARGET].description == "updated"
    elif method == "DELETE":
        assert TARGET not in names
    elif method == "POST":
        assert "fresh" in names


# --- 5xx statuses x body shapes ----------------------------------------------------------------

BODIES: dict[str, tuple[bytes, str | None]] = {
    "json": (b'{"statusCode":500,"error":"Oops","message":"Something broke."}', "application/json"),
    "html": (b"<html><head><title>Bad things</title></head><body>x</body></html>", "text/html"),
    "empty": (b"", None),
}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("body", sorted(BODIES))
@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_one_5xx_is_retried_except_for_post(
    client: fe.ForwardEmail,
    fake: FakeForwardEmail,
    clock: fe.ManualClock,
    status: int,
    body: str,
    method: str,
) -> None:
    payload, content_type = BODIES[body]
    options: dict[str, Any] = {"status": status, "body": payload}
    if content_type is not None:
        options["content_type"] = content_type
    _script(fake, "response", method, **options)
    call = CALLS[method][0]
    if method == "POST":
        with pytest.raises(fe.ServerError) as info:
            await call(client)
        assert info.value.status == status
        assert info.value.message  # a JSON message, a page title or the reason phrase
        assert "<" not in info.value.message
        assert _sent(fake, method) == [status]  # a POST that may have acted is never re-sent
        assert clock.sleeps == []
    else:
        await call(client)
        assert _sent(fake, method) == [status, 200]
        assert len(clock.sleeps) == 1
        _check_applied(fake, method)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("kind", ["503", "500", "502_html", "504_empty"])
async def test_persistent_5xx_gives_up_with_a_server_error(
    client: fe.ForwardEmail, fake: FakeForwardEmail, kind: FaultKind, method: str
) -> None:
    fake.faults.script(kind, count=10, method=method, path=CALLS[method][1])
    with pytest.raises(fe.ServerError):
        await CALLS[method][0](client)
    expected = 1 if method == "POST" else 3  # 1 + max_retries, or just the one POST
    assert len(_sent(fake, method)) == expected


async def test_post_opted_in_is_retried_after_a_5xx_and_a_reset(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    _script(fake, "500", "POST")
    _script(fake, "reset", "POST")
    unsafe = client.with_options(retry=fe.RetryPolicy(retry_non_idempotent=True))
    alias = await unsafe.aliases.create(DOMAIN, name="fresh", recipients=[RECIPIENT])
    assert alias.name == "fresh"
    assert _sent(fake, "POST") == [500, None, 200]


# --- connection-level faults --------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
async def test_reset_after_the_request_arrived(
    client: fe.ForwardEmail, fake: FakeForwardEmail, method: str
) -> None:
    # The fake reads the whole request, then answers with a TCP RST instead of a response.
    _script(fake, "reset", method)
    call = CALLS[method][0]
    if method == "POST":
        with pytest.raises(fe.APIConnectionError) as info:
            await call(client)
        assert info.value.request_sent is True
        assert _sent(fake, method) == [None]
        assert "fresh" not in {a.name for a in fake.aliases_of(DOMAIN)}
    else:
        await call(client)
        assert _sent(fake, method) == [None, 200]
        _check_applied(fake, method)


@pytest.mark.parametrize("method", METHODS)
async def test_committed_then_dropped(
    client: fe.ForwardEmail, fake: FakeForwardEmail, method: str
) -> None:
    # The server carried the request out, then closed the connection without answering.
    _script(fake, "commit_then_drop", method)
    call = CALLS[method][0]
    if method == "POST":
        with pytest.raises(fe.APIConnectionError) as info:
            await call(client)
        assert info.value.request_sent is True
        assert _sent(fake, method) == [None]
    elif method == "DELETE":
        # The retry finds the alias already gone: the caller sees 404 for a delete that worked.
        with pytest.raises(fe.NotFoundError):
            await call(client)
        assert _sent(fake, method) == [None, 404]
    else:
        await call(client)
        assert _sent(fake, method) == [None, 200]
    _check_applied(fake, method)


@pytest.mark.parametrize("method", METHODS)
async def test_accepted_and_never_answered(
    quick: fe.ForwardEmail, fake: FakeForwardEmail, method: str
) -> None:
    _script(fake, "hang", method)
    call = CALLS[method][0]
    if method == "POST":
        with pytest.raises(fe.APITimeoutError) as info:
            await call(quick)
        assert info.value.request_sent is True
        assert _sent(fake, method) == [None]
    else:
        await call(quick)
        assert _sent(fake, method) == [None, 200]
        _check_applied(fake, method)


@pytest.mark.parametrize("method", METHODS)
async def test_stalled_mid_body(
    quick: fe.ForwardEmail, fake: FakeForwardEmail, method: str
) -> None:
    # Headers and half the body arrive, then nothing: the server has acted already.
    _script(fake, "stall_body", method)
    call = CALLS[method][0]
    if method == "POST":
        with pytest.raises(fe.APITimeoutError) as info:
            await call(quick)
        assert info.value.request_sent is True
        assert _sent(fake, method) == [None]
    elif method == "DELETE":
        with pytest.raises(fe.NotFoundError):
            await call(quick)
        assert _sent(fake, method) == [None, 404]
    else:
        await call(quick)
        assert _sent(fake, method) == [None, 200]
    _check_applied(fake, method)


# --- well-formed HTTP, wrong content ------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
async def test_a_cut_json_body_is_retried_except_for_post(
    client: fe.ForwardEmail, fake: FakeForwardEmail, method: str
) -> None:
    _script(fake, "truncated_json", method)
    if method == "POST":
        with pytest.raises(fe.ResponseDecodeError) as info:
            await CALLS[method][0](client)
        assert "not valid JSON" in str(info.value)
        assert _sent(fake, method) == [200]
    elif method == "DELETE":
        with pytest.raises(fe.NotFoundError):  # the first one did delete it
            await CALLS[method][0](client)
        assert _sent(fake, method) == [200, 404]
    else:
        await CALLS[method][0](client)
        assert _sent(fake, method) == [200, 200]
    _check_applied(fake, method)


@pytest.mark.parametrize("method", METHODS)
async def test_json_labelled_as_html_still_parses(
    client: fe.ForwardEmail, fake: FakeForwardEmail, method: str
) -> None:
    _script(fake, "wrong_content_type", method)
    await CALLS[method][0](client)
    assert _sent(fake, method) == [200]
    _check_applied(fake, method)


@pytest.mark.parametrize("method", METHODS)
async def test_a_301_is_an_error_and_never_followed(
    client: fe.ForwardEmail, fake: FakeForwardEmail, method: str
) -> None:
    _script(fake, "redirect_301", method, location="/v1/elsewhere")
    with pytest.raises(fe.APIError) as info:
        await CALLS[method][0](client)
    assert info.value.status == 301
    assert _sent(fake, method) == [301]
    assert not any(r.path == "/v1/elsewhere" for r in fake.requests)


# --- 429 in every Retry-After form --------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("form", ["epoch", "seconds", "http-date", "none"])
async def test_a_429_is_retried_for_every_method(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock, form: str, method: str
) -> None:
    # A rate limiter answers before the handler runs, so even a POST is safe to repeat.
    _script(fake, "429", method, retry_after=form)
    await CALLS[method][0](client)
    assert _sent(fake, method) == [429, 200]
    _check_applied(fake, method)
    if form == "none":
        assert 0 <= sum(clock.sleeps) <= 8  # backoff, no server hint
    else:
        assert 30 <= sum(clock.sleeps) <= 31.001  # the server's 30 s, never shortened


@pytest.mark.parametrize("method", METHODS)
async def test_an_absurd_retry_after_raises_at_once(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock, method: str
) -> None:
    _script(fake, "429", method, retry_after="huge")
    with pytest.raises(fe.RateLimitError) as info:
        await CALLS[method][0](client)
    assert info.value.retry_after is not None and info.value.retry_after > 86_400
    assert _sent(fake, method) == [429]
    assert clock.sleeps == []


# --- below HTTP: nothing listening, or a peer that resets at once -------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.parametrize("method", METHODS)
async def test_connection_refused_is_retried_for_every_method(
    clock: fe.ManualClock, method: str
) -> None:
    # Nothing was sent, so repeating even a POST is safe.
    async with fe.ForwardEmail(
        api_key="k", base_url=f"http://127.0.0.1:{_free_port()}", clock=clock
    ) as c:
        with pytest.raises(fe.APIConnectionError) as info:
            await CALLS[method][0](c)
    assert info.value.request_sent is False
    assert len(clock.sleeps) == 2


@pytest.mark.parametrize("method", METHODS)
async def test_reset_before_anything_is_read(clock: fe.ManualClock, method: str) -> None:
    # The peer accepts and resets at once. The client cannot know whether its bytes were
    # read, so it must assume the request arrived: a POST goes out exactly once.
    accepted = 0

    async def reset(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal accepted
        accepted += 1
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    raw = await asyncio.start_server(reset, "127.0.0.1", 0)
    port = raw.sockets[0].getsockname()[1]
    try:
        async with fe.ForwardEmail(
            api_key="k", base_url=f"http://127.0.0.1:{port}", clock=clock
        ) as c:
            with pytest.raises(fe.APIConnectionError) as info:
                await CALLS[method][0](c)
    finally:
        raw.close()
        await raw.wait_closed()
    assert info.value.request_sent is True
    if method == "POST":
        assert accepted == 1
        assert clock.sleeps == []
    else:
        assert accepted >= 3  # 1 + max_retries (aiohttp may add its own one re-send)
        assert len(clock.sleeps) == 2


# --- mixed random faults ------------------------------------------------------------------------


async def test_mixed_random_faults_keep_every_rule(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    fake.add_aliases(DOMAIN, 40, prefix="mix")
    fake.faults.rate_503 = 0.1
    fake.faults.rate_html_502 = 0.1
    fake.faults.rate_reset = 0.1
    fake.faults.rate_commit_then_drop = 0.1
    outcomes: dict[str, BaseException | None] = {}

    async def run(c: fe.ForwardEmail, i: int) -> None:
        kind = i % 4
        try:
            if kind == 0:
                await c.aliases.retrieve(DOMAIN, f"mix{i % 40 + 1:05d}")
            elif kind == 1:
                await c.aliases.update(DOMAIN, f"mix{i % 40 + 1:05d}", description=f"d{i}")
            elif kind == 2:
                await c.aliases.create(
                    DOMAIN, name=f"new{i}", recipients=[RECIPIENT], reconcile=False
                )
            else:
                await c.domains.retrieve(DOMAIN)
        except fe.ForwardEmailError as exc:
            outcomes[f"{kind}:{i}"] = exc
        else:
            outcomes[f"{kind}:{i}"] = None

    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, clock=clock, max_concurrency=16
    ) as c:
        await asyncio.gather(*(run(c, i) for i in range(400)))
    assert len(outcomes) == 400
    failed = [exc for exc in outcomes.values() if exc is not None]
    assert failed  # the fault rates are high enough that some calls give up
    assert len(failed) < 200  # ... but retries rescue most
    # Every POST went out exactly once, whatever happened to it.
    posted = [
        r.json_body["name"]
        for r in fake.requests
        if r.method == "POST" and r.path.endswith("/aliases")
    ]
    assert sorted(posted) == sorted(f"new{i}" for i in range(400) if i % 4 == 2)
    # A POST that failed without an answer may or may not have been carried out; one that
    # succeeded certainly was.
    created = {alias.name for alias in fake.aliases_of(DOMAIN)}
    for key, exc in outcomes.items():
        kind, i = key.split(":")
        if kind == "2" and exc is None:
            assert f"new{i}" in created
        if kind == "2" and isinstance(exc, fe.ServerError):
            assert f"new{i}" not in created  # the fake's 5xx faults never run the handler
