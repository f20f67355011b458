"""The server's ``isPrivateHost`` test for URLs it would call out to (SSRF protection)."""

from __future__ import annotations

import ipaddress

__all__ = ["is_private_host"]

# helpers/is-private-host.js: cloud metadata names and the reserved TLDs of config.testDomains.
_PRIVATE_NAMES = frozenset({"localhost", "metadata", "instance-data"})
_RESERVED_TLDS = frozenset({"localhost", "local", "internal", "test"})


def is_private_host(host: str) -> bool:
    """Loopback, private, link-local, CGNAT, multicast and reserved addresses (IPv4-mapped
    IPv6 included), cloud metadata host names and the reserved TLDs."""
    name = host.strip("[]").lower().rstrip(".")
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return name in _PRIVATE_NAMES or name.rpartition(".")[2] in _RESERVED_TLDS
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast or address.is_reserved
