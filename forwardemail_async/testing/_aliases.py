"""``/v1/domains/:domain_id/aliases*`` (contract §4.8): list, create, retrieve, update,
delete and generate-password."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from aiohttp import web

from . import _phrases as phrases
from ._alias_rules import apply_changes, check_alias, random_alias_name, read_alias_body
from ._boom import BoomError, json_response, text_response
from ._context import Ctx, Route
from ._guards import alias_for, domain_for, ensure_upgraded_plan
from ._pagination import domains_and_aliases
from ._shapes import AliasView, alias_object
from ._state import FakeAlias, FakeDomain, FakeUser
from ._text import format_phrase, is_email, is_sanb, js_boolean

__all__ = ["ROUTES"]

# retrieve-aliases.js ALIAS_SORT_FIELDS; smtp_limit and is_smtp_suspended are never set here.
_SORT_KEYS: dict[str, Callable[[FakeAlias], Any]] = {
    "name": lambda a: a.name,
    "description": lambda a: (a.description != "", a.description),
    "is_enabled": lambda a: a.is_enabled,
    "smtp_limit": lambda a: 0,
    "is_smtp_suspended": lambda a: 0,
    "created_at": lambda a: a.created_at,
}
_PASSWORD_CLASSES = (
    (str.islower, 26),
    (str.isupper, 26),
    (str.isdigit, 10),
)


def _alias_route_start(ctx: Ctx) -> tuple[FakeUser, FakeDomain, str]:
    # router.use('/domains/:domain_id/aliases', retrieveDomain, ensureUpgradedPlan)
    user = ctx.api_token_user()
    domain, group = domain_for(ctx, user)
    ensure_upgraded_plan(domain)
    return user, domain, group


async def list_aliases(ctx: Ctx) -> web.Response:
    """GET: filtered, sorted, paginated; non-admins see only their own aliases."""
    user, domain, group = _alias_route_start(ctx)
    page = domains_and_aliases(ctx.query)
    aliases = [
        alias
        for alias in ctx.store.aliases_in(domain)
        if (group == "admin" or alias.user is user) and _matches(ctx.query, domain, alias)
    ]
    sort, field, descending = ctx.query.get("sort"), "created_at", False
    if is_sanb(sort) and sort.removeprefix("-") in _SORT_KEYS:
        field, descending = sort.removeprefix("-"), sort.startswith("-")
    aliases.sort(key=_SORT_KEYS[field], reverse=descending)
    items = ctx.take_page(aliases, page, zero_limit_takes_all=True)
    # Aliases of banned users are dropped after the page was counted, as on the server.
    body = [alias_object(a, user, "list") for a in items if not a.user.banned]
    return json_response(body)


def _matches(query: dict[str, str | list[str]], domain: FakeDomain, alias: FakeAlias) -> bool:
    """The ``q``/``search_filter``, ``name`` and ``recipient`` filters of retrieve-aliases.js."""
    exact = domain.is_catchall_regex_disabled
    q, name, recipient = query.get("q"), query.get("name"), query.get("recipient")
    if is_sanb(q):
        search = query.get("search_filter") or "everything"
        by_name = _name_matches(q, domain, alias, exact)
        by_recipient = _contains(alias.recipients, q.strip(), exact)
        if search == "name":
            found = by_name
        elif search == "recipients":
            found = by_recipient
        elif exact:
            found = by_name or (is_email(q) and by_recipient)
        else:
            needle = q.strip().lower()
            found = (
                by_name
                or by_recipient
                or needle in alias.description.lower()
                or any(needle in label.lower() for label in alias.labels)
            )
        if not found:
            return False
    if is_sanb(name):
        local = name.strip().split("@")[0].lower()
        if (alias.name != local) if exact else (local not in alias.name.lower()):
            return False
    return not is_sanb(recipient) or _contains(alias.recipients, recipient.strip(), exact)


def _name_matches(q: str, domain: FakeDomain, alias: FakeAlias, exact: bool) -> bool:
    if exact:
        return alias.name == q.split("@")[0].strip().lower()
    if q.strip() == "*":
        return alias.name == "*"
    if is_email(q) and q.endswith(f"@{domain.name}"):
        return alias.name == q.split("@")[0]
    return q.strip().split("@")[0].lower() in alias.name.lower()


def _contains(recipients: list[str], needle: str, exact: bool) -> bool:
    if exact:
        return needle.lower() in recipients
    return any(needle.lower() in recipient.lower() for recipient in recipients)


async def create_alias(ctx: Ctx) -> web.Response:
    """POST: validateAlias, then the 'create alias' limiter, then the model's checks."""
    user, domain, group = _alias_route_start(ctx)
    changes = read_alias_body(ctx.body, domain=domain, group=group, user=user, alias=None)
    ctx.limit_route("create alias", ctx.fake.rate_limits.create_alias_max, user.id)
    if "name" not in changes:
        changes["name"] = random_alias_name(ctx.store, domain)
    alias = apply_changes(ctx.store.new_alias(domain, user, ""), changes)
    check_alias(ctx.store, alias, group, renamed=True)
    ctx.store.store_aliases([alias])
    return json_response(alias_object(alias, user, "create"))


async def retrieve_alias(ctx: Ctx) -> web.Response:
    """GET one alias by id or name."""
    user, domain, group = _alias_route_start(ctx)
    return json_response(alias_object(alias_for(ctx, domain, group, user), user, "list"))


async def update_alias(ctx: Ctx) -> web.Response:
    """PUT: only the fields sent change; answered with id strings for user and domain."""
    user, domain, group = _alias_route_start(ctx)
    alias = alias_for(ctx, domain, group, user)
    changes = read_alias_body(ctx.body, domain=domain, group=group, user=user, alias=alias)
    updated = apply_changes(alias, changes)
    check_alias(ctx.store, updated, group, renamed=updated.name != alias.name)
    for field in changes:
        setattr(alias, field, getattr(updated, field))
    alias.labels, alias.updated_at = updated.labels, ctx.store.now_ms()
    view: AliasView = "update_ids" if ctx.fake.alias_update_shape == "ids" else "update_objects"
    return json_response(alias_object(alias, user, view))


async def delete_alias(ctx: Ctx) -> web.Response:
    """DELETE: answers with the alias as it was."""
    user, domain, group = _alias_route_start(ctx)
    alias = alias_for(ctx, domain, group, user)
    body = alias_object(alias, user, "list")
    ctx.store.remove_alias(alias)
    return json_response(body)


async def generate_password(ctx: Ctx) -> web.Response:
    """POST generate-password: JSON credentials, or a text note with ``emailed_instructions``."""
    user, domain, group = _alias_route_start(ctx)
    alias = alias_for(ctx, domain, group, user)
    ctx.limit_route(
        "generate alias password", ctx.fake.rate_limits.generate_alias_password_max, user.id
    )
    body = ctx.body
    if alias.name == "*":
        raise BoomError(400, phrases.CANNOT_CREATE_TOKEN_FOR_CATCHALL)
    if alias.name.startswith("/"):
        raise BoomError(400, phrases.CANNOT_CREATE_TOKEN_FOR_REGEX)
    current, override = body.get("password"), js_boolean(body.get("is_override"))
    if alias.passwords and not is_sanb(current) and not override:
        raise BoomError(400, phrases.ALIAS_OVERRIDE_REQUIRED)
    emailed = body.get("emailed_instructions")
    if is_sanb(emailed) and not is_email(emailed):
        raise BoomError(400, phrases.INVALID_EMAIL)
    if is_sanb(current):
        if override:
            raise BoomError(400, phrases.ALIAS_OVERRIDE_CANNOT_HAVE_PASSWORD)
        if current.strip() not in alias.passwords:
            raise BoomError(403, phrases.INVALID_PASSWORD)
    password = _new_password(body.get("new_password"), ctx)
    alias.passwords = [password]
    if is_sanb(emailed):
        return text_response(format_phrase(phrases.ALIAS_PASSWORD_INSTRUCTIONS, emailed.lower()))
    return json_response({"username": alias.address, "password": password})


def _new_password(value: object, ctx: Ctx) -> str:
    """helpers/create-password.js: a custom password is checked, else 24 random characters."""
    if not isinstance(value, str):
        return ctx.store.token_hex(24)
    if not value.strip():
        raise BoomError(400, phrases.INVALID_PASSWORD_STRENGTH)
    if "'" in value or '"' in value:
        raise BoomError(400, phrases.INVALID_PASSWORD_CHARACTERS)
    # zxcvbn score >= 3 is approximated by an entropy estimate (>= 50 bits, 6+ distinct chars).
    pool = sum(size for test, size in _PASSWORD_CLASSES if any(test(c) for c in value))
    pool += 33 if any(not c.isalnum() for c in value) else 0
    if len(set(value)) < 6 or len(value) * math.log2(max(pool, 2)) < 50:
        raise BoomError(400, phrases.INVALID_PASSWORD_STRENGTH)
    return value


_ALIAS = "/v1/domains/{domain_id}/aliases"
ROUTES = [
    Route("GET", _ALIAS, list_aliases),
    Route("POST", _ALIAS, create_alias),
    Route("GET", _ALIAS + "/{alias_id}", retrieve_alias),
    Route("PUT", _ALIAS + "/{alias_id}", update_alias),
    Route("DELETE", _ALIAS + "/{alias_id}", delete_alias),
    Route("POST", _ALIAS + "/{alias_id}/generate-password", generate_password),
]
