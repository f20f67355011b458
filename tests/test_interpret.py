"""The sans-I/O core: what an attempt's answer means, with no socket anywhere."""

from __future__ import annotations

import email.utils
import json
import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import forwardemail_async as fe
from forwardemail_async._core.interpret import interpret, is_json
from forwardemail_async._core.response import NOT_DECODED
from forwardemail_async._core.retry import RetryPolicy

NOW = 1_700_000_000.0
POLICY = RetryPolicy()
JSON = {"Content-Type": "application/json; charset=utf-8"}
TEXT = {"Content-Type": "text/plain; charset=utf-8"}
HTML = {"Content-Type": "text/html"}
ALIAS_EXISTS = (
    b'{"statusCode":400,"error":"Bad Request","message":"Alias already exists for domain."}'
)


def _run(method: str, status: int | None, headers: dict[str, str], body: bytes, **kw: Any) -> Any:
    kw.setdefault("now", NOW)
    kw.setdefault("attempt", 1)
    kw.setdefault("policy", POLICY)
    kw.setdefault("route", "/v1/x")
    kw.setdefault("rng", random.Random(0))
    return interpret(method, status, headers, body, **kw)


def _lost(sent: bool) -> fe.APIConnectionError:
    return fe.APIConnectionError("reset", method="POST", url="/v1/x", request_sent=sent)


# (method, status, headers, body, extra arguments) -> (error class or None, retry, ambiguous)
TABLE: list[tuple[str, int | None, dict[str, str], bytes, dict[str, Any], Any, bool, bool]] = [
    ("GET", 200, JSON, b'{"a": 1}', {}, None, False, False),
    ("GET", 200, TEXT, b"plain text", {}, None, False, False),
    ("GET", 200, JSON, b"[1, 2]", {}, None, False, False),  # the shape is not judged here
    ("GET", 204, JSON, b"", {}, None, False, False),
    ("HEAD", 200, {**JSON, "Content-Length": "100"}, b"", {}, None, False, False),
    ("GET", 200, JSON, b'{"a": [1, 2', {}, fe.ResponseDecodeError, True, False),
    ("PUT", 200, JSON, b"", {}, fe.ResponseDecodeError, True, False),
    ("DELETE", 200, JSON, b"<html>", {}, fe.ResponseDecodeError, True, False),
    ("POST", 200, JSON, b'{"a": [1, 2', {}, fe.ResponseDecodeError, False, True),
    (
        "GET",
        200,
        {**TEXT, "Content-Length": "100"},
        b"ten bytes!",
        {},
        fe.ResponseDecodeError,
        True,
        False,
    ),
    ("GET", 200, TEXT, b"", {"complete": False}, fe.ResponseDecodeError, True, False),
    ("POST", 201, JSON, b"{}", {"complete": False}, fe.ResponseDecodeError, False, True),
    ("GET", 503, JSON, b'{"message": "down"}', {}, fe.ServerError, True, False),
    ("POST", 503, JSON, b'{"message": "down"}', {}, fe.ServerError, False, True),
    ("POST", 502, HTML, b"<title>502 Bad Gateway</title>", {}, fe.ServerError, False, True),
    ("POST", 408, JSON, b"{}", {}, fe.RequestTimeoutError, False, True),
    ("POST", 429, {**TEXT, "Retry-After": "5"}, b"slow down", {}, fe.RateLimitError, True, False),
    ("POST", 429, {**JSON, "Retry-After": "5"}, b"{}", {}, fe.RateLimitError, False, True),
    ("GET", 404, JSON, b'{"message": "no"}', {}, fe.NotFoundError, False, False),
    ("POST", 400, JSON, ALIAS_EXISTS, {}, fe.AlreadyExistsError, False, False),
    ("POST", 401, JSON, b"{}", {}, fe.AuthenticationError, False, False),
    ("POST", None, {}, b"", {"failure": _lost(sent=False)}, fe.APIConnectionError, True, False),
    ("POST", None, {}, b"", {"failure": _lost(sent=True)}, fe.APIConnectionError, False, True),
    ("GET", None, {}, b"", {"failure": _lost(sent=True)}, fe.APIConnectionError, True, False),
]


@pytest.mark.parametrize(
    ("method", "status", "headers", "body", "extra", "error", "retry", "ambiguous"), TABLE
)
def test_the_table(
    method: str,
    status: int | None,
    headers: dict[str, str],
    body: bytes,
    extra: dict[str, Any],
    error: type[Exception] | None,
    retry: bool,
    ambiguous: bool,
) -> None:
    outcome = _run(method, status, headers, body, **extra)
    if error is None:
        assert outcome.error is None
    else:
        assert type(outcome.error) is error
    assert outcome.retry is retry
    assert outcome.ambiguous is ambiguous


def test_a_good_json_answer_carries_its_value() -> None:
    assert _run("GET", 200, JSON, b'{"a": [1, 2]}').value == {"a": [1, 2]}
    assert _run("GET", 200, TEXT, b"{}").value is NOT_DECODED  # left to the requester


def test_the_cut_body_message_names_the_lengths() -> None:
    outcome = _run("GET", 200, {**JSON, "Content-Length": "41951"}, b"{" * 100)
    assert "100 of the 41951 bytes" in str(outcome.error)
    assert outcome.reason == "cut body"


def test_a_retryable_post_policy_still_never_resends_a_cut_body() -> None:
    opted = RetryPolicy(retry_non_idempotent=True)
    assert not _run("POST", 200, JSON, b"{", policy=opted).retry
    assert _run("POST", 503, JSON, b"{}", policy=opted).retry


def test_the_retry_budget_ends_retries() -> None:
    assert _run("GET", 200, JSON, b"{", attempt=3).retry is False
    assert _run("GET", 200, JSON, b"{", attempt=2).retry is True


def test_out_of_time_becomes_a_timeout_caused_by_the_failure() -> None:
    policy = RetryPolicy(deadline=1.0, initial_delay=5.0, max_delay=5.0)
    outcome = _run("GET", 503, JSON, b"{}", policy=policy, elapsed=0.9, rng=random.Random(1))
    assert not outcome.retry
    assert isinstance(outcome.error, fe.APITimeoutError)
    assert isinstance(outcome.error.__cause__, fe.ServerError)
    assert isinstance(outcome.failure, fe.ServerError)


def test_a_rate_limit_error_is_kept_when_out_of_time() -> None:
    policy = RetryPolicy(deadline=10.0)
    outcome = _run("GET", 429, {**TEXT, "Retry-After": "60"}, b"x", policy=policy)
    assert isinstance(outcome.error, fe.RateLimitError)
    assert outcome.error.retry_after == 60


def test_an_epoch_retry_after_is_measured_on_the_servers_clock() -> None:
    server_now = NOW - 3600  # the client runs an hour ahead
    headers = {
        **TEXT,
        "Retry-After": str(int(server_now) + 30),
        "Date": email.utils.formatdate(server_now, usegmt=True),
    }
    outcome = _run("GET", 429, headers, b"x")
    assert outcome.pause == 30
    assert 30 <= outcome.delay <= 31


def test_a_huge_wait_is_not_waited() -> None:
    outcome = _run("GET", 429, {**TEXT, "Retry-After": str(86_400 * 365)}, b"x")
    assert not outcome.retry
    assert outcome.pause is None


def test_no_status_needs_a_failure() -> None:
    with pytest.raises(ValueError, match="failure"):
        _run("GET", None, {}, b"")


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("application/problem+json", True),
        ("text/html", False),
        ("", False),
    ],
)
def test_is_json(content_type: str, expected: bool) -> None:
    assert is_json({"Content-Type": content_type}) is expected


# --- properties -------------------------------------------------------------------------------

METHODS = st.sampled_from(["GET", "PUT", "DELETE", "POST"])


@given(METHODS, st.binary(max_size=200))
def test_a_2xx_json_body_is_its_value_or_a_decode_error(method: str, body: bytes) -> None:
    outcome = _run(method, 200, JSON, body)
    try:
        expected = json.loads(body)
    except ValueError:
        assert isinstance(outcome.error, fe.ResponseDecodeError)
        assert outcome.retry is (method != "POST")
        assert outcome.ambiguous is (method == "POST")
    else:
        assert outcome.error is None
        assert outcome.value == expected


@given(
    METHODS,
    st.integers(min_value=300, max_value=599),
    st.sampled_from([JSON, TEXT, HTML, {}]),
    st.binary(max_size=200),
    st.integers(min_value=1, max_value=5),
)
def test_any_error_answer_is_typed_and_a_post_is_resent_only_after_a_limiter(
    method: str, status: int, headers: dict[str, str], body: bytes, attempt: int
) -> None:
    outcome = _run(method, status, headers, body, attempt=attempt)
    assert isinstance(outcome.error, fe.APIError)
    assert outcome.error.status == status
    if outcome.retry:
        assert status in POLICY.retry_statuses
        assert attempt <= POLICY.max_retries
        assert 0 <= outcome.delay <= POLICY.max_retry_after + 1
        if method == "POST":
            assert status == 429
            assert not is_json(headers)
    if method == "POST" and (status >= 500 or status == 408):
        assert outcome.ambiguous


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_a_body_short_of_its_length_is_always_cut(have: int, declared: int) -> None:
    body = b" " * min(have, 300)
    outcome = _run("GET", 200, {**TEXT, "Content-Length": str(declared)}, body)
    assert (outcome.error is not None) is (len(body) < declared)
