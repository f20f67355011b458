"""The aiohttp edge: one session, the request gate and the one retry loop.

The loop is: attempt (``attempt.send_once``) -> interpret (``interpret.interpret``, pure: the
value, or the typed error with the retry decision and the wait) -> sleep or return. What a
caller plugs in (a bulk run's pacer, a create's read-back) runs as hooks of this same loop
(``hooks``). Everything that decides lives in pure modules; this one only performs I/O.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

import aiohttp
import attrs

from .attempt import NO_ANSWER, Raw, configured_timeout, send_once
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
from .response import NOT_DECODED, Response, dumps
from .retry import RetryDetails, RetryPolicy, decide_resend
from .session import HttpSession
from .urls import build_url, render_path

__all__ = ["DEFAULT_MAX_RESPONSE_SIZE", "RequestOptions", "Transport"]

logger = logging.getLogger("forwardemail_async")

# The most bytes read from one answer unless the client says otherwise (a message with its
# attachments, base64 in JSON, is the largest legitimate answer: well below this).
DEFAULT_MAX_RESPONSE_SIZE = 128 * 1024 * 1024


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
    """Sends requests for every service of one client over one shared aiohttp session
    (:class:`~forwardemail_async._core.session.HttpSession`)."""

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
        self.session = HttpSession(
            session, max_concurrency=max_concurrency, accept_language=accept_language
        )
        self._connect_timeout = connect_timeout
        self._rate_limit_headers: Mapping[str, str] | None = None
        self.max_response_size = max_response_size

    @property
    def rate_limit(self) -> RateLimitInfo | None:
        """The ``X-RateLimit-*`` headers of the latest answer that carried them."""
        headers = self._rate_limit_headers
        return None if headers is None else parse_rate_limit(headers)

    @property
    def closed(self) -> bool:
        return self.session.closed

    async def close(self) -> None:
        """Close the session if this transport created it; safe to call more than once."""
        await self.session.close()

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
        session = self.session.get()
        headers = self.session.headers(auth, body is not None, options.headers)
        policy = options.retry
        pacing = None if hooks is None else hooks.pacing
        read_back = None if hooks is None or not options.reconcile else hooks.read_back
        started = self.clock.monotonic()
        deadline_at = None if policy.deadline is None else started + policy.deadline
        client_timeout = configured_timeout(options.timeout, self._connect_timeout)
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
        state = "closed" if self.session.closed else "open"
        return f"Transport(base_url={self.base_url!r}, {state})"
