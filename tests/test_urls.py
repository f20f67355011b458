"""Unit and property tests for URL building: no input escapes its path segment."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from yarl import URL

from forwardemail_async._core.urls import (
    alias_segment,
    build_url,
    domain_segment,
    id_segment,
    normalize_base_url,
    render_path,
)

BASE = "https://api.forwardemail.net"
ROUTE = "/v1/domains/{domain}/aliases/{alias}"


@pytest.mark.parametrize(
    "bad", ["", ".", "..", "a/b", "a?b", "a#b", "a%2Fb", "a\\b", "a\r\nb", "a b", "\x00"]
)
def test_id_segment_rejects_path_changing_input(bad: str) -> None:
    with pytest.raises(ValueError, match="id"):
        id_segment(bad)


@pytest.mark.parametrize("bad", [None, 5, b"abc", ["a"], 1.5])
def test_segments_reject_non_strings(bad: object) -> None:
    for func in (id_segment, domain_segment, alias_segment):
        with pytest.raises(TypeError, match="must be a str"):
            func(bad)


def test_domain_segment_normalizes_case_and_punycode() -> None:
    assert domain_segment("Example.COM") == "example.com"
    # The server stores IDNs in Unicode and matches exactly, so punycode is decoded.
    assert unquote(domain_segment("xn--bcher-kva.example")) == "bücher.example"
    assert unquote(domain_segment("bücher.example")) == "bücher.example"
    assert domain_segment("5f1d7a8b9c0d1e2f3a4b5c6d") == "5f1d7a8b9c0d1e2f3a4b5c6d"


@pytest.mark.parametrize(
    "bad", ["example..com", ".example.com", "example.com.", "-bad.com", "a@b.com", "xn--zz.com!"]
)
def test_domain_segment_rejects_invalid_names(bad: str) -> None:
    with pytest.raises(ValueError, match="domain"):
        domain_segment(bad)


def test_alias_segment_regex_alias_is_fully_encoded() -> None:
    encoded = alias_segment("/^Support-(a|b)$/")
    assert "/" not in encoded
    assert unquote(encoded) == "/^support-(a|b)$/"


def test_alias_segment_plain_names() -> None:
    assert alias_segment("Sales") == "sales"
    assert alias_segment("*") == "*"
    with pytest.raises(ValueError, match="alias"):
        alias_segment("..")
    with pytest.raises(ValueError, match="alias"):
        alias_segment("a/b")


def test_dot_segments_never_reach_yarl_normalization() -> None:
    # yarl would resolve ".." and turn an alias DELETE into a domain DELETE.
    with pytest.raises(ValueError, match="change the request path"):
        alias_segment("..")
    with pytest.raises(ValueError, match="must not contain '%'"):
        alias_segment("%2e%2e")
    # A regex alias may hold any character; it stays one encoded segment.
    path = render_path(
        ROUTE, {"domain": domain_segment("example.com"), "alias": alias_segment("/../")}
    )
    assert build_url(BASE, path).raw_path == "/v1/domains/example.com/aliases/%2F..%2F"


segment_text = st.text(min_size=1).filter(lambda s: s not in (".", ".."))


@given(segment_text)
def test_alias_segment_never_adds_a_path_segment(value: str) -> None:
    try:
        encoded = alias_segment(value)
    except ValueError:
        return
    path = render_path(ROUTE, {"domain": "example.com", "alias": encoded})
    url = build_url(BASE, path)
    assert url.raw_parts[1:5] == ("v1", "domains", "example.com", "aliases")
    assert len(url.raw_parts) == 6
    assert url.query_string == ""
    assert url.fragment == ""
    assert unquote(url.raw_parts[5]) == value.lower()


@given(segment_text)
def test_id_segment_round_trips_or_refuses(value: str) -> None:
    try:
        encoded = id_segment(value)
    except ValueError:
        assert any(c in value for c in "/?#%\\") or any(
            c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value
        )
        return
    assert "/" not in encoded and "?" not in encoded and "#" not in encoded
    assert unquote(encoded) == value


def test_build_url_keeps_encoded_path_and_adds_query() -> None:
    url = build_url(BASE, "/v1/domains/b%C3%BCcher.example/aliases", {"page": "2", "q": "a b&c"})
    assert url.raw_path == "/v1/domains/b%C3%BCcher.example/aliases"
    assert url.query == {"page": "2", "q": "a b&c"}


def test_base_url_normalization() -> None:
    assert normalize_base_url("https://api.forwardemail.net/") == "https://api.forwardemail.net"
    assert normalize_base_url("https://proxy.example/fe/") == "https://proxy.example/fe"
    assert normalize_base_url(URL("http://127.0.0.1:8080")) == "http://127.0.0.1:8080"
    assert normalize_base_url("http://localhost:1") == "http://localhost:1"
    assert normalize_base_url("http://[::1]:1") == "http://[::1]:1"


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        ("api.forwardemail.net", "absolute"),
        ("ftp://api.forwardemail.net", "absolute"),
        ("https://key:@api.forwardemail.net", "credentials"),
        ("https://api.forwardemail.net?x=1", "query"),
        ("https://api.forwardemail.net#frag", "query"),
        ("http://api.forwardemail.net", "plain http"),
    ],
)
def test_base_url_refusals(bad: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        normalize_base_url(bad)


def test_base_url_insecure_http_opt_in() -> None:
    assert (
        normalize_base_url("http://internal.proxy", allow_insecure_http=True)
        == "http://internal.proxy"
    )


def test_base_url_type() -> None:
    with pytest.raises(TypeError):
        normalize_base_url(123)  # type: ignore[arg-type]
