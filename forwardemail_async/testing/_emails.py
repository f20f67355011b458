"""``/v1/emails*`` (contract §4.5): list, limit, retrieve, create and delete outbound emails.

Every route runs token auth, the verified/banned checks and ``enforcePaidPlan``; ``POST``
also takes alias credentials, which skip the user-level checks. ``/v1/emails/limit`` is
matched before ``/v1/emails/:id``, and the global rate limiter skips exactly ``/v1/emails``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from . import _phrases as phrases
from ._boom import BoomError, json_response
from ._context import Ctx, Route
from ._email_queue import queue_email
from ._emails_state import FakeEmail, email_object
from ._guards import enforce_paid_plan, ensure_upgraded_plan
from ._mime import nodemailer_message
from ._pagination import normalize
from ._state import FakeUser
from ._text import is_fqdn, is_sanb, js_boolean

__all__ = ["ROUTES"]

_SORT_KEYS: dict[str, Callable[[FakeEmail], Any]] = {
    "id": lambda e: e.id,
    "created_at": lambda e: e.created_at,
    "date": lambda e: e.date,
    "status": lambda e: e.status,
    "subject": lambda e: e.subject,
}


def _token_user(ctx: Ctx) -> FakeUser:
    user = ctx.api_token_user()
    enforce_paid_plan(user)
    return user


def _visible(ctx: Ctx, user: FakeUser) -> list[FakeEmail]:
    """Emails of the user's own aliases, and every email of domains they administer."""
    return [
        email
        for email in ctx.store.outbound.emails.values()
        if (email.alias is not None and email.alias.user is user)
        or email.domain.group_of(user) == "admin"
    ]


async def list_emails(ctx: Ctx) -> web.Response:
    """GET: filtered, searched (literally, in memory), sorted, 25 per page (max 100)."""
    user = _token_user(ctx)
    page = normalize(ctx.query.get("page"), ctx.query.get("limit"), default_limit=25, max_limit=100)
    emails = _visible(ctx, user)
    wanted = ctx.query.get("domain")
    if is_sanb(wanted):
        if not is_fqdn(wanted):
            raise BoomError(400, phrases.INVALID_DOMAIN)
        domain = next((d for d in ctx.store.domains_of(user) if d.name == wanted), None)
        if domain is None:
            raise BoomError(404, phrases.DOMAIN_DOES_NOT_EXIST)
        ensure_upgraded_plan(domain)
        if not domain.has_smtp:
            raise BoomError(400, phrases.EMAIL_SMTP_ACCESS_REQUIRED)
        emails = [email for email in emails if email.domain is domain]
    scheduled = ctx.query.get("is_scheduled")
    if is_sanb(scheduled) and js_boolean(scheduled):
        now = ctx.fake.clock() * 1000
        emails = [email for email in emails if email.date > now]
    emails = _sorted(emails, ctx.query.get("sort"))
    q = ctx.query.get("q")
    if is_sanb(q):
        emails = [email for email in emails if _matches(email, q.strip().lower())]
    # The search is an in-memory slice; otherwise Mongo, where limit=0 means "no limit".
    items = ctx.take_page(emails, page, zero_limit_takes_all=not is_sanb(q))
    return json_response([email_object(email, "list") for email in items])


def _sorted(emails: list[FakeEmail], sort: object) -> list[FakeEmail]:
    """``created_at`` ascending unless ``sort`` names a field (``-`` for descending)."""
    field, descending = "created_at", False
    if is_sanb(sort) and sort.removeprefix("-") in _SORT_KEYS:
        field, descending = sort.removeprefix("-"), sort.startswith("-")
    return sorted(emails, key=_SORT_KEYS[field], reverse=descending)


def _matches(email: FakeEmail, needle: str) -> bool:
    """list-emails.js: headers (names and values), envelope, Message-ID, subject, errors."""
    texts = [*email.headers, *email.headers.values(), email.envelope_from, *email.envelope_to]
    texts += [email.message_id, email.subject]
    for error in email.rejected_errors:
        texts += [str(error.get("response") or ""), str(error.get("message") or "")]
    return any(needle in text.lower() for text in texts)


async def email_limit(ctx: Ctx) -> web.Response:
    """GET /v1/emails/limit: ``{count, limit}`` for today."""
    user = _token_user(ctx)
    queue = ctx.store.outbound
    return json_response(
        {"count": queue.sent_today(user, ctx.store.now_ms()), "limit": queue.daily_limit}
    )


def _find(ctx: Ctx, user: FakeUser) -> FakeEmail:
    """retrieve-email.js: by id or Message-ID (the first ``.eml`` is dropped), on domains
    approved for SMTP."""
    ref = ctx.params["email_id"].replace(".eml", "", 1)
    for email in _visible(ctx, user):
        if email.domain.has_smtp and ref in (email.id, email.message_id):
            return email
    raise BoomError(404, phrases.EMAIL_DOES_NOT_EXIST)


async def retrieve_email(ctx: Ctx) -> web.Response:
    """GET one email, in full."""
    user = _token_user(ctx)
    return json_response(email_object(_find(ctx, user), "full"))


async def create_email(ctx: Ctx) -> web.Response:
    """POST: the body must be an object; then Nodemailer's checks and the queue rules."""
    who = ctx.token_or_alias_auth()
    if isinstance(who, FakeUser):
        enforce_paid_plan(who)
    if isinstance(ctx.record.json_body, list):
        raise BoomError(400, phrases.INVALID_REQUEST_BODY)
    email = queue_email(ctx, who, nodemailer_message(ctx.body))
    return json_response(email_object(email, "full"))


async def delete_email(ctx: Ctx) -> web.Response:
    """DELETE: only pending, queued or deferred emails; they are marked rejected, not removed."""
    user = _token_user(ctx)
    email = _find(ctx, user)
    if email.status not in ("pending", "queued", "deferred"):
        raise BoomError(400, phrases.INVALID_EMAIL_STATUS)
    email.rejected_errors += [
        {"recipient": recipient, "message": phrases.EMAIL_REMOVED}
        for recipient in email.envelope_to
        if recipient not in email.accepted
    ]
    email.status = "rejected"
    email.updated_at = ctx.store.now_ms()
    return json_response(email_object(email, "full"))


ROUTES = [
    Route("GET", "/v1/emails", list_emails),
    Route("POST", "/v1/emails", create_email),
    Route("GET", "/v1/emails/limit", email_limit),
    Route("GET", "/v1/emails/{email_id}", retrieve_email),
    Route("DELETE", "/v1/emails/{email_id}", delete_email),
]
