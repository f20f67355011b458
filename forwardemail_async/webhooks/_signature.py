"""``X-Webhook-Signature``: the lowercase hex HMAC-SHA256 of the raw body bytes.

The key is the UTF-8 text of the domain's webhook key as shown in the dashboard (32 hex
characters), used as text: it is not hex-decoded. There is no timestamp in the scheme, so a
valid signature says who sent the body, not when (see ``docs/webhooks.md`` on replays).
"""

from __future__ import annotations

import hashlib
import hmac
import string
from collections.abc import Sequence

from ._errors import MalformedSignatureError, MissingSignatureError, SignatureMismatchError

__all__ = ["SIGNATURE_HEADER", "WebhookKeys", "compute_signature", "verify_signature"]

SIGNATURE_HEADER = "X-Webhook-Signature"
"""The header Forward Email puts the signature in."""

WebhookKeys = str | Sequence[str]
"""One webhook key, or several while a rotated key may still be in use."""

_HEX_DIGITS = frozenset(string.hexdigits)
_DIGEST_LENGTH = 64


def compute_signature(body: bytes | bytearray | memoryview, key: str) -> str:
    """The signature Forward Email sends with ``body`` when it signs with ``key``.

    Useful to sign requests in your own tests; :func:`verify_signature` is what a receiver
    needs.
    """
    _check_body(body)
    return hmac.new(_key_bytes(key), body, hashlib.sha256).hexdigest()


def verify_signature(
    body: bytes | bytearray | memoryview, signature: str | None, key: WebhookKeys
) -> None:
    """Check that ``signature`` is the HMAC-SHA256 of ``body`` under ``key`` (or one of several
    keys); return ``None`` if so, raise otherwise.

    ``body`` must be the request's raw bytes, never re-serialised JSON. ``signature`` is the
    ``X-Webhook-Signature`` header value or ``None``; surrounding whitespace and upper-case hex
    digits are accepted. Every key is compared in constant time.

    Raises :class:`MissingSignatureError` (no header), :class:`MalformedSignatureError` (not 64
    hex characters) or :class:`SignatureMismatchError` (no key matches), all
    :class:`WebhookSignatureError`; ``TypeError``/``ValueError`` for unusable arguments.
    """
    _check_body(body)
    keys = check_keys(key)
    if signature is not None and not isinstance(signature, str):
        raise TypeError(f"signature must be the header's text or None, not {type(signature)}")
    received = (signature or "").strip()
    if not received:
        raise MissingSignatureError(f"the request has no {SIGNATURE_HEADER} header")
    if len(received) != _DIGEST_LENGTH or not _HEX_DIGITS.issuperset(received):
        raise MalformedSignatureError(
            f"the {SIGNATURE_HEADER} header is not {_DIGEST_LENGTH} hexadecimal characters "
            f"(it has {len(received)} characters)"
        )
    received_bytes = received.lower().encode("ascii")
    matched = False
    for each in keys:
        expected = hmac.new(each, body, hashlib.sha256).hexdigest().encode("ascii")
        # No early exit: the time taken does not depend on which key matched.
        matched |= hmac.compare_digest(expected, received_bytes)
    if not matched:
        count = "the key" if len(keys) == 1 else f"any of the {len(keys)} keys"
        raise SignatureMismatchError(
            f"the {SIGNATURE_HEADER} header does not match the body under {count}"
        )


def _check_body(body: object) -> None:
    if isinstance(body, (bytes, bytearray, memoryview)):
        return
    hint = (
        " (pass the request's raw bytes, not decoded text or re-serialised JSON)"
        if isinstance(body, (str, dict, list))
        else ""
    )
    raise TypeError(f"body must be bytes, not {type(body).__name__}{hint}")


def _key_bytes(key: object) -> bytes:
    if isinstance(key, (bytes, bytearray)):
        raise TypeError(
            "a webhook key is text: pass the key as shown in the dashboard (str), "
            "it is used as UTF-8 text and never hex-decoded"
        )
    if not isinstance(key, str):
        raise TypeError(f"a webhook key must be a str, not {type(key).__name__}")
    stripped = key.strip()
    if not stripped:
        raise ValueError("a webhook key must not be empty")
    return stripped.encode("utf-8")


def check_keys(key: object) -> list[bytes]:
    if isinstance(key, (str, bytes, bytearray)):
        return [_key_bytes(key)]
    if not isinstance(key, Sequence):
        raise TypeError(f"key must be a str or a sequence of str, not {type(key).__name__}")
    keys = [_key_bytes(each) for each in key]
    if not keys:
        raise ValueError("at least one webhook key is needed")
    return keys
