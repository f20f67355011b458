"""Each alias's mailbox: the records the real server keeps in the alias's encrypted SQLite
file (contacts, calendars and their events, IMAP folders and messages, Sieve scripts).

The store holds every mailbox (``Store.mailboxes``, keyed by alias id); one is created on
first use with the folders a new IMAP account starts with. How a request reaches its
mailbox is in ``_mailbox_access``.
"""

from __future__ import annotations

from typing import Any

import attrs

from ._state import FakeAlias, IdSource

__all__ = [
    "DEFAULT_FOLDERS",
    "FakeCalendar",
    "FakeCalendarEvent",
    "FakeContact",
    "FakeFolder",
    "FakeMailbox",
    "FakeMessage",
    "FakeSieveScript",
    "Mailboxes",
]

# The folders (and special uses) a new mailbox starts with; the exact set is a guess.
DEFAULT_FOLDERS = (
    ("INBOX", None),
    ("Drafts", "\\Drafts"),
    ("Sent Mail", "\\Sent"),
    ("Junk", "\\Junk"),
    ("Trash", "\\Trash"),
    ("Archive", "\\Archive"),
)


@attrs.define(eq=False)
class FakeContact:
    """A vCard contact; deletes are soft (``deleted_at``), as for CardDAV sync."""

    id: str
    uid: str
    full_name: str
    content: str
    etag: str
    is_group: bool
    emails: list[Any]
    phone_numbers: list[Any]
    created_at: int
    updated_at: int
    deleted_at: int | None = None


@attrs.define(eq=False)
class FakeCalendar:
    """A CalDAV calendar."""

    id: str
    name: str
    description: str
    color: str
    timezone: str
    order: Any
    created_at: int
    updated_at: int


@attrs.define(eq=False)
class FakeCalendarEvent:
    """An event of ``calendar``: raw iCalendar text; deletes are soft (``deleted_at``)."""

    id: str
    calendar: FakeCalendar
    ical: Any
    created_at: int
    updated_at: int
    deleted_at: int | None = None


@attrs.define(eq=False)
class FakeFolder:
    """An IMAP mailbox; ``uid_next`` and ``modify_index`` advance as messages arrive."""

    id: str
    path: str
    created_at: int
    updated_at: int
    uid_validity: int
    special_use: str | None = None
    subscribed: bool = True
    retention: int = 0
    uid_next: int = 1
    modify_index: int = 0
    flags: list[str] = attrs.field(factory=list)


@attrs.define(eq=False)
class FakeMessage:
    """A stored message: the raw RFC 822 text, its folder, flags and labels."""

    id: str
    folder: FakeFolder
    raw: str = attrs.field(repr=False)
    flags: list[str]
    labels: list[str]
    uid: int
    modseq: int
    thread_id: str
    internal_date: int
    remote_address: str | None
    transaction: str
    created_at: int
    updated_at: int


@attrs.define(eq=False)
class FakeSieveScript:
    """A Sieve script; at most one script of a mailbox is active."""

    id: str
    name: str
    content: str = attrs.field(repr=False)
    description: str
    is_active: bool
    created_at: int
    updated_at: int


@attrs.define(eq=False)
class FakeMailbox:
    """Everything one alias keeps in its mailbox, plus its account settings."""

    contacts: list[FakeContact] = attrs.field(factory=list)
    calendars: list[FakeCalendar] = attrs.field(factory=list)
    events: list[FakeCalendarEvent] = attrs.field(factory=list)
    folders: list[FakeFolder] = attrs.field(factory=list)
    messages: list[FakeMessage] = attrs.field(factory=list)
    scripts: list[FakeSieveScript] = attrs.field(factory=list)
    settings: dict[str, Any] = attrs.field(
        factory=lambda: {
            "mail": {"archive_folder": None, "sent_folder": None, "drafts_folder": None}
        }
    )

    def folder(self, path: str) -> FakeFolder | None:
        """The folder whose path is exactly ``path``."""
        return next((f for f in self.folders if f.path == path), None)

    def add_folder(self, ids: IdSource, path: str, special_use: str | None = None) -> FakeFolder:
        """Create and store a folder."""
        ms = ids.now_ms()
        folder = FakeFolder(
            id=ids.new_id(ms),
            path=path,
            created_at=ms,
            updated_at=ms,
            uid_validity=ms // 1000,
            special_use=special_use,
        )
        self.folders.append(folder)
        return folder


class Mailboxes:
    """Every alias's mailbox, made with the default folders on first use."""

    def __init__(self, ids: IdSource) -> None:
        self._ids = ids
        self._by_alias: dict[str, FakeMailbox] = {}

    def of(self, alias: FakeAlias) -> FakeMailbox:
        """The mailbox of ``alias`` (created on first use)."""
        mailbox = self._by_alias.get(alias.id)
        if mailbox is None:
            mailbox = self._by_alias[alias.id] = FakeMailbox()
            for path, special_use in DEFAULT_FOLDERS:
                mailbox.add_folder(self._ids, path, special_use)
        return mailbox
