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
from urllib.parse import urlsplit

from aiohttp import web

from . import _phrases as phrases
from ._boom import BoomError, json_response
from ._checks import is_private_host
from ._context import Ctx, Route
from ._guards import domain_for, enforce_paid_plan, ensure_domain_admin, ensure_upgraded_plan
from ._shapes import domain_object
from ._state import FakeDomain, FakeS3Settings, FakeUser
from ._text import format_phrase, is_email, is_fqdn, is_ip, is_sanb

__all__ = ["ROUTES"]

UPDATE_LIST_MAX = 100
MAX_LIST_ENTRIES = 1000
# split-lines, then helpers/split-by-comma, then spaces.
_SEPARATORS = re.compile(r"\r\n|\r|\n|,| ")


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
    saved = ctx.store.s3.saved.get(domain.id) or FakeS3Settings()
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
    reachable = [b for b in ctx.store.s3.buckets if _endpoint_host(b.endpoint) == host]
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
