"""The errors of webhook verification and parsing, all :class:`ForwardEmailError` subclasses.

None of them ever holds a key or the digest a key would give: a signature error says only
which check failed, so it is safe to log and to show in an HTTP answer.
"""

from __future__ import annotations

from forwardemail_async._core.errors import ForwardEmailError

__all__ = [
    "MalformedSignatureError",
    "MissingSignatureError",
    "SignatureMismatchError",
    "WebhookPayloadError",
    "WebhookPayloadTooLargeError",
    "WebhookSignatureError",
]


class WebhookSignatureError(ForwardEmailError):
    """The ``X-Webhook-Signature`` header does not prove the body came from Forward Email."""


class MissingSignatureError(WebhookSignatureError):
    """The request has no ``X-Webhook-Signature`` header (or an empty one).

    Bounce webhooks are always signed; inbound mail is unsigned when its domain has no key
    (free-plan domains set up with DNS records only): see ``allow_unsigned``.
    """


class MalformedSignatureError(WebhookSignatureError):
    """The header is not 64 hexadecimal characters, so it cannot be an HMAC-SHA256 digest."""


class SignatureMismatchError(WebhookSignatureError):
    """The header is well formed but matches none of the keys: the body was changed, or it
    was signed with another key (a rotated-out one, or another domain's)."""


class WebhookPayloadError(ForwardEmailError):
    """The body is not JSON, or not the JSON shape of the webhook it was read as."""


class WebhookPayloadTooLargeError(WebhookPayloadError):
    """The body is longer than the size limit it was read with.

    ``size`` is the length seen (for a streamed body, the length when reading stopped) and
    ``limit`` the limit in bytes.
    """

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"the webhook body is {size} bytes or more, over the limit of {limit} bytes; "
            "raise max_size, or add ?attachments=false or ?raw=false to the webhook URL"
        )
        self.size = size
        self.limit = limit
