"""One attempt: send the request once through the gate and read the whole answer.

Nothing here decides anything: a lost connection comes back as an
:class:`APIConnectionError` value for :func:`~forwardemail_async._core.interpret.interpret`
to judge, and a body the connection cut is returned with ``complete=False``.
"""

from __future__ import annotations

import asyncio
import functools
import io
import math
import os
import socket
import ssl
from collections.abc import Mapping
from typing import NamedTuple

import aiohttp
from yarl import URL

from .clock import Clock
from .errors import APIConnectionError, APITimeoutError, ResponseTooLargeError
from .gate import RequestGate
from .urls import host_port

__all__ = [
    "NO_ANSWER",
    "Raw",
    "attempt_timeout",
    "configured_timeout",
    "connect_failure",
    "send_once",
]


async def send_once(
    session: aiohttp.ClientSession,
    gate: RequestGate,
    clock: Clock,
    method: str,
    url: URL,
    route: str,
    headers: Mapping[str, str],
    body: bytes | None,
    *,
    timeout: float | None,
    deadline_at: float | None,
    max_wait: float,
    client_timeout: aiohttp.ClientTimeout,
    max_response_size: int | None,
) -> Raw | APIConnectionError:
    """Send once and read the answer; a lost connection is returned, not raised.

    Raised at once, never retried: a certificate problem, an answer over
    ``max_response_size``, and the deadline running out while queueing at the gate (which
    waits out a spent server window of at most ``max_wait`` seconds).
    """
    unreadable: str | None = None
    kind = (method, route)
    answered: int | None = None  # the answer's status and headers for the gate, once read
    answered_headers: Mapping[str, str] | None = None
    counted = False
    if not gate.enter():
        budget = None if deadline_at is None else deadline_at - clock.monotonic()
        try:
            counted = await gate.wait_for_slot(budget, kind, max_wait=max_wait)
        except (TimeoutError, asyncio.TimeoutError):  # one class from 3.11, two on 3.10
            raise APITimeoutError(
                f"{method} {route}: the deadline passed (or would, during a rate-limit "
                "cooldown) while waiting for a request slot",
                method=method,
                url=route,
                request_sent=False,
            ) from None
    try:
        # The attempt's clock starts only now (aiohttp arms `total` as the request starts):
        # time spent queueing at the gate is not request time.
        started = clock.monotonic()
        sent = clock.time()
        if deadline_at is not None:
            left = deadline_at - started
            if left <= 0:  # it passed at the gate: nothing is sent
                return APITimeoutError(
                    f"{method} {route}: the deadline passed before the attempt could start",
                    method=method,
                    url=route,
                    request_sent=False,
                )
            if timeout is None or left < timeout:
                timeout = left
                client_timeout = attempt_timeout(left, client_timeout.sock_connect)
        # aiohttp's `total` covers the whole attempt, connecting, sending and reading the
        # body inside this block, and ends it with asyncio.TimeoutError.
        async with session.request(
            method,
            url,
            data=_payload(body),
            headers=headers,
            allow_redirects=False,
            timeout=client_timeout,
        ) as resp:
            status = answered = resp.status
            response_headers = answered_headers = resp.headers
            reason = resp.reason
            try:
                length = resp.content_length
                if max_response_size is None or (
                    length is not None
                    and length <= max_response_size
                    and "Content-Encoding" not in response_headers
                ):  # the framing itself bounds the body (read here: every answer passes)
                    payload, cut_off = await resp.read(), False
                else:
                    payload, cut_off = await _read_capped(resp, max_response_size)
                complete = True
            except aiohttp.ClientPayloadError:
                # The connection closed before the body's end: the status stands, the
                # body is cut (interpret() decides what that means).
                payload, cut_off, complete = b"", False, False
    except aiohttp.ConnectionTimeoutError as exc:
        return _chained(
            APITimeoutError(
                f"{method} {route}: timed out connecting",
                method=method,
                url=route,
                request_sent=False,
            ),
            exc,
        )
    except asyncio.TimeoutError as exc:
        return _chained(
            APITimeoutError(
                f"{method} {route}: no complete answer within {timeout}s",
                method=method,
                url=route,
            ),
            exc,
        )
    except aiohttp.ClientSSLError as exc:  # a certificate problem: retrying cannot help
        raise _unreachable(method, route, exc) from exc
    except ssl.SSLError as exc:
        raise APIConnectionError(
            f"{method} {route}: connection failed ({type(exc).__name__}: {exc})",
            method=method,
            url=route,
        ) from exc
    except aiohttp.ClientConnectorError as exc:
        return _chained(_unreachable(method, route, exc), exc)
    except aiohttp.ClientResponseError as exc:
        # Reported below, outside this block, so it is neither chained nor left as
        # __context__: its request_info holds our headers, Authorization included.
        unreadable = f"{type(exc).__name__}: {exc.message}"
    except (aiohttp.ClientError, OSError) as exc:
        return _chained(
            APIConnectionError(
                f"{method} {route}: connection failed ({type(exc).__name__}: {exc})",
                method=method,
                url=route,
            ),
            exc,
        )
    finally:
        gate.finish(kind, counted, sent, answered, answered_headers)
    if unreadable is not None:
        return APIConnectionError(
            f"{method} {route}: unreadable answer ({unreadable})", method=method, url=route
        )
    if cut_off and status < 300:
        raise ResponseTooLargeError(
            f"{method} {route}: the answer ({status}) is longer than max_response_size="
            f"{max_response_size} bytes; reading stopped there",
            limit=len(payload),
            body=payload,
        )
    elapsed = clock.monotonic() - started
    # Built straight from a tuple: a named tuple's own constructor is a Python function.
    return _new_tuple(Raw, (status, reason, response_headers, payload, complete, elapsed))


def attempt_timeout(total: float | None, connect: float | None) -> aiohttp.ClientTimeout:
    """aiohttp's timeouts for one attempt: ``total`` seconds for all of it, ``connect`` for
    opening the socket. They fire on time (aiohttp would round ``total`` up to the next
    whole second from 5 s on)."""
    return aiohttp.ClientTimeout(total=total, sock_connect=connect, ceil_threshold=math.inf)


# The timeouts a client sets (one or two per client), built once rather than per attempt; an
# attempt whose timeout a deadline cuts builds its own.
configured_timeout = functools.lru_cache(maxsize=64)(attempt_timeout)


class Raw(NamedTuple):
    """One attempt's answer as read, before :func:`interpret` says what it means."""

    status: int
    reason: str | None
    headers: Mapping[str, str]
    body: bytes
    complete: bool
    elapsed: float


_new_tuple = tuple.__new__

# What stands in for the answer when the connection was lost.
NO_ANSWER = Raw(0, None, {}, b"", True, 0.0)


def connect_failure(error: BaseException | None) -> str:
    """Why a connection could not be opened, as the system words it ("Connection refused",
    "Name or service not known") or, for TLS, as OpenSSL does ("[SSL:
    CERTIFICATE_VERIFY_FAILED] ..."), from aiohttp's error or the ``OSError`` itself."""
    os_error = getattr(error, "os_error", error)
    if isinstance(os_error, ssl.SSLError):  # its errno is OpenSSL's, not the system's
        return str(os_error)
    if isinstance(os_error, OSError):
        if os_error.errno and not isinstance(os_error, socket.gaierror):
            return os.strerror(os_error.errno)
        if os_error.strerror:
            return os_error.strerror
    return type(error).__name__


def _unreachable(method: str, route: str, exc: aiohttp.ClientConnectorError) -> APIConnectionError:
    """A connection that could not be opened: the request never left, said with where to
    and why."""
    return APIConnectionError(
        f"{method} {route}: could not connect to {host_port(exc.host, exc.port)} "
        f"({connect_failure(exc)})",
        method=method,
        url=route,
        request_sent=False,
    )


def _chained(error: APIConnectionError, cause: BaseException) -> APIConnectionError:
    """``error`` with ``cause`` as its ``__cause__``, as ``raise error from cause`` would."""
    error.__cause__ = cause
    return error


# aiohttp warns (ResourceWarning) when a request body above 1 MiB is given as bytes, since
# writing it in one go can stall the loop; it streams a file-like object instead.
_STREAM_BODIES_ABOVE = 1024 * 1024


def _payload(body: bytes | None) -> bytes | io.BytesIO | None:
    """The body as aiohttp should send it; a fresh stream per attempt for large bodies."""
    if body is not None and len(body) > _STREAM_BODIES_ABOVE:
        return io.BytesIO(body)
    return body


async def _read_capped(resp: aiohttp.ClientResponse, limit: int) -> tuple[bytes, bool]:
    """The body, but no more than ``limit`` bytes (after decompression); the flag tells
    whether more was cut off. A cut-off connection is closed, never reused."""
    chunks = bytearray()
    async for chunk in resp.content.iter_any():
        chunks += chunk
        if len(chunks) > limit:
            resp.close()
            return bytes(chunks[:limit]), True
    return bytes(chunks), False
