"""Syntax checks for the host names, addresses and URLs the newest routes take.

The server validates these with the npm ``validator`` package (``isFQDN``, ``isIP``,
``isEmail``, ``isURL``) and either refuses a bad value or, for allowlist entries, silently
drops it; checking here turns both into a ``ValueError`` before anything is sent.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

__all__ = ["check_url", "is_email", "is_fqdn", "is_ip"]

# validator.isFQDN defaults: letters of any script, digits and hyphens; an alphabetic TLD.
_LABEL = re.compile(r"[a-z\u00a1-\uffff0-9-]{1,63}", re.IGNORECASE)
_TLD = re.compile(r"[a-z\u00a1-\uffff]{2,}|xn--[a-z0-9-]{2,}", re.IGNORECASE)
_LOCAL_PART = re.compile(r"[^\s@\"(),:;<>\[\\\]]{1,64}")


def is_ip(text: str) -> bool:
    """An IPv4 or IPv6 address (no brackets, no prefix length)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def is_fqdn(text: str) -> bool:
    """A fully qualified domain name: two labels or more, an alphabetic top-level label."""
    labels = text.split(".")
    if len(text) > 253 or len(labels) < 2 or not _TLD.fullmatch(labels[-1]):
        return False
    return all(
        _LABEL.fullmatch(label) and not label.startswith("-") and not label.endswith("-")
        for label in labels
    )


def is_email(text: str) -> bool:
    """``local@domain`` with a plain local part and a fully qualified domain."""
    local, at, domain = text.rpartition("@")
    return bool(at) and bool(_LOCAL_PART.fullmatch(local)) and is_fqdn(domain)


def check_url(value: object, name: str, *, schemes: tuple[str, ...]) -> str:
    """An absolute URL with one of ``schemes`` and a host; returned unchanged."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    try:
        parts = urlsplit(value)
        valid = parts.scheme.lower() in schemes and bool(parts.hostname)
    except ValueError:  # a bad port or IPv6 literal
        valid = False
    if valid:
        return value
    wanted = " or ".join(f"{scheme}://" for scheme in schemes)
    raise ValueError(f"{name} must be a URL starting with {wanted} and naming a host: {value!r}")
