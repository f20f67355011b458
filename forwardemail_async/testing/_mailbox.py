"""The alias-authenticated side of the fake: each alias's mailbox and how a request reaches it.

A mailbox holds what the real server keeps in the alias's encrypted SQLite file: contacts,
calendars and their events, IMAP folders and messages, and Sieve scripts. Mailboxes live in
the store as one resource (``Store.resource``), keyed by alias id, and are created on first
use with the folders a new IMAP account starts with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from . import _phrases as phrases
from ._context import Ctx
from ._pagination import normalize
from ._state import FakeAlias, Store

if TYPE_CHECKING:
    from ._fake import FakeForwardEmail

__all__ = [
    "DEFAULT_FOLDERS",
    "FakeCalendar",
    "FakeCalendarEvent",
    "FakeContact",
    "FakeFolder",
    "FakeMailbox",
    "FakeMessage",
    "FakeSieveScript",
    "mailbox",
    "mailbox_for",
    "mailbox_of",
    "open_mailbox",
    "page_of",
    "query_text",
]

T = TypeVar("T")

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

    def add_folder(self, store: Store, path: str, special_use: str | None = None) -> FakeFolder:
        """Create and store a folder."""
        ms = store.now_ms()
        folder = FakeFolder(
            id=store.new_id(ms),
            path=path,
            created_at=ms,
            updated_at=ms,
            uid_validity=ms // 1000,
            special_use=special_use,
        )
        self.folders.append(folder)
        return folder


class _Mailboxes:
    """Every alias's mailbox, made with the default folders on first use."""

    def __init__(self) -> None:
        self._by_alias: dict[str, FakeMailbox] = {}

    def of(self, alias: FakeAlias, store: Store) -> FakeMailbox:
        mailbox = self._by_alias.get(alias.id)
        if mailbox is None:
            mailbox = self._by_alias[alias.id] = FakeMailbox()
            for path, special_use in DEFAULT_FOLDERS:
                mailbox.add_folder(store, path, special_use)
        return mailbox


def mailbox_of(store: Store, alias: FakeAlias) -> FakeMailbox:
    """The mailbox of ``alias`` (created on first use)."""
    return store.resource("mailboxes", _Mailboxes).of(alias, store)


def mailbox(fake: FakeForwardEmail, alias: FakeAlias) -> FakeMailbox:
    """The mailbox of ``alias`` on ``fake``, for tests to seed or inspect."""
    return mailbox_of(fake._store, alias)


def open_mailbox(ctx: Ctx) -> tuple[FakeAlias, FakeMailbox]:
    """``aliasAuth`` for the mailbox routes, and the alias's mailbox.

    The server's IMAP login refuses aliases without IMAP (401); which message it sends then
    was not captured, so the fake answers like other failed alias logins.
    """
    alias = ctx.alias_auth()
    if not alias.has_imap:
        ctx.refuse_alias(phrases.AUTHENTICATION_FAILED)
    return alias, mailbox_of(ctx.store, alias)


def mailbox_for(ctx: Ctx) -> FakeMailbox:
    """:func:`open_mailbox` for the routes that only need the mailbox."""
    return open_mailbox(ctx)[1]


def query_text(ctx: Ctx, name: str) -> str | None:
    """A query parameter that is a non-blank string (``isSANB``); repeated keys do not count."""
    value = ctx.query.get(name)
    return value if isinstance(value, str) and value.strip() else None


def page_of(
    ctx: Ctx,
    items: list[T],
    *,
    default_limit: int = 25,
    max_limit: int = 100,
    in_memory: bool = False,
) -> list[T]:
    """One page of ``items`` with the pagination headers of the alias-auth lists.

    These lists report at least one page (``X-Page-Count: 1`` when empty), as the server's
    own tests show. ``in_memory`` lists (contacts) slice, so ``limit=0`` gives nothing;
    the SQLite-backed ones treat it as "no limit".
    """
    page = normalize(
        ctx.query.get("page"),
        ctx.query.get("limit"),
        default_limit=default_limit,
        max_limit=max_limit,
    )
    shown = ctx.take_page(items, page, zero_limit_takes_all=not in_memory)
    if not items and "X-Page-Count" in ctx.headers:
        ctx.headers["X-Page-Count"] = "1"
    return shown
