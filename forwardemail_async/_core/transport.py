"""The aiohttp edge: one session, the request gate and the one retry loop.

The loop is: attempt (``attempt.send_once``) -> interpret (``interpret.interpret``, pure: the
value, or the typed error with the retry decision and the wait) -> sleep or return. What a
caller plugs in (a bulk run's pacer, a create's read-back) runs as hooks of this same loop
(``hooks``). Everything that decides lives in pure modules; this one only performs I/O.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import platform
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

import aiohttp
import attrs

from forwardemail_async._version import __version__

from .attempt import NO_ANSWER, Raw, attempt_timeout, send_once
from .auth import BasicCredentials
from .clock import Clock
from .errors import (
    AlreadyExistsError,
    APIConnectionError,
    APIError,
    APITimeoutError,
    ForwardEmailError,
    RateLimitError,
    ResponseDecodeError,
)
from .gate import RequestGate
from .headers import RateLimitInfo, parse_rate_limit
from .hooks import CallHooks, Pacing, ReadBack
from .interpret import Outcome, decode_2xx, interpret
from .params import check_headers
from .response import NOT_DECODED, Response, dumps
from .retry import RetryDetails, RetryPolicy, decide_resend
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
    """Per-client (or per-call) settings: the attempt timeout, the retry policy, whether a
    create with a unique key reconciles itself, and extra headers."""

    timeout: float | None = 30.0
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    # Whether a create with a unique key reads itself back after an ambiguous failure.
    reconcile: bool = True
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
        self._connect_timeout = connect_timeout
        # aiohttp's timeouts of an attempt, by the attempt timeout (a client uses one or two).
        self._attempt_timeouts: dict[float | None, aiohttp.ClientTimeout] = {}
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if accept_language is not None:
            headers.update(check_headers({"Accept-Language": accept_language}))
        self._default_headers = headers
        # The headers of requests that add none of their own, by credentials and body.
        self._prepared_headers: dict[tuple[BasicCredentials | None, bool], dict[str, str]] = {}
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
            self._session = aiohttp.ClientSession(
                connector=connector, raise_for_status=False, headers=self._default_headers
            )
            self._loop = loop
            self._on_collect = weakref.finalize(self, _close_abandoned, self._session, loop)
            self._on_collect.atexit = False  # at exit the loop is gone; aiohttp's warning stands
        elif self._owns_session and self._loop is not loop:
            raise RuntimeError(
                "this ForwardEmail client was first used in another event loop; create one "
                "client per event loop (for example inside `async with` in your coroutine)"
            )
        return self._session

    def _headers(self, auth: BasicCredentials | None, with_body: bool) -> dict[str, str]:
        """A request's headers, before the call's own (``options.headers``); ``Accept`` and
        ``User-Agent`` are the defaults of the session, when it is ours."""
        headers = {} if self._owns_session else dict(self._default_headers)
        if auth is not None:
            headers["Authorization"] = auth.header
        if with_body:
            headers["Content-Type"] = "application/json"
        return headers

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

    def request(
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
        hooks: CallHooks | None = None,
    ) -> Coroutine[Any, Any, Response]:
        """Send one logical request, retrying per ``options.retry``; return a 2xx answer.

        Each attempt's answer goes through :func:`interpret`, which says what it means; this
        loop only sends, sleeps, and runs the ``hooks`` (pacing, reading a create back).
        Raises the typed :class:`APIError` for any other status, and
        :class:`APIConnectionError` / :class:`APITimeoutError` when no answer came.
        """
        return self._exchange(
            method,
            route,
            options,
            auth,
            path_params,
            query,
            json,
            allow_non_idempotent_retry,
            hooks,
            True,
        )

    def request_json(
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
        hooks: CallHooks | None = None,
    ) -> Coroutine[Any, Any, Any]:
        """:meth:`request`, returning only the answer's decoded JSON, for a caller that
        wants nothing else of it (a :class:`ResponseDecodeError` if it is not JSON)."""
        return self._exchange(
            method,
            route,
            options,
            auth,
            path_params,
            query,
            json,
            allow_non_idempotent_retry,
            hooks,
            False,
        )

    async def _exchange(
        self,
        method: str,
        route: str,
        options: RequestOptions,
        auth: BasicCredentials | None,
        path_params: Mapping[str, str] | None,
        query: Mapping[str, str] | None,
        json: object,
        allow_non_idempotent_retry: bool | None,
        hooks: CallHooks | None,
        whole: bool,
    ) -> Any:
        """The retry loop of :meth:`request` (``whole``: return the :class:`Response`) and
        :meth:`request_json` (return its JSON only, so no response object is built for it)."""
        path = render_path(route, path_params or {})
        url = build_url(self.base_url, path, query)
        body = None if json is None else dumps(json)
        session = self._session_for_loop()
        if options.headers:
            headers = self._headers(auth, body is not None)
            headers.update(options.headers)
        else:
            # Shared by every such request: nothing below changes a request's headers.
            prepared = self._prepared_headers.get((auth, body is not None))
            if prepared is None:
                if len(self._prepared_headers) >= 64:  # alias sessions come and go
                    self._prepared_headers.clear()
                prepared = self._headers(auth, body is not None)
                self._prepared_headers[auth, body is not None] = prepared
            headers = prepared
        policy = options.retry
        pacing = None if hooks is None else hooks.pacing
        read_back = None if hooks is None or not options.reconcile else hooks.read_back
        started = self.clock.monotonic()
        deadline_at = None if policy.deadline is None else started + policy.deadline
        client_timeout = self._attempt_timeouts.get(options.timeout)
        if client_timeout is None:
            client_timeout = attempt_timeout(options.timeout, self._connect_timeout)
            self._attempt_timeouts[options.timeout] = client_timeout
        attempt_once = functools.partial(
            send_once,
            session,
            self.gate,
            self.clock,
            method,
            url,
            route,
            headers,
            body,
            timeout=options.timeout,
            deadline_at=deadline_at,
            client_timeout=client_timeout,
            max_response_size=self.max_response_size,
        )
        attempt = sent = 0
        unsure: ForwardEmailError | None = None  # the failure that left a create's outcome open
        while True:
            attempt += 1
            sent += 1
            if deadline_at is not None and self.clock.monotonic() >= deadline_at:
                raise APITimeoutError(
                    f"{method} {route}: deadline of {policy.deadline}s exceeded",
                    method=method,
                    url=route,
                ) from unsure
            if pacing is None:
                # A policy that never retries fails fast instead of waiting out a spent window.
                raw = await attempt_once(
                    max_wait=policy.max_retry_after if policy.max_retries else 0.0
                )
            else:
                raw = await self._paced_attempt(pacing, attempt_once)
            if isinstance(raw, Raw):
                answer, lost = raw, None
                seen = raw.headers
                if (
                    "X-RateLimit-Limit" in seen
                    or "X-RateLimit-Remaining" in seen
                    or "X-RateLimit-Reset" in seen
                ):
                    self._rate_limit_headers = seen  # parsed only if someone asks
                logger.debug(
                    "%s %s -> %d in %.1f ms", method, route, raw.status, raw.elapsed * 1000
                )
                outcome: Outcome | ResponseDecodeError | None = None
                if raw.status < 300 and raw.complete and method != "HEAD":
                    # The common case, decided without the rest of interpret()'s inputs.
                    outcome = decode_2xx(method, route, raw.status, raw.headers, raw.body)
            else:
                answer, lost, outcome = NO_ANSWER, raw, None
            if not isinstance(outcome, Outcome):
                outcome = interpret(
                    method,
                    None if lost else answer.status,
                    answer.headers,
                    answer.body,
                    failure=lost,
                    now=self.clock.time(),
                    attempt=attempt,
                    policy=policy,
                    elapsed=self.clock.monotonic() - started,
                    route=route,
                    reason=answer.reason,
                    complete=answer.complete,
                    allow_non_idempotent=allow_non_idempotent_retry,
                )
            if outcome.error is None:
                if not whole and outcome.value is not NOT_DECODED:
                    return outcome.value
                response = Response(
                    status=answer.status,
                    reason=answer.reason,
                    headers=answer.headers,
                    body=answer.body,
                    method=method,
                    route=route,
                    url=str(url),
                    retries=sent - 1,
                    elapsed=answer.elapsed,
                    decoded=outcome.value,
                )
                return response if whole else response.json()
            failure, error = outcome.failure, outcome.error
            assert failure is not None
            assert error is not None
            if isinstance(failure, RateLimitError) and pacing is not None:
                if pacing.rate_limited(failure):
                    attempt -= 1  # the pacer waits it out: not a failure of the budget
                    continue
                raise failure
            if outcome.pause is not None:
                self.gate.pause_for(outcome.pause)
            if outcome.ambiguous:
                unsure = failure
            if (
                read_back is not None
                and unsure is not None
                and (outcome.ambiguous or isinstance(failure, AlreadyExistsError))
            ):
                if not isinstance(read_back, ReadBack):
                    read_back = read_back()  # built only now that it is needed
                # When the call started, in epoch seconds (for the creation time to compare).
                started_at = self.clock.time() - (self.clock.monotonic() - started)
                found = await read_back.settle(method, route, unsure, started_at)
                if found is not None:
                    if not whole:
                        return found.json()
                    return attrs.evolve(found, retries=sent - 1, recovered=True)
                # The server does not hold it: send again after the backoff, within budget.
                resend = decide_resend(
                    policy, attempt=attempt, elapsed=self.clock.monotonic() - started
                )
                if not resend.retry:
                    raise unsure  # never created, and the budget is spent
                outcome = outcome._replace(delay=resend.delay, reason=resend.reason)
            elif not outcome.retry:
                logger.debug("%s %s failed, not retrying: %s", method, route, outcome.reason)
                raise error
            await self._before_retry(method, route, attempt, outcome, policy, started)

    async def _before_retry(
        self,
        method: str,
        route: str,
        attempt: int,
        outcome: Outcome,
        policy: RetryPolicy,
        started: float,
    ) -> None:
        """Log the retry, tell ``on_retry``, and sleep the outcome's delay."""
        logger.debug(
            "retrying %s %s in %.2fs (attempt %d/%d, reason: %s)",
            method,
            route,
            outcome.delay,
            attempt + 1,
            policy.max_retries + 1,
            outcome.reason,
        )
        if policy.on_retry is not None:
            failure = outcome.failure
            status = failure.status if isinstance(failure, APIError) else None
            result = policy.on_retry(
                RetryDetails(
                    method=method,
                    route=route,
                    attempt=attempt,
                    delay=outcome.delay,
                    reason=outcome.reason,
                    status=status,
                    error=failure,
                    elapsed=self.clock.monotonic() - started,
                )
            )
            if result is not None:
                await result
        await self.clock.sleep(outcome.delay)

    async def _paced_attempt(
        self, pacing: Pacing, attempt_once: Callable[..., Awaitable[Raw | APIConnectionError]]
    ) -> Raw | APIConnectionError:
        """One attempt when its start is the pacer's to decide; the pacer hears every end."""
        await pacing.wait_turn()
        sent = self.clock.time()
        answer: Mapping[str, str] | None = None
        status: int | None = None
        try:
            raw = await attempt_once(max_wait=0.0)  # the pacer waits out spent windows itself
            if isinstance(raw, Raw):
                answer, status = raw.headers, raw.status
            return raw
        finally:
            pacing.finished(sent, answer, status)

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"Transport(base_url={self.base_url!r}, {state})"


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
