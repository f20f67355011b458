"""``session.calendars``: the alias's CalDAV calendars over the REST API."""

from __future__ import annotations

from forwardemail_async._core.errors import ConflictError
from forwardemail_async._core.pagination import AsyncPaginator
from forwardemail_async._core.params import required_str
from forwardemail_async._core.reconcile import conflict, create_once, read_back_at
from forwardemail_async._core.requester import Service
from forwardemail_async._core.routes import ListRoute
from forwardemail_async._core.urls import name_segment
from forwardemail_async.models import Calendar

from ._schema.mailbox import CALENDAR_FIELDS

__all__ = ["CalendarsService"]

_MANY = "/v1/calendars"
_ONE = "/v1/calendars/{calendar}"
LIST = ListRoute(path=_MANY, model=Calendar, default_limit=25, max_limit=100)


class CalendarsService(Service):
    """Calendars of the alias. ``calendar`` takes the calendar's id (any string)."""

    def list(
        self, *, limit: int | None = None, page: int = 1, concurrency: int = 1
    ) -> AsyncPaginator[Calendar]:
        """Every calendar, newest first (25 per page unless ``limit``, at most 100)."""
        return self._requester.paginate(
            LIST, locals(), limit=limit, page=page, concurrency=concurrency
        )

    async def create(
        self,
        name: str,
        *,
        description: str | None = None,
        color: str | None = None,
        timezone: str | None = None,
        order: int | None = None,
        calendar_id: str | None = None,
    ) -> Calendar:
        """Create a calendar. A name or ``calendar_id`` already in use raises
        :class:`~forwardemail_async.ConflictError` (409). With a ``calendar_id`` it happens
        exactly once: after an ambiguous failure it is read back by that id.

        The server fills in what is left out: a random colour, your timezone (or UTC), and
        a new id.
        """
        required_str(name, "name")
        body = CALENDAR_FIELDS.body(locals(), creating=True)
        read_back = None
        if calendar_id is not None:  # the key: after an ambiguous failure, read it back
            body["calendar_id"] = key = required_str(calendar_id, "calendar_id")
            taken = conflict(ConflictError, 409, "Calendar already exists.", _MANY)
            read_back = read_back_at(
                self._requester, _ONE, lambda: _path(key), Calendar, body, conflict=taken
            )
        return await create_once(self._requester, Calendar, _MANY, body, read_back)

    async def retrieve(self, calendar: str) -> Calendar:
        """One calendar."""
        return await self._requester.model(Calendar, "GET", _ONE, path_params=_path(calendar))

    async def update(
        self,
        calendar: str,
        *,
        name: str | None = None,
        description: str | None = None,
        color: str | None = None,
        timezone: str | None = None,
        order: int | None = None,
    ) -> Calendar:
        """Change a calendar; only the arguments given are sent. Renaming it to the name of
        another calendar raises :class:`~forwardemail_async.ConflictError`."""
        body = CALENDAR_FIELDS.body(locals(), creating=False)
        if not body:
            raise ValueError("update() needs at least one field to change")
        return await self._requester.model(
            Calendar, "PUT", _ONE, path_params=_path(calendar), json=body
        )

    async def delete(self, calendar: str) -> Calendar:
        """Delete a calendar and all its events (the server emails a backup); returns it."""
        return await self._requester.model(Calendar, "DELETE", _ONE, path_params=_path(calendar))


def _path(calendar: str) -> dict[str, str]:
    return {"calendar": name_segment(calendar, "calendar")}
