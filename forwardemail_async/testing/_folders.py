"""``/v1/folders`` (contract §4.9): the alias's IMAP folders.

Follows app/controllers/api/v1/folders.js: ``:id`` is an ObjectId or a path (tried in that
order), the list is sorted by path with an optional ``subscribed`` filter, and renaming goes
through ``path``. ``POST /v1/folders/:id/copy``, listed in the published docs, does not exist
(404). The statuses of the IMAP errors (folder exists, INBOX cannot be removed) are guesses.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from . import _phrases as phrases
from ._boom import BoomError, json_response
from ._context import Ctx, Route
from ._mailbox import FakeFolder, FakeMailbox
from ._mailbox_access import mailbox_for, page_of
from ._shapes import iso
from ._text import is_sanb, js_boolean

__all__ = ["ROUTES", "folder_object"]

_OBJECT_ID = re.compile(r"^[0-9a-fA-F]{24}$")


def folder_object(folder: FakeFolder) -> dict[str, Any]:
    """The folder as ``json()`` in folders.js builds it."""
    parent, slash, name = folder.path.rpartition("/")
    return {
        "id": folder.id,
        "path": folder.path,
        "name": name,
        "parent": parent if slash else None,
        "uid_validity": folder.uid_validity,
        "uid_next": folder.uid_next,
        "modify_index": folder.modify_index,
        "subscribed": folder.subscribed,
        "flags": list(folder.flags),
        "retention": folder.retention,
        "special_use": folder.special_use,
        "created_at": iso(folder.created_at),
        "updated_at": iso(folder.updated_at),
        "object": "folder",
    }


def _find(ctx: Ctx, mailbox: FakeMailbox) -> FakeFolder:
    ref = ctx.params["id"]
    found = None
    if _OBJECT_ID.match(ref):
        found = next((f for f in mailbox.folders if f.id == ref.lower()), None)
    found = found or mailbox.folder(ref)
    if found is None:
        raise BoomError(404, phrases.FOLDER_DOES_NOT_EXIST)
    return found


async def list_folders(ctx: Ctx) -> web.Response:
    """GET: sorted by path; ``subscribed`` (any value) filters on it."""
    mailbox = mailbox_for(ctx)
    folders = sorted(mailbox.folders, key=lambda f: f.path)
    if "subscribed" in ctx.query:
        wanted = js_boolean(ctx.query["subscribed"])
        folders = [f for f in folders if f.subscribed is wanted]
    shown = page_of(ctx, folders)
    return json_response([folder_object(f) for f in shown])


async def create_folder(ctx: Ctx) -> web.Response:
    """POST: ``path`` required; an existing path is refused."""
    mailbox = mailbox_for(ctx)
    path = ctx.body.get("path")
    if not is_sanb(path):
        raise BoomError(400, phrases.FOLDER_NAME_OR_PATH_REQUIRED)
    if mailbox.folder(path) is not None:
        raise BoomError(400, phrases.IMAP_MAILBOX_ALREADY_EXISTS)
    return json_response(folder_object(mailbox.add_folder(ctx.store, path)))


async def retrieve_folder(ctx: Ctx) -> web.Response:
    """GET one folder by id or path."""
    mailbox = mailbox_for(ctx)
    return json_response(folder_object(_find(ctx, mailbox)))


async def update_folder(ctx: Ctx) -> web.Response:
    """PUT: rename to ``path``; the folders below it move along, as IMAP RENAME does."""
    mailbox = mailbox_for(ctx)
    folder = _find(ctx, mailbox)
    path = ctx.body.get("path")
    if not is_sanb(path):
        raise BoomError(400, phrases.FOLDER_NAME_OR_PATH_REQUIRED)
    if folder.path == "INBOX":
        raise BoomError(400, phrases.IMAP_MAILBOX_RESERVED)
    if mailbox.folder(path) is not None:
        raise BoomError(400, phrases.IMAP_MAILBOX_ALREADY_EXISTS)
    old, ms = folder.path, ctx.store.now_ms()
    for each in mailbox.folders:
        if each.path == old or each.path.startswith(old + "/"):
            each.path, each.updated_at = path + each.path[len(old) :], ms
    return json_response(folder_object(folder))


async def delete_folder(ctx: Ctx) -> web.Response:
    """DELETE: the folder and its messages; INBOX and special-use folders stay."""
    mailbox = mailbox_for(ctx)
    folder = _find(ctx, mailbox)
    if folder.path == "INBOX" or folder.special_use is not None:
        raise BoomError(400, phrases.IMAP_MAILBOX_RESERVED)
    mailbox.folders.remove(folder)
    mailbox.messages = [m for m in mailbox.messages if m.folder is not folder]
    return json_response(folder_object(folder))


ROUTES = [
    Route("GET", "/v1/folders", list_folders),
    Route("POST", "/v1/folders", create_folder),
    Route("GET", "/v1/folders/{id}", retrieve_folder),
    Route("PUT", "/v1/folders/{id}", update_folder),
    Route("DELETE", "/v1/folders/{id}", delete_folder),
]
