"""Pure helpers that mimic the small npm packages the real server leans on.

Each function names the package whose behaviour it copies (``boolean``, ``is-string-and-not-blank``,
``html-to-text``, ``validator``, ``bytes``, ``speakingurl``), because matching their edge cases is
what makes the fake's answers byte-identical to the server's.
"""

from __future__ import annotations

import html
import ipaddress
import re
import unicodedata
from typing import TypeGuard

__all__ = [
    "WEB_URL",
    "format_phrase",
    "html_to_text",
    "is_email",
    "is_fqdn",
    "is_ip",
    "is_sanb",
    "js_boolean",
    "js_parse_int",
    "parse_bytes",
    "slugify",
    "split_list",
    "strip_tags",
]

# config.urls.web; also the error handler's ERROR_HANDLER_BASE_URL for relative links.
WEB_URL = "https://forwardemail.net"

_TRUE_STRINGS = frozenset({"true", "t", "yes", "y", "on", "1"})
_ANCHOR = re.compile(r"<a\b[^>]*?\bhref=\"([^\"]*)\"[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_LEADING_INT = re.compile(r"\s*([+-]?\d+)")
_PLACEHOLDER = re.compile(r"%[sd]")
# validator.isFQDN: letters (any script), digits and hyphens per label; an alphabetic TLD.
_FQDN_LABEL = re.compile(r"^[a-z\u00a1-\uffff0-9-]+$", re.IGNORECASE)
_FQDN_TLD = re.compile(r"^([a-z\u00a1-\uffff]{2,}|xn[a-z0-9-]{2,})$", re.IGNORECASE)
_EMAIL_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+"
_EMAIL_LOCAL = re.compile(rf"^{_EMAIL_ATOM}(\.{_EMAIL_ATOM})*$")
# helpers REGEX_BYTES in validate-alias.js / update-domain.js.
_BYTES = re.compile(r"^((-|\+)?(\d+(?:\.\d+)?)) *(kb|mb|gb|tb|pb)$", re.IGNORECASE)
_BYTE_UNITS = {"kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40, "pb": 1 << 50}
_SPLIT = re.compile(r"[\s,]+")


def js_boolean(value: object) -> bool:
    """npm ``boolean``: only true, 1 and the strings true/t/yes/y/on/1 (any case) are true."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1
    if isinstance(value, str):
        return value.strip().lower() in _TRUE_STRINGS
    return False


def is_sanb(value: object) -> TypeGuard[str]:
    """npm ``is-string-and-not-blank``."""
    return isinstance(value, str) and value.strip() != ""


def js_parse_int(value: object) -> int | None:
    """``Number.parseInt(value, 10)``; ``None`` stands for NaN.

    A repeated query key arrives as a list, which JavaScript stringifies with commas first.
    """
    if isinstance(value, list):
        value = ",".join(str(item) for item in value)
    match = _LEADING_INT.match(str(value))
    return int(match.group(1)) if match else None


def format_phrase(template: str, *args: object) -> str:
    """``util.format`` for the ``%s``/``%d`` placeholders of config/phrases.js."""
    values = iter(args)
    return _PLACEHOLDER.sub(lambda m: str(next(values, m.group(0))), template)


def html_to_text(message: str) -> str:
    """The error handler's ``html-to-text`` pass: tags dropped, links as ``text URL``.

    Whitespace collapses to single spaces, list items become `` * `` lines and relative links
    get the web URL in front, as with the server's options (no brackets, no wrapping).
    """

    def link(match: re.Match[str]) -> str:
        href, text = match.group(1), _TAG.sub("", match.group(2)).strip()
        if href.startswith("/"):
            href = WEB_URL + href
        return text if not href or href == text else f"{text} {href}"

    text = _LIST_ITEM.sub("\n\0", _ANCHOR.sub(link, message))
    text = html.unescape(_TAG.sub("", text))
    lines = []
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if line.startswith("\0"):
            line = " * " + line[1:].lstrip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def strip_tags(value: str) -> str:
    """npm ``striptags`` with no allowed tags."""
    return _TAG.sub("", value)


def split_list(value: str) -> list[str]:
    """Split a recipients/labels string on newlines, commas and spaces, dropping blanks."""
    return [part for part in _SPLIT.split(value) if part]


def slugify(value: str) -> str:
    """An approximation of npm ``speakingurl``: ASCII-folded, lowercase, hyphen-separated."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_]+", "-", folded.lower()).strip("-")


def is_ip(value: str) -> bool:
    """``validator.isIP``."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def is_fqdn(value: str) -> bool:
    """``validator.isFQDN`` with its defaults (TLD required, no underscores, no trailing dot)."""
    labels = value.split(".")
    if len(value) > 253 or len(labels) < 2 or not _FQDN_TLD.match(labels[-1]):
        return False
    return all(
        0 < len(label) <= 63
        and _FQDN_LABEL.match(label) is not None
        and not label.startswith("-")
        and not label.endswith("-")
        for label in labels
    )


def is_email(value: str) -> bool:
    """``validator.isEmail`` with its defaults (UTF-8 local parts allowed)."""
    local, at, domain = value.rpartition("@")
    return bool(at) and 0 < len(local) <= 64 and bool(_EMAIL_LOCAL.match(local)) and is_fqdn(domain)


def parse_bytes(value: str) -> int | None:
    """The server's bytes regex plus npm ``bytes``: ``"1 GB"`` → 1073741824; ``None`` if invalid."""
    match = _BYTES.match(value)
    if match is None:
        return None
    return int(float(match.group(1)) * _BYTE_UNITS[match.group(4).lower()])
