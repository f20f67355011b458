"""Syntax checks for host names and IP addresses that go into a URL path.

The observatory routes take a domain name or an IP address as a path segment; holding it to
those forms (as the server's npm ``validator`` ``isFQDN``/``isIP`` would) keeps a value from
changing the route. Host names in bodies and queries are left to the server.
"""

from __future__ import annotations

import ipaddress
import re

__all__ = ["is_fqdn", "is_ip"]

# validator.isFQDN defaults: letters of any script, digits and hyphens; an alphabetic TLD.
_LABEL = re.compile(r"[a-z\u00a1-\uffff0-9-]{1,63}", re.IGNORECASE)
_TLD = re.compile(r"[a-z\u00a1-\uffff]{2,}|xn--[a-z0-9-]{2,}", re.IGNORECASE)


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
