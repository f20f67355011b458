"""What a caller may plug into the transport's one retry loop: pacing, and reading back.

The transport's loop is the only retry loop. A bulk run plugs its :class:`Pacing` in (it
decides when each attempt may start and waits out 429s itself), and a create whose key the
server keeps unique plugs a :class:`ReadBack` in: after an ambiguous failure (the server may
have acted) the loop reads the resource back by its key instead of giving up or blindly
sending again. :func:`created_by_caller` is the one rule that says whether a resource found
that way is the caller's own.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import NamedTuple, Protocol

import attrs

from .errors import RateLimitError
from .response import Response

__all__ = ["CLOCK_SKEW", "CallHooks", "Pacing", "ReadBack", "created_by_caller"]

logger = logging.getLogger("forwardemail_async")

# A resource found after an ambiguous failure counts as the caller's if created at most this
# long before the call started (room for clock skew between client and server).
CLOCK_SKEW = 60.0


class Pacing(Protocol):
    """Decides when each attempt of a call may start (a bulk run's pacer)."""

    async def wait_turn(self) -> None:
        """Wait until one more attempt fits the known rate-limit budget; may raise to stop."""

    def finished(self, sent: float, headers: Mapping[str, str] | None, status: int | None) -> None:
        """Record the answer (or, with ``headers`` None, the failure) of an attempt."""

    def rate_limited(self, error: RateLimitError) -> bool:
        """A 429: whether to send again (after :meth:`wait_turn` has waited), not counted
        against the retry budget. ``False`` gives up and raises ``error``."""


@attrs.frozen(kw_only=True)
class ReadBack:
    """How a create finds its resource again by its unique key after an ambiguous failure.

    ``fetch`` reads the resource (``None``: the server does not hold it, so sending again is
    safe); ``ours`` tells, from the answer and the call's start (epoch seconds), whether it
    is the one this call created; ``conflict`` is the error raised when it is someone
    else's. ``unknown`` is raised when the read-back itself fails (given the failure that
    left the outcome open); by default that failure.
    """

    fetch: Callable[[], Awaitable[Response | None]]
    ours: Callable[[Response, float], bool]
    conflict: Callable[[Response], BaseException]
    unknown: Callable[[BaseException], BaseException] = attrs.field(default=lambda failure: failure)

    async def settle(
        self, method: str, route: str, unsure: BaseException, started_at: float
    ) -> Response | None:
        """Read the resource back after ``unsure`` left the outcome open: its answer if it
        is ours, ``None`` if the server does not hold it; raises the conflict if it is
        someone else's, and :attr:`unknown` if it cannot be read."""
        try:
            found = await self.fetch()
            if found is None:
                verdict = "absent"
            else:
                verdict = "ours" if self.ours(found, started_at) else "not ours"
        except Exception as exc:  # whatever the read-back met, the outcome stays unknown
            raise self.unknown(unsure) from exc
        logger.debug("%s %s: read back after %s: %s", method, route, type(unsure).__name__, verdict)
        if found is not None and verdict != "ours":
            raise self.conflict(found)
        return found


class CallHooks(NamedTuple):
    """The hooks of one call; either may be ``None``. ``read_back`` may also be a function
    that builds the :class:`ReadBack`, called only if a failure needs it (the common call
    then pays nothing for it). A named tuple: one may be made per request."""

    pacing: Pacing | None = None
    read_back: ReadBack | Callable[[], ReadBack] | None = None


def created_by_caller(
    created_at: datetime | None, started: float, same_values: Callable[[], bool]
) -> bool:
    """Whether a resource found after an ambiguous failure is the one the call created.

    Decided by its creation time first: created before the call started (less the clock-skew
    allowance) means not ours; created after the call started means ours. Within the skew
    allowance, or without a creation time, ``same_values`` decides (the values sent,
    compared as the server stores them).
    """
    if created_at is not None:
        stamp = created_at.timestamp()
        if stamp < started - CLOCK_SKEW:
            return False
        if stamp >= started:
            return True
    return same_values()
