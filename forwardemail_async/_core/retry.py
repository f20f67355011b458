"""The retry policy and the pure decision "retry this attempt, and after how long?".

``backoff`` (archived upstream) is used only here, as the source of the exponential wait
series and full jitter, so it can be replaced without touching the public interface.
Server-given waits (``Retry-After``) are never shortened by jitter, only lengthened a little.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Awaitable, Callable
from typing import Any

import attrs

__all__ = [
    "IDEMPOTENT_METHODS",
    "RetryDecision",
    "RetryDetails",
    "RetryPolicy",
    "decide_resend",
    "decide_retry",
]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

_DEFAULT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@attrs.frozen(kw_only=True)
class RetryDetails:
    """What the ``on_retry`` hook is told before each retry sleep."""

    method: str
    route: str
    attempt: int
    delay: float
    reason: str
    status: int | None
    error: BaseException | None
    elapsed: float


def _non_negative(_instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{attribute.name} must be a number, not {type(value).__name__}")
    if not value >= 0:  # NaN too: it compares false with everything, so nothing would stop
        raise ValueError(f"{attribute.name} must be >= 0, got {value!r}")


def _retry_count(_instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{attribute.name} must be an int, not {type(value).__name__}")
    _non_negative(_instance, attribute, value)


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """When and how long to wait before repeating a failed request.

    Retried: the statuses in ``retry_statuses`` (408, 429 and 5xx by default) and connection
    failures. GET, PUT and DELETE are retried after any of these; POST only when the server
    certainly did not act on it (a 429, or a connection that failed before the request was
    sent), unless ``retry_non_idempotent`` is set. A 429 whose wait exceeds
    ``max_retry_after`` raises :class:`~forwardemail_async.RateLimitError` at once, carrying
    ``retry_after``. ``deadline`` bounds the whole call, attempts and sleeps included.
    """

    max_retries: int = attrs.field(default=2, validator=_retry_count)
    initial_delay: float = attrs.field(default=0.5, validator=_non_negative)
    max_delay: float = attrs.field(default=8.0, validator=_non_negative)
    multiplier: float = attrs.field(default=2.0, validator=_non_negative)
    max_retry_after: float = attrs.field(default=120.0, validator=_non_negative)
    deadline: float | None = attrs.field(default=None)
    retry_statuses: frozenset[int] = attrs.field(default=_DEFAULT_STATUSES, converter=frozenset)
    retry_non_idempotent: bool = False
    on_retry: Callable[[RetryDetails], Awaitable[None] | None] | None = attrs.field(
        default=None, eq=False
    )

    @deadline.validator
    def _check_deadline(
        self, _attribute: attrs.Attribute[float | None], value: float | None
    ) -> None:
        if value is not None and not value > 0:  # NaN would never pass
            raise ValueError(f"deadline must be > 0 seconds, got {value!r}")

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(max_retries=0)

    def backoff_delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Full-jitter exponential wait before retry number ``attempt`` (1-based)."""
        import backoff  # on the first retry: importing it costs more than this module

        waits = backoff.expo(
            base=self.multiplier, factor=self.initial_delay, max_value=self.max_delay
        )
        # backoff's wait generators yield None first (they are primed with send(None)).
        series = (wait for wait in waits if wait is not None)
        ceiling = float(next(itertools.islice(series, attempt - 1, None)))
        if rng is None:
            return float(backoff.full_jitter(ceiling))
        return rng.uniform(0.0, ceiling)


@attrs.frozen
class RetryDecision:
    """The outcome of :func:`decide_retry`: retry after ``delay`` seconds, or give up."""

    retry: bool
    delay: float = 0.0
    reason: str = ""
    out_of_time: bool = False


def server_wait_with_jitter(seconds: float, rng: random.Random | None = None) -> float:
    """A server-given wait plus up to 10% (at most 1 s) of added jitter; never less."""
    spread = min(1.0, 0.1 * seconds)
    return seconds + (rng or random).uniform(0.0, spread)


def decide_retry(
    policy: RetryPolicy,
    *,
    attempt: int,
    method: str,
    status: int | None = None,
    retry_after: float | None = None,
    request_sent: bool = True,
    elapsed: float = 0.0,
    allow_non_idempotent: bool | None = None,
    from_rate_limiter: bool = True,
    cause: str | None = None,
    rng: random.Random | None = None,
) -> RetryDecision:
    """Decide whether attempt number ``attempt`` (1-based) that just failed is repeated.

    ``status`` is the HTTP status, or ``None`` for a connection failure (then
    ``request_sent`` tells whether the server may have received the request).
    ``allow_non_idempotent`` overrides the policy's ``retry_non_idempotent`` for one call.
    ``from_rate_limiter`` says a 429 came from a rate limiter (the server's limiters answer
    plain text before any handler runs) rather than from a handler, which may have acted.
    ``cause`` names a failure without a status other than a lost connection (a cut body).
    """
    reason = f"status {status}" if status is not None else cause or "connection error"
    if status is not None and status not in policy.retry_statuses:
        return RetryDecision(False, reason=f"{reason} is not retryable")
    if attempt > policy.max_retries:
        return RetryDecision(False, reason=f"{reason}; {policy.max_retries} retries used")
    unsafe_ok = (
        policy.retry_non_idempotent if allow_non_idempotent is None else allow_non_idempotent
    )
    if method.upper() not in IDEMPOTENT_METHODS and not unsafe_ok:
        # The server certainly did not act on a 429 (limiters run before the handler) nor on
        # a request that never left; anything else may have created something already.
        certainly_not_acted = (status == 429 and from_rate_limiter) or (
            status is None and not request_sent
        )
        if not certainly_not_acted:
            return RetryDecision(False, reason=f"{reason}; {method} may have reached the server")
    if retry_after is not None:
        if retry_after > policy.max_retry_after:
            return RetryDecision(
                False,
                reason=f"{reason}; server asks to wait {retry_after:.0f}s "
                f"(> max_retry_after={policy.max_retry_after:.0f}s)",
            )
        delay = server_wait_with_jitter(retry_after, rng)
    else:
        delay = policy.backoff_delay(attempt, rng)
    if policy.deadline is not None and elapsed + delay > policy.deadline:
        return RetryDecision(
            False, reason=f"{reason}; retrying would pass the deadline", out_of_time=True
        )
    return RetryDecision(True, delay=delay, reason=reason)


def decide_resend(
    policy: RetryPolicy, *, attempt: int, elapsed: float = 0.0, rng: random.Random | None = None
) -> RetryDecision:
    """Whether a create that attempt number ``attempt`` left ambiguous, and that a read-back
    then found absent, is sent again: after the backoff, if the budget allows."""
    if attempt > policy.max_retries:
        return RetryDecision(False, reason=f"read back: absent; {policy.max_retries} retries used")
    delay = policy.backoff_delay(attempt, rng)
    if policy.deadline is not None and elapsed + delay > policy.deadline:
        return RetryDecision(False, reason="read back: absent; resending would pass the deadline")
    return RetryDecision(True, delay=delay, reason="read back: absent")
