"""``/v1/calendar-events`` (contract §4.9): events and tasks of the alias's calendars.

Follows app/controllers/api/v1/calendar-events.js: deletes are soft (``deleted_at``), deleted
events are hidden unless ``include_deleted``, an unknown calendar is a 400, and ``sort`` takes
a comma list of created_at, updated_at and eventId (the newest server refuses anything else).
Recurring events match a date range when they start before its end and their RRULE's UNTIL
(if any) is not before its start: occurrences are not expanded.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from . import _phrases as phrases
from ._boom import BoomError, json_response
from ._calendars import find_calendar
from ._context import Ctx, Route
from ._ical import event_fields, parse_ical, parse_iso
from ._mailbox import FakeCalendarEvent, FakeMailbox
from ._mailbox_access import mailbox_for, page_of, query_text
from ._shapes import iso, iso_or_none
from ._text import is_sanb, js_boolean

__all__ = ["ROUTES"]

_SORT_KEYS: dict[str, Callable[[FakeCalendarEvent], Any]] = {
    "created_at": lambda e: e.created_at,
    "updated_at": lambda e: e.updated_at,
    "eventId": lambda e: e.id,
}


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def event_object(event: FakeCalendarEvent) -> dict[str, Any]:
    """The event as ``json()`` in calendar-events.js builds it, parsed fields included."""
    data: dict[str, Any] = {
        "id": event.id,
        "calendar_id": event.calendar.id,
        "ical": event.ical,
        "deleted_at": iso_or_none(event.deleted_at),
        "created_at": iso(event.created_at),
        "updated_at": iso(event.updated_at),
        "object": "calendar_event",
    }
    component = parse_ical(event.ical)
    if component is not None:
        for key, value in event_fields(component).items():
            data[key] = iso(_ms(value)) if isinstance(value, datetime) else value
    return data


def _find(ctx: Ctx, mailbox: FakeMailbox) -> FakeCalendarEvent:
    if not is_sanb(ctx.params["id"]):
        raise BoomError(400, phrases.CALENDAR_EVENT_INVALID_ID)
    event = next(
        (e for e in mailbox.events if e.id == ctx.params["id"] and e.deleted_at is None), None
    )
    if event is None:
        raise BoomError(404, phrases.CALENDAR_EVENT_DOES_NOT_EXIST)
    return event


def _range(ctx: Ctx) -> tuple[datetime | None, datetime | None]:
    bounds = []
    for name, message in (
        ("start_date", phrases.START_DATE_INVALID),
        ("end_date", phrases.END_DATE_INVALID),
    ):
        text = query_text(ctx, name)
        moment = None if text is None else parse_iso(text)
        if text is not None and moment is None:
            raise BoomError(400, message)
        bounds.append(moment)
    start, end = bounds
    if start is not None and end is not None and start > end:
        raise BoomError(400, phrases.END_BEFORE_START)
    return start, end


def _in_range(event: FakeCalendarEvent, start: datetime | None, end: datetime | None) -> bool:
    component = parse_ical(event.ical)
    if component is None:
        return False
    first = component.when("DTSTART")
    last = component.when("DUE" if component.kind == "VTODO" else "DTEND") or first
    if first is None or last is None:
        return False
    if component.recurs:
        until = component.until()
        return (end is None or first <= end) and (start is None or until is None or until >= start)
    return (end is None or first <= end) and (start is None or last >= start)


def _sorted(ctx: Ctx, events: list[FakeCalendarEvent]) -> list[FakeCalendarEvent]:
    text = query_text(ctx, "sort")
    keys = [key.strip() for key in text.split(",")] if text else ["-created_at"]
    if any(key.removeprefix("-") not in _SORT_KEYS for key in keys):
        raise BoomError(400, phrases.CALENDAR_EVENT_SORT_INVALID)
    for key in reversed(keys):  # stable sorts, least significant key first
        events = sorted(events, key=_SORT_KEYS[key.removeprefix("-")], reverse=key.startswith("-"))
    return events


async def list_events(ctx: Ctx) -> web.Response:
    """GET: filtered by calendar, date range and deletion; newest first unless ``sort``."""
    mailbox = mailbox_for(ctx)
    events = list(mailbox.events)
    calendar_id = query_text(ctx, "calendar_id")
    if calendar_id is not None:
        calendar = find_calendar(mailbox, calendar_id)
        if calendar is None:
            raise BoomError(400, phrases.CALENDAR_DOES_NOT_EXIST)
        events = [e for e in events if e.calendar is calendar]
    if not js_boolean(ctx.query.get("include_deleted")):
        events = [e for e in events if e.deleted_at is None]
    events = _sorted(ctx, events)
    start, end = _range(ctx)
    if start is not None or end is not None:
        events = [e for e in events if _in_range(e, start, end)]
    shown = page_of(ctx, events)
    return json_response([event_object(e) for e in shown])


async def create_event(ctx: Ctx) -> web.Response:
    """POST: ``calendar_id`` and ``ical`` required; ``event_id`` optional (409 if taken)."""
    mailbox = mailbox_for(ctx)
    body = ctx.body
    if not body.get("calendar_id"):
        raise BoomError(400, phrases.CALENDAR_ID_REQUIRED)
    if not body.get("ical"):
        raise BoomError(400, phrases.ICAL_DATA_REQUIRED)
    calendar = find_calendar(mailbox, body["calendar_id"])
    if calendar is None:
        raise BoomError(400, phrases.CALENDAR_DOES_NOT_EXIST)
    ms = ctx.store.now_ms()
    event_id = body.get("event_id") or ctx.store.new_id(ms)
    if any(e.id == event_id for e in mailbox.events):
        raise BoomError(409, phrases.CALENDAR_EVENT_ALREADY_EXISTS)
    event = FakeCalendarEvent(
        id=event_id, calendar=calendar, ical=body["ical"], created_at=ms, updated_at=ms
    )
    mailbox.events.append(event)
    return json_response(event_object(event))


async def retrieve_event(ctx: Ctx) -> web.Response:
    """GET one event that is not deleted."""
    mailbox = mailbox_for(ctx)
    return json_response(event_object(_find(ctx, mailbox)))


async def update_event(ctx: Ctx) -> web.Response:
    """PUT: move to ``calendar_id`` and/or replace ``ical``."""
    mailbox = mailbox_for(ctx)
    event = _find(ctx, mailbox)
    body = ctx.body
    if "calendar_id" in body:
        calendar = find_calendar(mailbox, body["calendar_id"])
        if calendar is None:
            raise BoomError(400, phrases.CALENDAR_DOES_NOT_EXIST)
        event.calendar = calendar
    if "ical" in body:
        event.ical = body["ical"]
    event.updated_at = ctx.store.now_ms()
    return json_response(event_object(event))


async def delete_event(ctx: Ctx) -> web.Response:
    """DELETE: sets ``deleted_at`` and answers with the event."""
    mailbox = mailbox_for(ctx)
    event = _find(ctx, mailbox)
    event.deleted_at = event.updated_at = ctx.store.now_ms()
    return json_response(event_object(event))


ROUTES = [
    Route("GET", "/v1/calendar-events", list_events),
    Route("POST", "/v1/calendar-events", create_event),
    Route("GET", "/v1/calendar-events/{id}", retrieve_event),
    Route("PUT", "/v1/calendar-events/{id}", update_event),
    Route("DELETE", "/v1/calendar-events/{id}", delete_event),
]
