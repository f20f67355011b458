"""``GET /v1/logs/download`` (contract §4.3) and the public ``POST /v1/encrypt`` (§4.4).

The fake keeps no delivery logs: a download succeeds whenever the server would build a
query, that is when at least one paid domain is in scope, since it answers before the
report (possibly empty) is made and emailed.
"""

from __future__ import annotations

import base64
import re

from aiohttp import web

from . import _phrases as phrases
from ._boom import BoomError, text_response
from ._context import Ctx, Route
from ._guards import enforce_paid_plan
from ._ip_limit import limit_ip
from ._text import is_fqdn, is_sanb

__all__ = ["ROUTES"]

DOWNLOAD_LOGS_MAX = 20
ENCRYPT_MAX = 50
_MAX_INPUT = 1000
# chacha20-poly1305 output as helpers/encrypt-decrypt.js lays it out: IV and tag, then data.
_IV_AND_TAG_BYTES = 32
_PREFIX = re.compile(r"forward-email=", re.IGNORECASE)
_PORT_PREFIX = re.compile(r"forward-email-port=", re.IGNORECASE)


async def download_logs(ctx: Ctx) -> web.Response:
    """GET: list-logs.js up to the point where the report is emailed in the background."""
    user = ctx.api_token_user()
    enforce_paid_plan(user)
    ctx.limit_route("download logs", DOWNLOAD_LOGS_MAX, user.id)
    wanted = _wanted_domains(ctx)
    domains = [
        domain
        for domain in ctx.store.domains_of(user)
        if domain.plan != "free" and (not wanted or domain.name in wanted)
    ]
    is_admin = any(domain.group_of(user) == "admin" for domain in domains)
    # Non-admin members only get logs of their own ordinary aliases.
    owns_alias = any(
        alias.user is user and alias.name != "*" and not alias.name.startswith("/")
        for domain in domains
        for alias in ctx.store.aliases_in(domain)
    )
    if not (is_admin or owns_alias):
        raise BoomError(400, phrases.NO_RESULTS_FOUND)
    return text_response(phrases.LOG_DOWNLOAD_IN_PROGRESS)


def _wanted_domains(ctx: Ctx) -> set[str]:
    """``?domain``/``?domains``: comma lists or repeated keys; names that are not FQDNs are
    silently dropped (so a query of only bad names means "every domain")."""
    names: set[str] = set()
    for key in ("domain", "domains"):
        value = ctx.query.get(key)
        parts = value.split(",") if isinstance(value, str) else value or []
        names.update(part.lower() for part in parts if is_sanb(part) and is_fqdn(part))
    return names


async def encrypt(ctx: Ctx) -> web.Response:
    """POST: the per-IP limiter, then encrypt-txt's checks; the answer is the TXT value."""
    limit_ip(ctx, "encrypt", ENCRYPT_MAX)
    value = ctx.body.get("input")
    if not is_sanb(value) or len(value) >= _MAX_INPUT:
        raise BoomError(400, phrases.UNKNOWN_ERROR)
    is_port = "forward-email-port" in value.lower()
    value = _PORT_PREFIX.sub("", _PREFIX.sub("", value, count=1), count=1)
    if "forward-email-site-verification=" in value.lower():
        raise BoomError(400, phrases.INPUT_HAD_FE_SV)
    size = _IV_AND_TAG_BYTES + len(value.strip().encode())
    ciphertext = ctx.store.rng.randbytes(size).hex()
    encoded = base64.b64encode(ciphertext.encode()).decode()
    return text_response(f"{'forward-email-port' if is_port else 'forward-email'}={encoded}")


ROUTES = [
    Route("GET", "/v1/logs/download", download_logs),
    Route("POST", "/v1/encrypt", encrypt),
]
