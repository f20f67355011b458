"""session.calendars and session.calendar_events against the fake server over HTTP."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail

from .alias_helpers import refused_before_sending, refused_by_the_server


def ical(summary: str, start: str, end: str, *, uid: str = "u1", extra: str = "") -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTART:{start}\r\nDTEND:{end}\r\nSUMMARY:{summary}\r\n"
        f"DESCRIPTION:About {summary}\\, really\r\nLOCATION:Room A\r\nSTATUS:CONFIRMED\r\n"
        f"{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


LUNCH = ical("Lunch", "20250101T120000Z", "20250101T130000Z")


# Calendars --------------------------------------------------------------------------------------


async def test_calendar_create_retrieve_update_delete(session: fe.AliasSession) -> None:
    created = await session.calendars.create("Work", color="#ff0000")
    assert created.name == "Work"
    assert created.color == "#ff0000"
    assert created.timezone == "UTC"  # the server's default
    assert created.order == 0
    assert created.description == "https://forwardemail.net"

    assert (await session.calendars.retrieve(created.id)).name == "Work"
    updated = await session.calendars.update(created.id, name="Office", timezone="Europe/Paris")
    assert (updated.name, updated.timezone) == ("Office", "Europe/Paris")

    deleted = await session.calendars.delete(created.id)
    assert deleted.id == created.id
    with pytest.raises(fe.NotFoundError) as info:
        await session.calendars.retrieve(created.id)
    assert info.value.message == "Calendar does not exist."


async def test_calendar_name_in_use_is_a_conflict(session: fe.AliasSession) -> None:
    await session.calendars.create("Home")
    other = await session.calendars.create("Away")
    with pytest.raises(fe.ConflictError) as info:
        await session.calendars.create("Home")
    assert (info.value.status, info.value.message) == (409, "Calendar already exists.")
    with pytest.raises(fe.ConflictError):
        await session.calendars.update(other.id, name="Home")


async def test_calendar_ids_chosen_by_clients_travel_as_one_segment(
    session: fe.AliasSession, fake: FakeForwardEmail
) -> None:
    calendar = await session.calendars.create("Shared", calendar_id="team/cal 1")
    assert (await session.calendars.retrieve("team/cal 1")).id == calendar.id
    assert fake.requests[-1].raw_path == "/v1/calendars/team%2Fcal%201"


async def test_calendar_list_is_newest_first(
    session: fe.AliasSession, fake: FakeForwardEmail
) -> None:
    for name in ("a", "b", "c"):
        await session.calendars.create(name)
    assert [c.name async for c in session.calendars.list()] == ["c", "b", "a"]
    assert fake.requests[-1].query == {"page": "1", "limit": "25"}


async def test_deleting_a_calendar_deletes_its_events(session: fe.AliasSession) -> None:
    calendar = await session.calendars.create("Gone")
    event = await session.calendar_events.create(calendar.id, LUNCH)
    await session.calendars.delete(calendar.id)
    with pytest.raises(fe.NotFoundError):
        await session.calendar_events.retrieve(event.id)
    assert await session.calendar_events.list(include_deleted=True).collect() == []


# Calendar events --------------------------------------------------------------------------------


async def test_event_create_parses_the_ical(session: fe.AliasSession) -> None:
    calendar = await session.calendars.create("Work")
    organized = LUNCH.replace("STATUS", "ORGANIZER:mailto:boss@example.com\r\nSTATUS")
    event = await session.calendar_events.create(calendar.id, organized, event_id="lunch-1")
    assert event.id == "lunch-1"
    assert event.calendar_id == calendar.id
    assert event.summary == "Lunch"
    assert event.description == "About Lunch, really"
    assert event.location == "Room A"
    assert event.status == "CONFIRMED"
    assert event.organizer == "mailto:boss@example.com"
    assert event.start_date == datetime(2025, 1, 1, 12, tzinfo=timezone.utc)
    assert event.end_date == datetime(2025, 1, 1, 13, tzinfo=timezone.utc)
    assert event.deleted_at is None
    assert (await session.calendar_events.retrieve("lunch-1")).ical == organized


async def test_event_update_moves_and_replaces(session: fe.AliasSession) -> None:
    work = await session.calendars.create("Work")
    home = await session.calendars.create("Home")
    event = await session.calendar_events.create(work.id, LUNCH)
    dinner = ical("Dinner", "20250101T190000Z", "20250101T210000Z")
    moved = await session.calendar_events.update(event.id, calendar_id=home.id, ical=dinner)
    assert (moved.calendar_id, moved.summary) == (home.id, "Dinner")


async def test_event_delete_is_soft(session: fe.AliasSession) -> None:
    calendar = await session.calendars.create("Work")
    event = await session.calendar_events.create(calendar.id, LUNCH)
    deleted = await session.calendar_events.delete(event.id)
    assert deleted.deleted_at is not None
    with pytest.raises(fe.NotFoundError) as info:
        await session.calendar_events.retrieve(event.id)
    assert info.value.message == "Calendar event does not exist."
    assert await session.calendar_events.list().collect() == []
    kept = await session.calendar_events.list(include_deleted=True).collect()
    assert [e.id for e in kept] == [event.id]


async def test_event_errors_carry_the_server_messages(session: fe.AliasSession) -> None:
    calendar = await session.calendars.create("Work")
    await session.calendar_events.create(calendar.id, LUNCH, event_id="dup")
    with pytest.raises(fe.ConflictError) as conflict:
        await session.calendar_events.create(calendar.id, LUNCH, event_id="dup")
    assert conflict.value.message == "Calendar event already exists."
    with pytest.raises(fe.BadRequestError) as unknown:
        await session.calendar_events.create("no-such-calendar", LUNCH)
    assert unknown.value.message == "Calendar does not exist."
    with pytest.raises(fe.BadRequestError) as listed:
        await session.calendar_events.list(calendar_id="no-such-calendar").collect()
    assert listed.value.message == "Calendar does not exist."


async def test_event_list_filters_and_sort(
    session: fe.AliasSession, fake: FakeForwardEmail
) -> None:
    work = await session.calendars.create("Work")
    home = await session.calendars.create("Home")
    await session.calendar_events.create(work.id, LUNCH, event_id="b-lunch")
    await session.calendar_events.create(
        work.id, ical("Review", "20250301T090000Z", "20250301T100000Z"), event_id="c-review"
    )
    await session.calendar_events.create(
        home.id, ical("Gym", "20250102T070000Z", "20250102T080000Z"), event_id="a-gym"
    )

    by_id = session.calendar_events.list(sort=["eventId"])
    assert [e.id async for e in by_id] == ["a-gym", "b-lunch", "c-review"]
    assert fake.requests[-1].query["sort"] == "eventId"

    in_work = session.calendar_events.list(calendar_id=work.id, sort=["-eventId", "created_at"])
    assert [e.id async for e in in_work] == ["c-review", "b-lunch"]
    assert fake.requests[-1].query["sort"] == "-eventId,created_at"

    january = session.calendar_events.list(
        start_date=date(2025, 1, 1), end_date=datetime(2025, 1, 31, tzinfo=timezone.utc)
    )
    assert sorted([e.id async for e in january]) == ["a-gym", "b-lunch"]
    query = fake.requests[-1].query
    assert (query["start_date"], query["end_date"]) == ("2025-01-01", "2025-01-31T00:00:00Z")


async def test_recurring_events_match_ranges_after_their_start(session: fe.AliasSession) -> None:
    calendar = await session.calendars.create("Work")
    weekly = ical("Standup", "20250106T090000Z", "20250106T091500Z", extra="RRULE:FREQ=WEEKLY\r\n")
    await session.calendar_events.create(calendar.id, weekly, event_id="standup")
    later = session.calendar_events.list(start_date=date(2025, 6, 1), end_date=date(2025, 6, 30))
    assert [e.id async for e in later] == ["standup"]
    earlier = session.calendar_events.list(end_date=date(2024, 12, 31))
    assert await earlier.collect() == []


async def test_server_refuses_bad_sort_and_ranges(session: fe.AliasSession) -> None:
    """What the client refuses itself, the fake refuses too (as the newest server does)."""
    requester = session._requester
    cases = [
        ({"sort": "name"}, "Invalid calendar event sort field"),
        ({"start_date": "someday"}, "Start date must be a valid ISO-8601 date."),
        ({"end_date": "2025-13-45"}, "End date must be an valid ISO-8601 date."),
        (
            {"start_date": "2025-02-01", "end_date": "2025-01-01"},
            "End date must be after start date.",
        ),
    ]
    for query, message in cases:
        with pytest.raises(fe.BadRequestError) as info:
            await requester.send("GET", "/v1/calendar-events", query=query)
        assert info.value.message == message


test_bad_input_never_reaches_the_wire = refused_before_sending(
    [
        (lambda s: s.calendars.create(None), TypeError, "name"),
        (lambda s: s.calendars.create("x", order="1"), TypeError, "order"),
        (lambda s: s.calendars.update("x"), ValueError, "update"),
        (lambda s: s.calendars.retrieve(""), ValueError, "calendar"),
        (lambda s: s.calendars.delete("a\nb"), ValueError, "calendar"),
        (lambda s: s.calendar_events.create("c", None), TypeError, "ical"),
        (lambda s: s.calendar_events.create(None, LUNCH), TypeError, "calendar_id"),
        (lambda s: s.calendar_events.update("e"), ValueError, "update"),
        (lambda s: s.calendar_events.list(sort="name"), ValueError, "sort"),
        (lambda s: s.calendar_events.list(sort=[]), TypeError, "sort"),
        (lambda s: s.calendar_events.list(include_deleted="yes"), TypeError, "include_deleted"),
        (lambda s: s.calendar_events.list(start_date="2025-01-01"), TypeError, "start_date"),
        (
            lambda s: s.calendar_events.list(start_date=datetime(2025, 1, 1)),
            ValueError,
            "timezone-aware",
        ),
        (
            lambda s: s.calendar_events.list(
                start_date=date(2025, 2, 1), end_date=date(2025, 1, 1)
            ),
            ValueError,
            "before",
        ),
        (lambda s: s.calendar_events.list(limit=101), ValueError, "limit"),
    ]
)

test_the_servers_rules_come_back_as_its_400 = refused_by_the_server(
    [
        (lambda s: s.calendars.create(""), fe.BadRequestError, "Calendar name is required."),
        (lambda s: s.calendar_events.create("c", ""), fe.BadRequestError, "iCal data is required"),
        (lambda s: s.calendar_events.create("", LUNCH), fe.BadRequestError, "Calendar ID is"),
    ]
)
