"""``/v1/messages`` (contract §4.9): the messages in the alias's IMAP folders.

Follows app/controllers/api/v1/messages.js (newest): ids must be ObjectIds (400), creating a
message stores it without sending (the folder, ``INBOX`` by default, is created when
missing), flags follow IMAP's rules (system flags or atoms, at most 100), ``flags_add`` /
``flags_remove`` win over ``flags`` and keywords added as flags become labels too. ``?eml=true``
answers the raw message, ``?lightweight=true`` (list and update) the parsed addresses instead
of the parsed and raw message. The docs' ``DELETE /v1/messages:id`` is ``/v1/messages/:id``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from . import _phrases as phrases
from ._boom import BoomError, json_response
from ._context import Ctx, Route
from ._mailbox import FakeFolder, FakeMailbox, FakeMessage
from ._mailbox_access import mailbox_for, page_of
from ._message_search import matching_messages, normalize_folder_path
from ._message_view import MessageView
from ._mime import compose, nodemailer_message
from ._shapes import iso
from ._text import is_sanb, js_boolean

__all__ = ["ROUTES"]

_OBJECT_ID = re.compile(r"^[0-9a-fA-F]{24}$")
_SYSTEM_FLAGS = {
    f.lower(): f for f in ("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft")
}
_ATOM = re.compile(r'^[^(){ %*"\\\]\x00-\x1f\x7f]+$')
_MAX_FLAGS = 100


def message_object(ctx: Ctx, message: FakeMessage, *, lightweight: bool = False) -> dict[str, Any]:
    """The message as ``json()`` in messages.js builds it for this request."""
    parsed = MessageView(message.raw)
    date = parsed.date
    data: dict[str, Any] = {
        "id": message.id,
        "root_id": None,
        "folder_id": message.folder.id,
        "folder_path": message.folder.path,
        "thread_id": message.thread_id,
        "header_message_id": parsed.message_id,
        "is_unread": "\\Seen" not in message.flags,
        "is_flagged": "\\Flagged" in message.flags,
        "is_deleted": "\\Deleted" in message.flags,
        "is_draft": "\\Draft" in message.flags,
        "is_junk": message.folder.special_use == "\\Junk",
        "is_encrypted": False,
        "is_copied": False,
        "is_searchable": "\\Deleted" not in message.flags,
        "is_expired": False,
        "has_attachment": bool(parsed.attachments),
        "retention_date": iso(message.internal_date + message.folder.retention * 86_400_000),
        "internal_date": iso(message.internal_date),
        "header_date": iso(int(date.timestamp() * 1000)) if date else iso(message.internal_date),
        "subject": parsed.subject,
        "flags": list(message.flags),
        "labels": list(message.labels),
        "size": len(message.raw.encode()),
        "uid": message.uid,
        "modseq": message.modseq,
        "transaction": message.transaction,
        "remote_address": message.remote_address,
        "created_at": iso(message.created_at),
        "updated_at": iso(message.updated_at),
    }
    if lightweight:
        for key, header in (
            ("from", "From"),
            ("to", "To"),
            ("cc", "Cc"),
            ("bcc", "Bcc"),
            ("reply_to", "Reply-To"),
        ):
            addresses = parsed.addresses(header)
            if addresses is not None:
                data[key] = addresses
    else:
        if ctx.query.get("nodemailer") != "false":
            data["nodemailer"] = parsed.nodemailer(
                with_attachments=ctx.query.get("attachments") != "false"
            )
        if ctx.query.get("raw") != "false":
            data["raw"] = message.raw
    data["object"] = "message"
    return data


def _answer(ctx: Ctx, message: FakeMessage, *, lightweight: bool = False) -> web.Response:
    """The JSON message, or with ``?eml=true`` the raw message (a stream to Koa: binary)."""
    if js_boolean(ctx.query.get("eml")):
        return web.Response(
            body=message.raw.encode(), headers={"Content-Type": "application/octet-stream"}
        )
    return json_response(message_object(ctx, message, lightweight=lightweight))


def _flags(value: object, *, stored: Sequence[str] = ()) -> list[str] | None:
    """``getFlagsInput``: a flag or a list of them, each valid or already on the message."""
    if value is None:
        return None
    items = [value] if is_sanb(value) else value
    if not isinstance(items, list) or len(items) > _MAX_FLAGS:
        raise BoomError(400, phrases.MESSAGE_FLAGS_INVALID)
    flags: list[str] = []
    for flag in items:
        normalized = _valid_flag(flag)
        if normalized is None:
            if flag not in stored:
                raise BoomError(400, phrases.MESSAGE_FLAGS_INVALID)
            normalized = flag
        if normalized.lower() not in (f.lower() for f in flags):
            flags.append(normalized)
    return flags


def _valid_flag(flag: object) -> str | None:
    if not isinstance(flag, str) or not 0 < len(flag) <= 255:
        return None
    if flag.startswith("\\"):
        return _SYSTEM_FLAGS.get(flag.lower())
    return flag if _ATOM.match(flag) else None


def _labels(value: object) -> list[str] | None:
    """``getLabelsInput``: a label or a list with at least one non-blank label (or empty)."""
    if value is None:
        return None
    labels = [value] if is_sanb(value) else value
    if not isinstance(labels, list) or (labels and not any(is_sanb(label) for label in labels)):
        raise BoomError(400, phrases.MESSAGE_LABELS_INVALID)
    return [str(label) for label in labels]


def _keywords(flags: list[str]) -> list[str]:
    return [flag for flag in flags if not flag.startswith("\\")]


def _merge(*lists: list[str]) -> list[str]:
    """The union of ``lists`` in order, compared case-insensitively, as IMAP keywords are."""
    merged: list[str] = []
    for item in (item for items in lists for item in items):
        if item.lower() not in (m.lower() for m in merged):
            merged.append(item)
    return merged


def _without(items: list[str], removed: list[str]) -> list[str]:
    gone = {item.lower() for item in removed}
    return [item for item in items if item.lower() not in gone]


def _folder_path(value: object) -> str:
    """``getFolderPath``: a path IMAP CREATE accepts."""
    path = normalize_folder_path(value) if is_sanb(value) else ""
    if not path or path.startswith("/") or path.endswith("/") or "//" in path:
        raise BoomError(400, phrases.FOLDER_NAME_OR_PATH_REQUIRED)
    return path


def _target_folder(ctx: Ctx, mailbox: FakeMailbox, requested: str, path: str) -> FakeFolder:
    """The folder by the path as given, else as IMAP matches it, else a new one."""
    return mailbox.folder(requested) or mailbox.folder(path) or mailbox.add_folder(ctx.store, path)


def _find(ctx: Ctx, mailbox: FakeMailbox) -> FakeMessage:
    ref = ctx.params["id"]
    if not _OBJECT_ID.match(ref):
        raise BoomError(400, phrases.MESSAGE_INVALID_ID)
    message = next((m for m in mailbox.messages if m.id == ref.lower()), None)
    if message is None:
        raise BoomError(404, phrases.MESSAGE_DOES_NOT_EXIST)
    return message


def _place(message: FakeMessage, folder: FakeFolder) -> None:
    """Give ``message`` the next UID and modseq of ``folder``."""
    message.folder, message.uid = folder, folder.uid_next
    folder.uid_next += 1
    folder.modify_index += 1
    message.modseq = folder.modify_index


async def list_messages(ctx: Ctx) -> web.Response:
    """GET: every filter ANDed, newest first."""
    mailbox = mailbox_for(ctx)
    shown = page_of(ctx, matching_messages(ctx, mailbox))
    lightweight = ctx.query.get("lightweight") == "true"
    return json_response([message_object(ctx, m, lightweight=lightweight) for m in shown])


async def create_message(ctx: Ctx) -> web.Response:
    """POST: store a message (composed from Nodemailer fields, or ``raw``); nothing is sent."""
    mailbox = mailbox_for(ctx)
    body = ctx.body
    requested = body.get("folder", "INBOX")
    path = _folder_path(requested)
    flags = _flags(body.get("flags")) or []
    labels = _labels(body.get("labels")) or []
    ms = ctx.store.now_ms()
    raw = compose(nodemailer_message(body), now=ms / 1000, rng=ctx.store.rng).raw
    folder = _target_folder(ctx, mailbox, str(requested), path)
    message_id = MessageView(raw).message_id
    for existing in mailbox.messages:  # checkForExisting: the same message is not stored twice
        if (
            message_id
            and existing.folder is folder
            and MessageView(existing.raw).message_id == message_id
        ):
            return _answer(ctx, existing)
    message = FakeMessage(
        id=ctx.store.new_id(ms),
        folder=folder,
        raw=raw,
        flags=flags,
        labels=_merge(labels, _keywords(flags)),
        uid=0,
        modseq=0,
        thread_id=ctx.store.new_id(ms),
        internal_date=ms,
        remote_address=ctx.request.remote,
        transaction="APPEND",
        created_at=ms,
        updated_at=ms,
    )
    _place(message, folder)
    mailbox.messages.append(message)
    return _answer(ctx, message)


async def retrieve_message(ctx: Ctx) -> web.Response:
    """GET one message, or its raw text with ``?eml=true``."""
    mailbox = mailbox_for(ctx)
    return _answer(ctx, _find(ctx, mailbox))


async def update_message(ctx: Ctx) -> web.Response:
    """PUT: move to ``folder``, then the flag and label changes; all checked first."""
    mailbox = mailbox_for(ctx)
    message = _find(ctx, mailbox)
    body = ctx.body
    flags_add = _flags(body.get("flags_add")) or None
    flags_remove = _flags(body.get("flags_remove"), stored=message.flags) or None
    flags = None if flags_add or flags_remove else _flags(body.get("flags"), stored=message.flags)
    labels_add = _labels(body.get("labels_add")) or None
    labels_remove = _labels(body.get("labels_remove")) or None
    labels = None if labels_add or labels_remove else _labels(body.get("labels"))
    if "folder" in body:
        path = _folder_path(body["folder"])
        folder = _target_folder(ctx, mailbox, str(body["folder"]), path)
        if folder is not message.folder:
            _place(message, folder)
    before = [flag.lower() for flag in message.flags]
    if flags_add or flags_remove:
        message.flags = _without(_merge(message.flags, flags_add or []), flags_remove or [])
        if flags_remove:
            message.labels = _without(message.labels, flags_remove)
    elif flags is not None:
        message.flags = flags
    added = flags_add or [flag for flag in flags or [] if flag.lower() not in before]
    message.labels = _merge(message.labels, _keywords(added))
    if labels_add or labels_remove:
        message.labels = _without(_merge(message.labels, labels_add or []), labels_remove or [])
        # a removed label is a keyword to IMAP clients: it leaves the flags as well
        keywords = _without(_keywords(message.flags), labels_remove or [])
        message.flags = [f for f in message.flags if f.startswith("\\") or f in keywords]
    elif labels is not None:
        message.labels = labels
    message.transaction, message.updated_at = "API", ctx.store.now_ms()
    message.remote_address = ctx.request.remote
    return _answer(ctx, message, lightweight=ctx.query.get("lightweight") == "true")


async def delete_message(ctx: Ctx) -> web.Response:
    """DELETE: expunges the message for good; answers with it as it was."""
    mailbox = mailbox_for(ctx)
    message = _find(ctx, mailbox)
    mailbox.messages.remove(message)
    return json_response(message_object(ctx, message))


ROUTES = [
    Route("GET", "/v1/messages", list_messages),
    Route("POST", "/v1/messages", create_message),
    Route("GET", "/v1/messages/{id}", retrieve_message),
    Route("PUT", "/v1/messages/{id}", update_message),
    Route("DELETE", "/v1/messages/{id}", delete_message),
]
