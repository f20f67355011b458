"""Shared by the tests of values the client leaves to the server: a business rule broken is
one request, whose refusal reaches the caller as the typed error with the server's message."""

from __future__ import annotations

from collections.abc import Awaitable

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail


async def server_refuses(
    fake: FakeForwardEmail,
    call: Awaitable[object],
    message: str,
    *,
    error: type[fe.APIError] = fe.BadRequestError,
) -> fe.APIError:
    """Await ``call``: exactly one request goes out, and the server's ``error`` comes back
    with ``message`` in its text (nothing refused locally, nothing sent twice)."""
    before = len(fake.requests)
    with pytest.raises(error) as info:
        await call
    assert message in info.value.message
    assert len(fake.requests) == before + 1
    return info.value
