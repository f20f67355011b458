"""The API key and alias passwords never show up in reprs, errors or log records."""

from __future__ import annotations

import base64
import logging
import pickle

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
    from forwardemail_async._auth import BasicCredentials

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
