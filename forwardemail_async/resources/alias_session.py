"""``client.as_alias(address, password)``: the alias-authenticated side of the API.

Contacts, calendars, calendar events, messages, folders, sieve scripts, push tokens, the
alias's own account and sending email (``emails.create``) are reached with an alias address
and its generated password instead of the API key. An :class:`AliasSession` shares its parent
client's session, connection pool, retry policy and concurrency gate; only the credentials
differ. Closing the parent client ends it too.
"""

from __future__ import annotations

from forwardemail_async._core.requester import Requester

from .alias_account import AliasAccountService
from .calendar_events import CalendarEventsService
from .calendars import CalendarsService
from .contacts import ContactsService
from .emails import AliasEmailsService
from .folders import FoldersService
from .messages import MessagesService
from .push_tokens import PushTokensService
from .sieve import SieveScriptsService

__all__ = ["AliasSession"]


class AliasSession:
    """The resources of one alias, authenticated as that alias."""

    __slots__ = (
        "_requester",
        "account",
        "address",
        "calendar_events",
        "calendars",
        "contacts",
        "emails",
        "folders",
        "messages",
        "push_tokens",
        "sieve_scripts",
    )

    def __init__(self, requester: Requester, address: str) -> None:
        self._requester = requester
        self.address = address
        self.contacts = ContactsService(requester)
        self.calendars = CalendarsService(requester)
        self.calendar_events = CalendarEventsService(requester)
        self.messages = MessagesService(requester)
        self.folders = FoldersService(requester)
        self.sieve_scripts = SieveScriptsService(requester)
        self.account = AliasAccountService(requester)
        self.emails = AliasEmailsService(requester)
        self.push_tokens = PushTokensService(requester, alias_session=True)

    def __repr__(self) -> str:
        return f"AliasSession(address={self.address!r})"
