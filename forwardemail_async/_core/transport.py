"""The aiohttp edge: one session, the request gate, per-attempt timeouts and the retry loop.

Everything that decides (URLs, retry rules, error mapping, header parsing) lives in pure
modules; this one only performs I/O and feeds their answers back in.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import platform
import ssl
import weakref
from collections.abc import Mapping

import aiohttp
import attrs
from yarl import URL

from forwardemail_async._version import __version__

from .auth import BasicCredentials
from .clock import Clock, time_limit
from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ForwardEmailError,
    RateLimitError,
    ResponseTooLargeError,
    error_from_response,
)
from .gate import RequestGate
from .headers import (
    RateLimitInfo,
    parse_rate_limit,
    parse_retry_after,
    seconds_until_reset,
    server_time,
)
from .params import check_headers
from .response import Response, dumps
from .retry import RetryDetails, RetryPolicy, decide_retry
from .urls import build_url, render_path

__all__ = ["DEFAULT_MAX_RESPONSE_SIZE", "RequestOptions", "Transport"]

logger = logging.getLogger("forwardemail_async")

# The most bytes read from one answer unless the client says otherwise (a message with its
# attachments, base64 in JSON, is the largest legitimate answer: well below this).
DEFAULT_MAX_RESPONSE_SIZE = 128 * 1024 * 1024

USER_AGENT = (
    f"forwardemail_async/{__version__} aiohttp/{aiohttp.__version__} "
    f"{platform.python_implementation()}/{platform.python_version()}"
)


@attrs.frozen(kw_only=True)
class RequestOptions:
    """Per-client (or per-call) settings: the attempt timeout, the retry policy, headers."""

    timeout: float | None = 30.0
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    # Only the header names are shown: users put tokens in custom headers too.
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=lambda h: repr(sorted(h)))


class Transport:
    """Sends requests for every service of one client over one shared aiohttp session.

    The session is created lazily inside the running event loop on first use, unless the
    caller passed their own, which is then never closed here. A transport dropped while its
    session is open (a notebook cell that made a client, run again) closes the session on its
    loop when it is garbage-collected, instead of leaving aiohttp to warn of a leak.
    """

    def __init__(
        self,
        *,
        base_url: str,
        clock: Clock,
        max_concurrency: int,
        connect_timeout: float | None,
        session: aiohttp.ClientSession | None,
        accept_language: str | None,
        max_response_size: int | None = None,
    ) -> None:
        self.base_url = base_url
        self.clock = clock
        self.gate = RequestGate(max_concurrency, clock)
        self._session = session
        self._owns_session = session is None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._on_collect: weakref.finalize[..., Transport] | None = None
        self._client_timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout)
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if accept_language is not None:
            headers.update(check_headers({"Accept-Language": accept_language}))
        self._default_headers = headers
        self._rate_limit_headers: Mapping[str, str] | None = None
        self.max_response_size = max_response_size

    @property
    def rate_limit(self) -> RateLimitInfo | None:
        """The ``X-RateLimit-*`` headers of the latest answer that carried them."""
        headers = self._rate_limit_headers
        return None if headers is None else parse_rate_limit(headers)

    @property
    def closed(self) -> bool:
        return self._closed

    def _session_for_loop(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("this ForwardEmail client is closed; create a new one")
        loop = asyncio.get_running_loop()
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=max(100, self.gate.max_concurrency))
            self._session = aiohttp.ClientSession(connector=connector, raise_for_status=False)
            self._loop = loop
            self._on_collect = weakref.finalize(self, _close_abandoned, self._session, loop)
            self._on_collect.atexit = False  # at exit the loop is gone; aiohttp's warning stands
        elif self._owns_session and self._loop is not loop:
            raise RuntimeError(
                "this ForwardEmail client was first used in another event loop; create one "
                "client per event loop (for example inside `async with` in your coroutine)"
            )
        return self._session

    async def close(self) -> None:
        """Close the session if this transport created it; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        if self._on_collect is not None:
            self._on_collect.detach()
        session, self._session = self._session, None
        if session is not None and self._owns_session and not session.closed:
            await session.close()

    async def request(
        self,
        method: str,
        route: str,
        *,
        options: RequestOptions,
        auth: BasicCredentials | None,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        json: object = None,
        allow_non_idempotent_retry: bool | None = None,
    ) -> Response:
        """Send one logical request, retrying per ``options.retry``; return a 2xx answer.

        Raises the typed :class:`APIError` for any other status, and
        :class:`APIConnectionError` / :class:`APITimeoutError` when no answer came.
        """
        path = render_path(route, path_params or {})
        url = build_url(self.base_url, path, query)
        headers = dict(self._default_headers)
        if options.headers:
            headers.update(options.headers)
        if auth is not None:
            headers["Authorization"] = auth.header
        body: bytes | None = None
        if json is not None:
            body = dumps(json)
            headers["Content-Type"] = "application/json"
        session = self._session_for_loop()
        policy = options.retry
        started = self.clock.monotonic()
        deadline_at = None if policy.deadline is None else started + policy.deadline
        attempt = 0
        while True:
            attempt += 1
            if deadline_at is not None and self.clock.monotonic() >= deadline_at:
                raise APITimeoutError(
                    f"{method} {route}: deadline of {policy.deadline}s exceeded",
                    method=method,
                    url=route,
                )
            status: int | None = None
            retry_after: float | None = None
            from_rate_limiter = True
            failure: ForwardEmailError
            try:
                response = await self._attempt(
                    session,
                    method,
                    url,
                    route,
                    headers,
                    body,
                    options.timeout,
                    deadline_at,
                    # A policy that never retries fails fast instead of waiting out a spent window.
                    policy.max_retry_after if policy.max_retries else 0.0,
                )
            except _GateDeadlineError:
                # Not retried: the deadline is what ran out.
                raise APITimeoutError(
                    f"{method} {route}: the deadline of {policy.deadline}s passed (or would, "
                    "during a rate-limit cooldown) while waiting for a request slot",
                    method=method,
                    url=route,
                    request_sent=False,
                ) from None
            except APIConnectionError as exc:
                if isinstance(exc.__cause__, ssl.SSLError | aiohttp.ClientSSLError):
                    raise  # a certificate problem will not go away by retrying
                failure = exc
                request_sent = exc.request_sent
            else:
                if attempt > 1:  # evolve costs as much as the rest of this loop
                    response = attrs.evolve(response, retries=attempt - 1)
                if response.status < 300:
                    return response
                status = response.status
                request_sent = True
                # The limiters answer 429 in plain text; a JSON 429 comes from a handler (the
                # email queue), which may have acted on the request.
                from_rate_limiter = response.content_type != "application/json"
                failure, retry_after = self._error_for(response)
            elapsed = self.clock.monotonic() - started
            decision = decide_retry(
                policy,
                attempt=attempt,
                method=method,
                status=status,
                retry_after=retry_after,
                request_sent=request_sent,
                elapsed=elapsed,
                allow_non_idempotent=allow_non_idempotent_retry,
                from_rate_limiter=from_rate_limiter,
            )
            if status == 429 and retry_after is not None and retry_after <= policy.max_retry_after:
                # Stop every task of this client, not just this one, until the reset.
                self.gate.pause_for(retry_after)
            if not decision.retry:
                logger.debug("%s %s failed, not retrying: %s", method, route, decision.reason)
                if decision.out_of_time and not isinstance(failure, RateLimitError):
                    # The budget is spent; a RateLimitError is kept for its retry_after.
                    raise APITimeoutError(
                        f"{method} {route}: deadline of {policy.deadline}s would pass before "
                        f"another attempt (last failure: {failure})",
                        method=method,
                        url=route,
                        request_sent=request_sent,
                    ) from failure
                raise failure
            logger.debug(
                "retrying %s %s in %.2fs (attempt %d/%d, reason: %s)",
                method,
                route,
                decision.delay,
                attempt + 1,
                policy.max_retries + 1,
                decision.reason,
            )
            if policy.on_retry is not None:
                outcome = policy.on_retry(
                    RetryDetails(
                        method=method,
                        route=route,
                        attempt=attempt,
                        delay=decision.delay,
                        reason=decision.reason,
                        status=status,
                        error=failure,
                        elapsed=elapsed,
                    )
                )
                if outcome is not None:
                    await outcome
            await self.clock.sleep(decision.delay)

    def _error_for(self, response: Response) -> tuple[APIError, float | None]:
        # Epoch and HTTP-date waits are measured against the server's own clock (its Date
        # header), so a skewed local clock cannot turn "wait 60 s" into "retry now".
        now = server_time(response.headers) or self.clock.time()
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now=now)
        if retry_after is None and response.status == 429:
            retry_after = seconds_until_reset(parse_rate_limit(response.headers), now=now)
        if retry_after is not None and retry_after <= 0:
            retry_after = None  # nothing to wait for: fall back to the backoff delay
        error = error_from_response(
            response.status,
            response.body,
            content_type=response.content_type,
            headers=response.headers,
            reason=response.reason,
            method=response.method,
            url=response.route,
            retry_after=retry_after,
        )
        if isinstance(error, RateLimitError) or response.status >= 500 or response.status == 408:
            return error, retry_after
        return error, None

    async def _attempt(
        self,
        session: aiohttp.ClientSession,
        method: str,
        url: URL,
        route: str,
        headers: dict[str, str],
        body: bytes | None,
        timeout: float | None,
        deadline_at: float | None,
        max_wait: float,
    ) -> Response:
        budget = None if deadline_at is None else deadline_at - self.clock.monotonic()
        unreadable: str | None = None
        kind = (method, route)
        answer: tuple[int, Mapping[str, str]] | None = None  # for the gate, once read
        try:
            counted = await self.gate.acquire(budget, kind, max_wait=max_wait)
        except (TimeoutError, asyncio.TimeoutError):  # one class from 3.11, two on 3.10
            raise _GateDeadlineError from None
        try:
            # The attempt's clock starts only now: time spent queueing at the gate is not
            # request time (aiohttp's own `total`/`connect` timeouts would count it).
            started = self.clock.monotonic()
            sent = self.clock.time()
            if deadline_at is not None:
                left = deadline_at - started
                timeout = left if timeout is None else min(timeout, left)
            async with (
                time_limit(timeout),
                session.request(
                    method,
                    url,
                    data=_payload(body),
                    headers=headers,
                    allow_redirects=False,
                    timeout=self._client_timeout,
                ) as resp,
            ):
                payload, cut_off = await _read_body(resp, self.max_response_size)
                status = resp.status
                reason = resp.reason
                response_headers = resp.headers
                answer = (status, response_headers)
        except aiohttp.ConnectionTimeoutError as exc:
            raise APITimeoutError(
                f"{method} {route}: timed out connecting",
                method=method,
                url=route,
                request_sent=False,
            ) from exc
        except asyncio.TimeoutError as exc:
            raise APITimeoutError(
                f"{method} {route}: no complete answer within {timeout}s",
                method=method,
                url=route,
            ) from exc
        except aiohttp.ClientConnectorError as exc:
            raise APIConnectionError(
                f"{method} {route}: could not connect ({type(exc).__name__})",
                method=method,
                url=route,
                request_sent=False,
            ) from exc
        except aiohttp.ClientResponseError as exc:
            # Raised below, outside this block, so it is neither chained nor left as
            # __context__: its request_info holds our headers, Authorization included.
            unreadable = f"{type(exc).__name__}: {exc.message}"
        except (aiohttp.ClientError, OSError) as exc:
            raise APIConnectionError(
                f"{method} {route}: connection failed ({type(exc).__name__}: {exc})",
                method=method,
                url=route,
            ) from exc
        finally:
            info = None
            if answer is not None and "X-RateLimit-Remaining" in answer[1]:
                info = parse_rate_limit(answer[1])
            self.gate.release(
                kind,
                counted=counted,
                sent=sent,
                info=info,
                status=None if answer is None else answer[0],
            )
        if unreadable is not None:
            raise APIConnectionError(
                f"{method} {route}: unreadable answer ({unreadable})", method=method, url=route
            )
        if cut_off and status < 300:
            raise ResponseTooLargeError(
                f"{method} {route}: the answer ({status}) is longer than max_response_size="
                f"{self.max_response_size} bytes; reading stopped there",
                limit=len(payload),
                body=payload,
            )
        elapsed = self.clock.monotonic() - started
        if any(name in response_headers for name in _RATE_LIMIT_HEADERS):
            self._rate_limit_headers = response_headers  # parsed only if someone asks
        logger.debug("%s %s -> %d in %.1f ms", method, route, status, elapsed * 1000)
        return Response(
            status=status,
            reason=reason,
            headers=response_headers,
            body=payload,
            method=method,
            route=route,
            url=str(url),
            elapsed=elapsed,
        )

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"Transport(base_url={self.base_url!r}, {state})"


_RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


# Sessions being closed after their client was garbage-collected; the loop keeps only weak
# references to tasks, so a task nobody holds could vanish before it has closed anything.
_abandoned_closes: set[asyncio.Task[None]] = set()


def _close_abandoned(session: aiohttp.ClientSession, loop: asyncio.AbstractEventLoop) -> None:
    """Close the session of a garbage-collected transport on its loop (from any thread).

    With the loop already closed there is nothing left to close it on, and aiohttp's own
    "Unclosed client session" warning rightly reports a client that was never closed.
    """
    if session.closed or loop.is_closed():
        return
    logger.debug("closing the session of a ForwardEmail client that was never closed")
    with contextlib.suppress(RuntimeError):  # the loop closed in the meantime
        loop.call_soon_threadsafe(_start_close, session, loop)


def _start_close(session: aiohttp.ClientSession, loop: asyncio.AbstractEventLoop) -> None:
    task = loop.create_task(session.close())
    _abandoned_closes.add(task)
    task.add_done_callback(_abandoned_closes.discard)


class _GateDeadlineError(Exception):
    """The call's deadline ran out (or a cooldown would outlast it) before a slot was free."""


# aiohttp warns (ResourceWarning) when a request body above 1 MiB is given as bytes, since
# writing it in one go can stall the loop; it streams a file-like object instead.
_STREAM_BODIES_ABOVE = 1024 * 1024


def _payload(body: bytes | None) -> bytes | io.BytesIO | None:
    """The body as aiohttp should send it; a fresh stream per attempt for large bodies."""
    if body is not None and len(body) > _STREAM_BODIES_ABOVE:
        return io.BytesIO(body)
    return body


async def _read_body(resp: aiohttp.ClientResponse, limit: int | None) -> tuple[bytes, bool]:
    """The body, but no more than ``limit`` bytes (after decompression); the flag tells
    whether more was cut off. A cut-off connection is closed, never reused."""
    if limit is None:
        return await resp.read(), False
    length = resp.content_length
    if length is not None and length <= limit and "Content-Encoding" not in resp.headers:
        return await resp.read(), False  # the framing itself bounds the body
    chunks = bytearray()
    async for chunk in resp.content.iter_any():
        chunks += chunk
        if len(chunks) > limit:
            resp.close()
            return bytes(chunks[:limit]), True
    return bytes(chunks), False
