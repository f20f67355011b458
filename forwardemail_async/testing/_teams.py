"""Invites and members of a domain (contract §4.7), as the server's source does them.

Two places where the source differs from the contract notes: ``ensureTeamPlan`` only sets a
flag for the web pages (no 402 for non-team domains), and accepting an invite to a domain
whose name is already among yours is a 400, which also catches members accepting twice.
"""

from __future__ import annotations

import re

from aiohttp import web

from . import _phrases as phrases
from ._boom import BoomError, json_response, text_response
from ._context import Ctx, Route
from ._guards import domain_for, enforce_paid_plan, ensure_domain_admin, ensure_upgraded_plan
from ._shapes import domain_object
from ._state import FakeDomain, FakeInvite, FakeMember, FakeUser
from ._text import is_email, is_sanb

__all__ = ["ROUTES"]

CREATE_INVITE_MAX = 10
_GROUPS = ("admin", "user")
_OBJECT_ID = re.compile(r"[0-9a-f]{24}")


def _team_admin(ctx: Ctx, *, members_route: bool = False) -> tuple[FakeUser, FakeDomain]:
    """retrieveDomain, ensureDomainAdmin, (ensureTeamPlan: a no-op), then the plan guards,
    in the order of each route."""
    user = ctx.api_token_user()
    domain, group = domain_for(ctx, user)
    ensure_domain_admin(group)
    if members_route:
        ensure_upgraded_plan(domain)
        enforce_paid_plan(user, domain, group)
    else:
        enforce_paid_plan(user, domain, group)
        ensure_upgraded_plan(domain)
    return user, domain


def _email_param(ctx: Ctx) -> str:
    """``email`` from the body, else the query string; 400 unless it is an address."""
    email = ctx.body.get("email") or ctx.query.get("email")
    if not is_sanb(email) or not is_email(email.strip()):
        raise BoomError(400, phrases.INVALID_EMAIL)
    return email.strip().lower()


async def accept_invite(ctx: Ctx) -> web.Response:
    """GET: the encrypted invite token, or (legacy links) the domain's ObjectId; a text answer."""
    user = ctx.api_token_user()
    ref = ctx.params["domain_id"]
    domain, invited = _invite_target(ctx, ref)
    if any(d.name == domain.name for d in ctx.store.domains_of(user)):
        raise BoomError(400, phrases.DOMAIN_ALREADY_EXISTS_REMOVE_FIRST)
    if invited is not None:
        invite = next((i for i in domain.invites if i.email == invited), None)
    else:
        # A legacy link takes the caller's invite, or else the domain's first one.
        mine = (i for i in domain.invites if i.email == user.email)
        invite = next(mine, domain.invites[0] if domain.invites else None)
    if invite is None:
        raise BoomError(404, phrases.INVITE_DOES_NOT_EXIST)
    domain.members.append(FakeMember(user, invite.group))
    domain.invites = [i for i in domain.invites if i.email != invite.email]
    domain.updated_at = ctx.store.now_ms()
    accepted = (
        phrases.INVITE_ACCEPTED_ADMIN if invite.group == "admin" else phrases.INVITE_ACCEPTED_USER
    )
    return text_response(accepted)


def _invite_target(ctx: Ctx, ref: str) -> tuple[FakeDomain, str | None]:
    """The domain and invited address of a token, or the domain of a legacy ObjectId link.

    Real tokens encrypt ``{domain id, email}`` and stay readable after the invite is used, so
    every token seen is remembered; an unknown one fails to decrypt.
    """
    tokens = ctx.store.invite_tokens
    for pending in ctx.store.domains.values():
        for invite in pending.invites:
            tokens.setdefault(invite.token, (pending.id, invite.email))
    if ref in tokens:
        domain_id, email = tokens[ref]
        domain = ctx.store.domains.get(domain_id)
        if domain is None:
            raise BoomError(404, phrases.DOMAIN_DOES_NOT_EXIST)
        return domain, email
    if not _OBJECT_ID.fullmatch(ref):
        raise BoomError(404, phrases.INVITE_DOES_NOT_EXIST)
    found = ctx.store.domains.get(ref)
    if found is None:
        raise BoomError(404, phrases.DOMAIN_DOES_NOT_EXIST)
    return found, None


async def create_invite(ctx: Ctx) -> web.Response:
    """POST: invite by email, or add at once someone already in another of your team domains."""
    user, domain = _team_admin(ctx)
    ctx.limit_route("create invite", CREATE_INVITE_MAX, user.id)
    email = _email_param(ctx)
    group = ctx.body.get("group")
    if group not in _GROUPS:
        raise BoomError(400, phrases.INVALID_GROUP)
    if any(invite.email.lower() == email for invite in domain.invites):
        raise BoomError(400, phrases.INVITE_ALREADY_SENT)
    invitee = next((u for u in ctx.store.users.values() if u.email == email), None)
    if invitee is not None and domain.group_of(invitee) is not None:
        raise BoomError(400, phrases.USER_ALREADY_MEMBER)
    ms = ctx.store.now_ms()
    if invitee is not None and _in_other_team_domain(ctx, user, invitee, domain):
        domain.members.append(FakeMember(invitee, group))
    else:
        domain.invites.append(FakeInvite(email, group, ctx.store.token_hex(32), ms, ms))
    domain.updated_at = ms
    return json_response(domain_object(domain, user))


def _in_other_team_domain(ctx: Ctx, admin: FakeUser, invitee: FakeUser, domain: FakeDomain) -> bool:
    return any(
        other is not domain
        and other.plan == "team"
        and other.group_of(admin) == "admin"
        and other.group_of(invitee) is not None
        for other in ctx.store.domains_of(admin)
    )


async def delete_invite(ctx: Ctx) -> web.Response:
    """DELETE: withdraws the invite of ``email``; a missing invite is a silent no-op."""
    user, domain = _team_admin(ctx)
    email = _email_param(ctx)
    domain.invites = [i for i in domain.invites if i.email.lower() != email]
    domain.updated_at = ctx.store.now_ms()
    return json_response(domain_object(domain, user))


def _member(domain: FakeDomain, member_id: str) -> FakeMember:
    member = next((m for m in domain.members if m.user.id == member_id), None)
    if member is None:
        raise BoomError(404, phrases.INVALID_USER)
    return member


async def update_member(ctx: Ctx) -> web.Response:
    """PUT: ``group`` is checked before the member is looked up."""
    user, domain = _team_admin(ctx, members_route=True)
    group = ctx.body.get("group")
    if group not in _GROUPS:
        raise BoomError(400, phrases.INVALID_GROUP)
    _member(domain, ctx.params["member_id"]).group = group
    domain.updated_at = ctx.store.now_ms()
    return json_response(domain_object(domain, user))


async def delete_member(ctx: Ctx) -> web.Response:
    """DELETE: the member's aliases pass to the caller (or are deleted when removing yourself).

    The domain is then looked up again among the caller's, so removing yourself answers 404
    after the change was made.
    """
    user, domain = _team_admin(ctx, members_route=True)
    member = _member(domain, ctx.params["member_id"])
    if len(domain.members) == 1:
        raise BoomError(404, phrases.UNKNOWN_ERROR)
    for alias in ctx.store.aliases_in(domain):
        if alias.user is member.user:
            if member.user is user:
                ctx.store.remove_alias(alias)
            else:
                alias.user = user
    domain.members = [m for m in domain.members if m is not member]
    domain.updated_at = ctx.store.now_ms()
    if domain.group_of(user) is None:
        raise BoomError(404, phrases.DOMAIN_DOES_NOT_EXIST)
    return json_response(domain_object(domain, user))


_DOMAIN = "/v1/domains/{domain_id}"
ROUTES = [
    Route("GET", _DOMAIN + "/invites", accept_invite),
    Route("POST", _DOMAIN + "/invites", create_invite),
    Route("DELETE", _DOMAIN + "/invites", delete_invite),
    Route("PUT", _DOMAIN + "/members/{member_id}", update_member),
    Route("DELETE", _DOMAIN + "/members/{member_id}", delete_member),
]
