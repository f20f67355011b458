"""How an alias-authenticated request reaches its mailbox, and the pagination of the
mailbox lists (contacts, calendars, events, folders, messages)."""

from __future__ import annotations

from typing import TypeVar

from . import _phrases as phrases
from ._context import Ctx
from ._mailbox import FakeMailbox
from ._pagination import normalize
from ._state import FakeAlias

__all__ = ["mailbox_for", "open_mailbox", "page_of", "query_text"]

T = TypeVar("T")


def open_mailbox(ctx: Ctx) -> tuple[FakeAlias, FakeMailbox]:
    """``aliasAuth`` for the mailbox routes, and the alias's mailbox.

    The server's IMAP login refuses aliases without IMAP (401); which message it sends then
    was not captured, so the fake answers like other failed alias logins.
    """
    alias = ctx.alias_auth()
    if not alias.has_imap:
        ctx.refuse_alias(phrases.AUTHENTICATION_FAILED)
    return alias, ctx.store.mailboxes.of(alias)


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
