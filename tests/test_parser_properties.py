"""Property tests for the pure parsers and URL builders the other suites only sample.

* every path-segment function: any text is refused with ``ValueError`` or becomes exactly
  one segment that decodes back to the (normalized) value, with no query or fragment;
* ``base_url``: any text is refused or gives a URL without whitespace whose host is the one
  written;
* ``X-Page-*`` and ``X-RateLimit-*``: any header text gives a non-negative int or ``None``;
* ``Link``: the real server's malformed form round-trips, and no header text can make the
  paginator's fallback raise.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict
from yarl import URL

from forwardemail_async._core.headers import (
    parse_link_header,
    parse_page_info,
    parse_rate_limit,
    seconds_until_reset,
)
from forwardemail_async._core.ids import object_id
from forwardemail_async._core.pagination import _next_from_link
from forwardemail_async._core.response import Response
from forwardemail_async._core.urls import (
    alias_segment,
    build_url,
    domain_segment,
    email_segment,
    folder_segment,
    id_segment,
    name_segment,
    normalize_base_url,
    render_path,
)

BASE = "https://api.forwardemail.net/prefix"
ROUTE = "/v1/things/{value}/children"

Segment = Callable[[object], str]

SEGMENT_FUNCTIONS: dict[str, tuple[Segment, Callable[[str], str]]] = {
    # name: (the function, what the server must decode the segment back to)
    "id": (id_segment, lambda v: v),
    "alias": (alias_segment, str.lower),
    "name": (name_segment, lambda v: v),
    "folder": (folder_segment, lambda v: v),
    "email": (email_segment, lambda v: _without_angle_brackets(v.strip())),
    "object_id": (lambda v: object_id(v, "id"), lambda v: v.strip().lower()),
}


def _without_angle_brackets(text: str) -> str:
    """A Message-ID loses its ``<>`` only when it has both, as ``email_segment`` does."""
    return text[1:-1] if text.startswith("<") and text.endswith(">") else text


# Text that exercises the dangerous characters far more often than st.text() alone.
tricky = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("/?#%.\\ \t\r\n\x00@:;&=+<>[]{}|^`\"'")),
        st.characters(),
    ),
    max_size=30,
)


def _check_one_segment(encoded: str, expected: str) -> None:
    url = build_url(BASE, render_path(ROUTE, {"value": encoded}))
    assert url.raw_parts[1:4] == ("prefix", "v1", "things")
    assert url.raw_parts[5] == "children"
    assert len(url.raw_parts) == 6
    assert url.query_string == "" and url.fragment == ""
    assert unquote(url.raw_parts[4]) == expected


@given(st.sampled_from(sorted(SEGMENT_FUNCTIONS)), tricky)
def test_no_segment_function_lets_a_value_escape(name: str, value: str) -> None:
    func, decoded = SEGMENT_FUNCTIONS[name]
    try:
        encoded = func(value)
    except ValueError:
        return
    _check_one_segment(encoded, decoded(value))


@given(tricky)
def test_domain_segment_is_one_segment_of_a_valid_name(value: str) -> None:
    try:
        encoded = domain_segment(value)
    except ValueError:
        return
    name = unquote(encoded)
    assert name == name.lower()
    assert all(label and len(label) <= 63 for label in name.split("."))
    assert not any(c in name for c in "/?#%\\ _@")
    _check_one_segment(encoded, name)


@given(st.from_regex(r"[a-z0-9]{1,12}(\.[a-z0-9]{1,12}){1,3}", fullmatch=True))
def test_plain_domain_names_pass_unchanged(name: str) -> None:
    assert domain_segment(name) == name
    assert domain_segment(name.upper()) == name


@given(st.text(max_size=60))
def test_base_url_is_refused_or_keeps_its_host(value: str) -> None:
    text = f"https://{value}"
    try:
        base = normalize_base_url(text)
    except (ValueError, TypeError):
        return
    assert not any(c.isspace() or ord(c) < 32 for c in base)
    assert URL(base).host == URL(text).host
    assert not base.endswith("/")


number_text = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=20),
)


@given(st.dictionaries(st.sampled_from(["X-Page-Count", "X-Page-Current"]), number_text))
def test_page_headers_never_raise_and_never_go_negative(headers: dict[str, str]) -> None:
    info = parse_page_info(headers)
    for value in (info.page, info.page_count, info.page_size, info.item_count):
        assert value is None or (isinstance(value, int) and value >= 0)


@given(st.integers(min_value=0, max_value=10**15), st.integers(min_value=0, max_value=10**15))
def test_page_headers_round_trip(page: int, count: int) -> None:
    info = parse_page_info({"X-Page-Current": str(page), "X-Page-Count": f" {count} "})
    assert (info.page, info.page_count) == (page, count)


@given(
    st.dictionaries(
        st.sampled_from(["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]),
        number_text,
    ),
    st.floats(min_value=0, max_value=4e9),
)
def test_rate_limit_headers_never_raise(headers: dict[str, str], now: float) -> None:
    info = parse_rate_limit(headers)
    wait = seconds_until_reset(info, now=now)
    assert wait is None or wait >= 0


@given(
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=1, max_value=10**6),
    st.sampled_from(["https://api.forwardemail.net", "http://127.0.0.1:8080"]),
)
def test_the_real_servers_link_header_round_trips(current: int, last: int, host: str) -> None:
    # The server writes a stray ")" inside the brackets of every link.
    path = "/v1/domains/example.com/aliases"
    value = (
        f'<{host}{path}?page={current + 1})>; rel="next", '
        f'<{host}{path}?page={last})>; rel="last", <{host}{path}?page=1)>; rel="first"'
    )
    links = parse_link_header(value)
    assert links["next"] == f"{host}{path}?page={current + 1}"
    assert links["last"] == f"{host}{path}?page={last}"
    assert _next_from_link(_response(value), current) is True
    assert _next_from_link(_response(value), current + 1) is False


@given(st.text(max_size=80), st.integers(min_value=1, max_value=1000))
def test_no_link_header_makes_the_fallback_raise(garbage: str, page: int) -> None:
    for value in (garbage, f'<{garbage}>; rel="next"', f'<http://x/?page={garbage}>; rel="next"'):
        assert _next_from_link(_response(value), page) in (True, False)


def _response(link: str) -> Response:
    return Response(
        status=200,
        headers=CIMultiDict({"Link": link}),
        body=b"[]",
        method="GET",
        route="/v1/things",
        url="https://api.forwardemail.net/v1/things",
    )
