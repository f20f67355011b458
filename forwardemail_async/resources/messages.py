"""``session.messages``: the messages in the alias's IMAP mailbox.

``create`` stores a message in a folder (like an IMAP APPEND); it never sends mail, which
is what ``client.emails`` is for. Deleting expunges the message for good. The published
docs write ``DELETE /v1/messages:id``; the real route is ``DELETE /v1/messages/:id``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Literal, overload

from forwardemail_async._core.ids import object_id
from forwardemail_async._core.pagination import AsyncPaginator
from forwardemail_async._core.requester import Service
from forwardemail_async._core.routes import ListRoute
from forwardemail_async.models import Message

from ._schema.mailbox import MESSAGE_FIELDS
from .email_body import Address, Addresses, AttachmentSource, build_email_body
from .message_query import FILTERS, shape_query

__all__ = ["MessagesService"]

_MANY = "/v1/messages"
_ONE = "/v1/messages/{message}"
LIST = ListRoute(path=_MANY, model=Message, default_limit=25, max_limit=100, filters=FILTERS)


def _either(whole: object, add: object, remove: object, name: str) -> None:
    if whole is not None and (add is not None or remove is not None):
        raise ValueError(
            f"pass {name}= (replace all) or {name}_add=/{name}_remove=, not both: "
            f"the server would ignore {name}="
        )


def _path(message: str) -> dict[str, str]:
    """The message id goes into the URL path, so it is held to its ObjectId form."""
    return {"message": object_id(message, "message")}


class MessagesService(Service):
    """Messages of the alias. ``message`` takes a message id."""

    def list(
        self,
        *,
        folder: str | None = None,
        search: str | None = None,
        subject: str | None = None,
        body: str | None = None,
        from_: str | None = None,
        to: str | None = None,
        cc: str | None = None,
        bcc: str | None = None,
        reply_to: str | None = None,
        sender: str | None = None,
        in_reply_to: str | None = None,
        references: str | None = None,
        header: str | tuple[str, str] | None = None,
        message_id: str | None = None,
        since: date | datetime | None = None,
        before: date | datetime | None = None,
        min_size: int | None = None,
        max_size: int | None = None,
        is_unread: bool | None = None,
        is_flagged: bool | None = None,
        is_deleted: bool | None = None,
        is_draft: bool | None = None,
        is_junk: bool | None = None,
        is_copied: bool | None = None,
        is_encrypted: bool | None = None,
        is_searchable: bool | None = None,
        is_expired: bool | None = None,
        has_attachment: bool | None = None,
        lightweight: bool | None = None,
        raw: bool | None = None,
        nodemailer: bool | None = None,
        attachments: bool | None = None,
        limit: int | None = None,
        page: int = 1,
        concurrency: int = 1,
    ) -> AsyncPaginator[Message]:
        """Messages matching every filter given, newest first (25 per page, at most 100).

        Text filters are case-insensitive substrings: ``search`` looks in every header and
        the body, ``body`` in the text, ``subject``, ``message_id`` and the header filters
        (``from_``, ``to``, ...) in that field; ``header="text"`` looks in every header value
        and ``header=("X-Priority", "1")`` in one header. ``since``/``before`` bound the
        message date; sizes are in bytes. A ``folder`` that does not exist gives no messages.
        ``lightweight=True`` skips the parsed and raw message (much faster);
        ``raw``/``nodemailer``/``attachments`` ``=False`` drop one of them.
        """
        return self._requester.paginate(
            LIST, locals(), limit=limit, page=page, concurrency=concurrency
        )

    async def create(
        self,
        *,
        folder: str | None = None,
        flags: str | Sequence[str] | None = None,
        labels: str | Sequence[str] | None = None,
        raw: str | bytes | None = None,
        from_: Addresses | None = None,
        to: Addresses | None = None,
        cc: Addresses | None = None,
        bcc: Addresses | None = None,
        reply_to: Addresses | None = None,
        sender: Address | None = None,
        subject: str | None = None,
        text: str | None = None,
        html: str | None = None,
        headers: Mapping[str, str | Sequence[str]] | None = None,
        message_id: str | None = None,
        in_reply_to: str | None = None,
        references: str | Sequence[str] | None = None,
        date: datetime | date | str | None = None,
        attachments: Sequence[AttachmentSource] | None = None,
        priority: Literal["high", "normal", "low"] | None = None,
    ) -> Message:
        """Store a message in ``folder`` (``INBOX`` by default; created if missing). It is
        not sent.

        Give the whole RFC 822 message as ``raw``, or fields from which the server composes
        it, checked as by :meth:`~forwardemail_async.EmailsService.create` but with no sender
        or recipient required (a draft): addresses may be Nodemailer address objects,
        ``attachments`` bytes, ``pathlib.Path`` or :class:`~forwardemail_async.EmailAttachment`.
        ``flags`` are IMAP flags (``\\Seen`` marks it read, ``\\Draft`` a draft).
        """
        body = await build_email_body(locals(), sending=False)
        body.update(MESSAGE_FIELDS.body(locals(), creating=True))
        return await self._requester.model(Message, "POST", _MANY, json=body)

    @overload
    async def retrieve(
        self,
        message: str,
        *,
        eml: Literal[False] = ...,
        raw: bool | None = ...,
        nodemailer: bool | None = ...,
        attachments: bool | None = ...,
    ) -> Message: ...

    @overload
    async def retrieve(self, message: str, *, eml: Literal[True]) -> str: ...

    async def retrieve(
        self,
        message: str,
        *,
        eml: bool = False,
        raw: bool | None = None,
        nodemailer: bool | None = None,
        attachments: bool | None = None,
    ) -> Message | str:
        """One message; with ``eml=True`` its raw RFC 822 text instead of the model."""
        path_params = _path(message)
        if eml is True:
            response = await self._requester.send(
                "GET", _ONE, path_params=path_params, query={"eml": "true"}
            )
            return response.text()
        if eml is not False:
            raise TypeError("eml must be a bool")
        query = shape_query(raw=raw, nodemailer=nodemailer, attachments=attachments)
        return await self._requester.model(
            Message, "GET", _ONE, path_params=path_params, query=query
        )

    async def update(
        self,
        message: str,
        *,
        flags: str | Sequence[str] | None = None,
        flags_add: str | Sequence[str] | None = None,
        flags_remove: str | Sequence[str] | None = None,
        labels: str | Sequence[str] | None = None,
        labels_add: str | Sequence[str] | None = None,
        labels_remove: str | Sequence[str] | None = None,
        folder: str | None = None,
        lightweight: bool | None = None,
    ) -> Message:
        """Change a message's flags or labels, or move it to ``folder`` (created if missing).

        ``flags``/``labels`` replace the whole list; ``*_add``/``*_remove`` change only the
        named ones, leaving changes made meanwhile by other clients alone (prefer them).
        ``lightweight=True`` answers without the parsed and raw message.
        """
        _either(flags, flags_add, flags_remove, "flags")
        _either(labels, labels_add, labels_remove, "labels")
        payload = MESSAGE_FIELDS.body(locals(), creating=False)
        if not payload:
            raise ValueError("update() needs flags, labels or folder")
        return await self._requester.model(
            Message,
            "PUT",
            _ONE,
            path_params=_path(message),
            query=shape_query(lightweight=lightweight),
            json=payload,
        )

    async def delete(self, message: str) -> Message:
        """Delete a message permanently (no move to Trash); returns it as it was."""
        return await self._requester.model(Message, "DELETE", _ONE, path_params=_path(message))
