"""The exception tree, and the pure mapping from an HTTP error response to an exception.

Every failure the client raises is a :class:`ForwardEmailError`. HTTP errors carry the status,
the server's ``message`` and the raw body; connection failures say whether the request may have
reached the server, which is what decides whether a POST is safe to repeat.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AlreadyExistsError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ForwardEmailError",
    "NotAdminError",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "RateLimitError",
    "RequestTimeoutError",
    "ResponseDecodeError",
    "ResponseTooLargeError",
    "ServerError",
    "error_from_response",
]

# The longest message we keep from a non-JSON error body (an HTML proxy page can be huge).
_MAX_TEXT_MESSAGE = 500

# Exact server phrases that deserve their own exception class (config/phrases.js).
_NOT_ADMIN_MESSAGE = "You do not belong to the administrative user group."
_ALREADY_EXISTS_MESSAGES = frozenset(
    {
        "Alias already exists for domain.",
        "Domain already exists on your account.",
    }
)


class ForwardEmailError(Exception):
    """Base class of every exception raised by forwardemail_async."""


class APIError(ForwardEmailError):
    """The server answered with a non-2xx status.

    ``message`` is the server's own message (the ``message`` key of its JSON error, or the text
    of a plain-text or HTML answer); ``error`` is the HTTP reason phrase the server sent, and
    ``body`` the raw decoded body, kept so nothing the server said is lost.
    """

    status: int

    def __init__(
        self,
        message: str,
        *,
        status: int,
        error: str | None = None,
        body: object = None,
        headers: Mapping[str, str] | None = None,
        method: str | None = None,
        url: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error = error
        self.body = body
        self.headers: Mapping[str, str] = dict(headers or {})
        self.method = method
        self.url = url
        self.request_id = request_id

    def __str__(self) -> str:
        where = f" ({self.method} {self.url})" if self.method and self.url else ""
        return f"{self.status} {self.error or ''}: {self.message}{where}".replace("  ", " ")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, message={self.message!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors do not survive the default pickling of exceptions.
        return (_rebuild, (type(self), self.message, self._state()))

    def _state(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "error": self.error,
            "body": self.body,
            "headers": dict(self.headers),
            "method": self.method,
            "url": self.url,
            "request_id": self.request_id,
        }


def _rebuild(cls: type[APIError], message: str, state: dict[str, Any]) -> APIError:
    return cls(message, **state)


class BadRequestError(APIError):
    """400: the server rejected the request (validation errors land here)."""


class NotAdminError(BadRequestError):
    """400 "You do not belong to the administrative user group.": the caller is not a domain
    (or alias) admin. The server uses 400, not 403, for this."""


class AlreadyExistsError(BadRequestError):
    """400 "Alias already exists for domain." or "Domain already exists on your account."."""


class AuthenticationError(APIError):
    """401: missing, invalid or unverified credentials."""


class PaymentRequiredError(APIError):
    """402: the account or the domain is on a plan that does not include this feature."""


class PermissionDeniedError(APIError):
    """403: the request is understood but not allowed (banned account, over quota, ...)."""


class NotFoundError(APIError):
    """404: the resource does not exist, or not on your account."""


class RequestTimeoutError(APIError):
    """408: the server gave up on the request (it maps its own backend failures to 408)."""


class ConflictError(APIError):
    """409: the resource already exists (calendars, calendar events)."""


class PreconditionFailedError(APIError):
    """412: an ``If-Match`` ETag did not match."""


class RateLimitError(APIError):
    """429: a rate limit was hit.

    ``retry_after`` is the number of seconds to wait, computed from ``Retry-After`` (which the
    real server sends as an absolute epoch time) or ``X-RateLimit-Reset``; ``None`` if unknown.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        limit: int | None = None,
        remaining: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
        self.limit = limit
        self.remaining = remaining

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, message={self.message!r}, "
            f"retry_after={self.retry_after!r})"
        )

    def _state(self) -> dict[str, Any]:
        state = super()._state()
        state.update(retry_after=self.retry_after, limit=self.limit, remaining=self.remaining)
        return state


class ServerError(APIError):
    """5xx: the server, or a proxy in front of it, failed."""


class APIConnectionError(ForwardEmailError):
    """No HTTP answer was received: the connection failed, was reset or timed out.

    ``request_sent`` is False only when the request certainly never reached the server (for
    example, the TCP connection could not be opened); a POST is only retried automatically then.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        url: str | None = None,
        request_sent: bool = True,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.request_sent = request_sent

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_connection,
            (type(self), self.message, self.method, self.url, self.request_sent),
        )


def _rebuild_connection(
    cls: type[APIConnectionError],
    message: str,
    method: str | None,
    url: str | None,
    request_sent: bool,
) -> APIConnectionError:
    return cls(message, method=method, url=url, request_sent=request_sent)


class APITimeoutError(APIConnectionError):
    """An attempt, or the whole call's deadline, ran out before an answer arrived."""


class ResponseDecodeError(ForwardEmailError):
    """A 2xx answer could not be decoded into the expected shape.

    The message names the field that failed; ``body`` keeps what the server sent.
    """

    def __init__(self, message: str, *, body: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.body = body

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_decode, (self.message, self.body))


def _rebuild_decode(message: str, body: object) -> ResponseDecodeError:
    return ResponseDecodeError(message, body=body)


class ResponseTooLargeError(ResponseDecodeError):
    """A 2xx answer was longer than the client's ``max_response_size``; reading stopped there.

    The server did answer (so it acted on the request); ``limit`` is the cap in bytes and
    ``body`` the part that was read. Not retried: the same request would get the same answer.
    """

    def __init__(self, message: str, *, limit: int, body: object = None) -> None:
        super().__init__(message, body=body)
        self.limit = limit

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_too_large, (self.message, self.limit, self.body))


def _rebuild_too_large(message: str, limit: int, body: object) -> ResponseTooLargeError:
    return ResponseTooLargeError(message, limit=limit, body=body)


_STATUS_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: RequestTimeoutError,
    409: ConflictError,
    412: PreconditionFailedError,
    429: RateLimitError,
}

# Compiled (and cached by ``re``) on first use: HTML error pages are rare, imports are not.
_TAG = r"<[^>]+>"
_TITLE = r"<title[^>]*>(.*?)</title>"
_SPACE = r"\s+"


def _message_from_html(text: str) -> str:
    """The title of an HTML error page (e.g. a proxy's 502), else its text, shortened."""
    import html

    match = re.search(_TITLE, text, re.IGNORECASE | re.DOTALL)
    raw = match.group(1) if match else re.sub(_TAG, " ", text)
    return _shorten(html.unescape(re.sub(_SPACE, " ", raw)).strip())


def _shorten(text: str) -> str:
    if len(text) <= _MAX_TEXT_MESSAGE:
        return text
    return text[: _MAX_TEXT_MESSAGE - 1] + "…"


def _message_from_json(data: object) -> tuple[str | None, str | None]:
    """The ``message`` and ``error`` of a Boom error body; a list message is joined by lines."""
    if not isinstance(data, dict):
        return None, None
    message = data.get("message")
    if isinstance(message, list):
        message = "\n".join(str(part) for part in message)
    elif message is not None and not isinstance(message, str):
        message = json.dumps(message)
    error = data.get("error")
    return message, error if isinstance(error, str) else None


def error_from_response(
    status: int,
    body: bytes,
    *,
    content_type: str = "",
    headers: Mapping[str, str] | None = None,
    reason: str | None = None,
    method: str | None = None,
    url: str | None = None,
    retry_after: float | None = None,
) -> APIError:
    """Build the typed exception for a non-2xx answer; never raises while decoding.

    JSON bodies give their ``message``; plain-text bodies (the real server's 429s) and HTML
    pages (proxies) give their text. ``retry_after`` is computed by the caller from headers.
    """
    headers = headers or {}
    text = body.decode("utf-8", errors="replace")
    parsed: object = text
    message: str | None = None
    error: str | None = None
    stripped = text.lstrip()
    if "json" in content_type or stripped[:1] in ("{", "["):
        try:
            parsed = json.loads(text)
            message, error = _message_from_json(parsed)
        except (ValueError, RecursionError):
            # Not JSON, or nested too deeply to decode or to show: keep it as text.
            parsed, message, error = text, None, None
    if message is None:
        if "html" in content_type or stripped[:1] == "<":
            message = _message_from_html(text)
        else:
            message = _shorten(text.strip())
    if not message:
        message = reason or f"HTTP {status}"
    cls = _STATUS_CLASSES.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else APIError
    if cls is BadRequestError:
        if message == _NOT_ADMIN_MESSAGE:
            cls = NotAdminError
        elif message in _ALREADY_EXISTS_MESSAGES:
            cls = AlreadyExistsError
    common: dict[str, Any] = {
        "status": status,
        "error": error or reason,
        "body": parsed,
        "headers": headers,
        "method": method,
        "url": url,
        "request_id": headers.get("X-Request-Id") or headers.get("x-request-id"),
    }
    if cls is RateLimitError:
        return RateLimitError(
            message,
            retry_after=retry_after,
            limit=_int_or_none(headers.get("X-RateLimit-Limit")),
            remaining=_int_or_none(headers.get("X-RateLimit-Remaining")),
            **common,
        )
    return cls(message, **common)


def _int_or_none(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None
