"""A small iCalendar reader for the fake: the fields ical.js gives calendar-events.js.

Only what the API answers with is read: the first ``VEVENT`` (or ``VTODO``), its summary,
description, location, start and end, uid, status and organizer, and whether it recurs.
Times with a ``TZID`` are read as UTC (an approximation).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import attrs

__all__ = ["ParsedComponent", "event_fields", "parse_ical", "parse_iso"]

_PROPERTY = re.compile(r"^([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$")
_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$")
_RECURRENCE = ("RRULE", "RDATE", "EXRULE", "EXDATE")


@attrs.frozen
class ParsedComponent:
    """The first event or task of a calendar object, by property name (upper case)."""

    kind: str
    properties: dict[str, str]

    def text(self, name: str) -> str | None:
        value = self.properties.get(name)
        if value is None:
            return None
        return re.sub(r"\\([,;\\nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)

    def when(self, name: str) -> datetime | None:
        return _date(self.properties.get(name, ""))

    @property
    def recurs(self) -> bool:
        return any(name in self.properties for name in _RECURRENCE)

    def until(self) -> datetime | None:
        """The ``UNTIL`` of its RRULE, if any."""
        match = re.search(r"UNTIL=([0-9TZ]+)", self.properties.get("RRULE", ""))
        return _date(match.group(1)) if match else None


def _date(value: str) -> datetime | None:
    """An iCalendar DATE or DATE-TIME (floating and TZID times read as UTC)."""
    match = _DATE.match(value)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)


def parse_ical(text: object) -> ParsedComponent | None:
    """The first ``VEVENT`` (else ``VTODO``) of ``text``; ``None`` if it is not iCalendar."""
    if not isinstance(text, str) or "BEGIN:VCALENDAR" not in text.upper():
        return None
    lines = re.sub(r"\r?\n[ \t]", "", text).splitlines()
    for kind in ("VEVENT", "VTODO"):
        properties: dict[str, str] = {}
        inside = False
        for line in lines:
            upper = line.strip().upper()
            if upper == f"BEGIN:{kind}":
                inside = True
            elif upper == f"END:{kind}" and inside:
                return ParsedComponent(kind, properties)
            elif inside:
                match = _PROPERTY.match(line.strip())
                if match:
                    properties.setdefault(match.group(1).upper(), match.group(3))
    return None


def parse_iso(text: str) -> datetime | None:
    """A date or date-time as ``new Date(text)`` reads ISO 8601; ``None`` if invalid.

    Without an offset it is taken as UTC (JavaScript would use local time for date-times).
    """
    candidate = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def event_fields(component: ParsedComponent) -> dict[str, Any]:
    """The parsed convenience fields of an event object (absent ones left out)."""
    start = component.when("DTSTART")
    end_key = "DUE" if component.kind == "VTODO" else "DTEND"
    end = component.when(end_key) or start
    fields: dict[str, Any] = {
        "summary": component.text("SUMMARY"),
        "description": component.text("DESCRIPTION"),
        "location": component.text("LOCATION"),
        "start_date": start,
        "end_date": end,
        "uid": component.text("UID"),
        "status": component.text("STATUS"),
        "organizer": component.text("ORGANIZER"),
    }
    if component.kind == "VTODO":
        percent = component.properties.get("PERCENT-COMPLETE")
        fields.update(
            component_type="VTODO",
            completed=component.when("COMPLETED"),
            percent_complete=int(percent) if percent and percent.isdigit() else None,
        )
    # ical.js leaves absent text properties undefined (dropped from JSON); status and
    # organizer come from getFirstPropertyValue, which gives null.
    keep_null = {"status", "organizer", "start_date", "end_date", "completed", "percent_complete"}
    return {k: v for k, v in fields.items() if v is not None or k in keep_null}
