"""Calendars and calendar events (CalDAV) of an alias."""

from datetime import datetime
from typing import Any

import attrs

from forwardemail_async._core.display import HtmlRepr

__all__ = ["Calendar", "CalendarEvent"]


@attrs.frozen(kw_only=True)
class Calendar(HtmlRepr):
    """A calendar. ``id`` is its CalDAV calendar id, not necessarily an ObjectId."""

    id: str
    name: str
    object: str = "calendar"
    description: str | None = None
    color: str | None = None
    timezone: str | None = None
    order: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class CalendarEvent(HtmlRepr):
    """An event (or task) of a calendar: the raw iCalendar text plus fields parsed from it.

    The parsed fields (``summary`` ... ``organizer``) are absent when the server cannot parse
    ``ical``; VTODO items may add ``component_type``, ``completed`` and ``percent_complete``.
    A deleted event keeps existing with ``deleted_at`` set (deletes are soft).
    """

    id: str
    calendar_id: str
    object: str = "calendar_event"
    ical: str | None = None
    deleted_at: datetime | None = None
    summary: str | None = None
    description: str | None = None
    location: str | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    uid: str | None = None
    status: str | None = None
    organizer: str | None = None
    component_type: str | None = None
    completed: datetime | None = None
    percent_complete: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    def __repr__(self) -> str:
        return (
            f"CalendarEvent(id={self.id!r}, calendar_id={self.calendar_id!r}, "
            f"summary={self.summary!r}, start_date={self.start_date!r})"
        )
