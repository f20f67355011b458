"""``/v1/account`` (contract §4.2): public sign-up, and reading or changing the account.

``GET`` and ``PUT`` take an API token or alias credentials (ensureApiTokenOrAliasAuth). Under
a token they serve the user, behind the paid-plan guard; under alias credentials they serve
the alias and its mailbox settings, and the user-level guards are skipped (a guess: only
``POST /v1/emails`` is confirmed to skip them).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import _phrases as phrases
from ._boom import BoomError, json_response
from ._context import Ctx, Route
from ._guards import enforce_paid_plan
from ._ip_limit import limit_ip
from ._shapes import iso, user_object
from ._state import MAX_QUOTA_PER_ALIAS, FakeAlias, FakeUser
from ._text import is_email, is_sanb

__all__ = ["ROUTES"]

CREATE_USER_MAX = 5
_PROFILE_FIELDS = ("given_name", "family_name", "avatar_url")
_FOLDER_SETTINGS = {
    "archive_folder": phrases.SETTINGS_ARCHIVE_FOLDER_INVALID,
    "sent_folder": phrases.SETTINGS_SENT_FOLDER_INVALID,
    "drafts_folder": phrases.SETTINGS_DRAFTS_FOLDER_INVALID,
}


def _account_object(ctx: Ctx, user: FakeUser, *, api_token: bool = False) -> dict[str, Any]:
    data = user_object(user)
    data.update(ctx.store.profiles.users.get(user.id, {}))
    if api_token:
        data["api_token"] = user.api_token
    return data


def _alias_account_object(ctx: Ctx, alias: FakeAlias) -> dict[str, Any]:
    """users.js serializeAliasResponse."""
    quota = (alias.domain.max_quota_per_alias or MAX_QUOTA_PER_ALIAS) if alias.has_imap else 0
    data: dict[str, Any] = {
        "id": alias.id,
        "object": "alias",
        "name": alias.name,
        "email": alias.address,
        "domain_id": alias.domain.id,
        "domain_name": alias.domain.name,
        "storage_used": 0,
        "storage_quota": quota,
        "has_imap": alias.has_imap,
        "has_pgp": alias.has_pgp,
        "locale": "en",
        "created_at": iso(alias.created_at),
        "updated_at": iso(alias.updated_at),
    }
    if alias.public_key:
        data["public_key"] = alias.public_key
    mail = dict.fromkeys(_FOLDER_SETTINGS)
    mail.update(ctx.store.profiles.aliases.get(alias.id, {}))
    data["settings"] = {"mail": mail}
    return data


async def create_account(ctx: Ctx) -> web.Response:
    """POST: the limiter runs first, so failed sign-ups count too."""
    limit_ip(ctx, "create user", CREATE_USER_MAX)
    body = ctx.body
    if not is_sanb(body.get("password")):
        raise BoomError(400, phrases.INVALID_PASSWORD)
    email = body.get("email")
    if not is_sanb(email):
        raise BoomError(400, phrases.MISSING_USERNAME)
    if any(user.email == email.strip().lower() for user in ctx.store.users.values()):
        raise BoomError(400, phrases.USER_EXISTS)
    if not is_email(email.strip()):
        raise BoomError(400, phrases.INVALID_EMAIL)
    user = ctx.store.add_user(
        email.strip(),
        plan="free",
        api_token=ctx.store.token_hex(40),
        verified=False,
        banned=False,
        display_name=None,
    )
    return json_response(_account_object(ctx, user, api_token=True))


def _account_user(ctx: Ctx) -> FakeUser | FakeAlias:
    who = ctx.token_or_alias_auth()
    if isinstance(who, FakeUser):
        enforce_paid_plan(who)
    return who


async def retrieve_account(ctx: Ctx) -> web.Response:
    """GET: the user (token) or the alias (alias credentials)."""
    who = _account_user(ctx)
    if isinstance(who, FakeAlias):
        return json_response(_alias_account_object(ctx, who))
    return json_response(_account_object(ctx, who))


async def update_account(ctx: Ctx) -> web.Response:
    """PUT: string profile fields (token), or ``settings`` (alias credentials)."""
    who = _account_user(ctx)
    if isinstance(who, FakeAlias):
        _update_settings(ctx, who)
        return json_response(_alias_account_object(ctx, who))
    body = ctx.body
    email = body.get("email")
    if isinstance(email, str):  # users.js applies any string, then the model validates it
        address = email.strip().lower()
        if not is_email(address):
            raise BoomError(400, phrases.INVALID_EMAIL)
        if any(u.email == address and u is not who for u in ctx.store.users.values()):
            raise BoomError(400, phrases.USER_EXISTS)
        who.email = address
    profile = ctx.store.profiles.users.setdefault(who.id, {})
    profile.update({key: body[key] for key in _PROFILE_FIELDS if isinstance(body.get(key), str)})
    who.updated_at = ctx.store.now_ms()
    return json_response(_account_object(ctx, who))


def _update_settings(ctx: Ctx, alias: FakeAlias) -> None:
    """updateAliasSettingsForContext, for the ``settings.mail`` folder names."""
    settings = ctx.body.get("settings")
    mail = settings.get("mail") if isinstance(settings, dict) else None
    if not isinstance(mail, dict):
        return
    changes = {key: mail[key] for key in _FOLDER_SETTINGS if key in mail}
    for key, value in changes.items():
        if value is not None and not is_sanb(value):
            raise BoomError(400, _FOLDER_SETTINGS[key])
    ctx.store.profiles.aliases.setdefault(alias.id, {}).update(changes)
    alias.updated_at = ctx.store.now_ms()


ROUTES = [
    Route("POST", "/v1/account", create_account),
    Route("GET", "/v1/account", retrieve_account),
    Route("PUT", "/v1/account", update_account),
]
