"""The requests of one bulk run, sent through the transport's one retry loop with the run's
pacer plugged in.

The client's own loop would wait out a 429 for the whole ``Retry-After``, which the real
server always sets a full window ahead; the run's :class:`Pacer` knows better. So each
attempt of a bulk request takes its turn at the pacer, which hears every answer and, for a
429, decides when the request goes again (not counted against the retry budget: the
server's limiters reject before doing anything, so this is safe for POST). Everything else
(5xx and connection retries of idempotent requests, timeouts, the deadline) follows the
client's policy, with ``max_attempts`` attempts. The transport never resends a POST of a
bulk run on its own: a create plugs in a read-back instead (see ``_ops``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from forwardemail_async._core.errors import RateLimitError
from forwardemail_async._core.headers import parse_rate_limit
from forwardemail_async._core.hooks import CallHooks, ReadBack
from forwardemail_async._core.requester import Requester
from forwardemail_async._core.response import Response

from ._pacer import Pacer, StoppedError, full_rate_limit

__all__ = ["Calls"]

# Consecutive 429s on one request before the run gives up on it (each waits first).
_MAX_RATE_LIMITED = 20


class _KindPacing:
    """The pacing of one request of a bulk run: its kind's turns at the run's pacer."""

    __slots__ = ("_kind", "_pacer", "_rate_limited", "_stopping", "_turns")

    def __init__(self, pacer: Pacer, kind: str, stopping: Callable[[], bool] | None) -> None:
        self._pacer, self._kind, self._stopping = pacer, kind, stopping
        self._rate_limited = self._turns = 0

    async def wait_turn(self) -> None:
        # A request sent again after the run was stopped would be new work: report the
        # item instead (its first attempt was let through before the stop).
        if self._turns and self._stopping is not None and self._stopping():
            raise StoppedError
        self._turns += 1
        await self._pacer.wait_turn(self._kind, resend=self._turns > 1)

    def finished(self, sent: float, headers: Mapping[str, str] | None, status: int | None) -> None:
        info = None if headers is None else parse_rate_limit(headers)
        self._pacer.finished(self._kind, sent, info, status=status)

    def rate_limited(self, error: RateLimitError) -> bool:
        self._rate_limited += 1
        if self._rate_limited >= _MAX_RATE_LIMITED:
            return False
        if full_rate_limit(parse_rate_limit(error.headers)) is None:
            self._pacer.cool_down(error.retry_after)
        return True


class Calls:
    """Sends the requests of a bulk run through its pacer."""

    def __init__(
        self, requester: Requester, pacer: Pacer, *, max_attempts: int, stopping: Callable[[], bool]
    ) -> None:
        retry = attrs.evolve(
            requester.options.retry, max_retries=max_attempts - 1, retry_non_idempotent=False
        )
        # A bulk run always reconciles its creates, whatever the client's default.
        options = attrs.evolve(requester.options, retry=retry, reconcile=True)
        self._requester = requester.with_options(options)
        self.clock = requester.transport.clock
        self._pacer, self._stopping = pacer, stopping

    async def send(
        self,
        kind: str,
        method: str,
        route: str,
        path_params: Mapping[str, str],
        json: object = None,
        *,
        query: Mapping[str, str] | None = None,
        read_back: ReadBack | None = None,
        stop_resends: bool = False,
    ) -> Response:
        """One logical request; raises the typed error of its final answer, or the pacer's
        :class:`WindowClosedError` / :class:`StoppedError`. With ``stop_resends`` a stopped
        run sends it no more (the item is reported instead)."""
        pacing = _KindPacing(self._pacer, kind, self._stopping if stop_resends else None)
        return await self._requester.send(
            method,
            route,
            path_params=path_params,
            query=query,
            json=json,
            allow_non_idempotent_retry=False,
            hooks=CallHooks(pacing=pacing, read_back=read_back),
        )
