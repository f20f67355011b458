"""Decoding a webhook body into :class:`InboundEmail` or :class:`BounceEvent`.

The JSON goes through ``orjson`` when it is installed (the ``speedups`` extra), else the
standard library. Bodies can be large: a 50 MB message with attachments is well over 100 MB
of JSON, each attachment byte a JSON number. Each attachment's number list becomes ``bytes``
and is dropped at once, before the next one is converted, so at most one copy of the
attachments exists besides the decoded JSON that is being freed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar

from forwardemail_async._core.errors import ResponseDecodeError
from forwardemail_async._decode.converter import structure

from ._errors import WebhookPayloadError, WebhookPayloadTooLargeError
from ._models import BounceEvent, InboundEmail

__all__ = ["DEFAULT_MAX_SIZE", "loads", "parse_bounce", "parse_inbound"]

T = TypeVar("T")

DEFAULT_MAX_SIZE = 256 * 1024 * 1024
"""The default size limit of a body, in bytes: room for the largest message the service
accepts (50 MB, which becomes roughly 150 to 250 MB of JSON)."""

_orjson: ModuleType | None
try:
    import orjson as _orjson
except ImportError:  # without the speedups extra
    _orjson = None

Body = bytes | bytearray | memoryview | str

# Keys whose `false` means "absent" (mailparser and mailauth use it so).
_INBOUND_FALSE_KEYS = (
    "html",
    "text",
    "textAsHtml",
    "subject",
    "messageId",
    "inReplyTo",
    "raw",
    "date",
    "dkim",
    "spf",
    "arc",
    "dmarc",
    "bimi",
    "from",
    "to",
    "cc",
    "bcc",
    "replyTo",
)
_SESSION_FALSE_KEYS = (
    "recipient",
    "remoteAddress",
    "clientHostname",
    "hostNameAppearsAs",
    "sender",
    "mta",
)
_ADDRESS_KEYS = ("from", "to", "cc", "bcc", "replyTo")
_BOUNCE_FALSE_KEYS = ("truth_source", "response", "response_code", "list_id", "message")
_BOUNCE_INFO_FALSE_KEYS = ("status", "line", "code", "category", "action", "message")


def loads(body: Body, *, max_size: int = DEFAULT_MAX_SIZE) -> Any:
    """Decode a webhook body as JSON, refusing one over ``max_size`` bytes."""
    if not isinstance(body, (bytes, bytearray, memoryview, str)):
        raise TypeError(f"body must be bytes or str, not {type(body).__name__}")
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size <= 0:
        raise ValueError(f"max_size must be a positive number of bytes, not {max_size!r}")
    size = len(body.encode()) if isinstance(body, str) else memoryview(body).nbytes
    if size > max_size:
        raise WebhookPayloadTooLargeError(size, max_size)
    try:
        if _orjson is not None:
            return _orjson.loads(body)
        return json.loads(bytes(body) if isinstance(body, memoryview) else body)
    except ValueError as exc:  # orjson.JSONDecodeError and json's are ValueErrors
        raise WebhookPayloadError(f"the webhook body is not valid JSON: {exc}") from None


def parse_inbound(body: Body, *, max_size: int = DEFAULT_MAX_SIZE) -> InboundEmail:
    """Decode the body of an inbound-email webhook (verify its signature first).

    Raises :class:`WebhookPayloadTooLargeError` over ``max_size`` bytes and
    :class:`WebhookPayloadError` for a body that is not such a payload.
    """
    return _decode(loads(body, max_size=max_size), InboundEmail, _normalise_inbound, "inbound")


def parse_bounce(body: Body, *, max_size: int = DEFAULT_MAX_SIZE) -> BounceEvent:
    """Decode the body of a bounce webhook (verify its signature first).

    Raises :class:`WebhookPayloadTooLargeError` over ``max_size`` bytes and
    :class:`WebhookPayloadError` for a body that is not such a payload.
    """
    return _decode(loads(body, max_size=max_size), BounceEvent, _normalise_bounce, "bounce")


def _decode(data: Any, cls: type[T], normalise: Callable[[dict[str, Any]], None], kind: str) -> T:
    if not isinstance(data, dict):
        raise WebhookPayloadError(f"a {kind} webhook body is a JSON object, not {_kind(data)}")
    normalise(data)
    try:
        return structure(data, cls, what=f"{kind} webhook")
    except ResponseDecodeError as exc:
        raise WebhookPayloadError(str(exc)) from None


def _normalise_inbound(data: dict[str, Any]) -> None:
    """Turn the service's loose shapes into the models' (in place: the dict is ours)."""
    _drop_false(data, _INBOUND_FALSE_KEYS)
    session = data.get("session")
    if isinstance(session, dict):
        _drop_false(session, _SESSION_FALSE_KEYS)
    dkim = data.get("dkim")
    if isinstance(dkim, dict):
        _drop_false(dkim, ("envelopeFrom",))
    for key in _ADDRESS_KEYS:
        value = data.get(key)
        if isinstance(value, list):  # the header appeared more than once
            data[key] = _merge_addresses(value)
    references = data.get("references")
    if isinstance(references, str):
        data["references"] = references.split()
    elif references is None or references is False:
        data.pop("references", None)
    attachments = data.get("attachments")
    if attachments is False or attachments is None:
        data.pop("attachments", None)
    elif isinstance(attachments, list):
        for index, attachment in enumerate(attachments):
            if isinstance(attachment, dict) and "content" in attachment:
                attachment["content"] = _content_bytes(attachment["content"], index)


def _normalise_bounce(data: dict[str, Any]) -> None:
    _drop_false(data, _BOUNCE_FALSE_KEYS)
    bounce = data.get("bounce")
    if isinstance(bounce, dict):
        _drop_false(bounce, _BOUNCE_INFO_FALSE_KEYS)
    elif bounce is None or bounce is False:
        data.pop("bounce", None)


def _drop_false(data: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        if data.get(key, True) is False:
            del data[key]


def _merge_addresses(objects: list[Any]) -> dict[str, Any]:
    parts = [item for item in objects if isinstance(item, dict)]
    return {
        "value": [entry for item in parts for entry in item.get("value") or []],
        "text": ", ".join(str(item.get("text", "")) for item in parts),
        "html": ", ".join(str(item.get("html", "")) for item in parts),
    }


def _content_bytes(content: object, index: int) -> bytes:
    """Node's ``Buffer#toJSON`` (``{"type": "Buffer", "data": [...]}``) as bytes."""
    data = content.get("data") if isinstance(content, dict) else content
    if isinstance(data, str):  # a string Buffer (never seen from the service, but harmless)
        return data.encode()
    if isinstance(data, list):
        try:
            return bytes(data)
        except (TypeError, ValueError):
            pass
    raise WebhookPayloadError(
        f"attachments[{index}].content is not a Buffer of bytes 0-255 ({_kind(content)})"
    )


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return "a number"
