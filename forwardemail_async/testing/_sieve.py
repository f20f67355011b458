"""Sieve scripts (contract §4.10) in both route families.

``/v1/domains/:domain_id/aliases/:alias_id/sieve[...]`` uses the API token and the alias
guards; ``/v1/sieve-scripts[...]`` uses alias auth. Both then run the same handlers, as the
server's sieve.js does. Scripts are found by id or name; deleting answers
``{object, id, deleted: true}``. The syntax and security checks are approximations of the
server's Sieve parser, and the phrase texts, the script limit and the size limit are guesses.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from . import _phrases as phrases
from ._boom import BoomError, json_response
from ._context import Ctx, Route
from ._guards import alias_for, domain_for, ensure_upgraded_plan
from ._mailbox import FakeMailbox, FakeSieveScript
from ._mailbox_access import open_mailbox
from ._shapes import iso
from ._state import FakeAlias
from ._text import format_phrase, is_sanb, js_boolean

__all__ = ["ROUTES"]

MAX_SCRIPTS = 10
MAX_SCRIPT_SIZE = 64 * 1024
# The extensions GET /v1/sieve/capabilities lists.
CAPABILITIES = frozenset(
    [
        "fileinto",
        "reject",
        "ereject",
        "vacation",
        "vacation-seconds",
        "variables",
        "imap4flags",
        "body",
        "copy",
        "relational",
        "editheader",
        "envelope",
        "date",
        "index",
        "regex",
        "enotify",
        "environment",
    ]
)
_OBJECT_ID = re.compile(r"^[0-9a-fA-F]{24}$")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_REQUIRE = re.compile(r"\brequire\s+(\[[^\]]*\]|\"[^\"]*\")", re.IGNORECASE)
_REDIRECT = re.compile(r'\bredirect\b[^";]*"([^"]*)"', re.IGNORECASE)
_PAIRS = {")": "(", "]": "[", "}": "{"}

Handler = Callable[[Ctx, FakeAlias, FakeMailbox], Awaitable[web.Response]]


def _summary(script: FakeSieveScript, capabilities: list[str]) -> dict[str, Any]:
    return {
        "object": "sieve_script",
        "id": script.id,
        "name": script.name,
        "description": script.description,
        "is_active": script.is_active,
        "is_valid": True,
        "required_capabilities": capabilities,
        "security_warnings": [],
        "stats": {},
        "created_at": iso(script.created_at),
        "updated_at": iso(script.updated_at),
    }


def script_object(script: FakeSieveScript, *, detail: bool = False) -> dict[str, Any]:
    """A script as the list (summary) or retrieve (``detail``) answers show it."""
    data = _summary(script, _capabilities(script.content))
    if detail:
        data.update(content=script.content, validation_errors=[])
    return data


def _capabilities(content: str) -> list[str]:
    found: list[str] = []
    for match in _REQUIRE.finditer(content):
        found += [name for name in re.findall(r'"([^"]*)"', match.group(1)) if name not in found]
    return found


def _syntax_error(content: str) -> str | None:
    """Why the script does not parse (unclosed strings or brackets, unknown extensions)."""
    code = _STRING.sub("", content)
    if '"' in code:
        return "unterminated string"
    stack: list[str] = []
    for char in code:
        if char in "([{":
            stack.append(char)
        elif char in _PAIRS and (not stack or stack.pop() != _PAIRS[char]):
            return f"unexpected '{char}'"
    if stack:
        return "unexpected end of script"
    unknown = [name for name in _capabilities(content) if name not in CAPABILITIES]
    return f"unsupported capability: {unknown[0]}" if unknown else None


def _check_content(ctx: Ctx, alias: FakeAlias, content: object) -> str:
    if not is_sanb(content):
        raise BoomError(400, phrases.SIEVE_SCRIPT_REQUIRED)
    error = _syntax_error(content)
    if error is not None:
        raise BoomError(400, format_phrase(phrases.SIEVE_INVALID_SCRIPT, error))
    if len(content.encode()) > MAX_SCRIPT_SIZE:
        raise BoomError(400, format_phrase(phrases.SIEVE_SECURITY_ERROR, "script is too large"))
    own = {d.name for d in ctx.store.domains_of(alias.user)}
    for address in _REDIRECT.findall(content):
        domain = address.rpartition("@")[2].lower()
        if domain not in own:
            reason = f"redirect to {domain} is not allowed"
            raise BoomError(400, format_phrase(phrases.SIEVE_SECURITY_ERROR, reason))
    return content


def _find(mailbox: FakeMailbox, ref: str) -> FakeSieveScript:
    """By id when ``ref`` looks like an ObjectId, else by name."""
    by_id = bool(_OBJECT_ID.match(ref))
    script = next(
        (s for s in mailbox.scripts if (s.id == ref.lower() if by_id else s.name == ref)), None
    )
    if script is None:
        raise BoomError(404, phrases.SIEVE_SCRIPT_NOT_FOUND)
    return script


def _activate(mailbox: FakeMailbox, script: FakeSieveScript, ms: int) -> None:
    for each in mailbox.scripts:
        if each.is_active or each is script:
            each.is_active, each.updated_at = each is script, ms


async def _list(ctx: Ctx, alias: FakeAlias, mailbox: FakeMailbox) -> web.Response:
    ordered = sorted(mailbox.scripts, key=lambda s: (s.is_active, s.updated_at), reverse=True)
    return json_response([script_object(s) for s in ordered])


async def _create(ctx: Ctx, alias: FakeAlias, mailbox: FakeMailbox) -> web.Response:
    body = ctx.body
    name = body.get("name")
    if not is_sanb(name):
        raise BoomError(400, phrases.SIEVE_SCRIPT_NAME_REQUIRED)
    content = _check_content(ctx, alias, body.get("content"))
    if any(s.name == name for s in mailbox.scripts):
        raise BoomError(400, phrases.SIEVE_SCRIPT_ALREADY_EXISTS)
    if len(mailbox.scripts) >= MAX_SCRIPTS:
        raise BoomError(400, phrases.SIEVE_MAX_SCRIPTS_EXCEEDED)
    ms = ctx.store.now_ms()
    description = body.get("description")
    script = FakeSieveScript(
        id=ctx.store.new_id(ms),
        name=name,
        content=content,
        description=description if isinstance(description, str) else "",
        is_active=False,
        created_at=ms,
        updated_at=ms,
    )
    mailbox.scripts.append(script)
    if js_boolean(body.get("activate")):
        _activate(mailbox, script, ms)
    return json_response(script_object(script))


async def _retrieve(ctx: Ctx, alias: FakeAlias, mailbox: FakeMailbox) -> web.Response:
    return json_response(script_object(_find(mailbox, ctx.params["script_id"]), detail=True))


async def _update(ctx: Ctx, alias: FakeAlias, mailbox: FakeMailbox) -> web.Response:
    script = _find(mailbox, ctx.params["script_id"])
    body = ctx.body
    script.content = _check_content(ctx, alias, body.get("content"))
    if is_sanb(body.get("description")):
        script.description = body["description"]
    script.updated_at = ctx.store.now_ms()
    if js_boolean(body.get("activate")):
        _activate(mailbox, script, script.updated_at)
    return json_response(script_object(script))


async def _delete(ctx: Ctx, alias: FakeAlias, mailbox: FakeMailbox) -> web.Response:
    script = _find(mailbox, ctx.params["script_id"])
    if script.is_active:
        raise BoomError(400, phrases.SIEVE_CANNOT_DELETE_ACTIVE)
    mailbox.scripts.remove(script)
    return json_response({"object": "sieve_script", "id": script.id, "deleted": True})


async def _activate_route(ctx: Ctx, alias: FakeAlias, mailbox: FakeMailbox) -> web.Response:
    script = _find(mailbox, ctx.params["script_id"])
    _activate(mailbox, script, ctx.store.now_ms())
    return json_response(
        {"object": "sieve_script", "id": script.id, "name": script.name, "is_active": True}
    )


def _sieve_checks(alias: FakeAlias) -> None:
    if not alias.has_imap:
        raise BoomError(400, phrases.SIEVE_REQUIRES_IMAP)
    if alias.name == "*":
        raise BoomError(400, phrases.SIEVE_NOT_ALLOWED_FOR_CATCHALL)


def _with_token(handler: Handler) -> Callable[[Ctx], Awaitable[web.Response]]:
    """retrieveDomain, ensureUpgradedPlan, retrieveAlias and ensureAliasAdmin, then ``handler``."""

    async def route(ctx: Ctx) -> web.Response:
        user = ctx.api_token_user()
        domain, group = domain_for(ctx, user)
        ensure_upgraded_plan(domain)
        alias = alias_for(ctx, domain, group, user)
        _sieve_checks(alias)
        return await handler(ctx, alias, ctx.store.mailboxes.of(alias))

    return route


def _with_alias(handler: Handler) -> Callable[[Ctx], Awaitable[web.Response]]:
    """aliasAuth and sieveAliasAuth, then ``handler``."""

    async def route(ctx: Ctx) -> web.Response:
        alias, mailbox = open_mailbox(ctx)
        _sieve_checks(alias)
        return await handler(ctx, alias, mailbox)

    return route


_TOKEN = "/v1/domains/{domain_id}/aliases/{alias_id}/sieve"
_ALIAS = "/v1/sieve-scripts"
_ENDPOINTS: list[tuple[str, str, Handler]] = [
    ("GET", "", _list),
    ("POST", "", _create),
    ("GET", "/{script_id}", _retrieve),
    ("PUT", "/{script_id}", _update),
    ("DELETE", "/{script_id}", _delete),
    ("POST", "/{script_id}/activate", _activate_route),
]
ROUTES = [
    Route(method, base + suffix, wrap(handler))
    for base, wrap in ((_TOKEN, _with_token), (_ALIAS, _with_alias))
    for method, suffix, handler in _ENDPOINTS
]
