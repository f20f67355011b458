"""The message object: one email stored in an alias's IMAP mailbox."""

from datetime import datetime
from typing import Any

import attrs

from forwardemail_async._core.display import HtmlRepr

from ._keyword_fields import keyword_field

__all__ = ["Message", "MessageAddress"]


@attrs.frozen(kw_only=True)
class MessageAddress(HtmlRepr):
    """One parsed address of a header (``name`` may be empty); a group keeps its members in
    ``extra_fields["group"]``."""

    address: str | None = None
    name: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Message(HtmlRepr):
    """A message in a folder.

    The shape depends on the request. By default the answer carries ``nodemailer`` (the
    message parsed by mailparser: ``subject``, ``from``, ``to``, ``text``, ``html``,
    ``headers``, ``attachments``...) and ``raw`` (the RFC 822 text); ``nodemailer=False``,
    ``raw=False`` and ``attachments=False`` drop them. ``lightweight=True`` drops both and adds
    the parsed ``from_`` (JSON ``from``), ``to``, ``cc``, ``bcc`` and ``reply_to`` instead.
    """

    id: str
    object: str = "message"
    root_id: str | None = None
    folder_id: str | None = None
    folder_path: str | None = None
    thread_id: str | None = None
    header_message_id: str | None = None
    is_unread: bool | None = None
    is_flagged: bool | None = None
    is_deleted: bool | None = None
    is_draft: bool | None = None
    is_junk: bool | None = None
    is_encrypted: bool | None = None
    is_copied: bool | None = None
    is_searchable: bool | None = None
    is_expired: bool | None = None
    has_attachment: bool | None = None
    retention_date: datetime | None = None
    internal_date: datetime | None = None
    header_date: datetime | None = None
    subject: str | None = None
    flags: list[str] | None = None
    labels: list[str] | None = None
    size: int | None = None
    uid: int | None = None
    modseq: int | None = None
    transaction: str | None = None
    remote_address: str | None = None
    nodemailer: dict[str, Any] | None = None
    raw: str | None = attrs.field(default=None, repr=False)
    from_: list[MessageAddress] | None = None
    to: list[MessageAddress] | None = None
    cc: list[MessageAddress] | None = None
    bcc: list[MessageAddress] | None = None
    reply_to: list[MessageAddress] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    def __repr__(self) -> str:
        return (
            f"Message(id={self.id!r}, folder_path={self.folder_path!r}, "
            f"subject={self.subject!r}, flags={self.flags!r})"
        )


keyword_field(Message, "from_")
