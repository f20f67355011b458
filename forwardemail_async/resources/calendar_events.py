"""``session.calendar_events``: events and tasks of the alias's calendars."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timezone
from typing import Literal

from forwardemail_async._core.errors import ConflictError
from forwardemail_async._core.pagination import AsyncPaginator
from forwardemail_async._core.params import (
    check_bool,
    date_param,
    required_str,
)
from forwardemail_async._core.reconcile import conflict, create_once, read_back_at
from forwardemail_async._core.requester import Service
from forwardemail_async._core.routes import Filter, ListRoute
from forwardemail_async._core.urls import name_segment
from forwardemail_async.models import CalendarEvent

__all__ = ["CalendarEventSort", "CalendarEventsService"]

CalendarEventSort = Literal[
    "created_at", "-created_at", "updated_at", "-updated_at", "eventId", "-eventId"
]
_SORT_FIELDS = frozenset({"created_at", "updated_at", "eventId"})

_MANY = "/v1/calendar-events"
_ONE = "/v1/calendar-events/{event}"


def _sort_param(value: object, name: str) -> str | None:
    """One sort key or several (applied in order), as the comma list the server reads."""
    if value is None:
        return None
    keys = [value] if isinstance(value, str) else value
    if not isinstance(keys, Sequence) or not keys:
        raise TypeError(f"{name} must be a sort key or a non-empty list of them")
    for key in keys:
        if not isinstance(key, str) or key.removeprefix("-") not in _SORT_FIELDS:
            raise ValueError(
                f"sort keys are created_at, updated_at or eventId, each with an optional '-'; "
                f"got {key!r}"
            )
    return ",".join(keys)


def _moment(value: object, name: str) -> datetime | None:
    """A date (midnight UTC) or an aware datetime, for comparing the two ends of a range."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"{name} must be timezone-aware (a naive datetime is ambiguous)")
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=timezone.utc)
    raise TypeError(f"{name} must be a date or datetime, not {type(value).__name__}")


def _calendar_id(value: object, name: str) -> object:
    """Sent as given, once it is known to fit in a path segment as the server reads it."""
    if value is not None:
        name_segment(value, name)
    return value


def _date_filter(value: object, name: str) -> str | None:
    """A date or aware datetime (not text, which could not be compared) as ISO-8601."""
    _moment(value, name)
    return date_param(value, name)


def _range(arguments: Mapping[str, object]) -> None:
    """``start_date`` must not be after ``end_date`` (a date counts as midnight UTC)."""
    start = _moment(arguments["start_date"], "start_date")
    end = _moment(arguments["end_date"], "end_date")
    if start is not None and end is not None and start > end:
        raise ValueError("end_date must not be before start_date")


LIST = ListRoute(
    path=_MANY,
    model=CalendarEvent,
    default_limit=25,
    max_limit=100,
    filters=(
        Filter("calendar_id", _calendar_id),
        Filter("include_deleted", check_bool),
        Filter("sort", _sort_param),
        Filter("start_date", _date_filter),
        Filter("end_date", _date_filter),
    ),
    relation=_range,
)


class CalendarEventsService(Service):
    """Events (and tasks) of the alias's calendars. ``event`` takes the event's id."""

    def list(
        self,
        *,
        calendar_id: str | None = None,
        include_deleted: bool | None = None,
        sort: CalendarEventSort | Sequence[CalendarEventSort] | None = None,
        start_date: date | datetime | None = None,
        end_date: date | datetime | None = None,
        limit: int | None = None,
        page: int = 1,
        concurrency: int = 1,
    ) -> AsyncPaginator[CalendarEvent]:
        """Every event, newest first unless ``sort`` (25 per page unless ``limit``, max 100).

        ``calendar_id`` keeps one calendar's events; ``include_deleted=True`` adds the deleted
        ones; ``start_date``/``end_date`` keep events overlapping that range (recurring events
        count when an occurrence falls inside).
        """
        return self._requester.paginate(
            LIST, locals(), limit=limit, page=page, concurrency=concurrency
        )

    async def create(
        self, calendar_id: str, ical: str, *, event_id: str | None = None
    ) -> CalendarEvent:
        """Add an event from its iCalendar text (a ``VCALENDAR`` with a ``VEVENT``/``VTODO``).

        An ``event_id`` already in use raises :class:`~forwardemail_async.ConflictError`;
        without one the server picks an id. Attendees are emailed invitations, as by CalDAV.
        With an ``event_id`` it happens exactly once: after an ambiguous failure it is read
        back by that id, and sent again only if absent.
        """
        body: dict[str, object] = {
            "calendar_id": required_str(calendar_id, "calendar_id"),
            "ical": required_str(ical, "ical"),
        }
        read_back = None
        if event_id is not None:  # the key: after an ambiguous failure, read it back
            body["event_id"] = key = required_str(event_id, "event_id")
            taken = conflict(ConflictError, 409, "Calendar event already exists.", _MANY)
            read_back = read_back_at(
                self._requester,
                _ONE,
                lambda: _path(key),
                CalendarEvent,
                body,
                conflict=taken,
                same_values=_same_calendar,
            )
        return await create_once(self._requester, CalendarEvent, _MANY, body, read_back)

    async def retrieve(self, event: str) -> CalendarEvent:
        """One event that is not deleted."""
        return await self._requester.model(CalendarEvent, "GET", _ONE, path_params=_path(event))

    async def update(
        self, event: str, *, calendar_id: str | None = None, ical: str | None = None
    ) -> CalendarEvent:
        """Replace an event's iCalendar text and/or move it to calendar ``calendar_id``."""
        body: dict[str, object] = {}
        if calendar_id is not None:
            body["calendar_id"] = required_str(calendar_id, "calendar_id")
        if ical is not None:
            body["ical"] = required_str(ical, "ical")
        if not body:
            raise ValueError("update() needs calendar_id or ical")
        return await self._requester.model(
            CalendarEvent, "PUT", _ONE, path_params=_path(event), json=body
        )

    async def delete(self, event: str) -> CalendarEvent:
        """Delete an event. Deletes are soft: the answer (and ``list(include_deleted=True)``)
        shows it with ``deleted_at`` set."""
        return await self._requester.model(CalendarEvent, "DELETE", _ONE, path_params=_path(event))


def _path(event: str) -> dict[str, str]:
    return {"event": name_segment(event, "event")}


def _same_calendar(event: CalendarEvent, body: Mapping[str, object]) -> bool:
    """An event found by its id holds our values if it is in our calendar (the server
    rewrites the iCalendar text, so that is not compared)."""
    return event.calendar_id == body["calendar_id"]
