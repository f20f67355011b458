"""``/v1/domains/:domain_id/catch-all-passwords`` (contract §4.6): list, create and delete.

Guards, in order: ``retrieveDomain`` (404), ``ensureDomainAdmin`` (400) and
``ensureUpgradedPlan`` (402 on a free domain); create adds a 100-a-day limiter.
"""

from __future__ import annotations

from aiohttp import web

from . import _phrases as phrases
from ._aliases import _new_password
from ._boom import BoomError, json_response
from ._context import Ctx, Route
from ._guards import domain_for, ensure_domain_admin, ensure_upgraded_plan
from ._state import CatchAllToken, FakeDomain, FakeUser
from ._text import format_phrase, is_sanb, strip_tags

__all__ = ["ROUTES"]

CREATE_CATCH_ALL_PASSWORD_MAX = 100
MAX_TOKENS = 10


def _admin_domain(ctx: Ctx) -> tuple[FakeUser, FakeDomain]:
    user = ctx.api_token_user()
    domain, group = domain_for(ctx, user)
    ensure_domain_admin(group)
    ensure_upgraded_plan(domain)
    return user, domain


async def list_passwords(ctx: Ctx) -> web.Response:
    """GET: ``[{id, description}]``, not paginated."""
    _, domain = _admin_domain(ctx)
    return json_response(
        [{"id": t.id, "description": t.description} for t in ctx.store.catch_all_tokens(domain)]
    )


async def create_password(ctx: Ctx) -> web.Response:
    """POST: at most 10 per domain; the password is shown only in this answer."""
    user, domain = _admin_domain(ctx)
    ctx.limit_route("create catch all password", CREATE_CATCH_ALL_PASSWORD_MAX, user.id)
    tokens = ctx.store.catch_all_tokens(domain)
    if len(tokens) >= MAX_TOKENS:
        message = format_phrase(phrases.DOMAIN_EXCEEDS_CATCHALL_PASSWORD_LIMIT, MAX_TOKENS)
        raise BoomError(400, message)
    description = ctx.body.get("description")
    description = strip_tags(description) if is_sanb(description) else ""
    # `new_password || null`: an empty string generates one, like an absent value.
    wanted = ctx.body.get("new_password") or None
    token = CatchAllToken(
        id=ctx.store.new_id(ctx.store.now_ms()),
        description=description,
        password=_new_password(wanted, ctx),
    )
    tokens.append(token)
    return json_response(
        {
            "id": token.id,
            "username": f"*@{domain.name}",
            "password": token.password,
            "description": token.description,
        }
    )


async def delete_password(ctx: Ctx) -> web.Response:
    """DELETE: 404 "Password was invalid." for an unknown id."""
    _, domain = _admin_domain(ctx)
    tokens = ctx.store.catch_all_tokens(domain)
    token = next((t for t in tokens if t.id == ctx.params["token_id"]), None)
    if token is None:
        raise BoomError(404, phrases.INVALID_PASSWORD)
    tokens.remove(token)
    return json_response({"id": token.id, "description": token.description})


_ROUTE = "/v1/domains/{domain_id}/catch-all-passwords"
ROUTES = [
    Route("GET", _ROUTE, list_passwords),
    Route("POST", _ROUTE, create_password),
    Route("DELETE", _ROUTE + "/{token_id}", delete_password),
]
