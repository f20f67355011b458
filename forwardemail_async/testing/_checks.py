"""Checks the newest routes share: API-token auth without the account guards, and the
server's ``isPrivateHost`` test for URLs it would call out to (SSRF protection)."""

from __future__ import annotations

import ipaddress

from . import _phrases as phrases
from ._boom import BoomError
from ._context import Ctx, basic_credentials
from ._state import FakeUser

__all__ = ["is_private_host", "token_user"]

# helpers/is-private-host.js: cloud metadata names and the reserved TLDs of config.testDomains.
_PRIVATE_NAMES = frozenset({"localhost", "metadata", "instance-data"})
_RESERVED_TLDS = frozenset({"localhost", "local", "internal", "test"})


def token_user(ctx: Ctx, *, verified_email: bool) -> FakeUser:
    """``policies.ensureApiToken`` (and ``checkVerifiedEmail`` if asked) with no ban check.

    The observatory and push-token routes stop there, unlike :meth:`Ctx.api_token_user`.
    """
    credentials = basic_credentials(ctx.request)
    if credentials is None or not credentials[0]:
        raise BoomError(401, phrases.INVALID_API_CREDENTIALS)
    user = ctx.store.user_by_token(credentials[0])
    if user is None:
        raise BoomError(401, phrases.INVALID_API_TOKEN)
    ctx.record.user_id = user.id
    if verified_email and not user.verified:
        raise BoomError(401, phrases.EMAIL_VERIFICATION_REQUIRED)
    return user


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
