"""Bad input to any service method of the whole client is refused before the wire.

Every method that puts a caller's value into a URL path is listed below with the kind of
value it takes: an opaque id or name (``/ ? # %`` are refused), a free-text name that may
hold them (percent-encoded into one segment instead), an ObjectId, a domain or IP. Each bad
value must raise ``ValueError``/``TypeError`` and leave ``fake.requests`` empty. Header
values, client options and ``base_url`` get the same treatment. Values that go into a query
or a body are only type-checked: the server's 400 is the answer to a bad one.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser

DOMAIN = "example.com"
OID = "5f1d7a8b9c0d1e2f3a4b5c6d"

# The value is Any: these calls pass deliberately ill-typed values.
Call = Callable[[fe.ForwardEmail, fe.AliasSession, Any], object]

# Refused by every kind of path value.
ALWAYS_BAD: list[object] = ["", ".", "..", "a\r\nb", "a\nb", "a\x00b", None, 42, b"x", ["a"]]
# Refused where the value is an opaque id or name, not free text.
PATH_CHANGING: list[object] = ["a/b", "a?b", "a#b", "a%2e", "a%2F..", "a\\b", "a b", " "]
NOT_OBJECT_IDS: list[object] = [OID[:-1], OID + "0", "z" * 24, "example.com"]
BAD_DOMAINS: list[object] = [
    "example..com",
    ".example.com",
    "example.com.",
    "-bad.example",
    "bad-.example",
    "under_score.example",
    "a@b.example",
    "xn--zz.example",  # not valid punycode
    "exa\u200bmple.com",  # a zero-width space
    "a" * 64 + ".example",  # a label longer than 63
    ("a" * 60 + ".") * 5 + "com",  # a name longer than 253
]

# Methods taking an opaque id or name (id_segment / alias_segment / domain_segment).
OPAQUE: dict[str, Call] = {
    "domains.retrieve": lambda c, s, v: c.domains.retrieve(v),
    "domains.update": lambda c, s, v: c.domains.update(v, retention_days=1),
    "domains.delete": lambda c, s, v: c.domains.delete(v),
    "domains.verify_records": lambda c, s, v: c.domains.verify_records(v),
    "domains.verify_smtp": lambda c, s, v: c.domains.verify_smtp(v),
    "domains.test_s3_connection": lambda c, s, v: c.domains.test_s3_connection(v),
    "domains.update_allowlist": lambda c, s, v: c.domains.update_allowlist(v, ["a.example"]),
    "domains.update_denylist": lambda c, s, v: c.domains.update_denylist(v, ["a.example"]),
    "catch_all.list": lambda c, s, v: c.domains.catch_all_passwords.list(v),
    "catch_all.create": lambda c, s, v: c.domains.catch_all_passwords.create(v),
    "catch_all.delete(domain)": lambda c, s, v: c.domains.catch_all_passwords.delete(v, OID),
    "invites.create": lambda c, s, v: c.domains.invites.create(
        v, email="a@b.example", group="user"
    ),
    "invites.delete": lambda c, s, v: c.domains.invites.delete(v, email="a@b.example"),
    "members.update(domain)": lambda c, s, v: c.domains.members.update(v, OID, group="user"),
    "members.delete(domain)": lambda c, s, v: c.domains.members.delete(v, OID),
    "aliases.list": lambda c, s, v: c.aliases.list(v),
    "aliases.create": lambda c, s, v: c.aliases.create(v, name="x"),
    "aliases.create_many": lambda c, s, v: c.aliases.create_many(v, [{"name": "x"}]),
    "aliases.update_many": lambda c, s, v: c.aliases.update_many(v, [{"name": "x"}]),
    "aliases.delete_many": lambda c, s, v: c.aliases.delete_many(v, ["x"]),
    "aliases.retrieve(domain)": lambda c, s, v: c.aliases.retrieve(v, "x"),
    "aliases.retrieve(alias)": lambda c, s, v: c.aliases.retrieve(DOMAIN, v),
    "aliases.update(alias)": lambda c, s, v: c.aliases.update(DOMAIN, v, is_enabled=True),
    "aliases.delete(alias)": lambda c, s, v: c.aliases.delete(DOMAIN, v),
    "aliases.generate_password(alias)": lambda c, s, v: c.aliases.generate_password(DOMAIN, v),
    "alias_sieve.list(domain)": lambda c, s, v: c.aliases.sieve_scripts.list(v, "x"),
    "alias_sieve.list(alias)": lambda c, s, v: c.aliases.sieve_scripts.list(DOMAIN, v),
    "alias_sieve.create(alias)": lambda c, s, v: c.aliases.sieve_scripts.create(
        DOMAIN, v, "n", "keep;"
    ),
    "observatory.dmarc_summary": lambda c, s, v: c.observatory.dmarc_summary(v),
    "observatory.blacklists": lambda c, s, v: c.observatory.blacklists(v),
    "observatory.dns_history": lambda c, s, v: c.observatory.dns_history(v),
    "observatory.remove_monitor": lambda c, s, v: c.observatory.remove_monitor(v),
}

# Methods taking a MongoDB ObjectId.
OBJECT_IDS: dict[str, Call] = {
    "catch_all.delete(token)": lambda c, s, v: c.domains.catch_all_passwords.delete(DOMAIN, v),
    "members.update(member)": lambda c, s, v: c.domains.members.update(DOMAIN, v, group="user"),
    "members.delete(member)": lambda c, s, v: c.domains.members.delete(DOMAIN, v),
    "push_tokens.delete": lambda c, s, v: c.push_tokens.delete(v),
    "messages.retrieve": lambda c, s, v: s.messages.retrieve(v),
    "messages.update": lambda c, s, v: s.messages.update(v, flags=["\\Seen"]),
    "messages.delete": lambda c, s, v: s.messages.delete(v),
    "session.push_tokens.delete": lambda c, s, v: s.push_tokens.delete(v),
}

# Values that go into a query string or a JSON body, not the path: only their type is the
# client's to check; what a valid domain, subject or id is, the server says (400).
BODY_VALUES: dict[str, Call] = {
    "domains.create": lambda c, s, v: c.domains.create(v),
    "observatory.lookup": lambda c, s, v: c.observatory.lookup(v),
    "observatory.add_monitor": lambda c, s, v: c.observatory.add_monitor(v),
    "push_tokens.list(alias_id)": lambda c, s, v: c.push_tokens.list(alias_id=v),
    "push_tokens.delete_all(alias_id)": lambda c, s, v: c.push_tokens.delete_all(alias_id=v),
}
NOT_STR: list[object] = [42, b"x", ["a"], 1.5]

# Methods taking free text (a sieve script name, a folder path, a CardDAV/CalDAV id, a
# Message-ID): "/", "?", "#", "%" are legal there and must stay inside the segment.
FREE_TEXT: dict[str, tuple[Call, str]] = {
    "alias_sieve.retrieve": (
        lambda c, s, v: c.aliases.sieve_scripts.retrieve(DOMAIN, "x", v),
        "/v1/domains/example.com/aliases/x/sieve/",
    ),
    "alias_sieve.update": (
        lambda c, s, v: c.aliases.sieve_scripts.update(DOMAIN, "x", v, "keep;"),
        "/v1/domains/example.com/aliases/x/sieve/",
    ),
    "alias_sieve.delete": (
        lambda c, s, v: c.aliases.sieve_scripts.delete(DOMAIN, "x", v),
        "/v1/domains/example.com/aliases/x/sieve/",
    ),
    "sieve.retrieve": (lambda c, s, v: s.sieve_scripts.retrieve(v), "/v1/sieve-scripts/"),
    "sieve.delete": (lambda c, s, v: s.sieve_scripts.delete(v), "/v1/sieve-scripts/"),
    "folders.retrieve": (lambda c, s, v: s.folders.retrieve(v), "/v1/folders/"),
    "folders.update": (lambda c, s, v: s.folders.update(v, path="New"), "/v1/folders/"),
    "folders.delete": (lambda c, s, v: s.folders.delete(v), "/v1/folders/"),
    "contacts.retrieve": (lambda c, s, v: s.contacts.retrieve(v), "/v1/contacts/"),
    "contacts.update": (lambda c, s, v: s.contacts.update(v, full_name="N"), "/v1/contacts/"),
    "contacts.delete": (lambda c, s, v: s.contacts.delete(v), "/v1/contacts/"),
    "calendars.retrieve": (lambda c, s, v: s.calendars.retrieve(v), "/v1/calendars/"),
    "calendars.update": (lambda c, s, v: s.calendars.update(v, name="N"), "/v1/calendars/"),
    "calendars.delete": (lambda c, s, v: s.calendars.delete(v), "/v1/calendars/"),
    "events.retrieve": (
        lambda c, s, v: s.calendar_events.retrieve(v),
        "/v1/calendar-events/",
    ),
    "events.update": (
        lambda c, s, v: s.calendar_events.update(v, ical="BEGIN:VCALENDAR"),
        "/v1/calendar-events/",
    ),
    "events.delete": (
        lambda c, s, v: s.calendar_events.delete(v),
        "/v1/calendar-events/",
    ),
    "emails.retrieve": (lambda c, s, v: c.emails.retrieve(v), "/v1/emails/"),
    "emails.delete": (lambda c, s, v: c.emails.delete(v), "/v1/emails/"),
}


@pytest.fixture
def session(client: fe.ForwardEmail) -> fe.AliasSession:
    return client.as_alias("me@example.com", "not-a-real-password")


async def _invoke(call: Call, c: fe.ForwardEmail, s: fe.AliasSession, value: object) -> None:
    """Call, awaiting the result if it is a coroutine (list methods refuse synchronously)."""
    result = call(c, s, value)
    if inspect.iscoroutine(result):
        await result


async def _all_refused(
    fake: FakeForwardEmail,
    call: Call,
    c: fe.ForwardEmail,
    s: fe.AliasSession,
    values: list[object],
) -> None:
    """Each value raises ValueError/TypeError and nothing reaches the server."""
    accepted = []
    for value in values:
        try:
            await _invoke(call, c, s, value)
        except (ValueError, TypeError):
            pass
        except Exception as exc:  # a request went out and failed there: not refused
            accepted.append((value, type(exc).__name__))
        else:
            accepted.append((value, "no error"))
    assert accepted == []
    assert fake.requests == []


@pytest.mark.parametrize("name", sorted(OPAQUE))
async def test_opaque_ids_refuse_bad_values(
    client: fe.ForwardEmail, session: fe.AliasSession, fake: FakeForwardEmail, name: str
) -> None:
    await _all_refused(fake, OPAQUE[name], client, session, ALWAYS_BAD + PATH_CHANGING)


@pytest.mark.parametrize(
    "name", sorted(n for n in OPAQUE if "(alias)" not in n and not n.startswith("observatory."))
)
async def test_invalid_domain_names_are_refused(
    client: fe.ForwardEmail, session: fe.AliasSession, fake: FakeForwardEmail, name: str
) -> None:
    await _all_refused(fake, OPAQUE[name], client, session, BAD_DOMAINS)


@pytest.mark.parametrize("name", sorted(OBJECT_IDS))
async def test_object_ids_refuse_anything_else(
    client: fe.ForwardEmail, session: fe.AliasSession, fake: FakeForwardEmail, name: str
) -> None:
    bad = ALWAYS_BAD + PATH_CHANGING + NOT_OBJECT_IDS
    await _all_refused(fake, OBJECT_IDS[name], client, session, bad)


@pytest.mark.parametrize("name", sorted(BODY_VALUES))
async def test_body_values_refuse_only_wrong_types(
    client: fe.ForwardEmail, session: fe.AliasSession, fake: FakeForwardEmail, name: str
) -> None:
    await _all_refused(fake, BODY_VALUES[name], client, session, NOT_STR)


@pytest.mark.parametrize("name", sorted(BODY_VALUES))
async def test_body_values_meet_the_servers_rules_there(
    client: fe.ForwardEmail,
    session: fe.AliasSession,
    fake: FakeForwardEmail,
    user: FakeUser,
    name: str,
) -> None:
    # Well-formed HTTP whatever the text: each bad value is one request and the server's
    # 400 with its message, never a local refusal.
    fake.add_domain(user, DOMAIN)
    for value in ["", "a/b", "a b", "example..com", OID[:-1]]:
        before = len(fake.requests)
        with pytest.raises(fe.BadRequestError) as info:
            await _invoke(BODY_VALUES[name], client, session, value)
        assert info.value.message
        assert len(fake.requests) == before + 1


@pytest.mark.parametrize("name", sorted(FREE_TEXT))
async def test_free_text_ids_refuse_what_cannot_be_a_segment(
    client: fe.ForwardEmail, session: fe.AliasSession, fake: FakeForwardEmail, name: str
) -> None:
    await _all_refused(fake, FREE_TEXT[name][0], client, session, ALWAYS_BAD)


@pytest.mark.parametrize("name", sorted(FREE_TEXT))
async def test_free_text_ids_stay_inside_one_segment_on_the_wire(
    client: fe.ForwardEmail,
    session: fe.AliasSession,
    fake: FakeForwardEmail,
    user: FakeUser,
    name: str,
) -> None:
    fake.add_domain(user, DOMAIN)
    value = "a/../b?c=1#d%2Fe f"
    call, prefix = FREE_TEXT[name]
    with pytest.raises(fe.APIError):  # nothing by that name exists (or 401 for the session)
        await _invoke(call, client, session, value)
    (sent,) = fake.requests
    assert sent.raw_path.startswith(prefix)
    segment = sent.raw_path[len(prefix) :]
    assert "/" not in segment and "?" not in segment and "#" not in segment
    assert unquote(segment) == value
    assert sent.query == {}


async def test_a_unicode_domain_is_sent_as_the_server_stores_it(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    # The server stores IDNs lowercased in Unicode and matches exactly: any case, in Unicode
    # or punycode, must reach it as that one form.
    fake.add_domain(user, "bücher.example")
    for spelling in ("BÜCHER.example", "xn--bcher-kva.example", "XN--BCHER-KVA.EXAMPLE"):
        assert (await client.domains.retrieve(spelling)).name == "bücher.example"
    assert {unquote(r.raw_path) for r in fake.requests} == {"/v1/domains/bücher.example"}


# --- headers ----------------------------------------------------------------------------------

BAD_HEADER_VALUES = ["v\r\nX-Evil: 1", "v\nX-Evil: 1", "v\rX", "v\x00", "v\x01", "v\x7f", "v\x1b"]
BAD_HEADER_NAMES = ["", "X Evil", "X-Evil:", "X\tEvil", "X(Evil)", "X\r\nEvil", "Xé", "X/Y"]
RESERVED_HEADERS = ["Content-Length", "transfer-encoding", "Connection", "Authorization"]


@pytest.mark.parametrize("value", BAD_HEADER_VALUES, ids=repr)
async def test_header_values_cannot_inject(
    client: fe.ForwardEmail, session: fe.AliasSession, fake: FakeForwardEmail, value: str
) -> None:
    with pytest.raises(ValueError, match="CR, LF"):
        fe.ForwardEmail(api_key="k", headers={"X-Custom": value})
    with pytest.raises(ValueError, match="CR, LF"):
        fe.ForwardEmail(api_key="k", accept_language=value)
    with pytest.raises(ValueError, match="CR, LF"):
        client.with_options(headers={"X-Custom": value})
    with pytest.raises(ValueError, match="CR, LF"):
        await session.contacts.update("c1", full_name="N", if_match=value)
    with pytest.raises(ValueError, match="CR, LF"):
        await session.contacts.delete("c1", if_match=value)
    assert fake.requests == []


@pytest.mark.parametrize("name", BAD_HEADER_NAMES + RESERVED_HEADERS, ids=repr)
def test_header_names_must_be_tokens_and_not_framing(client: fe.ForwardEmail, name: str) -> None:
    # A non-token name is sent as is by aiohttp and the server answers 400; a Content-Length
    # or Transfer-Encoding of ours would desynchronise the connection.
    with pytest.raises(ValueError, match="header"):
        fe.ForwardEmail(api_key="k", headers={name: "v"})
    with pytest.raises(ValueError, match="header"):
        client.with_options(headers={name: "v"})


@pytest.mark.parametrize("headers", [{"X-A": 1}, {1: "v"}, {"X-A": b"v"}, {"X-A": None}])
def test_header_types(headers: dict[object, object]) -> None:
    with pytest.raises(TypeError):
        fe.ForwardEmail(api_key="k", headers=headers)  # type: ignore[arg-type]


async def test_tabs_and_unicode_in_header_values_are_allowed(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail
) -> None:
    fake.add_domain(user, DOMAIN)
    async with fe.ForwardEmail(
        api_key=user.api_token, base_url=server.url, headers={"X-Note": "a\tb café"}
    ) as c:
        await c.domains.retrieve(DOMAIN)
    assert fake.requests[-1].headers["X-Note"] == "a\tb café"


# --- client options and base_url --------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        ({"timeout": math.nan}, ValueError),
        ({"connect_timeout": math.nan}, ValueError),
        ({"timeout": -1}, ValueError),
        ({"timeout": True}, TypeError),
        ({"max_concurrency": 1.5}, TypeError),
        ({"max_concurrency": True}, TypeError),
        ({"rate_limit": (10, math.nan)}, ValueError),
        ({"rate_limit": (0, 1.0)}, ValueError),
        ({"api_key": "a:b"}, ValueError),
        ({"api_key": " "}, ValueError),
        ({"api_key": 123}, TypeError),
    ],
)
def test_bad_client_options(kwargs: dict[str, object], exc: type[Exception]) -> None:
    kwargs.setdefault("api_key", "k")
    with pytest.raises(exc):
        fe.ForwardEmail(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        # NaN compares false with everything: max_retries=NaN used to retry forever and
        # deadline=NaN never to end a call.
        ({"max_retries": math.nan}, TypeError),
        ({"max_retries": 1.5}, TypeError),
        ({"max_retries": True}, TypeError),
        ({"deadline": math.nan}, ValueError),
        ({"initial_delay": math.nan}, ValueError),
        ({"max_delay": math.nan}, ValueError),
        ({"max_retry_after": math.nan}, ValueError),
        ({"multiplier": "2"}, TypeError),
    ],
)
def test_bad_retry_policies(kwargs: dict[str, object], exc: type[Exception]) -> None:
    with pytest.raises(exc):
        fe.RetryPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "base_url",
    [
        "http://api.forwardemail.net",  # plain http to a remote host: the key would leak
        "http://localhost.evil.example",  # not a loopback name
        "http://10.0.0.1",
        "https://api.forwardemail.net\r\nX-Evil: 1",  # yarl made it host "...netx-evil"
        "https://api.forwardemail.net /v1",
        "https://\u00b8",  # IDNA turns it into a host with a space in it
        "https://a%20b.example",
        "https://user:pass@api.forwardemail.net",
        "https://api.forwardemail.net/?x=1",
        "https://api.forwardemail.net/#f",
        "file:///etc/passwd",
        "//api.forwardemail.net",
        "",
    ],
)
def test_bad_base_urls_are_refused(base_url: str) -> None:
    with pytest.raises(ValueError, match=r"base_url|http"):
        fe.ForwardEmail(api_key="k", base_url=base_url)


async def test_base_url_trailing_slash_and_path_prefix(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail
) -> None:
    fake.add_domain(user, DOMAIN)
    async with fe.ForwardEmail(api_key=user.api_token, base_url=server.url + "/") as c:
        assert (await c.domains.retrieve(DOMAIN)).name == DOMAIN
    assert fake.requests[-1].raw_path == "/v1/domains/example.com"  # no "//"
    async with fe.ForwardEmail(api_key=user.api_token, base_url=server.url + "/proxy/") as c:
        with pytest.raises(fe.NotFoundError):
            await c.domains.retrieve(DOMAIN)
    assert fake.requests[-1].raw_path == "/proxy/v1/domains/example.com"


def test_plain_http_to_a_remote_host_needs_an_explicit_opt_in() -> None:
    client = fe.ForwardEmail(
        api_key="k", base_url="http://internal.proxy.example", allow_insecure_http=True
    )
    assert client.base_url == "http://internal.proxy.example"
