"""``client.emails``: outbound SMTP through the API — send, list, look up and cancel.

Sending is the one call where a repeat means a duplicate message in someone's inbox, so
:meth:`EmailsService.create` is never retried once the request may have reached the server,
whatever the client's retry policy says, unless the call opts in with ``retry_unsafe=True``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal

from forwardemail_async._core.pagination import AsyncPaginator
from forwardemail_async._core.params import check_bool, check_str
from forwardemail_async._core.requester import Requester, Service
from forwardemail_async._core.routes import Filter, ListRoute
from forwardemail_async._core.urls import email_segment, normalize_domain_name
from forwardemail_async.models import Email, EmailDetail, EmailLimit

from .email_body import Address, Addresses, AttachmentSource, build_email_body

__all__ = ["AliasEmailsService", "EmailSort", "EmailsService"]

EmailSort = Literal[
    "created_at",
    "-created_at",
    "date",
    "-date",
    "status",
    "-status",
    "subject",
    "-subject",
    "id",
    "-id",
]

_MANY = "/v1/emails"
_ONE = "/v1/emails/{email}"


def _domain(value: object, name: str) -> str | None:
    """A domain name as the server matches it (lowercase, ASCII), or ``None``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    return normalize_domain_name(value.strip(), name)


LIST = ListRoute(
    path=_MANY,
    model=Email,
    default_limit=25,
    max_limit=100,
    filters=(
        Filter("q", check_str),
        Filter("domain", _domain),
        Filter("sort", check_str),
        Filter("is_scheduled", check_bool),
    ),
)


class EmailsService(Service):
    """Emails sent through Forward Email's outbound SMTP, queued with the API."""

    async def limit(self) -> EmailLimit:
        """How many emails were sent today, and the daily limit."""
        return await self._requester.model(EmailLimit, "GET", _MANY + "/limit")

    def list(
        self,
        *,
        q: str | None = None,
        domain: str | None = None,
        is_scheduled: bool | None = None,
        sort: EmailSort | None = None,
        limit: int | None = None,
        page: int = 1,
        concurrency: int = 1,
    ) -> AsyncPaginator[Email]:
        """Every email of your aliases and of the domains you administer, across all pages.

        ``q`` is a literal, case-insensitive search of headers, envelope, Message-ID and
        subject; ``domain`` keeps one domain (it must be on a paid plan and approved for
        SMTP); ``is_scheduled=True`` keeps emails dated in the future. ``limit`` is the page
        size (1-100, default 25). Items are the list shape (no headers or raw message).
        """
        return self._requester.paginate(
            LIST, locals(), limit=limit, page=page, concurrency=concurrency
        )

    async def create(
        self,
        *,
        from_: Addresses | None = None,
        to: Addresses | None = None,
        cc: Addresses | None = None,
        bcc: Addresses | None = None,
        subject: str | None = None,
        text: str | None = None,
        html: str | None = None,
        attachments: Sequence[AttachmentSource] | None = None,
        sender: Address | None = None,
        reply_to: Addresses | None = None,
        in_reply_to: str | None = None,
        references: str | Sequence[str] | None = None,
        headers: Mapping[str, str | Sequence[str]] | None = None,
        message_id: str | None = None,
        date: datetime | date | str | None = None,
        list_: Mapping[str, Any] | None = None,
        attach_data_urls: bool | None = None,
        watch_html: str | None = None,
        amp: str | None = None,
        ical_event: str | Mapping[str, Any] | None = None,
        alternatives: Sequence[Mapping[str, Any]] | None = None,
        encoding: str | None = None,
        text_encoding: Literal["quoted-printable", "base64"] | None = None,
        newline: Literal["\r\n", "\n", "windows", "unix"] | None = None,
        priority: Literal["high", "normal", "low"] | None = None,
        require_tls: bool | None = None,
        dsn: Mapping[str, Any] | None = None,
        raw: str | bytes | None = None,
        retry_unsafe: bool = False,
    ) -> EmailDetail:
        """Queue an email for delivery; returns it with its raw message and headers.

        The fields are Nodemailer's message options in snake_case (``reply_to`` is sent as
        ``replyTo``, ``list_`` as ``list``, ``require_tls`` as ``requireTLS``...). Either
        build the message from ``from_``, recipients, ``subject``, ``text``/``html`` and
        ``attachments`` (bytes, ``pathlib.Path`` or :class:`EmailAttachment`), or pass a
        complete RFC 822 message as ``raw`` (``from_``/``to``/``cc``/``bcc`` then only set
        the envelope). Addresses may also be Nodemailer address objects
        (``{"name": "Sales", "address": "sales@example.com"}``).

        Never retried after the request may have reached the server, whatever the retry
        policy says: a connection error means "maybe queued". Set ``message_id`` to look it
        up with :meth:`retrieve` before sending again. ``retry_unsafe=True`` lets the policy
        retry anyway.
        """
        if not isinstance(retry_unsafe, bool):
            raise TypeError("retry_unsafe must be a bool")
        body = await build_email_body(locals(), sending=True)
        return await self._requester.model(
            EmailDetail, "POST", _MANY, json=body, allow_non_idempotent_retry=retry_unsafe
        )

    async def retrieve(self, email: str) -> EmailDetail:
        """One email by id or Message-ID (with or without ``<>`` or a ``.eml`` suffix)."""
        return await self._requester.model(
            EmailDetail, "GET", _ONE, path_params={"email": email_segment(email)}
        )

    async def delete(self, email: str) -> EmailDetail:
        """Cancel a pending, queued or deferred email; returns it with status ``rejected``.

        Nothing is deleted: the server keeps the email, marked rejected for every recipient.
        """
        return await self._requester.model(
            EmailDetail, "DELETE", _ONE, path_params={"email": email_segment(email)}
        )


class AliasEmailsService:
    """Sending as an alias: the server accepts alias credentials on ``POST /v1/emails`` only.

    :meth:`create` is :meth:`EmailsService.create` bound to the alias's credentials, with the
    same never-repeat-a-send rule.
    """

    __slots__ = ("create",)

    def __init__(self, requester: Requester) -> None:
        self.create = EmailsService(requester).create

    def __repr__(self) -> str:
        return "AliasEmailsService()"
