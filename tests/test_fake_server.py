"""The fake Forward Email server, driven over real HTTP with a plain aiohttp session.

These tests pin the server contract (docs/testing.md lists where it differs from the published
docs): exact error bodies, pagination headers and their bugs, rate-limit semantics on an
injected clock, and every fault kind.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import attrs
import pytest
from multidict import CIMultiDictProxy
from yarl import URL

from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser, Faults, RateLimits

DOMAIN = "example.com"
START = 1_700_000_000.25
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
# aiohttp waits up to 60 s for running handlers at shutdown; a hang that is cut off at once
# ends far below that, however busy the machine.
_SHUTDOWN_BOUND = 30.0

DOMAIN_KEYS = {
    "has_newsletter",
    "ignore_mx_check",
    "has_delivery_logs",
    "has_regex",
    "has_catchall",
    "has_adult_content_protection",
    "has_phishing_protection",
    "has_executable_protection",
    "has_virus_protection",
    "is_catchall_regex_disabled",
    "has_smtp",
    "is_smtp_suspended",
    "has_recipient_verification",
    "has_custom_verification",
    "require_tls_inbound",
    "has_mx_record",
    "has_txt_record",
    "has_dkim_record",
    "has_return_path_record",
    "has_dmarc_record",
    "retention_days",
    "plan",
    "max_recipients_per_alias",
    "smtp_port",
    "allowlist",
    "denylist",
    "restricted_alias_names",
    "members",
    "invites",
    "name",
    "verification_record",
    "id",
    "object",
    "created_at",
    "updated_at",
    "storage_used",
    "storage_used_by_aliases",
    "storage_quota",
    "smtp_dns_records",
    "link",
}
ALIAS_KEYS = {
    "created_at",
    "error_code_if_disabled",
    "has_imap",
    "has_pgp",
    "has_recipient_verification",
    "id",
    "is_enabled",
    "locale",
    "name",
    "object",
    "recipients",
    "retention",
    "storage_location",
    "storage_used",
    "updated_at",
    "labels",
    "pending_recipients",
    "verified_recipients",
    "vacation_responder",
    "user",
    "domain",
}
USER_KEYS = {
    "has_newsletter",
    "max_quota_per_alias",
    "address_country",
    "address_html",
    "created_at",
    "display_name",
    "email",
    "full_email",
    "id",
    "last_locale",
    "locale",
    "object",
    "otp_enabled",
    "opt_out_templates",
    "timezone",
    "plan",
    "sessions",
    "updated_at",
}


class Clock:
    """A settable epoch clock shared by the fake and the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@attrs.frozen
class Reply:
    status: int
    headers: CIMultiDictProxy[str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class Api:
    """A thin caller: Basic auth with the token as username, the body as JSON by default."""

    def __init__(self, session: aiohttp.ClientSession, base: str, token: str | None) -> None:
        self.session, self.base, self.token = session, base, token

    async def __call__(
        self,
        method: str,
        path: str,
        *,
        token: str | None = "",
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Reply:
        sent = {"Accept": "application/json", **(headers or {})}
        key = self.token if token == "" else token
        if key is not None:
            sent["Authorization"] = aiohttp.encode_basic_auth(key, "")
        url = URL(self.base + path, encoded=True)
        async with self.session.request(
            method, url, headers=sent, allow_redirects=False, **kwargs
        ) as response:
            return Reply(response.status, response.headers, await response.text())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> FakeForwardEmail:
    return FakeForwardEmail(clock=clock)


@pytest.fixture
def user(fake: FakeForwardEmail) -> FakeUser:
    return fake.add_user(email="owner@example.net", display_name="Owner")


@pytest.fixture
async def server(fake: FakeForwardEmail) -> AsyncIterator[FakeServer]:
    async with FakeServer(fake) as running:
        yield running


@pytest.fixture
async def api(server: FakeServer, user: FakeUser) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(session, server.url, user.api_token)


@pytest.fixture
def domain(fake: FakeForwardEmail, user: FakeUser) -> str:
    fake.add_domain(user, DOMAIN)
    return DOMAIN


def boom(status: int, error: str, message: str) -> dict[str, Any]:
    return {"statusCode": status, "error": error, "message": message}


# --- authentication and guards ------------------------------------------------------------


async def test_missing_credentials_give_the_exact_pretty_printed_boom(api: Api) -> None:
    reply = await api("GET", "/v1/domains", token=None)
    assert reply.status == 401
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    expected = boom(401, "Unauthorized", "Invalid API credentials.")
    assert reply.text == json.dumps(expected, indent=2)
    assert "WWW-Authenticate" not in reply.headers


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        ("Basic OnNlY3JldA==", "Invalid API credentials."),  # ":secret", a blank username
        ("Bearer abc", "Invalid API credentials."),
        (aiohttp.encode_basic_auth("nope", ""), "Invalid API token."),
    ],
)
async def test_bad_credentials(api: Api, authorization: str, message: str) -> None:
    reply = await api("GET", "/v1/domains", token=None, headers={"Authorization": authorization})
    assert (reply.status, reply.json()) == (401, boom(401, "Unauthorized", message))


@pytest.mark.parametrize(
    ("field", "status", "message"),
    [
        ("verified", 401, "Please verify your email address to continue."),
        ("banned", 403, "Your account has been banned."),
    ],
)
async def test_unverified_and_banned_users(
    api: Api, user: FakeUser, field: str, status: int, message: str
) -> None:
    setattr(user, field, field == "banned")
    reply = await api("GET", "/v1/domains")
    assert reply.json()["message"] == message
    assert reply.status == status


async def test_password_part_is_ignored_and_recorded_without_authorization(
    api: Api, fake: FakeForwardEmail, user: FakeUser
) -> None:
    header = aiohttp.encode_basic_auth(user.api_token, "whatever")
    reply = await api("GET", "/v1/domains?x=1&x=2", token=None, headers={"Authorization": header})
    assert reply.status == 200
    record = fake.requests[-1]
    assert (record.method, record.path, record.query) == ("GET", "/v1/domains", {"x": ["1", "2"]})
    assert record.user_id == user.id and record.status == 200
    assert "Authorization" not in record.headers
    assert record.headers["Accept"] == "application/json"


async def test_free_user_gets_402_on_create_but_may_list(
    api: Api, fake: FakeForwardEmail, clock: Clock
) -> None:
    free = fake.add_user(email="free@example.net", plan="free")
    reply = await api("POST", "/v1/domains", token=free.api_token, json={"domain": "a.example"})
    assert reply.status == 402
    assert reply.json() == boom(
        402,
        "Payment Required",
        "Please upgrade to a paid plan "
        "https://forwardemail.net/en/my-account/billing/upgrade?plan=enhanced_protection "
        "to unlock this feature.",
    )
    assert (await api("GET", "/v1/domains", token=free.api_token)).status == 200


async def test_free_domain_blocks_alias_routes_and_update(
    api: Api, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "free.example", plan="free")
    for method, path in [
        ("GET", "/v1/domains/free.example/aliases"),
        ("PUT", "/v1/domains/free.example"),
    ]:
        reply = await api(method, path, json={})
        assert reply.status == 402, path
    assert (await api("GET", "/v1/domains/free.example")).status == 200


async def test_non_admin_member(
    api: Api, fake: FakeForwardEmail, user: FakeUser, domain: str
) -> None:
    owned = fake.add_alias(domain, "owned")
    member = fake.add_user(email="member@example.net")
    fake.add_member(domain, member, group="user")
    fake.add_alias(domain, "mine", user=member)
    fake.add_invite(domain, "invitee@example.net")
    token = member.api_token
    not_admin = boom(400, "Bad Request", "You do not belong to the administrative user group.")
    assert (await api("PUT", f"/v1/domains/{DOMAIN}", token=token, json={})).json() == not_admin
    assert (await api("DELETE", f"/v1/domains/{DOMAIN}", token=token)).json() == not_admin
    other = await api("GET", f"/v1/domains/{DOMAIN}/aliases/{owned.id}", token=token)
    assert (other.status, other.json()) == (400, not_admin)
    seen = await api("GET", f"/v1/domains/{DOMAIN}", token=token)
    body = seen.json()
    assert [m["user"]["id"] for m in body["members"]] == [member.id]
    assert body["invites"] == []
    assert not {"allowlist", "denylist", "restricted_alias_names"} & body.keys()
    listed = await api("GET", f"/v1/domains/{DOMAIN}/aliases", token=token)
    assert [a["name"] for a in listed.json()] == ["mine"]
    catch_all = await api("POST", f"/v1/domains/{DOMAIN}/aliases", token=token, json={"name": "*"})
    assert catch_all.json()["message"] == "User must be a domain admin to create a catch-all alias."
    quota = await api(
        "POST", f"/v1/domains/{DOMAIN}/aliases", token=token, json={"max_quota": "1 GB"}
    )
    assert quota.json() == not_admin
    admin_view = (await api("GET", f"/v1/domains/{DOMAIN}")).json()
    assert admin_view["invites"][0]["email"] == "invitee@example.net"
    assert len(admin_view["members"]) == 2


async def test_unknown_domain_and_alias(api: Api, domain: str) -> None:
    reply = await api("GET", "/v1/domains/missing.example")
    assert reply.json() == boom(404, "Not Found", "Domain does not exist on your account.")
    reply = await api("GET", f"/v1/domains/{domain}/aliases/nobody")
    assert reply.json() == boom(404, "Not Found", "Alias does not exist on the domain.")


# --- pagination ---------------------------------------------------------------------------


async def test_fifteen_aliases_in_pages_of_ten(
    api: Api, fake: FakeForwardEmail, server: FakeServer, domain: str
) -> None:
    fake.add_aliases(domain, 15)
    base = f"{server.url}/v1/domains/{domain}/aliases"
    first = await api("GET", f"/v1/domains/{domain}/aliases?page=1&limit=10")
    assert len(first.json()) == 10
    assert [first.headers[h] for h in ("X-Page-Count", "X-Page-Current", "X-Page-Size")] == [
        "2",
        "1",
        "10",
    ]
    assert first.headers["X-Item-Count"] == "15"
    assert first.headers["Link"] == (
        f'<{base}?page=2&limit=10>; rel="next", <{base}?page=10&limit=10)>; rel="last", '
        f'<{base}?page=1&limit=10)>; rel="first"'
    )
    second = await api("GET", f"/v1/domains/{domain}/aliases?page=2&limit=10")
    assert len(second.json()) == 5 and second.headers["X-Page-Size"] == "5"
    # `next` although this is the last page: the helper compares page size with page number.
    assert second.headers["Link"] == (
        f'<{base}?page=1&limit=10>; rel="prev", <{base}?page=3&limit=10>; rel="next", '
        f'<{base}?page=5&limit=10)>; rel="last", <{base}?page=1&limit=10)>; rel="first"'
    )


async def test_one_alias_link_matches_the_contract_byte_for_byte(
    api: Api, fake: FakeForwardEmail, server: FakeServer, domain: str
) -> None:
    fake.add_alias(domain, "only")
    reply = await api("GET", f"/v1/domains/{domain}/aliases")
    base = server.url
    assert reply.headers["Link"] == (
        f'<{base}/v1/domains/{domain}/aliases?page=1)>; rel="last", '
        f'<{base}/v1/domains/{domain}/aliases?page=1)>; rel="first"'
    )
    names = ("X-Page-Count", "X-Page-Current", "X-Page-Size", "X-Item-Count")
    assert [reply.headers[name] for name in names] == ["1", "1", "1", "1"]


@pytest.mark.parametrize(
    ("query", "seeded", "count", "size", "current", "items"),
    [
        ("", 0, "0", "1", "1", 0),  # empty list
        ("?page=7&limit=2", 3, "2", "1", "7", 0),  # past the end: [] and the true total
        ("?limit=abc", 60, "2", "50", "1", 50),  # unparseable limit: 50
        ("?page=-3&limit=5000", 60, "1", "60", "1", 60),  # page clamped to 1, limit to 1000
        ("?limit=-1", 60, "Infinity", "60", "1", 60),  # negative limit is 0: no limit at all
    ],
)
async def test_alias_page_normalisation(
    api: Api,
    fake: FakeForwardEmail,
    domain: str,
    query: str,
    seeded: int,
    count: str,
    size: str,
    current: str,
    items: int,
) -> None:
    fake.add_aliases(domain, seeded)
    reply = await api("GET", f"/v1/domains/{domain}/aliases{query}")
    assert len(reply.json()) == items
    assert reply.headers["X-Page-Count"] == count
    assert reply.headers["X-Page-Size"] == size
    assert reply.headers["X-Page-Current"] == current
    assert reply.headers["X-Item-Count"] == str(seeded)


async def test_domains_zero_limit_is_an_empty_page(
    api: Api, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "a.example")
    reply = await api("GET", "/v1/domains?limit=0")
    assert reply.json() == []
    assert (reply.headers["X-Page-Count"], reply.headers["X-Item-Count"]) == ("Infinity", "1")


async def test_link_reserialises_the_query_with_qs(
    api: Api, fake: FakeForwardEmail, server: FakeServer, domain: str
) -> None:
    fake.add_aliases(domain, 3)
    reply = await api("GET", f"/v1/domains/{domain}/aliases?q=ali%20as&x[]=1&limit=1")
    assert reply.headers["X-Item-Count"] == "0"  # "ali as" matches nothing
    first = reply.headers["Link"].split(", ")[-1]
    assert first == (
        f"<{server.url}/v1/domains/{domain}/aliases?q=ali+as&x%5B0%5D=1&limit=1&page=1)>; "
        'rel="first"'
    )


async def test_strip_page_headers(api: Api, fake: FakeForwardEmail, domain: str) -> None:
    fake.add_aliases(domain, 2)
    fake.strip_page_headers = True
    reply = await api("GET", f"/v1/domains/{domain}/aliases")
    assert len(reply.json()) == 2
    assert "X-Page-Count" not in reply.headers and "Link" not in reply.headers


# --- domains ------------------------------------------------------------------------------


async def test_domain_shapes_per_endpoint(api: Api, user: FakeUser) -> None:
    created = (await api("POST", "/v1/domains", json={"domain": "Example.COM"})).json()
    assert set(created) == DOMAIN_KEYS
    assert created["name"] == "example.com" and created["object"] == "domain"
    assert OBJECT_ID.match(created["id"]) and ISO_MS.match(created["created_at"])
    assert created["members"] == [
        {
            "user": {
                "plan": user.plan,
                "email": user.email,
                "display_name": "Owner",
                "id": user.id,
            },
            "group": "admin",
        }
    ]
    assert created["smtp_port"] == "25" and created["max_recipients_per_alias"] > 0
    listed = (await api("GET", "/v1/domains")).json()
    assert set(listed[0]) == DOMAIN_KEYS - {"members", "invites"}
    by_id = (await api("GET", f"/v1/domains/{created['id']}")).json()
    assert by_id == created
    deleted = await api("DELETE", "/v1/domains/example.com")
    assert deleted.status == 200 and deleted.json()["id"] == created["id"]
    assert (await api("GET", "/v1/domains/example.com")).status == 404


@pytest.mark.parametrize(
    ("catchall", "recipients"),
    [
        (False, None),
        ("false", None),
        ("0", None),
        (0, ["owner@example.net"]),  # the JSON number 0 still creates one
        (True, ["owner@example.net"]),
        ("A@x.example, junk b@y.example", ["a@x.example", "b@y.example"]),
    ],
)
async def test_domain_create_catchall_rules(
    api: Api, fake: FakeForwardEmail, catchall: object, recipients: list[str] | None
) -> None:
    reply = await api("POST", "/v1/domains", json={"domain": "c.example", "catchall": catchall})
    assert reply.status == 200
    aliases = fake.aliases_of("c.example")
    assert [a.recipients for a in aliases] == ([recipients] if recipients else [])
    assert all(a.name == "*" and a.labels == ["catch-all"] for a in aliases)


async def test_domain_create_omitted_catchall_and_form_body(
    api: Api, fake: FakeForwardEmail
) -> None:
    reply = await api(
        "POST", "/v1/domains", data={"domain": "f.example", "has_virus_protection": "no"}
    )
    assert reply.json()["has_virus_protection"] is False
    assert [a.name for a in fake.aliases_of("f.example")] == ["*"]
    assert fake.requests[-1].json_body == {"domain": "f.example", "has_virus_protection": "no"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"domain": "http://x.example"}, "Domain name was invalid"),
        ({}, "Domain name was invalid"),
        ({"domain": "d.example", "plan": "gold"}, "Invalid plan selected."),
        ({"domain": "d.example", "catchall": "not-an-email"}, "Alias must have at least one"),
    ],
)
async def test_domain_create_validation(api: Api, body: dict[str, Any], message: str) -> None:
    reply = await api("POST", "/v1/domains", json=body)
    assert reply.status == 400
    assert reply.json()["message"].startswith(message)


async def test_domain_create_duplicate_and_plan_downgrade(api: Api, domain: str) -> None:
    reply = await api("POST", "/v1/domains", json={"domain": domain})
    assert reply.json() == boom(400, "Bad Request", "Domain already exists on your account.")
    team = await api("POST", "/v1/domains", json={"domain": "t.example", "plan": "team"})
    assert team.json()["plan"] == "enhanced_protection"  # silently downgraded to the user's


async def test_domain_update(api: Api, domain: str) -> None:
    path = f"/v1/domains/{domain}"
    ignored = await api("PUT", path, json={"smtp_port": 2525, "retention_days": "7"})
    assert ignored.json()["smtp_port"] == "25"  # a JSON number is silently ignored
    assert ignored.json()["retention_days"] == 7
    updated = await api("PUT", path, json={"smtp_port": "2525", "has_delivery_logs": "yes"})
    assert (updated.json()["smtp_port"], updated.json()["has_delivery_logs"]) == ("2525", True)
    for body, message in [
        ({"smtp_port": "70000"}, "Invalid port number."),
        ({"max_quota_per_alias": 10}, 'Bytes were invalid, must be a string such as "1 GB"'),
        ({"retention_days": 31}, "Path `Retention days` (31) is more than maximum allowed"),
        ({"bounce_webhook": "http://127.0.0.1/x"}, "Localhost and private IP addresses"),
    ]:
        reply = await api("PUT", path, json=body)
        assert reply.status == 400 and reply.json()["message"].startswith(message), body
    quota = await api("PUT", path, json={"max_quota_per_alias": "1 GB"})
    assert quota.json()["max_quota_per_alias"] == 1024**3


async def test_verify_records_and_smtp_answer_plain_text(
    api: Api, fake: FakeForwardEmail, user: FakeUser, domain: str
) -> None:
    failed = await api("GET", f"/v1/domains/{domain}/verify-records")
    assert failed.status == 400
    assert failed.json()["message"].startswith(
        "Multiple errors occurred during record verification.\n * Domain is missing required DNS"
    )
    fake.set_dns_verified(domain, True)
    fake.set_smtp_verified(domain, True)
    records = await api("GET", f"/v1/domains/{domain}/verify-records")
    assert (records.status, records.text) == (200, "Domain's DNS records have been verified.")
    assert records.headers["Content-Type"] == "text/plain; charset=utf-8"
    smtp = await api("GET", f"/v1/domains/{domain}/verify-smtp")
    expected = "You have successfully configured and verified DNS records for outbound SMTP."
    assert (smtp.status, smtp.text) == (200, expected)


# --- aliases ------------------------------------------------------------------------------


@pytest.mark.parametrize("update_shape", ["ids", "objects"])
async def test_alias_shapes_per_endpoint(
    api: Api, fake: FakeForwardEmail, user: FakeUser, domain: str, update_shape: Any
) -> None:
    fake.alias_update_shape = update_shape
    path = f"/v1/domains/{domain}/aliases"
    created = (
        await api("POST", path, json={"name": "Sales", "recipients": ["a@x.example"]})
    ).json()
    assert set(created) == ALIAS_KEYS  # no description: it is absent when empty
    assert set(created["user"]) == USER_KEYS
    nested_domain = DOMAIN_KEYS - {"link", "smtp_dns_records", "storage_used"}
    assert set(created["domain"]) == nested_domain - {"storage_used_by_aliases", "storage_quota"}
    assert created["name"] == "sales"
    small = {"user": {"email", "display_name", "id"}, "domain": {"name", "id"}}
    listed = (await api("GET", path)).json()[0]
    fetched = (await api("GET", f"{path}/sales")).json()
    for shape in (listed, fetched):
        assert set(shape) == ALIAS_KEYS - {"locale"}
        assert {k: set(shape[k]) for k in small} == small
    updated = (await api("PUT", f"{path}/{created['id']}", json={"description": "Hi"})).json()
    assert updated["description"] == "Hi" and updated["recipients"] == ["a@x.example"]
    if update_shape == "ids":
        assert (updated["user"], updated["domain"]) == (user.id, created["domain"]["id"])
    else:
        assert set(updated["user"]) == USER_KEYS
    deleted = await api("DELETE", f"{path}/sales")
    assert deleted.json()["id"] == created["id"]
    assert fake.aliases_of(domain) == []


async def test_alias_defaults_and_coercion(
    api: Api, fake: FakeForwardEmail, user: FakeUser, domain: str
) -> None:
    path = f"/v1/domains/{domain}/aliases"
    blank = (await api("POST", path, json={"name": "  "})).json()
    assert re.fullmatch(r"[a-z]+-[a-z]+", blank["name"])
    assert blank["recipients"] == [user.email]
    form = await api(
        "POST",
        path,
        data={
            "name": "Form",
            "recipients": "b@x.example\na@x.example, b@x.example",
            "labels": "Big Deal, big-deal Ünïcode",
            "is_enabled": "no",
            "error_code_if_disabled": "421",
        },
    )
    body = form.json()
    assert body["recipients"] == ["b@x.example", "a@x.example"]
    assert body["labels"] == ["big", "deal", "big-deal", "unicode"]
    assert (body["is_enabled"], body["error_code_if_disabled"]) == (False, 421)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "a+b"}, 'Aliases cannot have a "+" symbol'),
        ({"name": "!x"}, "Alias must not start with an exclamation point."),
        ({"name": "a<b"}, "Alias name was invalid."),
        ({"name": "/(unclosed/"}, "The regex alias /(unclosed/ has an invalid pattern"),
        (
            {"error_code_if_disabled": 123},
            "Error code if disabled must be either 250, 421, or 550.",
        ),
        ({"recipients": ["not an address!"]}, "Recipient must be a valid email address"),
        ({"name": "*", "is_enabled": False}, "Alias that is a catch-all must be enabled"),
        ({"name": "loop", "recipients": "loop@example.com"}, "Alias forwarding recipients cannot"),
        (
            {"recipients": [f"r{i}@x.example" for i in range(11)]},
            "You have exceeded the maximum count of (10) recipients per alias. Please contact us "
            "https://forwardemail.net/help if",
        ),
        ({"max_quota": 5}, 'Bytes were invalid, must be a string such as "1 GB"'),
        ({"public_key": "not a key"}, "Failed to process public key."),
    ],
)
async def test_alias_validation_messages(
    api: Api, domain: str, body: dict[str, Any], message: str
) -> None:
    reply = await api("POST", f"/v1/domains/{domain}/aliases", json=body)
    assert reply.status == 400
    assert reply.json()["message"].startswith(message)


async def test_duplicate_and_rename_collision(
    api: Api, fake: FakeForwardEmail, domain: str
) -> None:
    fake.add_alias(domain, "taken")
    fake.add_alias(domain, "other")
    path = f"/v1/domains/{domain}/aliases"
    expected = boom(400, "Bad Request", "Alias already exists for domain.")
    assert (await api("POST", path, json={"name": "Taken"})).json() == expected
    assert (await api("PUT", f"{path}/other", json={"name": "taken"})).json() == expected


async def test_regex_alias_name_travels_percent_encoded(api: Api, domain: str) -> None:
    path = f"/v1/domains/{domain}/aliases"
    created = (await api("POST", path, json={"name": "/^support-.*$/"})).json()
    fetched = await api("GET", f"{path}/%2F%5Esupport-.%2A%24%2F")
    assert fetched.json()["id"] == created["id"]


async def test_alias_list_filters_and_sort(api: Api, fake: FakeForwardEmail, domain: str) -> None:
    fake.add_alias(domain, "billing", recipients=["money@x.example"], labels=["finance"])
    fake.add_alias(domain, "support", recipients=["help@y.example"], description="Tickets")
    fake.add_alias(domain, "sales", recipients=["money@y.example"])
    path = f"/v1/domains/{domain}/aliases"

    async def names(query: str) -> list[str]:
        return [a["name"] for a in (await api("GET", f"{path}?{query}")).json()]

    assert await names("q=MONEY") == ["billing", "sales"]
    assert await names("q=tick") == ["support"]
    assert await names("q=finance") == ["billing"]
    assert await names(f"q=sales@{domain}") == ["sales"]
    assert await names("q=y.example&search_filter=name") == []
    assert await names("name=s") == ["support", "sales"]
    assert await names("recipient=y.example") == ["support", "sales"]
    assert await names("sort=-name") == ["support", "sales", "billing"]
    assert await names("sort=bogus") == ["billing", "support", "sales"]


async def test_generate_password(api: Api, fake: FakeForwardEmail, domain: str) -> None:
    fake.add_alias(domain, "imap")
    fake.add_alias(domain, "*")
    path = f"/v1/domains/{domain}/aliases/imap/generate-password"
    first = (await api("POST", path)).json()
    assert first["username"] == f"imap@{domain}" and len(first["password"]) == 24
    again = await api("POST", path)
    assert again.json()["message"].startswith("You must enter the current password for the alias")
    wrong = await api("POST", path, json={"password": "nope"})
    assert (wrong.status, wrong.json()["message"]) == (403, "Password was invalid.")
    both = await api("POST", path, json={"password": "x", "is_override": True})
    assert both.json()["message"].startswith("You cannot enter your current password and also")
    changed = await api(
        "POST", path, json={"password": first["password"], "new_password": "Tr0ub4dor&3xyz!"}
    )
    assert changed.json()["password"] == "Tr0ub4dor&3xyz!"
    for new_password, message in [("weak", "Password strength"), ("a'b\"c", "Quotes")]:
        reply = await api("POST", path, json={"is_override": "true", "new_password": new_password})
        assert reply.json()["message"].startswith(message)
    emailed = await api(
        "POST", path, json={"is_override": True, "emailed_instructions": "Me@X.example"}
    )
    assert emailed.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert emailed.text == "Alias password instructions have been emailed to me@x.example."
    catch_all = await api("POST", f"/v1/domains/{domain}/aliases/*/generate-password")
    assert catch_all.json()["message"] == "Cannot create token for catch-all alias."


def _count_scans(fake: FakeForwardEmail, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the fake's scans of a domain's aliases (one-item list, updated in place)."""
    store, scans = fake._store, [0]

    def counted(domain: Any) -> Any:
        scans[0] += 1
        return type(store).aliases_in(store, domain)

    monkeypatch.setattr(store, "aliases_in", counted)
    return scans


async def test_add_aliases_is_linear_and_ordered(
    fake: FakeForwardEmail, user: FakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Linear whatever the machine's speed: the domain's aliases are scanned as many times
    # for 5,000 new ones as for 10 (not once per alias, as a lookup by name would).
    small = FakeForwardEmail()
    small.add_domain(small.add_user(email=user.email), DOMAIN)
    few = _count_scans(small, monkeypatch)
    small.add_aliases(DOMAIN, 10)
    many = _count_scans(fake, monkeypatch)
    fake.add_domain(user, DOMAIN)
    aliases = fake.add_aliases(DOMAIN, 5_000)
    assert many == few
    stamps = [a.created_at for a in aliases]
    assert stamps == sorted(set(stamps))
    again = FakeForwardEmail(clock=lambda: START)
    again.add_domain(again.add_user(email=user.email), DOMAIN)
    assert [a.id for a in again.add_aliases(DOMAIN, 3)] == [a.id for a in aliases[:3]]


# --- HTTP behaviour -----------------------------------------------------------------------


async def test_trailing_slash_redirects_keeping_the_query(api: Api) -> None:
    reply = await api("GET", "/v1/domains/?page=2")
    assert (reply.status, reply.headers["Location"]) == (301, "/v1/domains?page=2")
    assert "Content-Language" not in reply.headers  # answered before i18n runs


async def test_not_found_and_unknown_method(api: Api, domain: str) -> None:
    not_found = boom(404, "Not Found", "Not Found")
    assert (await api("GET", "/v1/nothing")).json() == not_found
    assert (await api("PATCH", f"/v1/domains/{domain}")).json() == not_found


@pytest.mark.parametrize(
    ("accept", "status", "content_type"),
    [
        ("*/*", 404, "application/json; charset=utf-8"),
        ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", 404, "text/html; charset=utf-8"),
        ("image/png", 406, "application/json; charset=utf-8"),
        ("application/json; charset=utf-8", 406, "application/json; charset=utf-8"),
    ],
)
async def test_accept_negotiation_of_errors(
    api: Api, accept: str, status: int, content_type: str
) -> None:
    reply = await api("GET", "/v1/nothing", headers={"Accept": accept})
    assert (reply.status, reply.headers["Content-Type"]) == (status, content_type)
    if status == 406:
        assert reply.json() == boom(406, "Not Acceptable", "Not Acceptable")


async def test_html_clients_are_sent_back_to_the_referring_page(api: Api) -> None:
    headers = {"Accept": "text/html", "Referer": "https://forwardemail.net/my-account"}
    reply = await api("POST", "/v1/domains", json={}, headers=headers)
    assert (reply.status, reply.headers["Location"]) == (302, headers["Referer"])
    without_referer = await api("POST", "/v1/domains", json={}, headers={"Accept": "text/html"})
    assert without_referer.status == 400
    assert "<title>Internal Server Error</title>" in without_referer.text


async def test_delete_from_the_docs_origin_is_refused(
    api: Api, fake: FakeForwardEmail, domain: str
) -> None:
    reply = await api(
        "DELETE", f"/v1/domains/{domain}", headers={"Origin": "https://forwardemail.net"}
    )
    assert reply.status == 400
    assert reply.json()["message"].startswith("DELETE requests are dummy-proofed")
    assert fake.get_domain(domain).name == domain


async def test_standard_headers(api: Api) -> None:
    reply = await api("GET", "/v1/domains", headers={"X-Request-Id": "abc-123"})
    assert reply.headers["X-Request-Id"] == "abc-123"
    assert reply.headers["Content-Language"] == "en"
    assert re.fullmatch(r"\d+\.\d{3}ms", reply.headers["X-Response-Time"])
    generated = await api("GET", "/v1/domains")
    assert re.fullmatch(r"[0-9a-f-]{36}", generated.headers["X-Request-Id"])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"domain": ', "An internal server error occurred"),
        (b'"just a string"', "invalid JSON, only supports object and array"),
    ],
)
async def test_bad_json_bodies(api: Api, raw: bytes, message: str) -> None:
    reply = await api("POST", "/v1/domains", data=raw, headers={"Content-Type": "application/json"})
    assert reply.json() == boom(400, "Bad Request", message)


# --- rate limiting ------------------------------------------------------------------------


async def test_global_limit_window_on_the_injected_clock(
    api: Api, fake: FakeForwardEmail, clock: Clock
) -> None:
    fake.rate_limits = RateLimits(global_max=3, global_window=60)
    remaining = [(await api("GET", "/v1/domains")).headers["X-RateLimit-Remaining"] for _ in "abc"]
    assert remaining == ["2", "1", "0"]
    clock.advance(10)
    blocked = await api("GET", "/v1/domains")
    assert blocked.status == 429
    assert blocked.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert blocked.text == "Rate limit exceeded, retry in a minute."
    reset = str(math.floor(clock.now + 60))  # always "now + window", recomputed per request
    assert blocked.headers["Retry-After"] == blocked.headers["X-RateLimit-Reset"] == reset
    assert blocked.headers["X-RateLimit-Remaining"] == "0"
    assert "Content-Language" not in blocked.headers
    clock.advance(50)
    assert (await api("GET", "/v1/domains")).headers["X-RateLimit-Remaining"] == "2"


async def test_global_limit_counts_unauthenticated_requests_per_ip(
    api: Api, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.rate_limits.global_max = 2
    other = fake.add_user(email="other@example.net")
    assert (await api("GET", "/v1/domains", token=None)).status == 401
    assert (await api("GET", "/v1/domains", token=other.api_token)).status == 200
    assert (await api("GET", "/v1/domains")).status == 429
    fake.rate_limits.global_key = "user"
    fake.reset_rate_limits()
    for token in (user.api_token, other.api_token, user.api_token, other.api_token):
        assert (await api("GET", "/v1/domains", token=token)).status == 200


async def test_create_alias_limit_counts_after_validation(
    api: Api, fake: FakeForwardEmail, clock: Clock, domain: str
) -> None:
    fake.rate_limits.create_alias_max = 2
    path = f"/v1/domains/{domain}/aliases"
    invalid = await api("POST", path, json={"error_code_if_disabled": 1})
    assert invalid.headers["X-RateLimit-Limit"] == "1000"  # rejected before the route limiter
    model_error = await api("POST", path, json={"name": "a+b"})
    assert model_error.headers["X-RateLimit-Remaining"] == "1"  # the model runs after it
    assert (await api("POST", path, json={"name": "one"})).headers["X-RateLimit-Limit"] == "2"
    blocked = await api("POST", path, json={"name": "two"})
    assert blocked.status == 429
    assert blocked.text == "Rate limit exceeded, retry in 1 day."
    assert blocked.headers["Retry-After"] == str(math.floor(clock.now + 86_400))
    clock.advance(3_600)
    assert (await api("POST", path, json={"name": "two"})).text.endswith("retry in 23 hours.")
    clock.advance(86_400)
    assert (await api("POST", path, json={"name": "two"})).status == 200


async def test_rate_limits_changed_while_running_apply_to_open_windows(
    api: Api, fake: FakeForwardEmail, clock: Clock, domain: str
) -> None:
    path = f"/v1/domains/{domain}/aliases"
    for name in ("one", "two", "three"):
        assert (await api("POST", path, json={"name": name})).status == 200
    # Lowered below what this window already let through: the next create is refused at once.
    fake.rate_limits.create_alias_max = 2
    blocked = await api("POST", path, json={"name": "four"})
    assert blocked.status == 429 and blocked.text == "Rate limit exceeded, retry in 1 day."
    assert blocked.headers["X-RateLimit-Limit"] == "2"
    assert blocked.headers["X-RateLimit-Remaining"] == "0"
    # Raised again: the same window, counted against the new limit (3 used of 5).
    fake.rate_limits.create_alias_max = 5
    allowed = await api("POST", path, json={"name": "four"})
    assert allowed.status == 200 and allowed.headers["X-RateLimit-Remaining"] == "1"
    # A shorter window ends the open one once it has lasted that long.
    fake.rate_limits.create_alias_max = 4
    assert (await api("POST", path, json={"name": "five"})).status == 429
    fake.rate_limits.route_window = 3_600
    clock.advance(3_599)
    assert (await api("POST", path, json={"name": "five"})).text.endswith("retry in 1 second.")
    clock.advance(1)
    fresh = await api("POST", path, json={"name": "five"})
    assert fresh.status == 200 and fresh.headers["X-RateLimit-Remaining"] == "3"
    # The global limiter too, and replacing the whole object works the same way.
    fake.rate_limits = RateLimits(global_max=1)
    assert (await api("GET", "/v1/domains")).status == 429


# --- faults -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "content_type", "body"),
    [
        ("503", 503, "application/json", '"message": "Service Unavailable"'),
        ("500", 500, "application/json", '"message": "An internal server error occurred"'),
        ("502_html", 502, "text/html", "<title>502 Bad Gateway</title>"),
        ("504_empty", 504, None, ""),
    ],
)
async def test_error_faults(
    api: Api,
    fake: FakeForwardEmail,
    kind: Any,
    status: int,
    content_type: str | None,
    body: str,
) -> None:
    fake.faults.script(kind, method="GET", path="/v1/domains")
    reply = await api("GET", "/v1/domains")
    assert reply.status == status and body in reply.text
    if content_type:
        assert reply.headers["Content-Type"].startswith(content_type)
    assert fake.requests[-1].status == status
    assert (await api("GET", "/v1/domains")).status == 200  # used up


async def test_reset_closes_the_socket_before_processing(
    api: Api, fake: FakeForwardEmail, domain: str
) -> None:
    fake.faults.script("reset", method="POST")
    with pytest.raises(aiohttp.ClientConnectionError):
        await api("POST", f"/v1/domains/{domain}/aliases", json={"name": "lost"})
    assert fake.aliases_of(domain) == []
    assert (fake.requests[-1].method, fake.requests[-1].status) == ("POST", None)


async def test_commit_then_drop_keeps_the_change(
    api: Api, fake: FakeForwardEmail, domain: str
) -> None:
    fake.faults.script("commit_then_drop", method="POST")
    with pytest.raises(aiohttp.ClientConnectionError):
        await api("POST", f"/v1/domains/{domain}/aliases", json={"name": "kept"})
    assert [a.name for a in fake.aliases_of(domain)] == ["kept"]
    assert sum(r.method == "POST" for r in fake.requests) == 1


async def test_hang_times_out_then_the_server_stops_cleanly(
    fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.faults.script("hang")
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession() as session:
        async with FakeServer(fake) as server:
            api = Api(session, server.url, user.api_token)
            # 1 s: ample for the request to reach the fake on a loaded machine.
            with pytest.raises(asyncio.TimeoutError):
                await api("POST", "/v1/domains", timeout=aiohttp.ClientTimeout(total=1.0))
            assert (await api("GET", "/v1/domains")).status == 200
            stopping = loop.time()
        assert loop.time() - stopping < _SHUTDOWN_BOUND
    assert fake.requests[0].status is None


async def test_shutdown_cuts_off_a_hanging_request(fake: FakeForwardEmail, user: FakeUser) -> None:
    fake.faults.script("hang")
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession() as session:
        async with FakeServer(fake) as server:
            api = Api(session, server.url, user.api_token)
            waiting = asyncio.ensure_future(api("POST", "/v1/domains"))
            while not fake.requests:
                await asyncio.sleep(0)
            stopping = loop.time()
        assert loop.time() - stopping < _SHUTDOWN_BOUND
        with pytest.raises(aiohttp.ClientConnectionError):
            await waiting


async def test_start_and_stop_keep_a_server_without_a_block() -> None:
    server = await FakeServer().start()
    assert server.url.startswith("http://127.0.0.1:")
    try:
        with pytest.raises(RuntimeError, match="already running"):
            await server.start()
        async with aiohttp.ClientSession() as session:
            api = Api(session, server.url, server.api_key)
            assert server.user is not None
            server.fake.add_domain(server.user, "example.com")
            assert (await api("GET", "/v1/domains")).status == 200
            await server.stop()
            assert not server.running
            with pytest.raises(RuntimeError, match=r"await FakeServer\(\)\.start\(\)"):
                _ = server.url
            with pytest.raises(aiohttp.ClientConnectionError):
                await api("GET", "/v1/domains")
            await server.stop()  # a second stop does nothing
            await server.start()  # the same fake, served again
            api = Api(session, server.url, server.api_key)
            answer = await api("GET", "/v1/domains")
            assert [domain["name"] for domain in answer.json()] == ["example.com"]
    finally:
        await server.stop()


async def test_stall_body_sends_headers_then_stalls(fake: FakeForwardEmail, user: FakeUser) -> None:
    # Half the body arrives and the rest never does: the server's shutdown is what ends the
    # response, cut short (no timer involved).
    fake.faults.script("stall_body")
    headers = {"Authorization": aiohttp.encode_basic_auth(str(user.api_token), "")}
    async with aiohttp.ClientSession() as session:
        async with FakeServer(fake) as server:
            response = await session.get(URL(server.url + "/v1/domains"), headers=headers)
            assert response.status == 200 and response.content_length is not None
            half = await response.content.readexactly(response.content_length // 2)
            assert half.startswith(b"[")
        with pytest.raises(aiohttp.ClientPayloadError):
            await response.read()
        response.release()


@pytest.mark.parametrize("kind", ["truncated_json", "wrong_content_type"])
async def test_mangled_answers(api: Api, fake: FakeForwardEmail, domain: str, kind: Any) -> None:
    fake.faults.script(kind)
    reply = await api("GET", f"/v1/domains/{domain}")
    assert reply.status == 200
    if kind == "truncated_json":
        assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
        with pytest.raises(json.JSONDecodeError):
            reply.json()
    else:
        assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
        assert reply.json()["name"] == domain


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("epoch", str(math.ceil(START + 30))),
        ("seconds", "30"),
        ("http-date", "Tue, 14 Nov 2023 22:13:51 GMT"),
        ("huge", "31536000"),
        ("none", None),
    ],
)
async def test_scripted_429_retry_after_forms(
    api: Api, fake: FakeForwardEmail, form: str, expected: str | None
) -> None:
    fake.faults.script("429", retry_after=form)
    reply = await api("GET", "/v1/domains")
    assert (reply.status, reply.text) == (429, "Rate limit exceeded, retry in a minute.")
    assert reply.headers.get("Retry-After") == expected


async def test_redirect_and_custom_response_faults(api: Api, fake: FakeForwardEmail) -> None:
    fake.faults.script("redirect_301", method="DELETE")
    fake.faults.script("response", status=418, body={"teapot": True}, headers={"X-A": "b"})
    moved = await api("DELETE", "/v1/domains/x.example?y=1")
    assert (moved.status, moved.headers["Location"]) == (301, "/v1/domains/x.example?y=1")
    custom = await api("GET", "/v1/domains")
    assert (custom.status, custom.json(), custom.headers["X-A"]) == (418, {"teapot": True}, "b")
    assert fake.faults.pending == 0


async def test_scripted_faults_match_method_path_and_count(
    api: Api, fake: FakeForwardEmail, domain: str
) -> None:
    fake.faults.script("503", count=2, method="get", path="/v1/domains/")
    assert fake.faults.pending == 2
    assert (await api("GET", "/v1/domains")).status == 200  # path prefix does not match
    assert (await api("PUT", f"/v1/domains/{domain}", json={})).status == 200
    statuses = [(await api("GET", f"/v1/domains/{domain}")).status for _ in range(3)]
    assert statuses == [503, 503, 200]
    fake.faults.script("500")
    fake.faults.clear()
    assert (await api("GET", "/v1/domains")).status == 200
    with pytest.raises(ValueError, match="unknown fault kind"):
        fake.faults.script("boom")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="takes no option"):
        fake.faults.script("500", retry_after="epoch")


async def test_random_faults_are_reproducible_with_a_seed(user: FakeUser) -> None:
    async def statuses(seed: int) -> list[int]:
        fake = FakeForwardEmail(seed=seed, faults=Faults(rate_503=0.5, methods={"GET"}))
        owner = fake.add_user(email=user.email)
        async with FakeServer(fake) as server, aiohttp.ClientSession() as session:
            api = Api(session, server.url, owner.api_token)
            result = [(await api("GET", "/v1/domains")).status for _ in range(12)]
            assert (await api("POST", "/v1/domains", json={"domain": "a.example"})).status == 200
            return result

    first = await statuses(7)
    assert set(first) == {200, 503}
    assert await statuses(7) == first


async def test_latency_delays_matching_requests(api: Api, fake: FakeForwardEmail) -> None:
    fake.faults.latency, fake.faults.path_prefix = 0.05, "/v1/domains"
    started = time.perf_counter()
    assert (await api("GET", "/v1/domains")).status == 200
    assert time.perf_counter() - started >= 0.05
    # An hour's latency on other paths: this request ends only because none applies.
    fake.faults.latency, fake.faults.path_prefix = 3600, "/v1/other"
    assert (await asyncio.wait_for(api("GET", "/v1/domains"), 300)).status == 200


async def test_default_server_has_a_ready_user() -> None:
    async with FakeServer() as server, aiohttp.ClientSession() as session:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
        reply = await Api(session, server.url, server.api_key)("GET", "/v1/domains")
        assert reply.status == 200
        assert server.fake.users[0].email == "user@example.com"
