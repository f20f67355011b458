"""The route guards of contract §1.2 and §4.0: finding the domain and alias in the path, and
the plan and admin checks, each raising the server's exact error."""

from __future__ import annotations

from . import _phrases as phrases
from ._boom import BoomError
from ._context import Ctx
from ._state import FakeAlias, FakeDomain, FakeUser
from ._text import format_phrase

__all__ = [
    "alias_for",
    "domain_for",
    "enforce_paid_plan",
    "ensure_domain_admin",
    "ensure_upgraded_plan",
]

_TEAM_PLANS = frozenset({"team", "enterprise"})


def domain_for(ctx: Ctx, user: FakeUser) -> tuple[FakeDomain, str]:
    """``retrieveDomain``: the user's domain named by ``:domain_id`` (id or exact name) and the
    user's group on it."""
    ref = ctx.params["domain_id"]
    for domain in ctx.store.domains_of(user):
        if ref in (domain.id, domain.name):
            return domain, domain.group_of(user) or "user"
    raise BoomError(404, phrases.DOMAIN_DOES_NOT_EXIST)


def alias_for(ctx: Ctx, domain: FakeDomain, group: str, user: FakeUser) -> FakeAlias:
    """``retrieveAlias`` + ``ensureAliasAdmin``: ``:alias_id`` (id or name) on ``domain``.

    Another member's alias is found but refused with 400 IS_NOT_ADMIN unless the caller
    administers the domain; aliases of banned users are invisible.
    """
    alias = ctx.store.find_alias(domain, ctx.params["alias_id"])
    if alias is None or alias.user.banned:
        raise BoomError(404, phrases.ALIAS_DOES_NOT_EXIST)
    if group != "admin" and alias.user is not user:
        raise BoomError(400, phrases.IS_NOT_ADMIN)
    return alias


def enforce_paid_plan(
    user: FakeUser, domain: FakeDomain | None = None, group: str | None = None
) -> None:
    """``enforcePaidPlan``: 402 for free users, unless they administer a team domain."""
    if domain is not None and group == "admin" and domain.plan in _TEAM_PLANS:
        return
    if user.plan == "free":
        link = "/en/my-account/billing/upgrade?plan=enhanced_protection"
        raise BoomError(402, format_phrase(phrases.PLAN_UPGRADE_REQUIRED, link))


def ensure_upgraded_plan(domain: FakeDomain) -> None:
    """``ensureUpgradedPlan``: 402 for a domain on the free plan."""
    if domain.plan == "free":
        link = f"/en/my-account/domains/{domain.name}/billing?plan=enhanced_protection"
        raise BoomError(402, format_phrase(phrases.PLAN_UPGRADE_REQUIRED, link))


def ensure_domain_admin(group: str) -> None:
    """``ensureDomainAdmin``: 400 (not 403) for members who are not admins."""
    if group != "admin":
        raise BoomError(400, phrases.IS_NOT_ADMIN)
