"""An in-memory fake of the Forward Email REST API v1, served by aiohttp, for tests.

It follows the real server (not the published docs) down to error bodies, plain-text answers,
pagination headers with their bugs and rate-limit quirks, and it can inject faults::

    async with FakeServer() as server:
        async with ForwardEmail(api_key=server.api_key, base_url=server.url) as client:
            ...

See ``docs/testing.md``.
"""

from ._context import RecordedRequest
from ._fake import FakeForwardEmail
from ._faults import FaultKind, Faults, ScriptedFault
from ._ratelimit import RateLimits
from ._server import FakeServer
from ._state import FakeAlias, FakeDomain, FakeInvite, FakeMember, FakeUser

__all__ = [
    "FakeAlias",
    "FakeDomain",
    "FakeForwardEmail",
    "FakeInvite",
    "FakeMember",
    "FakeServer",
    "FakeUser",
    "FaultKind",
    "Faults",
    "RateLimits",
    "RecordedRequest",
    "ScriptedFault",
]
