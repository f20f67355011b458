"""The API key and alias passwords never show up in reprs, errors or log records."""

from __future__ import annotations

import asyncio
import base64
import logging
import pickle
import traceback

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser

DOMAIN = "example.com"


def _forms(secret: str) -> list[str]:
    encoded = base64.b64encode(f"{secret}:".encode()).decode()
    return [secret, encoded]


async def test_key_absent_from_reprs_errors_and_debug_logs(
    server: FakeServer,
    user: FakeUser,
    fake: FakeForwardEmail,
    clock: fe.ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake.add_domain(user, DOMAIN)
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    fake.faults.script("503", count=1, method="GET")
    fake.faults.script("reset", count=1, method="GET")
    async with fe.ForwardEmail(api_key=user.api_token, base_url=server.url, clock=clock) as client:
        texts += [repr(client), str(client), repr(client.domains), repr(client.aliases)]
        texts.append(repr(client._requester))
        await client.domains.retrieve(DOMAIN)
        for call in (
            client.domains.retrieve("missing.example"),
            client.aliases.create(DOMAIN, name="x", recipients=["bad address"]),
        ):
            with pytest.raises(fe.APIError) as info:
                await call
            texts += [repr(info.value), str(info.value), repr(info.value.__dict__)]
        fake.faults.script("reset", count=10, method="GET")
        with pytest.raises(fe.APIConnectionError) as conn:
            await client.domains.retrieve(DOMAIN)
        texts += [repr(conn.value), str(conn.value)]
    texts += [record.getMessage() for record in caplog.records]
    texts += [repr(record.__dict__) for record in caplog.records]
    assert any("retrying" in t for t in texts)  # the run did produce retry logs
    for secret in _forms(user.api_token):
        assert all(secret not in text for text in texts)


def test_credentials_refuse_pickling_and_hide_in_repr() -> None:
    from forwardemail_async._core.auth import BasicCredentials

    creds = BasicCredentials.api_key("supersecretkey")
    assert "supersecretkey" not in repr(creds)
    with pytest.raises(TypeError):
        pickle.dumps(creds)
    alias = BasicCredentials.alias("me@example.com", "hunter2hunter2")
    assert "hunter2" not in repr(alias)
    assert "me@example.com" in repr(alias)


@pytest.mark.parametrize("bad", ["a\r\nX-Evil: 1", "key\n", "k\x00"])
def test_key_with_control_characters_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="control characters"):
        fe.ForwardEmail(api_key=bad)


def test_header_injection_through_user_values_is_refused() -> None:
    with pytest.raises(ValueError, match="CR, LF"):
        fe.ForwardEmail(api_key="k", accept_language="en\r\nX-Evil: 1")
    with pytest.raises(ValueError, match="CR, LF"):
        fe.ForwardEmail(api_key="k", headers={"X-Ok": "v\nX-Evil: 1"})
    with pytest.raises(ValueError, match="invalid header name"):
        fe.ForwardEmail(api_key="k", headers={"X-Bad:": "v"})


async def test_a_malformed_answer_leaks_no_credentials(clock: fe.ManualClock) -> None:
    # aiohttp's ClientResponseError carries our request headers, Authorization included.
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nThis is not a header\r\nContent-Length: 2\r\n\r\n{}")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    key = "leaky-key-0123456789"
    try:
        async with fe.ForwardEmail(
            api_key=key,
            base_url=f"http://127.0.0.1:{port}",
            clock=clock,
            retry=fe.RetryPolicy.disabled(),
        ) as c:
            with pytest.raises(fe.APIConnectionError) as info:
                await c.domains.retrieve("example.com")
    finally:
        server.close()
        await server.wait_closed()
    err = info.value
    texts = [repr(err), str(err), "".join(traceback.format_exception(err))]
    chain: BaseException | None = err
    while chain is not None:
        texts += [repr(chain), repr(getattr(chain, "request_info", None))]
        chain = chain.__cause__ or chain.__context__
    for secret in _forms(key):
        assert all(secret not in text for text in texts)
    assert "unreadable answer" in str(err)


async def test_a_decode_error_does_not_quote_the_body(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, DOMAIN)
    await client.aliases.create(DOMAIN, name="imap", recipients=["me@example.net"])
    fake.faults.script(
        "response",
        count=1,
        method="POST",
        status=200,
        content_type="application/json",
        body='{"username": "imap@example.com", "password": "Correct-Horse-Battery"} trailing',
    )
    with pytest.raises(fe.ResponseDecodeError) as info:
        await client.aliases.generate_password(DOMAIN, "imap")
    assert "Correct-Horse" not in str(info.value)
    assert "Correct-Horse" not in repr(info.value)


def test_custom_header_values_stay_out_of_reprs() -> None:
    client = fe.ForwardEmail(api_key="k", headers={"X-Api-Token": "tok-secret-123"})
    assert "tok-secret-123" not in repr(client._requester)
    assert "tok-secret-123" not in repr(client._requester.options)
    assert "X-Api-Token" in repr(client._requester)
