"""``/v1/calendars`` (contract §4.9): the alias's CalDAV calendars.

Follows app/controllers/api/v1/calendars.js: a name or id already in use is a 409, deleting
a calendar deletes its events too (hard delete), and new ids are UUIDs.
"""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from . import _phrases as phrases
from ._boom import BoomError, json_response
from ._context import Ctx, Route
from ._mailbox import FakeCalendar, FakeMailbox
from ._mailbox_access import mailbox_for, page_of
from ._shapes import iso
from ._text import WEB_URL, is_sanb

__all__ = ["ROUTES", "calendar_object", "find_calendar"]


def calendar_object(calendar: FakeCalendar) -> dict[str, Any]:
    """The calendar as ``json()`` in calendars.js builds it."""
    return {
        "id": calendar.id,
        "name": calendar.name,
        "description": calendar.description,
        "color": calendar.color,
        "timezone": calendar.timezone,
        "order": calendar.order,
        "created_at": iso(calendar.created_at),
        "updated_at": iso(calendar.updated_at),
        "object": "calendar",
    }


def find_calendar(mailbox: FakeMailbox, calendar_id: object) -> FakeCalendar | None:
    """The calendar whose id is ``calendar_id``."""
    return next((c for c in mailbox.calendars if c.id == calendar_id), None)


def _calendar_for(ctx: Ctx, mailbox: FakeMailbox) -> FakeCalendar:
    if not is_sanb(ctx.params["id"]):
        raise BoomError(400, phrases.CALENDAR_INVALID_ID)
    calendar = find_calendar(mailbox, ctx.params["id"])
    if calendar is None:
        raise BoomError(404, phrases.CALENDAR_DOES_NOT_EXIST)
    return calendar


async def list_calendars(ctx: Ctx) -> web.Response:
    """GET: newest first."""
    mailbox = mailbox_for(ctx)
    calendars = sorted(mailbox.calendars, key=lambda c: c.created_at, reverse=True)
    shown = page_of(ctx, calendars)
    return json_response([calendar_object(c) for c in shown])


async def create_calendar(ctx: Ctx) -> web.Response:
    """POST: ``name`` required; the rest defaults (random colour, UTC, the web URL)."""
    mailbox = mailbox_for(ctx)
    body = ctx.body
    if not is_sanb(body.get("name")):
        raise BoomError(400, phrases.CALENDAR_NAME_REQUIRED)
    given_id = body.get("calendar_id")
    if given_id not in (None, "") and not is_sanb(given_id):
        raise BoomError(400, phrases.CALENDAR_ID_REQUIRED)
    calendar_id = given_id or str(uuid.UUID(int=ctx.store.rng.getrandbits(128), version=4))
    if find_calendar(mailbox, calendar_id) or any(
        c.name == body["name"] for c in mailbox.calendars
    ):
        raise BoomError(409, phrases.CALENDAR_ALREADY_EXISTS)
    ms = ctx.store.now_ms()
    calendar = FakeCalendar(
        id=calendar_id,
        name=body["name"],
        description=body.get("description") or WEB_URL,
        color=body.get("color") or f"#{ctx.store.token_hex(6)}",
        timezone=body.get("timezone") or "UTC",
        order=body.get("order") or 0,
        created_at=ms,
        updated_at=ms,
    )
    mailbox.calendars.append(calendar)
    return json_response(calendar_object(calendar))


async def retrieve_calendar(ctx: Ctx) -> web.Response:
    """GET one calendar by its id."""
    mailbox = mailbox_for(ctx)
    return json_response(calendar_object(_calendar_for(ctx, mailbox)))


async def update_calendar(ctx: Ctx) -> web.Response:
    """PUT: name (409 if another calendar has it), description, color, timezone, order."""
    mailbox = mailbox_for(ctx)
    calendar = _calendar_for(ctx, mailbox)
    body = ctx.body
    if "name" in body:
        if not is_sanb(body["name"]):
            raise BoomError(400, phrases.CALENDAR_NAME_REQUIRED)
        if any(c.name == body["name"] and c is not calendar for c in mailbox.calendars):
            raise BoomError(409, phrases.CALENDAR_ALREADY_EXISTS)
        calendar.name = body["name"]
    for field in ("description", "color", "timezone", "order"):
        if field in body:
            setattr(calendar, field, body[field])
    calendar.updated_at = ctx.store.now_ms()
    return json_response(calendar_object(calendar))


async def delete_calendar(ctx: Ctx) -> web.Response:
    """DELETE: the calendar and all its events, for good."""
    mailbox = mailbox_for(ctx)
    calendar = _calendar_for(ctx, mailbox)
    mailbox.events = [e for e in mailbox.events if e.calendar is not calendar]
    mailbox.calendars.remove(calendar)
    return json_response(calendar_object(calendar))


ROUTES = [
    Route("GET", "/v1/calendars", list_calendars),
    Route("POST", "/v1/calendars", create_calendar),
    Route("GET", "/v1/calendars/{id}", retrieve_calendar),
    Route("PUT", "/v1/calendars/{id}", update_calendar),
    Route("DELETE", "/v1/calendars/{id}", delete_calendar),
]
