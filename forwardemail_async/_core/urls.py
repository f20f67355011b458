"""Pure URL building: the base URL check, and path segments that cannot escape their place.

yarl's ``/`` operator splits ``a/b`` into two segments and resolves ``..``, so an alias named
``..`` would turn ``DELETE /v1/domains/x/aliases/..`` into a DELETE of the domain. Every
user-supplied segment therefore goes through one of the functions below, which validate it and
percent-encode it; the result is joined into an already-encoded path.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Mapping
from urllib.parse import quote

from yarl import URL

__all__ = [
    "DEFAULT_BASE_URL",
    "alias_path",
    "alias_segment",
    "build_url",
    "domain_segment",
    "email_segment",
    "folder_segment",
    "host_port",
    "id_segment",
    "name_segment",
    "normalize_base_url",
    "render_path",
]

DEFAULT_BASE_URL = "https://api.forwardemail.net"

# RFC 3986 "pchar" minus "+" (some stacks read it as a space) and "&" / "=" (harmless, but
# encoding them keeps logged paths unambiguous).
_SEGMENT_SAFE = "!$'()*,;:@"
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\s]")
_CONTROL_ONLY_RE = re.compile(r"[\x00-\x1f\x7f]")
_FORBIDDEN_IN_ID = frozenset("/?#%\\")
# Letters, digits and inner hyphens; no "_" (the server's isFQDN check refuses it).
_DOMAIN_LABEL_RE = re.compile(r"^[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?$", re.UNICODE)


def _require_text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if not value:
        raise ValueError(f"{what} must not be empty")
    if value in (".", ".."):
        raise ValueError(f"{what} must not be {value!r}: it would change the request path")
    if _CONTROL_RE.search(value):
        raise ValueError(f"{what} must not contain whitespace or control characters: {value!r}")
    return value


def _encode(value: str, safe: str = _SEGMENT_SAFE) -> str:
    return quote(value, safe=safe)


def _checked_id(value: object, what: str) -> str:
    """``value`` as text that cannot leave its segment, or a ValueError/TypeError."""
    text = _require_text(value, what)
    bad = _FORBIDDEN_IN_ID.intersection(text)
    if bad:
        raise ValueError(f"{what} must not contain {''.join(sorted(bad))!r}: {value!r}")
    return text


def id_segment(value: object, what: str = "id") -> str:
    """Validate and encode an opaque identifier (an ObjectId, a name, a message id)."""
    return _encode(_checked_id(value, what))


def domain_segment(value: object, what: str = "domain") -> str:
    """Validate a domain id or name and encode it as the server matches it.

    The server matches ``:domain_id`` exactly against the stored id or the lowercase Unicode
    name, so names are lowercased and punycode labels (``xn--...``) are decoded to Unicode.
    Valid answers are cached: most calls name the same few domains.
    """
    if isinstance(value, str) and isinstance(what, str):
        return _cached_domain_segment(value, what)
    return _domain_segment(value, what)


def _domain_segment(value: object, what: str) -> str:
    return _encode(normalize_domain_name(_checked_id(value, what), what))


_cached_domain_segment = functools.lru_cache(maxsize=256)(_domain_segment)


def normalize_domain_name(text: str, what: str = "domain") -> str:
    """Lowercase a domain name, decode punycode labels and check each label's syntax."""
    name = text.lower()
    if len(name) > 253:
        raise ValueError(f"{what} is longer than 253 characters")
    labels = name.split(".")
    decoded: list[str] = []
    for label in labels:
        if not label:
            raise ValueError(f"{what} has an empty label: {text!r}")
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except UnicodeError as exc:
                raise ValueError(f"{what} has an invalid punycode label: {text!r}") from exc
        if not _DOMAIN_LABEL_RE.match(label):
            raise ValueError(f"{what} is not a valid domain name or id: {text!r}")
        decoded.append(label)
    return ".".join(decoded)


def alias_segment(value: object, what: str = "alias") -> str:
    """Validate and encode an alias id or name.

    Regex aliases are named like ``/^support-.*$/``, so a name starting with ``/`` may hold
    any printable character; it is encoded completely (``/`` becomes ``%2F``, which the server
    decodes back into the parameter). Other names follow the id rules and are lowercased,
    as the server stores them.
    """
    text = _require_text(value, what)
    if text.startswith("/"):
        return _encode(text.lower(), safe="")
    return id_segment(text.lower(), what)


def name_segment(value: object, what: str = "name") -> str:
    """Validate and encode a free-text identifier as exactly one path segment.

    Sieve script names and the CardDAV/CalDAV ids other clients choose may hold spaces, ``/``
    or ``%``. Everything but unreserved characters is percent-encoded, so the value stays one
    segment and the server decodes it back whole. Blank values, ``.``/``..`` and control
    characters are refused.
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{what} must not be blank")
    if value in (".", ".."):
        raise ValueError(f"{what} must not be {value!r}: it would change the request path")
    if _CONTROL_ONLY_RE.search(value):
        raise ValueError(f"{what} must not contain control characters: {value!r}")
    return _encode(value, safe="")


def folder_segment(value: object, what: str = "folder") -> str:
    """A folder id or path (``INBOX``, ``Archive/2024``) as one segment; ``/`` becomes ``%2F``.

    The server looks ``:id`` up as an id first and then as a path, after decoding it.
    """
    return name_segment(value, what)


def alias_path(domain: object, alias: object) -> dict[str, str]:
    """The ``{domain}`` and ``{alias}`` segments of an alias route."""
    return {"domain": domain_segment(domain), "alias": alias_segment(alias)}


# A Message-ID may hold almost anything; only these would break the request line.
_CONTROL_IN_MESSAGE_ID = ("\x00", "\r", "\n")


def email_segment(value: object, what: str = "email") -> str:
    """An email id or its Message-ID as one path segment.

    Message-IDs may hold ``/``, ``?``, ``#`` or ``%``, so everything but unreserved characters
    is percent-encoded (the server decodes the segment); surrounding ``<>`` are dropped, as the
    server stores Message-IDs without them.
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if not text or text in (".", ".."):
        raise ValueError(f"{what} must be an email id or a Message-ID, got {value!r}")
    if any(c in text for c in _CONTROL_IN_MESSAGE_ID):
        raise ValueError(f"{what} must not contain control characters: {value!r}")
    return _encode(text, safe="@")


def render_path(route: str, params: Mapping[str, str]) -> str:
    """Fill a route template such as ``/v1/domains/{domain}`` with encoded segments."""
    return route.format_map(params) if params else route


def build_url(base: str, path: str, query: Mapping[str, str] | None = None) -> URL:
    """Join the normalized base URL and an encoded path; add the query, if any."""
    url = _encoded_url(base + path)
    if query:
        url = url.with_query(query)
    return url


@functools.lru_cache(maxsize=1024)
def _encoded_url(text: str) -> URL:
    """The URL of an already encoded string; cached, since most calls of a program name the
    same few paths and parsing one is the dearest step of building a request."""
    return URL(text, encoded=True)


# Compiled on the first base URL other than the default (and cached by ``re``).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_HOST = rf"{_LABEL}(?:\.{_LABEL})*\.?"


def _is_host(raw_host: str) -> bool:
    """An IP address or an ASCII (punycoded) host name; yarl passes some garbage through."""
    try:
        ipaddress.ip_address(raw_host)
    except ValueError:
        return re.fullmatch(_HOST, raw_host) is not None
    return True


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_port(host: str | None, port: int | None) -> str:
    """``host:port`` as a person reads it, an IPv6 address in brackets."""
    host = host or ""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def normalize_base_url(value: str | URL, *, allow_insecure_http: bool = False) -> str:
    """Check a base URL and return it without a trailing slash.

    A path prefix is kept (for a proxy in front of the API). Credentials, a query or a
    fragment are refused, and so is plain ``http`` to anything but a loopback host unless
    ``allow_insecure_http`` is set: the API key travels in every request.
    """
    if type(value) is str and value == DEFAULT_BASE_URL:
        return DEFAULT_BASE_URL  # already in the form every check below would give
    if not isinstance(value, (str, URL)):
        raise TypeError(f"base_url must be a str or yarl.URL, not {type(value).__name__}")
    if isinstance(value, str) and _CONTROL_RE.search(value):
        # yarl would quietly drop them: "https://api.example\r\nX: 1" becomes the host
        # "api.examplex" with port 1, and the API key would go there.
        raise ValueError(f"base_url must not contain whitespace or control characters: {value!r}")
    url = URL(value)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base_url must be an absolute http(s) URL, got {str(value)!r}")
    if not _is_host(url.raw_host or ""):
        raise ValueError(f"base_url has no valid host name: {str(value)!r}")
    if url.user is not None or url.password is not None:
        raise ValueError("base_url must not contain credentials; pass api_key= instead")
    if url.query_string or url.fragment:
        raise ValueError("base_url must not contain a query string or a fragment")
    if url.scheme == "http" and not allow_insecure_http and not _is_loopback(url.host):
        raise ValueError(
            f"refusing plain http to {url.host!r}: the API key would travel unencrypted; "
            "use https, or pass allow_insecure_http=True if you really mean it"
        )
    path = url.raw_path.rstrip("/")
    return str(url.with_path("", encoded=True)).rstrip("/") + path
