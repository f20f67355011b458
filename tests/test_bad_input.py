"""Bad input is refused with ValueError/TypeError before any request is sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeUser

BAD_IDS: list[object] = [
    "",
    ".",
    "..",
    "a/b",
    "a?b",
    "a#b",
    "a%2e",
    "a\r\nb",
    "a b",
    None,
    42,
    b"x",
]

Call = Callable[[fe.ForwardEmail, object], Awaitable[object]]

DOMAIN_CALLS: list[Call] = [
    lambda c, v: c.domains.retrieve(v),  # type: ignore[arg-type]
    lambda c, v: c.domains.delete(v),  # type: ignore[arg-type]
    lambda c, v: c.domains.update(v, retention_days=1),  # type: ignore[arg-type]
    lambda c, v: c.domains.verify_records(v),  # type: ignore[arg-type]
    lambda c, v: c.domains.verify_smtp(v),  # type: ignore[arg-type]
    lambda c, v: c.aliases.create(v, name="x"),  # type: ignore[arg-type]
    lambda c, v: c.aliases.retrieve(v, "x"),  # type: ignore[arg-type]
]
ALIAS_CALLS: list[Call] = [
    lambda c, v: c.aliases.retrieve("example.com", v),  # type: ignore[arg-type]
    lambda c, v: c.aliases.update("example.com", v, is_enabled=True),  # type: ignore[arg-type]
    lambda c, v: c.aliases.delete("example.com", v),  # type: ignore[arg-type]
    lambda c, v: c.aliases.generate_password("example.com", v),  # type: ignore[call-overload]
]


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize("call", DOMAIN_CALLS + ALIAS_CALLS)
async def test_path_injection_is_refused_before_the_wire(
    client: fe.ForwardEmail, fake: FakeForwardEmail, call: Call, bad: object
) -> None:
    with pytest.raises(ValueError if isinstance(bad, str) else TypeError):
        await call(client, bad)
    assert fake.requests == []


@pytest.mark.parametrize("bad", BAD_IDS)
def test_list_refuses_bad_domains_without_sending(client: fe.ForwardEmail, bad: object) -> None:
    with pytest.raises(ValueError if isinstance(bad, str) else TypeError):
        client.aliases.list(bad)  # type: ignore[arg-type]


async def test_idn_domains_are_sent_as_the_server_stores_them(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "bücher.example")
    by_unicode = await client.domains.retrieve("bücher.example")
    by_punycode = await client.domains.retrieve("xn--bcher-kva.example")
    assert by_unicode.id == by_punycode.id
    assert by_unicode.name == "bücher.example"


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        ({"timeout": 0}, ValueError),
        ({"timeout": "5"}, TypeError),
        ({"max_concurrency": 0}, ValueError),
        ({"retry": {"max_retries": 1}}, TypeError),
        ({"session": object()}, TypeError),
        ({"base_url": "http://api.forwardemail.net"}, ValueError),
    ],
)
def test_bad_client_options(kwargs: dict[str, object], exc: type[Exception]) -> None:
    with pytest.raises(exc):
        fe.ForwardEmail(api_key="k", **kwargs)  # type: ignore[arg-type]
