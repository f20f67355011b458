"""client.domains.update_allowlist / update_denylist / test_s3_connection against the fake."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest

import forwardemail_async as fe
from forwardemail_async.testing import (
    FakeDomain,
    FakeForwardEmail,
    FakeServer,
    FakeUser,
    s3_storage,
)

from .server_rules import server_refuses

DOMAIN = "example.com"
ENDPOINT = "https://s3.example.net"
SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def domain(fake: FakeForwardEmail, user: FakeUser) -> FakeDomain:
    return fake.add_domain(user, DOMAIN)


@pytest.fixture
async def member_client(
    server: FakeServer, fake: FakeForwardEmail, domain: FakeDomain, clock: fe.ManualClock
) -> AsyncIterator[fe.ForwardEmail]:
    member = fake.add_user(email="member@example.net")
    fake.add_member(domain, member)
    async with fe.ForwardEmail(api_key=member.api_token, base_url=server.url, clock=clock) as c:
        yield c


# --- allowlist and denylist ---------------------------------------------------------------------


async def test_update_allowlist_replaces_the_list(
    client: fe.ForwardEmail, fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    updated = await client.domains.update_allowlist(
        DOMAIN, ["Trusted.Example.org", " 192.0.2.7", "boss@example.net", "trusted.example.org"]
    )
    # The server lowercases and de-duplicates; the answer is the full domain.
    assert updated.allowlist == ["trusted.example.org", "192.0.2.7", "boss@example.net"]
    assert updated.members is not None
    assert domain.allowlist == updated.allowlist
    sent = fake.requests[-1]
    assert (sent.method, sent.path) == ("PUT", "/v1/domains/example.com/allowlist")
    # Sent as text: the server empties the list when it gets a JSON array.
    assert sent.json_body == {
        "allowlist": "Trusted.Example.org\n192.0.2.7\nboss@example.net\ntrusted.example.org"
    }
    assert client.rate_limit is not None and client.rate_limit.limit == 100

    cleared = await client.domains.update_allowlist(DOMAIN, [])
    assert cleared.allowlist == [] == domain.allowlist


async def test_update_denylist_leaves_the_allowlist_alone(
    client: fe.ForwardEmail, domain: FakeDomain
) -> None:
    domain.allowlist = ["friend.example.org"]
    updated = await client.domains.update_denylist(domain.id, ("spam.example.org", "203.0.113.9"))
    assert updated.denylist == ["spam.example.org", "203.0.113.9"]
    assert updated.allowlist == ["friend.example.org"]


async def test_list_updates_need_an_admin_a_paid_domain_and_at_most_1000_entries(
    client: fe.ForwardEmail, member_client: fe.ForwardEmail, domain: FakeDomain
) -> None:
    with pytest.raises(fe.NotAdminError):
        await member_client.domains.update_denylist(DOMAIN, ["spam.example.org"])
    with pytest.raises(fe.NotFoundError) as unknown:
        await client.domains.update_allowlist("other.example", ["a.example.org"])
    assert unknown.value.message == "Domain does not exist on your account."
    entries = [f"host{n}.example.org" for n in range(1001)]
    with pytest.raises(fe.BadRequestError) as too_many:
        await client.domains.update_allowlist(DOMAIN, entries)
    assert too_many.value.message == (
        "The domain's custom allowlist or denylist exceeds the limit of 1000 entries."
    )
    assert domain.allowlist == []
    domain.plan = "free"
    with pytest.raises(fe.PaymentRequiredError):
        await client.domains.update_allowlist(DOMAIN, ["a.example.org"])


@pytest.mark.usefixtures("domain")
async def test_fake_follows_the_servers_parsing_of_list_bodies(
    server: FakeServer, user: FakeUser, domain: FakeDomain
) -> None:
    headers = {"Authorization": aiohttp.encode_basic_auth(user.api_token, "")}
    url = f"{server.url}/v1/domains/{DOMAIN}/allowlist"
    async with aiohttp.ClientSession(headers=headers) as session:
        body = {"allowlist": "a.example.org, B.example.org\n*.bad  not_an_entry 10.0.0.1"}
        async with session.put(url, json=body) as response:
            assert response.status == 200
        # Invalid entries are dropped without a word.
        assert domain.allowlist == ["a.example.org", "b.example.org", "10.0.0.1"]
        async with session.put(url, json={"allowlist": ["a.example.org"]}) as response:
            assert response.status == 200
        # A JSON array is not a string: the list is emptied.
        assert domain.allowlist == []


@pytest.mark.parametrize("entries", ["a.example.org", [b"a.example.org"], [None]])
async def test_list_entries_of_the_wrong_type_are_refused_before_sending(
    client: fe.ForwardEmail, fake: FakeForwardEmail, entries: object
) -> None:
    with pytest.raises(TypeError):  # a bare string is not a list of entries
        await client.domains.update_allowlist(DOMAIN, entries)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="domain"):
        await client.domains.update_denylist("a/b", ["a.example.org"])
    assert fake.requests == []


async def test_the_server_decides_which_entries_it_keeps(
    client: fe.ForwardEmail, fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    # What an entry may be is the server's rule: it drops the others, and the answer shows
    # what it kept. One request, nothing refused here.
    entries = ["a.example.org", "*.example.org", "10.0.0.0/8", "localhost", "b.example.org c.io"]
    await client.domains.update_allowlist(DOMAIN, entries)
    assert len(fake.requests) == 1
    assert domain.allowlist == ["a.example.org", "b.example.org", "c.io"]


# --- custom S3 connection test ------------------------------------------------------------------


@pytest.fixture
def bucket(fake: FakeForwardEmail) -> str:
    s3_storage(fake).add_bucket(
        ENDPOINT, "backups", access_key_id="AKIDEXAMPLE", secret_access_key=SECRET
    )
    return "backups"


@pytest.mark.usefixtures("bucket")
async def test_s3_connection_with_given_and_saved_settings(
    client: fe.ForwardEmail, fake: FakeForwardEmail, domain: FakeDomain
) -> None:
    result = await client.domains.test_s3_connection(
        DOMAIN,
        endpoint=ENDPOINT,
        region="auto",
        bucket="backups",
        access_key_id="AKIDEXAMPLE",
        secret_access_key=SECRET,
    )
    assert result == fe.StatusMessage(
        message="Successfully connected to your custom S3 storage. Credentials are valid and "
        "the bucket is accessible."
    )
    assert fake.requests[-1].json_body == {
        "s3_endpoint": ENDPOINT,
        "s3_region": "auto",
        "s3_bucket": "backups",
        "s3_access_key_id": "AKIDEXAMPLE",
        "s3_secret_access_key": SECRET,
    }
    # Whatever is left out comes from the domain's saved settings.
    s3_storage(fake).save_settings(
        domain, endpoint=ENDPOINT, bucket="backups", access_key_id="AKIDEXAMPLE"
    )
    assert (await client.domains.test_s3_connection(DOMAIN, secret_access_key=SECRET)).message
    s3_storage(fake).saved[domain.id].secret_access_key = SECRET
    assert (await client.domains.test_s3_connection(DOMAIN)).message.startswith("Successfully")


@pytest.mark.usefixtures("domain", "bucket")
@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"secret_access_key": "wrong"},
            "Failed to connect to your custom S3 storage: Access denied",
        ),
        ({"bucket": "nope"}, "Failed to connect to your custom S3 storage: Bucket not found"),
        ({"endpoint": "https://s3.unknown.example"}, "Endpoint URL must start with https://"),
        ({"endpoint": "http://10.0.0.5:9000"}, "Endpoint URL must start with https://"),
        ({"endpoint": "https://minio.internal"}, "Endpoint URL must start with https://"),
        ({"access_key_id": None}, "Custom S3 storage requires all fields to be filled in"),
    ],
)
async def test_s3_connection_failures_carry_the_servers_reason(
    client: fe.ForwardEmail, settings: dict[str, str | None], message: str
) -> None:
    arguments: dict[str, str | None] = {
        "endpoint": ENDPOINT,
        "bucket": "backups",
        "access_key_id": "AKIDEXAMPLE",
        "secret_access_key": SECRET,
        **settings,
    }
    with pytest.raises(fe.BadRequestError) as info:
        await client.domains.test_s3_connection(DOMAIN, **arguments)
    assert info.value.message.startswith(message)


async def test_public_buckets_and_non_admins_are_refused(
    client: fe.ForwardEmail, member_client: fe.ForwardEmail, fake: FakeForwardEmail
) -> None:
    s3_storage(fake).add_bucket(
        ENDPOINT, "open", access_key_id="AK", secret_access_key="SK", is_public=True
    )
    arguments = {"endpoint": ENDPOINT, "bucket": "open", "access_key_id": "AK"}
    with pytest.raises(fe.BadRequestError) as public:
        await client.domains.test_s3_connection(DOMAIN, **arguments, secret_access_key="SK")
    assert public.value.message.startswith("The S3 bucket you specified is publicly accessible.")
    with pytest.raises(fe.NotAdminError):
        await member_client.domains.test_s3_connection(DOMAIN, **arguments, secret_access_key="SK")


@pytest.mark.usefixtures("domain", "bucket")
async def test_the_s3_secret_stays_out_of_logs_and_errors(
    client: fe.ForwardEmail, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await client.domains.test_s3_connection(
        DOMAIN,
        endpoint=ENDPOINT,
        bucket="backups",
        access_key_id="AKIDEXAMPLE",
        secret_access_key=SECRET,
    )
    with pytest.raises(fe.BadRequestError) as info:
        await client.domains.test_s3_connection(
            DOMAIN,
            endpoint=ENDPOINT,
            bucket="missing",
            access_key_id="AKIDEXAMPLE",
            secret_access_key=SECRET,
        )
    assert caplog.records
    assert SECRET not in caplog.text
    assert SECRET not in f"{info.value!s} {info.value!r} {info.value.body!r}"


@pytest.mark.parametrize(
    "arguments", [{"secret_access_key": 123}, {"bucket": ["backups"]}, {"endpoint": b"x"}]
)
async def test_s3_settings_of_the_wrong_type_are_refused_before_sending(
    client: fe.ForwardEmail, fake: FakeForwardEmail, arguments: dict[str, object]
) -> None:
    with pytest.raises(TypeError):
        await client.domains.test_s3_connection(DOMAIN, **arguments)  # type: ignore[arg-type]
    assert fake.requests == []


@pytest.mark.usefixtures("bucket")
@pytest.mark.parametrize("endpoint", ["s3.example.net", "ftp://s3.example.net", "https://"])
async def test_the_server_judges_s3_endpoints(
    client: fe.ForwardEmail, fake: FakeForwardEmail, domain: FakeDomain, endpoint: str
) -> None:
    call = client.domains.test_s3_connection(
        DOMAIN, endpoint=endpoint, bucket="backups", access_key_id="AK", secret_access_key="SK"
    )
    await server_refuses(fake, call, "Endpoint URL must start with https://")
