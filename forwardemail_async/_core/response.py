"""A received HTTP answer and its decoding into JSON or text.

The body is read completely before the connection is released, so a response object holds
no connection and can outlive the request. JSON goes through ``orjson`` when installed
(the ``speedups`` extra) and the standard library otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import ModuleType
from typing import Any, Final

import attrs

from .errors import ResponseDecodeError

_orjson: ModuleType | None
try:
    import orjson as _orjson
except ImportError:  # without the speedups extra
    _orjson = None

__all__ = ["NOT_DECODED", "Response", "dumps", "loads"]


class _NotDecoded:
    """The marker of an answer whose body has not been decoded yet."""

    def __repr__(self) -> str:
        return "NOT_DECODED"


NOT_DECODED: Final = _NotDecoded()


def loads(data: bytes) -> Any:
    """Decode JSON bytes."""
    if _orjson is not None:
        return _orjson.loads(data)
    return json.loads(data)


def dumps(value: object) -> bytes:
    """Encode a JSON request body."""
    if _orjson is not None:
        encoded: bytes = _orjson.dumps(value)
        return encoded
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


@attrs.frozen(kw_only=True)
class Response:
    """One HTTP answer: status, headers, the full body, and how the call went.

    ``route`` is the path template (``/v1/domains/{domain}``), safe to log; ``retries`` is
    how many times the request was repeated before this answer. ``recovered`` marks the
    answer of a read-back: a create whose outcome was unknown, found on the server as ours.
    ``decoded`` is the JSON the transport already decoded (so it is decoded only once).
    """

    status: int
    reason: str | None = None
    headers: Mapping[str, str] = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False)
    method: str
    route: str
    url: str = attrs.field(repr=False)
    retries: int = 0
    elapsed: float = 0.0
    recovered: bool = False
    decoded: Any = attrs.field(default=NOT_DECODED, repr=False, eq=False)

    @property
    def content_type(self) -> str:
        """The media type, lowercase, without parameters."""
        raw = self.headers.get("Content-Type", "")
        return raw.split(";", 1)[0].strip().lower()

    def json(self) -> Any:
        """The body decoded as JSON; a :class:`ResponseDecodeError` if it is not JSON."""
        if self.decoded is not NOT_DECODED:
            return self.decoded
        try:
            return loads(self.body)
        except (ValueError, RecursionError) as exc:
            # No excerpt of the body in the message: on credential routes it could hold a
            # password. The raw body stays on the exception for deliberate inspection.
            raise ResponseDecodeError(
                f"{self.method} {self.route} answered {self.status} with {len(self.body)} "
                f"bytes that are not valid JSON (Content-Type "
                f"{self.content_type or 'missing'!r}; {type(exc).__name__})",
                body=self.body,
            ) from None

    def text(self) -> str:
        """The body as text (UTF-8, undecodable bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")
