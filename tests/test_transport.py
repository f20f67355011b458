"""The transport against the fake server: faults, retries, Retry-After, timeouts, cooldown."""

from __future__ import annotations

import asyncio
import logging
import socket

import aiohttp
import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser, FaultKind

DOMAIN = "example.com"


@pytest.fixture(autouse=True)
def domain(fake: FakeForwardEmail, user: FakeUser) -> None:
    fake.add_domain(user, DOMAIN)


def _count(fake: FakeForwardEmail, method: str, suffix: str) -> int:
    return sum(1 for r in fake.requests if r.method == method and r.path.endswith(suffix))


@pytest.mark.parametrize("kind", ["503", "500", "502_html", "504_empty", "reset"])
async def test_get_is_retried_through_transient_faults(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock, kind: FaultKind
) -> None:
    # aiohttp itself re-sends an idempotent request once when the connection drops, so a
    # "reset" needs twice the faults to cost us the same number of attempts.
    per_attempt = 2 if kind == "reset" else 1
    fake.faults.script(kind, count=2 * per_attempt, method="GET")
    domain = await client.domains.retrieve(DOMAIN)
    assert domain.name == DOMAIN
    assert _count(fake, "GET", DOMAIN) == 2 * per_attempt + 1  # the faults, then success
    assert len(clock.sleeps) == 2


@pytest.mark.parametrize(
    ("kind", "exc"),
    [
        ("503", fe.ServerError),
        ("502_html", fe.ServerError),
        ("504_empty", fe.ServerError),
        ("reset", fe.APIConnectionError),
    ],
)
async def test_get_gives_up_with_a_typed_error(
    client: fe.ForwardEmail, fake: FakeForwardEmail, kind: FaultKind, exc: type[Exception]
) -> None:
    fake.faults.script(kind, count=10, method="GET")
    with pytest.raises(exc):
        await client.domains.retrieve(DOMAIN)
    per_attempt = 2 if kind == "reset" else 1  # aiohttp's own one re-send on a dropped GET
    assert _count(fake, "GET", DOMAIN) == 3 * per_attempt  # 1 + max_retries (2)


async def test_html_502_message_is_the_page_title(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.faults.script("502_html", count=10)
    with pytest.raises(fe.ServerError) as info:
        await client.domains.retrieve(DOMAIN)
    assert info.value.status == 502
    assert "502" in info.value.message and "<" not in info.value.message


async def test_post_is_not_repeated_after_a_5xx(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.faults.script("503", count=1, method="POST")
    with pytest.raises(fe.ServerError):
        await client.aliases.create(
            DOMAIN, name="once", recipients=["me@example.net"], reconcile=False
        )
    assert _count(fake, "POST", "/aliases") == 1


async def test_post_commit_then_drop_is_not_resent(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.faults.script("commit_then_drop", count=1, method="POST")
    with pytest.raises(fe.APIConnectionError) as info:
        await client.aliases.create(
            DOMAIN, name="committed", recipients=["me@example.net"], reconcile=False
        )
    assert info.value.request_sent is True
    assert _count(fake, "POST", "/aliases") == 1
    # The server did commit it: the caller must look it up, not blindly re-create.
    assert [a.name for a in fake.aliases_of(DOMAIN)] == ["committed"]


async def test_post_retry_opt_in(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    fake.faults.script("503", count=1, method="POST")
    policy = fe.RetryPolicy(retry_non_idempotent=True)
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, clock=clock, retry=policy
    ) as c:
        alias = await c.aliases.create(DOMAIN, name="optin", recipients=["me@example.net"])
    assert alias.name == "optin"
    assert _count(fake, "POST", "/aliases") == 2


async def test_post_retried_after_a_429(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    fake.faults.script("429", count=1, method="POST", retry_after="seconds")
    alias = await client.aliases.create(DOMAIN, name="after429", recipients=["me@example.net"])
    assert alias.name == "after429"
    assert _count(fake, "POST", "/aliases") == 2
    assert clock.sleeps and clock.sleeps[0] >= 1


@pytest.mark.parametrize("form", ["epoch", "seconds", "http-date"])
async def test_each_retry_after_form_is_honoured_without_shortening(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock, form: str
) -> None:
    fake.faults.script("429", count=1, method="GET", retry_after=form)
    await client.domains.retrieve(DOMAIN)
    waited = sum(clock.sleeps)
    # The fake asks for 30 s in every form; jitter may only add (at most 1 s).
    assert 30 <= waited <= 31.001


async def test_missing_retry_after_uses_backoff(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    fake.faults.script("429", count=1, method="GET", retry_after="none")
    await client.domains.retrieve(DOMAIN)
    assert len(clock.sleeps) >= 1
    assert clock.sleeps[-1] <= 8


async def test_huge_retry_after_raises_with_retry_after(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    fake.faults.script("429", count=1, method="GET", retry_after="huge")
    with pytest.raises(fe.RateLimitError) as info:
        await client.domains.retrieve(DOMAIN)
    assert info.value.retry_after is not None and info.value.retry_after > 3600
    assert clock.sleeps == []
    assert _count(fake, "GET", DOMAIN) == 1


async def test_a_429_pauses_every_task_of_the_client(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    # Without retries the first task fails at once on its 429; the second, queued behind it
    # at the gate, must still wait out the server's 30 s before sending anything.
    fake.faults.script("429", count=1, method="GET", retry_after="seconds")
    async with fe.ForwardEmail(
        api_key=user.api_token,
        base_url=server.url,
        clock=clock,
        max_concurrency=1,
        retry=fe.RetryPolicy.disabled(),
    ) as c:
        first, second = await asyncio.gather(
            c.domains.retrieve(DOMAIN), c.domains.retrieve(DOMAIN), return_exceptions=True
        )
    assert isinstance(first, fe.RateLimitError)
    assert isinstance(second, fe.Domain)
    assert clock.sleeps == [30.0]
    gets = [r for r in fake.requests if r.method == "GET"]
    assert [r.status for r in gets] == [429, 200]
    assert gets[1].time - gets[0].time >= 30


async def test_large_bodies_are_streamed_without_warnings(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    # Above 1 MiB aiohttp would warn about a bytes body (an error under this suite's config).
    description = "x" * 150
    labels = [f"label-{i:07d}" for i in range(80_000)]
    with pytest.raises(fe.APIError):
        await client.aliases.create(DOMAIN, name="big", description=description, labels=labels)
    assert len(fake.requests[-1].raw_body) > 1024 * 1024


async def test_real_rate_limiter_429_is_plain_text_and_typed(
    server: FakeServer, clock: fe.ManualClock
) -> None:
    fake = server.fake
    tight = fake.add_user(email="tight@example.net")
    fake.add_domain(tight, "tight.example")
    fake.rate_limits.create_alias_max = 2
    async with fe.ForwardEmail(api_key=tight.api_token, base_url=server.url, clock=clock) as c:
        await c.aliases.create("tight.example", name="a1", recipients=["me@example.net"])
        await c.aliases.create("tight.example", name="a2", recipients=["me@example.net"])
        with pytest.raises(fe.RateLimitError) as info:
            await c.aliases.create("tight.example", name="a3", recipients=["me@example.net"])
        assert c.rate_limit is not None and c.rate_limit.remaining == 0
    assert info.value.message.startswith("Rate limit exceeded, retry in")
    # The real server's Retry-After is an epoch time a day ahead: far beyond max_retry_after.
    assert info.value.retry_after == pytest.approx(86_400, abs=5)


async def test_connection_refused_is_retried_then_typed(clock: fe.ManualClock) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with fe.ForwardEmail(api_key="k", base_url=f"http://127.0.0.1:{port}", clock=clock) as c:
        with pytest.raises(fe.APIConnectionError) as info:
            await c.aliases.create(DOMAIN, name="x", recipients=["me@example.net"])
    assert info.value.request_sent is False
    # A refused connection never reached a server, so even the POST was retried.
    assert len(clock.sleeps) == 2
    # The message names the server and the system's reason.
    assert f"could not connect to 127.0.0.1:{port} (Connection refused)" in str(info.value)


async def test_hang_times_out_per_attempt(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    fake.faults.script("hang", count=1, method="GET")
    # 1 s ends the hang, and leaves the retry ample time on a loaded machine.
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, clock=clock, timeout=1.0
    ) as c:
        domain = await c.domains.retrieve(DOMAIN)  # first attempt hangs, the retry answers
    assert domain.name == DOMAIN
    assert _count(fake, "GET", DOMAIN) == 2


async def test_hang_on_post_is_a_timeout_not_a_retry(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    fake.faults.script("hang", count=1, method="POST")
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, clock=clock, timeout=1.0
    ) as c:
        with pytest.raises(fe.APITimeoutError) as info:
            await c.aliases.create(
                DOMAIN, name="slow", recipients=["me@example.net"], reconcile=False
            )
    assert info.value.request_sent is True
    assert _count(fake, "POST", "/aliases") == 1


async def test_deadline_across_attempts(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    fake.faults.script("429", count=5, method="GET", retry_after="seconds")
    policy = fe.RetryPolicy(max_retries=10, deadline=45)
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, clock=clock, retry=policy
    ) as c:
        with pytest.raises(fe.RateLimitError):
            await c.domains.retrieve(DOMAIN)
    assert sum(clock.sleeps) <= 45


async def test_a_cut_json_body_is_retried_for_a_get(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.faults.script("truncated_json", count=1, method="GET")
    assert (await client.domains.retrieve(DOMAIN)).name == DOMAIN
    assert _count(fake, "GET", DOMAIN) == 2


async def test_a_body_cut_every_time_ends_as_a_decode_error(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.faults.script("truncated_json", count=3, method="GET")
    with pytest.raises(fe.ResponseDecodeError, match="not valid JSON"):
        await client.domains.retrieve(DOMAIN)
    assert _count(fake, "GET", DOMAIN) == 3  # the first try and the policy's two retries


async def test_wrong_content_type_with_json_body_still_parses(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.faults.script("wrong_content_type", count=1, method="GET")
    domain = await client.domains.retrieve(DOMAIN)
    assert domain.name == DOMAIN


async def test_redirect_is_not_followed(client: fe.ForwardEmail, fake: FakeForwardEmail) -> None:
    fake.faults.script("redirect_301", count=1, method="DELETE")
    with pytest.raises(fe.APIError) as info:
        await client.domains.delete(DOMAIN)
    assert info.value.status == 301
    assert _count(fake, "GET", DOMAIN) == 0  # never turned into a GET


async def test_on_retry_hook_and_debug_log(
    server: FakeServer,
    user: FakeUser,
    fake: FakeForwardEmail,
    clock: fe.ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[fe.RetryDetails] = []
    policy = fe.RetryPolicy(on_retry=seen.append)
    fake.faults.script("503", count=1, method="GET")
    caplog.set_level(logging.DEBUG, logger="forwardemail_async")
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, clock=clock, retry=policy
    ) as c:
        await c.domains.retrieve(DOMAIN)
    assert [(d.attempt, d.status, d.route) for d in seen] == [(1, 503, "/v1/domains/{domain}")]
    retry_lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retrying")]
    assert retry_lines == [retry_lines[0]]
    assert "GET /v1/domains/{domain}" in retry_lines[0] and "503" in retry_lines[0]


async def test_async_on_retry_hook(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    seen: list[int] = []

    async def hook(details: fe.RetryDetails) -> None:
        seen.append(details.attempt)

    fake.faults.script("503", count=2, method="GET")
    async with fe.ForwardEmail(
        api_key=user.api_token,
        base_url=server.url,
        clock=clock,
        retry=fe.RetryPolicy(on_retry=hook),
    ) as c:
        await c.domains.retrieve(DOMAIN)
    assert seen == [1, 2]


async def test_headers_sent(
    client: fe.ForwardEmail, fake: FakeForwardEmail, server: FakeServer, user: FakeUser
) -> None:
    await client.domains.retrieve(DOMAIN)
    sent = fake.requests[-1].headers
    assert sent["Accept"] == "application/json"
    assert sent["User-Agent"].startswith(f"forwardemail_async/{fe.__version__}")
    assert "Origin" not in sent
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, accept_language="fr"
    ) as c:
        await c.domains.retrieve(DOMAIN)
    assert fake.requests[-1].headers["Accept-Language"] == "fr"
    # A session of the application's own carries none of these defaults: each request does.
    async with (
        aiohttp.ClientSession() as session,
        fe.ForwardEmail(
            api_key=user.api_token, base_url=server.url, accept_language="fr", session=session
        ) as c,
    ):
        await c.domains.retrieve(DOMAIN)
    shared = fake.requests[-1].headers
    assert shared["Accept"] == "application/json" and shared["Accept-Language"] == "fr"
    assert shared["User-Agent"].startswith(f"forwardemail_async/{fe.__version__}")


async def test_with_options_shares_the_session(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    quick = client.with_options(retry=fe.RetryPolicy.disabled(), headers={"X-Trace": "abc"})
    fake.faults.script("503", count=1, method="GET")
    with pytest.raises(fe.ServerError):
        await quick.domains.retrieve(DOMAIN)
    assert fake.requests[-1].headers["X-Trace"] == "abc"
    assert quick._requester.transport is client._requester.transport
    assert (await client.domains.retrieve(DOMAIN)).name == DOMAIN


async def test_queueing_at_the_gate_is_not_request_time(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail
) -> None:
    # Twelve requests through one slot, each >= 0.1 s: the last waits >= 1.1 s in the queue,
    # more than its 1 s attempt timeout, which leaves each request ample time once at the
    # gate. None may time out, because the clock starts at the gate.
    fake.faults.latency = 0.1
    async with fe.ForwardEmail(
        api_key=user.api_token,
        base_url=server.url,
        max_concurrency=1,
        timeout=1.0,
        retry=fe.RetryPolicy.disabled(),
    ) as c:
        results = await asyncio.gather(*(c.domains.retrieve(DOMAIN) for _ in range(12)))
    assert [d.name for d in results] == [DOMAIN] * 12


async def test_epoch_retry_after_is_read_against_the_servers_clock(
    user: FakeUser, fake: FakeForwardEmail, server: FakeServer
) -> None:
    # The client's clock runs an hour ahead of the server's. Measured against local time the
    # server's "retry at <epoch>" would already be past; against its Date header it is 30 s.
    skewed = fe.ManualClock(start=fake.clock() + 3600)
    fake.faults.script("429", count=1, method="GET", retry_after="epoch")
    async with fe.ForwardEmail(api_key=user.api_token, base_url=server.url, clock=skewed) as c:
        await c.domains.retrieve(DOMAIN)
    assert 30 <= sum(skewed.sleeps) <= 31.001


async def test_rate_limit_reset_is_used_when_retry_after_is_missing(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    reset = int(fake.clock()) + 20
    fake.faults.script(
        "response",
        count=1,
        method="GET",
        status=429,
        body="Rate limit exceeded, retry in 20 seconds.",
        content_type="text/plain",
        headers={
            "X-RateLimit-Limit": "10",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(reset),
        },
    )
    await client.domains.retrieve(DOMAIN)
    assert 20 <= sum(clock.sleeps) <= 21.001


async def test_tls_failures_are_not_retried(
    server: FakeServer, user: FakeUser, clock: fe.ManualClock
) -> None:
    # TLS to a plain-HTTP port fails the handshake; retrying cannot fix that.
    https_url = server.url.replace("http://", "https://")
    async with fe.ForwardEmail(api_key=user.api_token, base_url=https_url, clock=clock) as c:
        with pytest.raises(fe.APIConnectionError) as info:
            await c.domains.retrieve(DOMAIN)
    assert info.value.request_sent is False
    assert clock.sleeps == []


async def test_deadline_bounds_the_wait_for_a_slot(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail
) -> None:
    # The hung call has no deadline nor attempt timeout, so it holds the only slot for the
    # whole test, however long that takes (when both had one, the hung call could time out
    # and hand the slot over just in time: a flake).
    fake.faults.script("hang", count=1, method="GET")
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, max_concurrency=1, timeout=None
    ) as c:
        hung = asyncio.ensure_future(c.domains.retrieve(DOMAIN))
        while not fake.requests:
            await asyncio.sleep(0)
        short = c.with_options(retry=fe.RetryPolicy(deadline=0.3))
        with pytest.raises(fe.APITimeoutError) as info:
            await short.domains.retrieve(DOMAIN)
        assert not hung.done()
        hung.cancel()
        with pytest.raises(asyncio.CancelledError):
            await hung
    assert info.value.request_sent is False
    assert _count(fake, "GET", DOMAIN) == 1  # the queued call never went out


@pytest.mark.parametrize(
    ("cooldown", "sleeps"),
    [
        (60, []),  # longer than the deadline: refused at once, without waiting
        (5, [5]),  # uses up exactly the whole deadline: the slot comes with no time left
    ],
)
async def test_a_deadline_spent_at_the_gate_sends_nothing(
    client: fe.ForwardEmail,
    fake: FakeForwardEmail,
    clock: fe.ManualClock,
    cooldown: float,
    sleeps: list[float],
) -> None:
    client._requester.transport.gate.pause_for(cooldown)
    short = client.with_options(retry=fe.RetryPolicy(deadline=5))
    with pytest.raises(fe.APITimeoutError) as info:
        await short.domains.retrieve(DOMAIN)
    assert info.value.request_sent is False
    assert clock.sleeps == sleeps
    assert fake.requests == []


async def test_running_out_of_deadline_is_a_timeout_error(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    fake.faults.script(
        "response", count=1, method="GET", status=503, body="{}", headers={"Retry-After": "10"}
    )
    short = client.with_options(retry=fe.RetryPolicy(deadline=5))
    with pytest.raises(fe.APITimeoutError) as info:
        await short.domains.retrieve(DOMAIN)
    assert isinstance(info.value.__cause__, fe.ServerError)
    assert clock.sleeps == []


async def test_deadline_caps_the_attempt_timeout(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail
) -> None:
    fake.faults.script("hang", count=1, method="POST")
    policy = fe.RetryPolicy(deadline=0.2)
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, timeout=30, retry=policy
    ) as c:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(fe.APITimeoutError):
            await c.aliases.create(DOMAIN, name="slow", recipients=["me@example.net"])
        # Far below the 30 s attempt timeout the deadline caps, however busy the machine.
        assert loop.time() - started < 20


async def test_a_stalled_body_times_out(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail
) -> None:
    fake.faults.script("stall_body", count=1, method="GET")
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, timeout=0.2, retry=fe.RetryPolicy.disabled()
    ) as c:
        with pytest.raises(fe.APITimeoutError):
            await c.domains.retrieve(DOMAIN)


async def test_reason_phrase_on_non_json_errors(
    client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    fake.faults.script("504_empty", count=5, method="GET")
    with pytest.raises(fe.ServerError) as info:
        await client.domains.retrieve(DOMAIN)
    assert info.value.error == "Gateway Timeout"


async def test_post_is_not_repeated_after_a_handler_429(
    client: fe.ForwardEmail, fake: FakeForwardEmail, clock: fe.ManualClock
) -> None:
    # The email queue maps SMTP 421/450/452 to a JSON 429: a handler saw the request, unlike
    # the limiters' plain-text 429, so a POST is not repeated.
    fake.faults.script(
        "response",
        count=1,
        method="POST",
        status=429,
        content_type="application/json",
        body='{"statusCode": 429, "error": "Too Many Requests", "message": "Try again later."}',
        headers={"Retry-After": "5"},
    )
    with pytest.raises(fe.RateLimitError) as info:
        await client.aliases.create(
            DOMAIN, name="queued", recipients=["me@example.net"], reconcile=False
        )
    assert info.value.message == "Try again later."
    assert _count(fake, "POST", "/aliases") == 1
    assert clock.sleeps == []
