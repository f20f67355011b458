"""Unit and property tests for the pure retry decision."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forwardemail_async import RetryPolicy
from forwardemail_async._core.retry import decide_resend, decide_retry, server_wait_with_jitter

POLICY = RetryPolicy()


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_for_get(status: int) -> None:
    decision = decide_retry(POLICY, attempt=1, method="GET", status=status)
    assert decision.retry


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409, 412, 501])
def test_client_errors_are_never_retried(status: int) -> None:
    assert not decide_retry(POLICY, attempt=1, method="GET", status=status).retry


@pytest.mark.parametrize("status", [408, 500, 502, 503, 504])
def test_post_is_not_retried_after_it_may_have_reached_the_server(status: int) -> None:
    decision = decide_retry(POLICY, attempt=1, method="POST", status=status)
    assert not decision.retry
    assert "may have reached the server" in decision.reason


def test_post_retried_on_429_and_on_connection_failure_before_sending() -> None:
    assert decide_retry(POLICY, attempt=1, method="POST", status=429, retry_after=1.0).retry
    assert decide_retry(POLICY, attempt=1, method="POST", request_sent=False).retry
    assert not decide_retry(POLICY, attempt=1, method="POST", request_sent=True).retry


def test_post_opt_in_per_policy_and_per_call() -> None:
    opted = RetryPolicy(retry_non_idempotent=True)
    assert decide_retry(opted, attempt=1, method="POST", status=503).retry
    # A per-call False beats the policy (e.g. never re-send an email).
    assert not decide_retry(
        opted, attempt=1, method="POST", status=503, allow_non_idempotent=False
    ).retry
    assert decide_retry(
        POLICY, attempt=1, method="POST", status=503, allow_non_idempotent=True
    ).retry


def test_idempotent_methods_retry_after_sent_connection_errors() -> None:
    for method in ("GET", "PUT", "DELETE"):
        assert decide_retry(POLICY, attempt=1, method=method, request_sent=True).retry


def test_retries_are_bounded() -> None:
    policy = RetryPolicy(max_retries=3)
    outcomes = [
        decide_retry(policy, attempt=n, method="GET", status=503).retry for n in range(1, 6)
    ]
    assert outcomes == [True, True, True, False, False]
    assert not decide_retry(RetryPolicy.disabled(), attempt=1, method="GET", status=503).retry


def test_retry_after_beyond_cap_gives_up() -> None:
    decision = decide_retry(POLICY, attempt=1, method="GET", status=429, retry_after=86_400)
    assert not decision.retry
    assert "max_retry_after" in decision.reason


def test_deadline_stops_a_wait_that_would_pass_it() -> None:
    policy = RetryPolicy(deadline=10.0)
    assert not decide_retry(
        policy, attempt=1, method="GET", status=429, retry_after=5, elapsed=6
    ).retry
    assert decide_retry(policy, attempt=1, method="GET", status=429, retry_after=3, elapsed=6).retry


@given(st.floats(min_value=0, max_value=120), st.integers(min_value=0, max_value=2**32))
def test_jitter_never_shortens_a_server_wait(wait: float, seed: int) -> None:
    decision = decide_retry(
        POLICY, attempt=1, method="GET", status=429, retry_after=wait, rng=random.Random(seed)
    )
    assert decision.retry
    assert wait <= decision.delay <= wait + min(1.0, 0.1 * wait) + 1e-9


@given(st.integers(min_value=1, max_value=30), st.integers(min_value=0, max_value=2**32))
def test_backoff_is_within_the_exponential_ceiling(attempt: int, seed: int) -> None:
    policy = RetryPolicy(max_retries=100, initial_delay=0.5, multiplier=2, max_delay=8)
    delay = policy.backoff_delay(attempt, random.Random(seed))
    assert 0 <= delay <= min(8.0, 0.5 * 2 ** (attempt - 1))


def test_server_wait_jitter_bounds() -> None:
    assert server_wait_with_jitter(0.0) == 0.0
    assert 100 <= server_wait_with_jitter(100.0) <= 101


@pytest.mark.parametrize(
    "kwargs",
    [{"max_retries": -1}, {"initial_delay": -0.1}, {"deadline": 0}, {"max_retry_after": -1}],
)
def test_policy_validation(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_policy_is_frozen() -> None:
    import attrs

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        POLICY.max_retries = 5  # type: ignore[misc]


def test_post_after_a_handler_429_is_not_retried() -> None:
    decision = decide_retry(
        POLICY, attempt=1, method="POST", status=429, retry_after=1.0, from_rate_limiter=False
    )
    assert not decision.retry
    assert decide_retry(
        POLICY, attempt=1, method="GET", status=429, retry_after=1.0, from_rate_limiter=False
    ).retry


def test_a_create_read_back_absent_is_resent_within_the_budget() -> None:
    rng = random.Random(0)
    assert decide_resend(POLICY, attempt=1, rng=rng).retry
    assert decide_resend(POLICY, attempt=2, rng=rng).retry
    assert not decide_resend(POLICY, attempt=3, rng=rng).retry  # three sends used
    tight = RetryPolicy(deadline=1.0, initial_delay=2.0, max_delay=2.0)
    wait = tight.backoff_delay(1, random.Random(3))  # the same draw decide_resend makes
    for elapsed in (0.0, 0.5, 0.9):
        decision = decide_resend(tight, attempt=1, elapsed=elapsed, rng=random.Random(3))
        assert decision.retry is (elapsed + wait <= 1.0)
        assert decision.delay == (wait if decision.retry else 0.0)
