"""Verify, then parse: what every receiver does with a request body, framework aside."""

from __future__ import annotations

from ._errors import MissingSignatureError, WebhookPayloadTooLargeError
from ._models import BounceEvent, InboundEmail
from ._parse import DEFAULT_MAX_SIZE, Body, parse_bounce, parse_inbound
from ._signature import WebhookKeys, verify_signature

__all__ = ["read_bounce", "read_inbound"]


def read_inbound(
    body: bytes | bytearray | memoryview,
    signature: str | None,
    keys: WebhookKeys | None,
    *,
    allow_unsigned: bool = False,
    max_size: int = DEFAULT_MAX_SIZE,
) -> InboundEmail:
    """Verify an inbound-email webhook with ``keys``, then parse it.

    ``allow_unsigned=True`` accepts a request without a signature, which is how the service
    sends inbound mail for a domain that has no webhook key; a request that carries a
    signature is still verified whenever ``keys`` are given. Raises the errors of
    :func:`verify_signature` and :func:`parse_inbound`.
    """
    _check_size(body, max_size)
    if keys is None and not allow_unsigned:
        raise ValueError("give the domain's webhook key(s), or allow_unsigned=True")
    if keys is not None:
        try:
            verify_signature(body, signature, keys)
        except MissingSignatureError:
            if not allow_unsigned:
                raise
    return parse_inbound(body, max_size=max_size)


def read_bounce(
    body: bytes | bytearray | memoryview,
    signature: str | None,
    keys: WebhookKeys,
    *,
    max_size: int = DEFAULT_MAX_SIZE,
) -> BounceEvent:
    """Verify a bounce webhook with ``keys`` (bounces are always signed), then parse it."""
    _check_size(body, max_size)
    verify_signature(body, signature, keys)
    return parse_bounce(body, max_size=max_size)


def _check_size(body: Body, max_size: int) -> None:
    if isinstance(body, (bytes, bytearray, memoryview)) and memoryview(body).nbytes > max_size:
        raise WebhookPayloadTooLargeError(memoryview(body).nbytes, max_size)
