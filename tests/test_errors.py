"""Unit tests for mapping error responses to typed exceptions."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

import forwardemail_async as fe
from forwardemail_async._core.errors import error_from_response


def _boom(status: int, error: str, message: str) -> bytes:
    return (
        f'{{\n  "statusCode": {status},\n  "error": "{error}",\n  "message": "{message}"\n}}'
    ).encode()


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, fe.BadRequestError),
        (401, fe.AuthenticationError),
        (402, fe.PaymentRequiredError),
        (403, fe.PermissionDeniedError),
        (404, fe.NotFoundError),
        (408, fe.RequestTimeoutError),
        (409, fe.ConflictError),
        (412, fe.PreconditionFailedError),
        (429, fe.RateLimitError),
        (500, fe.ServerError),
        (503, fe.ServerError),
        (418, fe.APIError),
    ],
)
def test_status_classes(status: int, cls: type[fe.APIError]) -> None:
    err = error_from_response(
        status, _boom(status, "X", "it failed"), content_type="application/json"
    )
    assert type(err) is cls
    assert err.status == status
    assert err.message == "it failed"
    assert err.error == "X"
    assert isinstance(err, fe.ForwardEmailError)


def test_special_400s() -> None:
    not_admin = error_from_response(
        400,
        _boom(400, "Bad Request", "You do not belong to the administrative user group."),
        content_type="application/json",
    )
    assert isinstance(not_admin, fe.NotAdminError)
    exists = error_from_response(
        400,
        _boom(400, "Bad Request", "Alias already exists for domain."),
        content_type="application/json",
    )
    assert isinstance(exists, fe.AlreadyExistsError)


def test_plain_text_429_from_the_rate_limiter() -> None:
    err = error_from_response(
        429,
        b"Rate limit exceeded, retry in 23 hours.",
        content_type="text/plain",
        headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0"},
        retry_after=82800.0,
    )
    assert isinstance(err, fe.RateLimitError)
    assert err.message == "Rate limit exceeded, retry in 23 hours."
    assert err.retry_after == 82800.0
    assert err.limit == 300 and err.remaining == 0


def test_html_502_from_a_proxy() -> None:
    page = (
        b"<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1>"
        + b"x" * 10_000
        + b"</body></html>"
    )
    err = error_from_response(502, page, content_type="text/html")
    assert isinstance(err, fe.ServerError)
    assert err.message == "502 Bad Gateway"


def test_empty_body_uses_reason() -> None:
    err = error_from_response(504, b"", content_type="", reason="Gateway Timeout")
    assert err.message == "Gateway Timeout"
    assert isinstance(err, fe.ServerError)


def test_message_list_is_joined() -> None:
    body = b'{"statusCode":400,"error":"Bad Request","message":["MX missing","TXT missing"]}'
    err = error_from_response(400, body, content_type="application/json")
    assert err.message == "MX missing\nTXT missing"


def test_truncated_json_error_body_does_not_crash() -> None:
    err = error_from_response(500, b'{"statusCode": 500, "mess', content_type="application/json")
    assert isinstance(err, fe.ServerError)
    assert err.message.startswith('{"statusCode"')


@given(
    st.integers(min_value=400, max_value=599),
    st.binary(max_size=2000),
    st.sampled_from(["application/json", "text/html", "text/plain", ""]),
)
def test_never_raises_on_any_body(status: int, body: bytes, content_type: str) -> None:
    err = error_from_response(status, body, content_type=content_type)
    assert err.status == status
    assert isinstance(err.message, str) and err.message
    assert len(err.message) <= 600


def test_errors_pickle_and_repr() -> None:
    err = error_from_response(
        429,
        b"slow down",
        content_type="text/plain",
        retry_after=5.0,
        method="GET",
        url="/v1/domains",
    )
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is fe.RateLimitError
    assert clone.retry_after == 5.0 and clone.message == "slow down"
    assert "retry_after=5.0" in repr(err)
    assert "GET /v1/domains" in str(err)
    conn = fe.APIConnectionError("boom", method="POST", url="/v1/x", request_sent=False)
    assert pickle.loads(pickle.dumps(conn)).request_sent is False
    decode = fe.ResponseDecodeError("bad", body=b"x")
    assert pickle.loads(pickle.dumps(decode)).body == b"x"
