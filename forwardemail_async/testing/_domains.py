"""``/v1/domains*`` (contract §4.6): list, create, retrieve, verify-records, verify-smtp, update
and delete."""

from __future__ import annotations

import ipaddress
import json
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from . import _phrases as phrases
from ._boom import BoomError, json_response, text_response
from ._context import Ctx, Route
from ._guards import domain_for, enforce_paid_plan, ensure_domain_admin, ensure_upgraded_plan
from ._pagination import domains_and_aliases
from ._shapes import domain_object
from ._state import PLAN_RANK, PLANS, FakeDomain, FakeMember, FakeUser
from ._text import (
    format_phrase,
    is_email,
    is_fqdn,
    is_ip,
    is_sanb,
    js_boolean,
    js_parse_int,
    parse_bytes,
    split_list,
)

__all__ = ["ROUTES"]

# Booleans create and update accept (update adds require_tls_inbound).
_FLAGS = (
    "has_adult_content_protection",
    "has_phishing_protection",
    "has_executable_protection",
    "has_virus_protection",
    "has_recipient_verification",
    "ignore_mx_check",
    "has_delivery_logs",
)
_MAX_DOMAIN_QUOTA = 100 * 1024**3


async def list_domains(ctx: Ctx) -> web.Response:
    """GET: the caller's domains, filtered and sorted in memory, without members/invites."""
    user = ctx.api_token_user()
    page = domains_and_aliases(ctx.query)
    domains = [d for d in ctx.store.domains_of(user) if _matches(ctx.query, d)]
    rows = [domain_object(d, user, "list") for d in domains]
    sort = ctx.query.get("sort")
    if is_sanb(sort):
        field = sort.removeprefix("-")
        rows.sort(key=lambda row: _sort_key(row.get(field)), reverse=sort.startswith("-"))
    else:
        rows.sort(key=lambda row: str(row["created_at"]))
    items = ctx.take_page(rows, page, zero_limit_takes_all=False)
    return json_response(items)


def _matches(query: dict[str, str | list[str]], domain: FakeDomain) -> bool:
    # `q` and `name` are escaped case-insensitive substrings; `domain` also tries the ASCII form.
    for key in ("q", "name"):
        needle = query.get(key)
        if is_sanb(needle) and needle.lower() not in domain.name.lower():
            return False
    needle = query.get("domain")
    if is_sanb(needle):
        forms = (domain.name.lower(), _ascii(domain.name).lower())
        return any(needle.lower() in form for form in forms)
    return True


def _sort_key(value: Any) -> tuple[int, Any]:
    # Undefined values sort first; anything that is not a plain value compares as JSON text.
    if value is None:
        return (0, "")
    return (1, value if isinstance(value, int | float | str) else json.dumps(value))


def _ascii(name: str) -> str:
    try:
        return name.encode("idna").decode()
    except UnicodeError:
        return name


def _unicode(name: str) -> str | None:
    # Stored names are lowercase Unicode; a punycode name is decoded, a broken one is invalid.
    try:
        return name.encode().decode("idna") if "xn--" in name else name
    except UnicodeError:
        return None


async def create_domain(ctx: Ctx) -> web.Response:
    """POST: validateDomain, the 'create domain' limiter, enforcePaidPlan, then createDomain."""
    user = ctx.api_token_user()
    body = ctx.body
    raw = body.get("domain")
    name = _unicode(raw.strip().lower()) if is_sanb(raw) else None
    if not name or not (is_fqdn(name) or is_ip(name)):
        raise BoomError(400, phrases.INVALID_DOMAIN)
    if any(d.name == name for d in ctx.store.domains_of(user)):
        raise BoomError(400, phrases.DOMAIN_ALREADY_EXISTS)
    plan = body.get("plan")
    if plan not in (None, "") and plan not in PLANS:
        raise BoomError(400, phrases.INVALID_PLAN)
    ctx.limit_route("create domain", ctx.fake.rate_limits.create_domain_max, user.id)
    enforce_paid_plan(user)
    team = _team_domain(ctx, user, body.get("team_domain"))
    catchall = _catchall_recipients(body.get("catchall", None), user)
    wanted = team.plan if team else plan or (user.plan if user.plan in PLANS else "free")
    # A plan above the user's own is silently downgraded to it.
    if not team and PLAN_RANK[wanted] > PLAN_RANK.get(user.plan, 0):
        wanted = user.plan
    domain = ctx.store.add_domain(user, name, plan=wanted)
    if team:
        domain.members = [FakeMember(m.user, m.group) for m in team.members]
    for flag in _FLAGS:
        value = body.get(flag)
        if isinstance(value, bool) or is_sanb(value):
            setattr(domain, flag, js_boolean(value))
    if catchall:
        alias = ctx.store.new_alias(domain, user, "*")
        alias.recipients, alias.labels = catchall, ["catch-all"]
        alias.has_recipient_verification = domain.has_recipient_verification
        ctx.store.store_aliases([alias])
    return json_response(domain_object(domain, user))


def _team_domain(ctx: Ctx, user: FakeUser, ref: object) -> FakeDomain | None:
    if not is_sanb(ref) or ref == "none":
        return None
    for domain in ctx.store.domains_of(user):
        is_team_admin = domain.plan == "team" and domain.group_of(user) == "admin"
        if ref in (domain.id, domain.name) and is_team_admin:
            return domain
    raise BoomError(404, phrases.DOMAIN_DOES_NOT_EXIST_ANYWHERE)


def _catchall_recipients(value: object, user: FakeUser) -> list[str]:
    """The catch-all's recipients; empty for none.

    ``false``/``"false"``/``"0"`` create none, ``true``/``"true"`` point it at the user, another
    string lists recipients; anything else, the JSON number 0 included, points it at the user.
    """
    text = value.strip().lower() if isinstance(value, str) else None
    if value is False or text in ("false", "0"):
        return []
    if is_sanb(value) and text != "true":
        emails = list(dict.fromkeys(r.lower() for r in split_list(value) if is_email(r)))
        if not emails:
            raise BoomError(400, phrases.ALIAS_MUST_HAVE_ONE_RECIPIENT)
        return emails
    return [user.email]


async def retrieve_domain(ctx: Ctx) -> web.Response:
    """GET one domain (full shape; trimmed for non-admins)."""
    user = ctx.api_token_user()
    domain, group = domain_for(ctx, user)
    enforce_paid_plan(user, domain, group)
    return json_response(domain_object(domain, user))


async def verify_records(ctx: Ctx) -> web.Response:
    """GET verify-records: text on success; 400 listing what is missing otherwise."""
    user = ctx.api_token_user()
    domain, group = domain_for(ctx, user)
    enforce_paid_plan(user, domain, group)
    domain.has_txt_record = domain.has_mx_record = domain.dns_verified
    if domain.dns_verified:
        return text_response(phrases.DOMAIN_IS_VERIFIED)
    record = f"forward-email-site-verification={domain.verification_record}"
    errors = [format_phrase(phrases.MISSING_VERIFICATION_RECORD, record)]
    if not domain.ignore_mx_check:
        errors.append(
            format_phrase(phrases.MISSING_DNS_MX, "mx1.forwardemail.net, mx2.forwardemail.net")
        )
    raise _verification_error(errors)


async def verify_smtp(ctx: Ctx) -> web.Response:
    """GET verify-smtp: text on success; 400 listing the missing DKIM/Return-Path/DMARC."""
    user = ctx.api_token_user()
    domain, group = domain_for(ctx, user)
    enforce_paid_plan(user, domain, group)
    verified = domain.smtp_verified
    domain.has_dkim_record = domain.has_return_path_record = domain.has_dmarc_record = verified
    if verified:
        return text_response(phrases.EMAIL_SMTP_IS_VERIFIED)
    records = domain_object(domain, user)["smtp_dns_records"]
    raise _verification_error(
        [
            format_phrase(phrases.MISSING_SMTP_RECORD, label, f"{rec['name']} {rec['value']}")
            for label, rec in zip(("DKIM", "Return-Path", "DMARC"), records.values(), strict=True)
        ]
    )


def _verification_error(errors: list[str]) -> BoomError:
    if len(errors) == 1:
        return BoomError(400, errors[0])
    items = "".join(f"<li>{error}</li>" for error in errors)
    return BoomError(400, f"{phrases.MULTIPLE_VERIFICATION_ERRORS}<ul>{items}</ul>")


async def update_domain(ctx: Ctx) -> web.Response:
    """PUT: admin only, paid domain; every field is validated before anything changes."""
    user = ctx.api_token_user()
    domain, group = domain_for(ctx, user)
    ensure_domain_admin(group)
    enforce_paid_plan(user, domain, group)
    ensure_upgraded_plan(domain)
    changes = _domain_changes(ctx.body, domain)
    for field, value in changes.items():
        setattr(domain, field, value)
    domain.updated_at = ctx.store.now_ms()
    return json_response(domain_object(domain, user))


def _domain_changes(body: dict[str, Any], domain: FakeDomain) -> dict[str, Any]:
    """update-domain.js plus the domain model's validation."""
    changes: dict[str, Any] = {}
    port = body.get("smtp_port")
    if is_sanb(port):  # a JSON number is silently ignored
        if not port.strip().isdigit() or not 0 < int(port) < 65536:
            raise BoomError(400, phrases.INVALID_PORT)
        changes["smtp_port"] = port.strip()
    days = body.get("retention_days")
    if isinstance(days, str):
        days = js_parse_int(days)
    if isinstance(days, int | float) and not isinstance(days, bool):
        if days < 0 or days > 30:
            template = (
                phrases.RETENTION_DAYS_TOO_LOW if days < 0 else phrases.RETENTION_DAYS_TOO_HIGH
            )
            raise BoomError(400, format_phrase(template, days))
        changes["retention_days"] = int(days)
    if "bounce_webhook" in body:
        changes["bounce_webhook"] = _bounce_webhook(body["bounce_webhook"])
    if "max_quota_per_alias" in body:
        changes["max_quota_per_alias"] = _domain_quota(body["max_quota_per_alias"], domain)
    for flag in (*_FLAGS, "require_tls_inbound"):
        if flag in body:
            changes[flag] = js_boolean(body[flag])
    return changes


def _bounce_webhook(value: object) -> str | None:
    if value in ("", False, None):
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise BoomError(400, phrases.INVALID_BOUNCE_WEBHOOK)
    host = parts.hostname
    try:
        private = not ipaddress.ip_address(host).is_global
    except ValueError:
        private = host == "localhost" or host.endswith(".localhost")
    if private:
        raise BoomError(400, phrases.INVALID_LOCALHOST_URL)
    return str(value)


def _domain_quota(value: object, domain: FakeDomain) -> int:
    parsed = parse_bytes(value) if isinstance(value, str) else None
    if parsed is None:
        raise BoomError(400, phrases.INVALID_BYTES)
    if parsed > _MAX_DOMAIN_QUOTA:
        message = format_phrase(phrases.DOMAIN_MAX_QUOTA_EXCEEDS_USER, domain.name, value, "100GB")
        raise BoomError(400, message)
    return parsed


async def delete_domain(ctx: Ctx) -> web.Response:
    """DELETE: admin only; removes the aliases too and answers with the domain as it was."""
    user = ctx.api_token_user()
    domain, group = domain_for(ctx, user)
    ensure_domain_admin(group)
    enforce_paid_plan(user, domain, group)
    body = domain_object(domain, user)
    ctx.store.remove_domain(domain)
    return json_response(body)


_DOMAIN = "/v1/domains/{domain_id}"
ROUTES = [
    Route("GET", "/v1/domains", list_domains),
    Route("POST", "/v1/domains", create_domain),
    Route("GET", _DOMAIN, retrieve_domain),
    Route("GET", _DOMAIN + "/verify-records", verify_records),
    Route("GET", _DOMAIN + "/verify-smtp", verify_smtp),
    Route("PUT", _DOMAIN, update_domain),
    Route("DELETE", _DOMAIN, delete_domain),
]
