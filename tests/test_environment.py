"""The client and the CLI read their API key and base URL from the environment, so the same
code runs against the real API, a proxy or the bundled fake server without changes."""

from __future__ import annotations

import io

import pytest

import forwardemail_async as fe
from forwardemail_async import cli
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser


@pytest.fixture
def environment(
    monkeypatch: pytest.MonkeyPatch, server: FakeServer, user: FakeUser
) -> pytest.MonkeyPatch:
    monkeypatch.setenv(fe.API_KEY_ENV, user.api_token)
    monkeypatch.setenv(fe.BASE_URL_ENV, server.url)
    return monkeypatch


async def test_client_takes_key_and_base_url_from_the_environment(
    environment: pytest.MonkeyPatch, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "example.com")
    async with fe.ForwardEmail() as client:
        domain = await client.domains.retrieve("example.com")
    assert domain.name == "example.com"
    assert [r.path for r in fake.requests] == ["/v1/domains/example.com"]


async def test_an_explicit_base_url_wins_over_the_environment(
    environment: pytest.MonkeyPatch, fake: FakeForwardEmail, server: FakeServer, user: FakeUser
) -> None:
    environment.setenv(fe.BASE_URL_ENV, "http://127.0.0.1:9")  # nothing listens on port 9
    fake.add_domain(user, "example.com")
    async with fe.ForwardEmail(base_url=server.url) as client:
        assert (await client.domains.retrieve("example.com")).name == "example.com"


def test_an_environment_base_url_is_checked_like_an_argument(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(fe.BASE_URL_ENV, "http://api.example.net")
    with pytest.raises(ValueError, match="http"):
        fe.ForwardEmail(api_key="k")
    monkeypatch.setenv(fe.BASE_URL_ENV, "")  # empty: the real API, as if unset
    assert fe.ForwardEmail(api_key="k").base_url == "https://api.forwardemail.net"


async def test_cli_takes_the_base_url_from_the_environment(
    environment: pytest.MonkeyPatch, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "example.com")
    out, err = io.StringIO(), io.StringIO()
    status = await cli.run(["domains", "list"], out, err)
    assert (status, err.getvalue()) == (0, "")
    assert "example.com" in out.getvalue()
