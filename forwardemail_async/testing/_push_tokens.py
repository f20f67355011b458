"""``/v1/push-tokens`` (routes at add3da8a, app/controllers/api/v1/push-tokens.js).

``ensureApiTokenOrAliasAuth`` is the only guard: under alias credentials the alias is the
session's; under an API token (no verified-email, ban or plan checks) ``alias_id`` names an
alias the user owns, read from the body on ``POST`` and ``DELETE`` (``ctx.request.body ||
ctx.query`` never reaches the query, the parsed body being at least ``{}``) and from the query
on ``GET``. Create answers ``201``, deleting one token ``204`` with no body.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from . import _phrases as phrases
from ._boom import BoomError, json_response
from ._checks import is_private_host
from ._context import Ctx, Route
from ._shapes import iso, iso_or_none
from ._state import FakeAlias, FakePushToken, FakeUser
from ._text import format_phrase, is_sanb

__all__ = ["ROUTES"]

PLATFORMS = ("apns", "fcm", "unified-push", "web-push")
MAX_TOKEN_LENGTH = 4096
MAX_DEVICE_NAME_LENGTH = 255
MAX_TOKENS_PER_ALIAS = 15
FCM_TOKEN_MIN_LENGTH = 32
TOKEN_TTL_MS = 365 * 24 * 3600 * 1000
_OBJECT_ID = re.compile(r"[0-9a-fA-F]{24}")
_APNS = re.compile(r"[0-9a-f]{64,200}", re.IGNORECASE)
_FCM = re.compile(r"[\w:-]+")


def _tokens(ctx: Ctx) -> list[FakePushToken]:
    return ctx.store.push_tokens


def _token_object(token: FakePushToken) -> dict[str, Any]:
    """push-tokens.js toJSON."""
    return {
        "id": token.id,
        "alias": token.alias_id,
        "platform": token.platform,
        "token": token.token,
        "device_name": token.device_name,
        "last_used_at": iso_or_none(token.last_used_at),
        "failure_count": token.failure_count,
        "expires_at": iso(token.expires_at),
        "created_at": iso(token.created_at),
        "updated_at": iso(token.updated_at),
        "object": "push_token",
    }


def _caller(ctx: Ctx) -> FakeUser | FakeAlias:
    """ensureApiTokenOrAliasAuth with no verified-email or ban check on API tokens."""
    return ctx.token_or_alias_auth(verified_email=False, check_ban=False)


def _resolve_alias(ctx: Ctx, caller: FakeUser | FakeAlias, alias_id: object) -> FakeAlias:
    """resolveAliasAndUser: the session's alias, or ``alias_id`` among the user's own."""
    if isinstance(caller, FakeAlias):
        return caller
    if not alias_id:
        raise BoomError(400, phrases.PUSH_TOKEN_ALIAS_ID_REQUIRED)
    if not isinstance(alias_id, str) or not _OBJECT_ID.fullmatch(alias_id):
        raise BoomError(400, phrases.PUSH_TOKEN_ALIAS_ID_INVALID)
    for domain in list(ctx.store.domains.values()):
        for alias in ctx.store.aliases_in(domain):
            if alias.id == alias_id.lower() and alias.user is caller:
                return alias
    raise BoomError(404, phrases.PUSH_TOKEN_ALIAS_NOT_FOUND)


def _check_url(url: str) -> None:
    """validateUrlNotPrivate: https, not private, no credentials, port 443 only."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise BoomError(400, phrases.PUSH_TOKEN_INVALID_URL) from None
    if not host:
        raise BoomError(400, phrases.PUSH_TOKEN_INVALID_URL)
    if parts.scheme.lower() != "https":
        raise BoomError(400, phrases.PUSH_TOKEN_HTTPS_REQUIRED)
    if is_private_host(host):
        raise BoomError(400, phrases.PUSH_TOKEN_PRIVATE_URL)
    if parts.username is not None or parts.password is not None:
        raise BoomError(400, phrases.PUSH_TOKEN_URL_CREDENTIALS)
    if port not in (None, 443):
        raise BoomError(400, phrases.PUSH_TOKEN_URL_NONSTANDARD_PORT)


def _check_token(platform: str, token: object) -> str:
    """validateToken, per platform."""
    if not is_sanb(token):
        raise BoomError(400, phrases.PUSH_TOKEN_REQUIRED)
    if len(token) > MAX_TOKEN_LENGTH:
        raise BoomError(400, format_phrase(phrases.PUSH_TOKEN_MAX_LENGTH, MAX_TOKEN_LENGTH))
    if platform == "apns" and not _APNS.fullmatch(token):
        raise BoomError(400, phrases.PUSH_TOKEN_APNS_INVALID)
    if platform == "fcm":
        if len(token) < FCM_TOKEN_MIN_LENGTH:
            message = format_phrase(phrases.PUSH_TOKEN_FCM_TOO_SHORT, FCM_TOKEN_MIN_LENGTH)
            raise BoomError(400, message)
        if not _FCM.fullmatch(token):
            raise BoomError(400, phrases.PUSH_TOKEN_FCM_INVALID)
    if platform == "unified-push":
        if not token.lower().startswith("https://") or len(token) <= len("https://"):
            raise BoomError(400, phrases.PUSH_TOKEN_UNIFIED_PUSH_INVALID)
        _check_url(token)
    if platform == "web-push":
        try:
            subscription = json.loads(token)
        except ValueError:
            raise BoomError(400, phrases.PUSH_TOKEN_WEB_PUSH_JSON) from None
        if not isinstance(subscription, dict):
            raise BoomError(400, phrases.PUSH_TOKEN_WEB_PUSH_OBJECT)
        endpoint = subscription.get("endpoint")
        if not endpoint or not isinstance(endpoint, str):
            raise BoomError(400, phrases.PUSH_TOKEN_WEB_PUSH_ENDPOINT)
        # `!keys || typeof keys !== "object"`: any object or array passes, even an empty one.
        if not isinstance(subscription.get("keys"), dict | list):
            raise BoomError(400, phrases.PUSH_TOKEN_WEB_PUSH_KEYS)
        _check_url(endpoint)
    return token.lower() if platform == "apns" else token


async def create_token(ctx: Ctx) -> web.Response:
    """POST: validate, resolve the alias, enforce 15 active tokens, then upsert (201)."""
    caller = _caller(ctx)
    body = ctx.body
    platform = body.get("platform")
    if not is_sanb(platform) or platform not in PLATFORMS:
        raise BoomError(
            400, format_phrase(phrases.PUSH_TOKEN_PLATFORM_REQUIRED, ", ".join(PLATFORMS))
        )
    token = _check_token(platform, body.get("token"))
    device_name = body.get("device_name")
    if device_name is not None:
        if not isinstance(device_name, str):
            raise BoomError(400, phrases.PUSH_TOKEN_DEVICE_NAME_INVALID)
        if len(device_name) > MAX_DEVICE_NAME_LENGTH:
            message = format_phrase(
                phrases.PUSH_TOKEN_DEVICE_NAME_MAX_LENGTH, MAX_DEVICE_NAME_LENGTH
            )
            raise BoomError(400, message)
    alias = _resolve_alias(ctx, caller, body.get("alias_id"))
    tokens = _tokens(ctx)
    now = ctx.store.now_ms()
    found = next(
        (t for t in tokens if (t.alias_id, t.platform, t.token) == (alias.id, platform, token)),
        None,
    )
    if found is None:
        active = sum(1 for t in tokens if t.alias_id == alias.id and t.expires_at > now)
        if active >= MAX_TOKENS_PER_ALIAS:
            message = format_phrase(phrases.PUSH_TOKEN_LIMIT_EXCEEDED, MAX_TOKENS_PER_ALIAS)
            raise BoomError(400, message)
        found = FakePushToken(
            id=ctx.store.new_id(now),
            alias_id=alias.id,
            user_id=alias.user.id,
            platform=platform,
            token=token,
            device_name="",
            expires_at=now,
            created_at=now,
            updated_at=now,
        )
        tokens.append(found)
    found.user_id = alias.user.id
    found.device_name = device_name if isinstance(device_name, str) else ""
    found.failure_count = 0
    found.expires_at = now + TOKEN_TTL_MS
    found.updated_at = now
    return json_response(_token_object(found), status=201)


async def list_tokens(ctx: Ctx) -> web.Response:
    """GET: the alias's unexpired tokens, newest first; an unknown ``platform`` is ignored."""
    caller = _caller(ctx)
    alias = _resolve_alias(ctx, caller, ctx.query.get("alias_id"))
    now = ctx.store.now_ms()
    platform = ctx.query.get("platform")
    rows = [
        t
        for t in _tokens(ctx)
        if t.alias_id == alias.id
        and t.expires_at > now
        and (platform not in PLATFORMS or t.platform == platform)
    ]
    rows.sort(key=lambda t: t.created_at, reverse=True)
    return json_response([_token_object(t) for t in rows])


async def delete_token(ctx: Ctx) -> web.Response:
    """DELETE one: id syntax (400), existence (404), the caller's alias, ownership (403)."""
    caller = _caller(ctx)
    token_id = ctx.params["token_id"]
    if not _OBJECT_ID.fullmatch(token_id):
        raise BoomError(400, phrases.PUSH_TOKEN_INVALID_ID)
    tokens = _tokens(ctx)
    found = next((t for t in tokens if t.id == token_id.lower()), None)
    if found is None:
        raise BoomError(404, phrases.PUSH_TOKEN_NOT_FOUND)
    alias = _resolve_alias(ctx, caller, ctx.body.get("alias_id"))
    if found.alias_id != alias.id:
        raise BoomError(403, phrases.PUSH_TOKEN_FORBIDDEN)
    tokens.remove(found)
    return web.Response(status=204)


async def delete_all_tokens(ctx: Ctx) -> web.Response:
    """DELETE all: every token of the alias, expired ones included."""
    caller = _caller(ctx)
    alias = _resolve_alias(ctx, caller, ctx.body.get("alias_id"))
    tokens = _tokens(ctx)
    kept = [t for t in tokens if t.alias_id != alias.id]
    deleted = len(tokens) - len(kept)
    tokens[:] = kept
    return json_response({"deleted_count": deleted, "object": "push_token_deletion"})


ROUTES = [
    Route("GET", "/v1/push-tokens", list_tokens),
    Route("POST", "/v1/push-tokens", create_token),
    Route("DELETE", "/v1/push-tokens", delete_all_tokens),
    Route("DELETE", "/v1/push-tokens/{token_id}", delete_token),
]
