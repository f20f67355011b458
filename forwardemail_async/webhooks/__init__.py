"""Receive Forward Email's webhooks: verify their signature and parse them into models.

Forward Email POSTs JSON to an alias's recipient URL for each email received
(:class:`InboundEmail`) and to a domain's ``bounce_webhook`` for each bounce of an email sent
through it (:class:`BounceEvent`), with ``X-Webhook-Signature``, the hex HMAC-SHA256 of the
raw body under the domain's webhook key::

    from forwardemail_async import webhooks

    webhooks.verify_signature(body, request.headers.get("X-Webhook-Signature"), key)
    email = webhooks.parse_inbound(body)

:func:`inbound_handler` and :func:`bounce_handler` do it all for aiohttp.web. See
``docs/webhooks.md``.
"""

from ._aiohttp import WebhookHandler, bounce_handler, inbound_handler
from ._errors import (
    MalformedSignatureError,
    MissingSignatureError,
    SignatureMismatchError,
    WebhookPayloadError,
    WebhookPayloadTooLargeError,
    WebhookSignatureError,
)
from ._models import (
    AddressList,
    ArcResult,
    AuthStatus,
    BimiResult,
    BounceEvent,
    BounceInfo,
    DkimResult,
    DkimSignature,
    DmarcResult,
    EmailAddress,
    HeaderLine,
    InboundAttachment,
    InboundEmail,
    InboundSession,
    SpfResult,
)
from ._parse import DEFAULT_MAX_SIZE, parse_bounce, parse_inbound
from ._receive import read_bounce, read_inbound
from ._signature import SIGNATURE_HEADER, WebhookKeys, compute_signature, verify_signature

__all__ = [
    "DEFAULT_MAX_SIZE",
    "SIGNATURE_HEADER",
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
    "MalformedSignatureError",
    "MissingSignatureError",
    "SignatureMismatchError",
    "SpfResult",
    "WebhookHandler",
    "WebhookKeys",
    "WebhookPayloadError",
    "WebhookPayloadTooLargeError",
    "WebhookSignatureError",
    "bounce_handler",
    "compute_signature",
    "inbound_handler",
    "parse_bounce",
    "parse_inbound",
    "read_bounce",
    "read_inbound",
    "verify_signature",
]
