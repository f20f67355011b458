"""Unit and property tests for the pure header parsers."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forwardemail_async._core.headers import (
    PageInfo,
    RateLimitInfo,
    parse_link_header,
    parse_page_info,
    parse_rate_limit,
    parse_retry_after,
    seconds_until_reset,
)

NOW = 1_700_000_000.0


def test_page_info_reads_all_four_headers() -> None:
    headers = {
        "X-Page-Count": "2",
        "X-Page-Current": "1",
        "X-Page-Size": "10",
        "X-Item-Count": "15",
    }
    assert parse_page_info(headers) == PageInfo(page=1, page_count=2, page_size=10, item_count=15)


@pytest.mark.parametrize("value", ["Infinity", "NaN", "-1", "abc", ""])
def test_page_info_treats_unusable_numbers_as_unknown(value: str) -> None:
    # limit=0 on the real server yields X-Page-Count: Infinity (or NaN with no items).
    assert parse_page_info({"X-Page-Count": value}).page_count is None


def test_page_info_missing_headers() -> None:
    assert parse_page_info({}) == PageInfo()


def test_link_header_real_server_one_alias_example() -> None:
    # Byte for byte what the real server sends for a domain with one alias (contract §4.8).
    base = "https://api.forwardemail.net/v1/domains/example.com/aliases"
    value = f'<{base}?page=1)>; rel="last", <{base}?page=1)>; rel="first"'
    assert parse_link_header(value) == {"last": f"{base}?page=1", "first": f"{base}?page=1"}


def test_link_header_with_next_and_prev() -> None:
    value = (
        '<https://x/v1/domains?page=1&limit=10>; rel="prev", '
        '<https://x/v1/domains?page=3&limit=10>; rel="next", '
        '<https://x/v1/domains?page=10)>; rel="last"'
    )
    links = parse_link_header(value)
    assert links["prev"].endswith("page=1&limit=10")
    assert links["next"].endswith("page=3&limit=10")
    assert links["last"] == "https://x/v1/domains?page=10"


def test_link_header_keeps_balanced_parentheses() -> None:
    assert parse_link_header('<https://x/a_(b)>; rel="next"') == {"next": "https://x/a_(b)"}


@pytest.mark.parametrize("value", [None, "", "garbage", "<unterminated; rel=next", ";;;,,,"])
def test_link_header_garbage_gives_nothing_usable(value: str | None) -> None:
    assert parse_link_header(value) == {}


@given(st.text())
def test_link_header_never_raises(value: str) -> None:
    links = parse_link_header(value)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in links.items())


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["next", "prev", "last", "first"]),
            st.integers(min_value=1, max_value=10_000),
            st.booleans(),
        ),
        min_size=1,
        max_size=4,
        unique_by=lambda t: t[0],
    )
)
def test_link_header_round_trip_with_and_without_stray_paren(
    entries: list[tuple[str, int, bool]],
) -> None:
    parts = []
    for rel, page, stray in entries:
        url = f"https://api.forwardemail.net/v1/domains?page={page}"
        parts.append(f'<{url}{")" if stray else ""}>; rel="{rel}"')
    links = parse_link_header(", ".join(parts))
    for rel, page, _ in entries:
        assert links[rel] == f"https://api.forwardemail.net/v1/domains?page={page}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("1.5", 1.5),
        ("0", 0.0),
        (str(int(NOW) + 60), 60.0),  # the real server: absolute epoch seconds
        (str(int(NOW) - 60), 0.0),  # an epoch in the past means "now"
        ("Tue, 14 Nov 2023 22:14:20 GMT", 60.0),  # HTTP-date, NOW + 60 s
        ("", None),
        ("soon", None),
        ("-5", None),
        ("nan", None),
        (None, None),
    ],
)
def test_retry_after_forms(value: str | None, expected: float | None) -> None:
    result = parse_retry_after(value, now=NOW)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


@given(st.integers(min_value=0, max_value=10**8))
def test_retry_after_delta_seconds_property(delta: int) -> None:
    assert parse_retry_after(str(delta), now=NOW) == delta


@given(st.integers(min_value=0, max_value=10**7))
def test_retry_after_epoch_property(ahead: int) -> None:
    assert parse_retry_after(str(int(NOW) + ahead), now=NOW) == pytest.approx(ahead)


@given(st.integers(min_value=0, max_value=10**7))
def test_retry_after_http_date_property(ahead: int) -> None:
    when = datetime.fromtimestamp(int(NOW) + ahead, tz=timezone.utc)
    assert parse_retry_after(format_datetime(when, usegmt=True), now=NOW) == pytest.approx(ahead)


@given(st.text())
def test_retry_after_never_raises_or_goes_negative(value: str) -> None:
    result = parse_retry_after(value, now=NOW)
    assert result is None or result >= 0


def test_rate_limit_headers() -> None:
    headers = {
        "X-RateLimit-Limit": "300",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(int(NOW) + 86400),
    }
    info = parse_rate_limit(headers)
    assert info == RateLimitInfo(limit=300, remaining=0, reset=NOW + 86400)
    assert seconds_until_reset(info, now=NOW) == pytest.approx(86400)


def test_rate_limit_absent() -> None:
    assert parse_rate_limit({"Content-Type": "application/json"}) is None
    assert seconds_until_reset(None, now=NOW) is None


def test_rate_limit_small_reset_is_a_delay() -> None:
    info = parse_rate_limit({"X-RateLimit-Reset": "30"})
    assert seconds_until_reset(info, now=NOW) == 30
