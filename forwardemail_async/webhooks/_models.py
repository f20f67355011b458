"""The payloads Forward Email POSTs: an inbound email and a bounce report.

Attribute names are the JSON keys, camelCase included (``messageId``, ``session.arrivalDate``),
as in the rest of the library; only ``from`` is ``from_``. Every model keeps the keys it does
not declare in ``extra_fields``. Where the service sends ``false`` for "absent" (``html``,
``arc``, ``dmarc``, ``bimi``, a bounce's ``truth_source`` and ``bounce.status``) the field
is ``None``.

The authentication results (``dkim``, ``spf``, ``arc``, ``dmarc``, ``bimi``) come from the
mailauth library, whose key sets change between versions: their ``status`` and ``info`` are
typed, everything else stays as sent in ``extra_fields``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from forwardemail_async._decode import converter as decoding
from forwardemail_async.models._keyword_fields import keyword_field

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "AddressList",
    "ArcResult",
    "AuthStatus",
    "BimiResult",
    "BounceEvent",
    "BounceInfo",
    "DkimResult",
    "DkimSignature",
    "DmarcResult",
    "EmailAddress",
    "HeaderLine",
    "InboundAttachment",
    "InboundEmail",
    "InboundSession",
    "SpfResult",
]


@attrs.frozen(kw_only=True)
class EmailAddress:
    """One mailbox of an address header: ``name`` (may be ``""``) and ``address``.

    A group (``Team: a@x, b@x;``) has a ``name``, no ``address`` and its members in ``group``.
    """

    name: str = ""
    address: str | None = None
    group: list[EmailAddress] | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class AddressList:
    """An address header as parsed: the mailboxes in ``value``, the header as ``text``, and an
    HTML rendering of it in ``html``. A header repeated in the message is merged into one."""

    value: list[EmailAddress] = attrs.field(factory=list)
    text: str = ""
    html: str = ""
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def addresses(self) -> list[str]:
        """Every address, members of groups included, in order."""
        found: list[str] = []
        for entry in self.value:
            if entry.address:
                found.append(entry.address)
            found.extend(member.address for member in entry.group or () if member.address)
        return found


@attrs.frozen(kw_only=True)
class HeaderLine:
    """One header of the message as received: ``key`` in lower case, ``line`` the raw text
    (folding kept)."""

    key: str
    line: str
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class InboundAttachment:
    """An attachment, with its decoded ``content`` (the service sends one JSON number per
    byte). ``checksum`` is the MD5 hex digest of the content."""

    content: bytes = attrs.field(repr=False)
    contentType: str | None = None  # noqa: N815 - the JSON key
    filename: str | None = None
    size: int | None = None
    checksum: str | None = None
    contentDisposition: str | None = None  # noqa: N815 - the JSON key
    contentId: str | None = None  # noqa: N815 - the JSON key
    cid: str | None = None
    related: bool | None = None
    partId: str | None = None  # noqa: N815 - the JSON key
    type: str = "attachment"
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class AuthStatus:
    """The verdict of one authentication check: ``result`` such as ``pass``, ``fail``,
    ``none``, ``neutral``, ``temperror`` or ``skipped``, and a ``comment``."""

    result: str | None = None
    comment: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class DkimSignature:
    """The check of one DKIM signature of the message."""

    status: AuthStatus | None = None
    info: str | None = None
    signingDomain: str | None = None  # noqa: N815 - the JSON key
    selector: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class DkimResult:
    """DKIM: the From header's addresses, the envelope sender, and one result per signature
    (a single ``none`` result when the message is not signed)."""

    headerFrom: list[str] = attrs.field(factory=list)  # noqa: N815 - the JSON key
    envelopeFrom: str | None = None  # noqa: N815 - the JSON key
    results: list[DkimSignature] = attrs.field(factory=list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class SpfResult:
    """SPF for the envelope sender's domain (``client-ip``, ``helo``, ``envelope-from`` and the
    lookups stay in ``extra_fields``)."""

    status: AuthStatus | None = None
    domain: str | None = None
    header: str | None = None
    info: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class ArcResult:
    """ARC: the chain's verdict, its highest instance ``i``, and the ``authResults`` text."""

    status: AuthStatus | None = None
    i: int | None = None
    authResults: str | None = None  # noqa: N815 - the JSON key
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class DmarcResult:
    """DMARC for the From domain."""

    status: AuthStatus | None = None
    domain: str | None = None
    info: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class BimiResult:
    """BIMI for the From domain."""

    status: AuthStatus | None = None
    info: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class InboundSession:
    """The SMTP session that delivered the message to Forward Email's MX.

    ``recipient`` is the alias that created this webhook request (the first of the email's
    ``recipients``); ``arrivalDate`` is when the sending server connected (``arrivalTime`` the
    same instant in epoch milliseconds).
    """

    recipient: str | None = None
    remoteAddress: str | None = None  # noqa: N815 - the JSON key
    remotePort: int | None = None  # noqa: N815 - the JSON key
    clientHostname: str | None = None  # noqa: N815 - the JSON key
    hostNameAppearsAs: str | None = None  # noqa: N815 - the JSON key
    sender: str | None = None
    mta: str | None = None
    arrivalDate: datetime | None = None  # noqa: N815 - the JSON key
    arrivalTime: int | None = None  # noqa: N815 - the JSON key
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class InboundEmail:
    """An email received for an alias whose recipient is your webhook URL.

    ``headers`` maps each header name (original case, last value wins) to its decoded value;
    very old deliveries sent the header block as one string instead. ``headerLines`` lists
    the headers of the message as Forward Email forwards it, its own added headers included.
    ``raw`` is that whole message (absent with ``?raw=false`` on the URL) and ``attachments``
    is empty with ``?attachments=false``. ``recipients`` are the aliases this request is for.
    """

    messageId: str | None = None  # noqa: N815 - the JSON key
    subject: str | None = None
    date: datetime | None = None
    from_: AddressList | None = None
    to: AddressList | None = None
    cc: AddressList | None = None
    bcc: AddressList | None = None
    replyTo: AddressList | None = None  # noqa: N815 - the JSON key
    inReplyTo: str | None = None  # noqa: N815 - the JSON key
    references: list[str] = attrs.field(factory=list)
    text: str | None = None
    html: str | None = None
    textAsHtml: str | None = None  # noqa: N815 - the JSON key
    attachments: list[InboundAttachment] = attrs.field(factory=list)
    headers: HeaderMap = attrs.field(factory=dict, repr=False)
    headerLines: list[HeaderLine] = attrs.field(factory=list, repr=False)  # noqa: N815
    raw: str | None = attrs.field(default=None, repr=False)
    recipients: list[str] = attrs.field(factory=list)
    session: InboundSession = attrs.field(factory=InboundSession)
    dkim: DkimResult | None = attrs.field(default=None, repr=False)
    spf: SpfResult | None = attrs.field(default=None, repr=False)
    arc: ArcResult | None = attrs.field(default=None, repr=False)
    dmarc: DmarcResult | None = attrs.field(default=None, repr=False)
    bimi: BimiResult | None = attrs.field(default=None, repr=False)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class BounceInfo:
    """How the failure was classified: ``action`` (``reject``, ``defer``...), ``category``
    (``recipient``, ``block``, ``spam``, ``capacity``, ``network``...), the SMTP ``code``,
    the enhanced ``status`` such as ``5.1.1`` (``None`` when there is none) and the matched
    rule's ``line``."""

    action: str | None = None
    message: str | None = None
    category: str | None = None
    code: int | None = None
    status: str | None = None
    line: int | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class BounceEvent:
    """One recipient of an email you sent through Forward Email failed.

    ``email_id`` is the id of ``client.emails.retrieve``; ``headers`` are that email's headers;
    ``response`` and ``response_code`` are the receiving server's SMTP answer;
    ``truth_source`` is the receiving provider's domain when Forward Email trusts its verdict
    (``None`` otherwise). A soft failure (``bounce.action == "defer"``) may be reported again
    after the next delivery attempt.
    """

    email_id: str
    recipient: str
    message: str | None = None
    response: str | None = None
    response_code: int | None = None
    truth_source: str | None = None
    bounce: BounceInfo = attrs.field(factory=BounceInfo)
    headers: dict[str, str] = attrs.field(factory=dict, repr=False)
    bounced_at: datetime | None = None
    list_id: str | None = None
    list_unsubscribe: str | None = None
    feedback_id: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def is_hard(self) -> bool:
        """A permanent failure (a 5xx answer): mail to this recipient will keep failing."""
        code = self.response_code if self.response_code is not None else self.bounce.code
        return code is not None and code >= 500


HeaderMap = dict[str, str] | str
"""``InboundEmail.headers``: an object, or the header block as one string (older deliveries)."""


def _structure_headers(value: object, _: object) -> dict[str, str] | str:
    if isinstance(value, str):
        return value
    headers: dict[str, str] = decoding.converter.structure(value, dict[str, str])
    return headers


def _structure_content(value: object, _: object) -> bytes:
    if isinstance(value, bytes):
        return value
    raise TypeError(f"expected attachment bytes, got {type(value).__name__}")


def _register(converter: cattrs.Converter) -> None:
    converter.register_structure_hook_func(lambda type_: type_ == HeaderMap, _structure_headers)
    converter.register_structure_hook(bytes, _structure_content)


decoding.when_built(_register)
attrs.resolve_types(EmailAddress)
keyword_field(InboundEmail, "from_")
