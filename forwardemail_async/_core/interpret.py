"""The sans-I/O core: what one attempt's answer means, and whether to try again.

:func:`interpret` is a pure function of what came back (status, headers, body, or the
connection failure), the time, the attempt number and the retry policy. It returns an
:class:`Outcome`: the decoded value of a good answer, or the typed error together with the
retry decision and the wait. The transport only performs the I/O around it (send, read,
sleep), so every rule here is testable without a socket (``tests/test_interpret.py``).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any, NamedTuple

from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ForwardEmailError,
    RateLimitError,
    ResponseDecodeError,
    error_from_response,
)
from .headers import parse_rate_limit, parse_retry_after, seconds_until_reset, server_time
from .response import NOT_DECODED, loads
from .retry import IDEMPOTENT_METHODS, RetryPolicy, decide_retry

__all__ = ["NOT_DECODED", "Outcome", "decode_2xx", "interpret", "is_json"]


class Outcome(NamedTuple):
    """What one attempt amounts to.

    ``error is None``: success, with ``value`` the decoded JSON (or :data:`NOT_DECODED`).
    Otherwise ``error`` is what to raise if ``retry`` is false (already the deadline's
    :class:`APITimeoutError` when the budget ran out), and ``failure`` the attempt's own
    error. ``delay`` is the wait before the next attempt; ``pause`` holds every request of
    the client that long (a 429's wait); ``ambiguous`` says the server may have acted on a
    request that is not idempotent, so only reading the resource back can tell.
    (A named tuple: one is made per request, so it is kept cheap.)
    """

    value: Any = NOT_DECODED
    error: ForwardEmailError | None = None
    failure: ForwardEmailError | None = None
    retry: bool = False
    delay: float = 0.0
    reason: str = ""
    pause: float | None = None
    ambiguous: bool = False


_UNDECODED = Outcome()
# A decoded answer's outcome is built straight from a tuple: every request makes one, and a
# named tuple's own constructor (a Python function) costs twice as much.
_new_tuple = tuple.__new__


def _media_type(headers: Mapping[str, str]) -> str:
    return headers.get("Content-Type", "").split(";", 1)[0].strip().lower()


def _json_type(content_type: str) -> bool:
    if content_type.startswith("application/json"):  # the common spelling, checked first
        return content_type[16:17] in ("", ";", " ")
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def is_json(headers: Mapping[str, str]) -> bool:
    """Whether the Content-Type says the body is JSON (``application/json``, ``+json``)."""
    return _json_type(headers.get("Content-Type", ""))


def decode_2xx(
    method: str, route: str, status: int, headers: Mapping[str, str], body: bytes
) -> Outcome | ResponseDecodeError:
    """The outcome of a 2xx answer that is complete, or the error saying it arrived cut.

    What :func:`interpret` says of a complete 2xx answer to anything but ``HEAD`` when this
    returns an :class:`Outcome`; the transport asks it first, since nearly every answer is
    one. (Every answer of every call passes here, so the common case is written out
    inline.)"""
    declared = headers.get("Content-Length")
    if (
        declared is not None
        and declared.isdigit()
        and len(body) < int(declared)
        and "Content-Encoding" not in headers
    ):
        return ResponseDecodeError(
            f"{method} {route} answered {status} with {len(body)} of the {declared} bytes "
            "its Content-Length announced: the body was cut short",
            body=body,
        )
    content_type = headers.get("Content-Type", "")
    if status == 204 or not _json_type(content_type):
        return _UNDECODED
    try:
        return _new_tuple(Outcome, (loads(body), None, None, False, 0.0, "", None, False))
    except (ValueError, RecursionError) as exc:
        # No excerpt of the body in the message: on credential routes it could hold a
        # password. The raw body stays on the exception for deliberate inspection.
        return ResponseDecodeError(
            f"{method} {route} answered {status} with {len(body)} bytes that are not valid "
            f"JSON (Content-Type {_media_type(headers) or 'missing'!r}; {type(exc).__name__})",
            body=body,
        )


def _error_for(
    method: str,
    route: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    reason: str | None,
    now: float,
) -> tuple[APIError, float | None]:
    """The typed error of a non-2xx answer, and the server's wait if it is worth honouring."""
    # Epoch and HTTP-date waits are measured against the server's own clock (its Date
    # header), so a skewed local clock cannot turn "wait 60 s" into "retry now".
    now = server_time(headers) or now
    retry_after = parse_retry_after(headers.get("Retry-After"), now=now)
    if retry_after is None and status == 429:
        retry_after = seconds_until_reset(parse_rate_limit(headers), now=now)
    if retry_after is not None and retry_after <= 0:
        retry_after = None  # nothing to wait for: fall back to the backoff delay
    error = error_from_response(
        status,
        body,
        content_type=_media_type(headers),
        headers=headers,
        reason=reason,
        method=method,
        url=route,
        retry_after=retry_after,
    )
    if isinstance(error, RateLimitError) or status >= 500 or status == 408:
        return error, retry_after
    return error, None


def interpret(
    method: str,
    status: int | None,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    attempt: int,
    policy: RetryPolicy,
    elapsed: float = 0.0,
    route: str = "",
    reason: str | None = None,
    failure: APIConnectionError | None = None,
    complete: bool = True,
    decode: bool = True,
    allow_non_idempotent: bool | None = None,
    rng: random.Random | None = None,
) -> Outcome:
    """Turn attempt number ``attempt`` (1-based) of ``method route`` into an :class:`Outcome`.

    ``status`` is ``None`` when no answer came; ``failure`` then says why. ``complete`` is
    false when the connection closed before the end of the body. ``now`` is local
    epoch time (the server's ``Date`` wins for its own waits) and ``elapsed`` the seconds
    since the call began. A 2xx answer labelled JSON is decoded when ``decode`` is set: a
    body that is not JSON, or is shorter than its ``Content-Length``, is a glitch on the
    way (a proxy cut it), retried like a lost connection for idempotent methods only; JSON
    of an unexpected shape is the requester's business and never retried.
    """
    decoded: Outcome | ResponseDecodeError | None = None
    if status is not None and status < 300 and complete:  # the common case first
        if not decode or method == "HEAD":  # a HEAD answer has the headers of a body, not one
            return _UNDECODED
        decoded = decode_2xx(method, route, status, headers, body)
        if isinstance(decoded, Outcome):
            return decoded
    idempotent = method.upper() in IDEMPOTENT_METHODS
    retry_after: float | None = None
    from_rate_limiter = True
    failed: ForwardEmailError
    if status is None:
        if failure is None:
            raise ValueError("interpret() needs the failure when there is no status")
        failed, request_sent, decided_status = failure, failure.request_sent, None
    elif status < 300:
        if isinstance(decoded, ResponseDecodeError):
            failed = decoded
        else:
            failed = ResponseDecodeError(
                f"{method} {route} answered {status}, but the connection closed before the "
                "end of the body: the body was cut short",
                body=body,
            )
        if not idempotent:  # the server acted; sending it again could act twice
            return Outcome(error=failed, failure=failed, reason="cut body", ambiguous=True)
        request_sent, decided_status = True, None
    else:
        failed, retry_after = _error_for(method, route, status, headers, body, reason, now)
        request_sent, decided_status = True, status
        # The limiters answer 429 in plain text; a JSON 429 comes from a handler (the email
        # queue), which may have acted on the request.
        from_rate_limiter = not is_json(headers)
    decision = decide_retry(
        policy,
        attempt=attempt,
        method=method,
        status=decided_status,
        retry_after=retry_after,
        request_sent=request_sent,
        elapsed=elapsed,
        allow_non_idempotent=allow_non_idempotent,
        from_rate_limiter=from_rate_limiter,
        cause="cut body" if isinstance(failed, ResponseDecodeError) else None,
        rng=rng,
    )
    pause = None
    if status == 429 and retry_after is not None and retry_after <= policy.max_retry_after:
        pause = retry_after  # stop every task of this client, not just this one
    ambiguous = (
        not idempotent
        and request_sent
        and (
            decided_status is None
            or decided_status >= 500
            or decided_status == 408
            or (decided_status == 429 and not from_rate_limiter)
        )
    )
    final: ForwardEmailError = failed
    if not decision.retry and decision.out_of_time and not isinstance(failed, RateLimitError):
        # The budget is spent; a RateLimitError is kept for its retry_after.
        final = APITimeoutError(
            f"{method} {route}: deadline of {policy.deadline}s would pass before another "
            f"attempt (last failure: {failed})",
            method=method,
            url=route,
            request_sent=request_sent,
        )
        final.__cause__ = failed
    return Outcome(
        error=final,
        failure=failed,
        retry=decision.retry,
        delay=decision.delay,
        reason=decision.reason,
        pause=pause,
        ambiguous=ambiguous,
    )
