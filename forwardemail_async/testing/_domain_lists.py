"""``PUT /v1/domains/:domain_id/allowlist``, ``…/denylist`` and
``POST /v1/domains/:domain_id/test-s3-connection`` (routes at f79b8d49).

Guards, in order: ``retrieveDomain`` (404), ``ensureDomainAdmin`` (400), ``enforcePaidPlan``
and ``ensureUpgradedPlan`` (402); the list updates then pass a 100-a-day limiter each and
answer the full domain. The S3 test talks to a simulated S3 world: the buckets registered
with :meth:`FakeS3Storage.add_bucket`, and the settings saved on a domain with
:meth:`FakeS3Storage.save_settings`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import attrs
from aiohttp import web

from . import _phrases as phrases
from ._boom import BoomError, json_response
from ._checks import is_private_host
from ._context import Ctx, Route
from ._guards import domain_for, enforce_paid_plan, ensure_domain_admin, ensure_upgraded_plan
from ._shapes import domain_object
from ._state import FakeDomain, FakeUser
from ._text import format_phrase, is_email, is_fqdn, is_ip, is_sanb

if TYPE_CHECKING:
    from ._fake import FakeForwardEmail

__all__ = ["ROUTES", "FakeS3Bucket", "FakeS3Settings", "FakeS3Storage", "s3_storage"]

UPDATE_LIST_MAX = 100
MAX_LIST_ENTRIES = 1000
# split-lines, then helpers/split-by-comma, then spaces.
_SEPARATORS = re.compile(r"\r\n|\r|\n|,| ")


@attrs.define(eq=False)
class FakeS3Bucket:
    """A bucket of the simulated S3 world, reachable at ``endpoint``'s host name."""

    endpoint: str
    name: str
    access_key_id: str
    secret_access_key: str = attrs.field(repr=False)
    is_public: bool = False


@attrs.define(eq=False)
class FakeS3Settings:
    """The custom S3 settings saved on a domain (what the test falls back to)."""

    endpoint: str | None = None
    region: str | None = None
    bucket: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = attrs.field(default=None, repr=False)


@attrs.define(eq=False)
class FakeS3Storage:
    """Every S3 bucket the fake can reach, and the S3 settings saved per domain id."""

    buckets: list[FakeS3Bucket] = attrs.field(factory=list)
    saved: dict[str, FakeS3Settings] = attrs.field(factory=dict)

    def add_bucket(
        self,
        endpoint: str,
        name: str,
        *,
        access_key_id: str,
        secret_access_key: str,
        is_public: bool = False,
    ) -> FakeS3Bucket:
        """Make a bucket reachable; endpoints with no bucket do not resolve."""
        bucket = FakeS3Bucket(endpoint, name, access_key_id, secret_access_key, is_public)
        self.buckets.append(bucket)
        return bucket

    def save_settings(self, domain: FakeDomain, **settings: str | None) -> FakeS3Settings:
        """Store S3 settings on ``domain`` (``endpoint``, ``region``, ``bucket``,
        ``access_key_id``, ``secret_access_key``), as the web app's settings page would."""
        saved = self.saved[domain.id] = FakeS3Settings(**settings)
        return saved


def s3_storage(fake: FakeForwardEmail) -> FakeS3Storage:
    """The simulated S3 world of ``fake`` (buckets and saved domain settings)."""
    return fake._store.resource("s3_storage", FakeS3Storage)


def _admin_paid_domain(ctx: Ctx) -> tuple[FakeUser, FakeDomain]:
    user = ctx.api_token_user()
    domain, group = domain_for(ctx, user)
    ensure_domain_admin(group)
    enforce_paid_plan(user, domain, group)
    ensure_upgraded_plan(domain)
    return user, domain


def _parse_entries(value: object) -> list[str]:
    """update-allowlist-and-denylist.js, then the domain model's cleanup and validation.

    Anything but a non-blank string (a JSON array included) empties the list; entries that
    are not an IP, a domain name or an email address are dropped without a word.
    """
    if not is_sanb(value):
        return []
    entries: list[str] = []
    for part in _SEPARATORS.split(value):
        entry = part.lower().strip()
        if entry and entry not in entries and (is_ip(entry) or is_fqdn(entry) or is_email(entry)):
            entries.append(entry)
    if len(entries) > MAX_LIST_ENTRIES:
        message = format_phrase(phrases.ALLOWLIST_DENYLIST_EXCEEDS_LIMIT, MAX_LIST_ENTRIES)
        raise BoomError(400, message)
    return entries


async def update_allowlist(ctx: Ctx) -> web.Response:
    """PUT allowlist: replaces ``domain.allowlist``; answers the full domain."""
    return _update_list(ctx, "allowlist")


async def update_denylist(ctx: Ctx) -> web.Response:
    """PUT denylist: replaces ``domain.denylist``; answers the full domain."""
    return _update_list(ctx, "denylist")


def _update_list(ctx: Ctx, kind: str) -> web.Response:
    user, domain = _admin_paid_domain(ctx)
    ctx.limit_route(f"update {kind}", UPDATE_LIST_MAX, user.id)
    setattr(domain, kind, _parse_entries(ctx.body.get(kind)))
    domain.updated_at = ctx.store.now_ms()
    return json_response(domain_object(domain, user))


async def check_s3_connection(ctx: Ctx) -> web.Response:
    """POST test-s3-connection: body fields first, saved settings for the rest, then a
    HeadBucket against the simulated S3 world and the public-bucket check."""
    _, domain = _admin_paid_domain(ctx)
    saved = s3_storage(ctx.fake).saved.get(domain.id) or FakeS3Settings()
    body = ctx.body

    def pick(field: str, fallback: str | None) -> str | None:
        value = body.get(f"s3_{field}")
        return value if is_sanb(value) else fallback

    endpoint = pick("endpoint", saved.endpoint)
    bucket_name = pick("bucket", saved.bucket)
    access_key_id = pick("access_key_id", saved.access_key_id)
    secret = pick("secret_access_key", saved.secret_access_key)
    if not (endpoint and bucket_name and access_key_id and secret):
        raise BoomError(400, phrases.CUSTOM_S3_REQUIRED_FIELDS)
    host = _endpoint_host(endpoint)
    reachable = [b for b in s3_storage(ctx.fake).buckets if _endpoint_host(b.endpoint) == host]
    # A private host is refused before any lookup; an unknown one does not resolve.
    if host is None or is_private_host(host) or not reachable:
        raise BoomError(400, phrases.CUSTOM_S3_INVALID_ENDPOINT)
    bucket = next((b for b in reachable if b.name == bucket_name), None)
    if bucket is None:
        raise BoomError(400, format_phrase(phrases.CUSTOM_S3_TEST_FAILED, "Bucket not found"))
    # HeadBucket has no response body: bad credentials come back as a bare 403 ("Forbidden").
    if (bucket.access_key_id, bucket.secret_access_key) != (access_key_id, secret):
        raise BoomError(400, format_phrase(phrases.CUSTOM_S3_TEST_FAILED, "Access denied"))
    if bucket.is_public:
        raise BoomError(400, phrases.CUSTOM_S3_PUBLIC_BUCKET)
    return json_response({"message": phrases.CUSTOM_S3_TEST_SUCCESS})


def _endpoint_host(endpoint: str) -> str | None:
    """The host of an ``isURL`` http(s) URL with a protocol, lowercased; ``None`` if invalid."""
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return host if is_ip(host) or is_fqdn(host) else None


_DOMAIN = "/v1/domains/{domain_id}"
ROUTES = [
    Route("PUT", _DOMAIN + "/allowlist", update_allowlist),
    Route("PUT", _DOMAIN + "/denylist", update_denylist),
    Route("POST", _DOMAIN + "/test-s3-connection", check_s3_connection),
]
