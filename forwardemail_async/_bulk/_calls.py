"""The requests of one bulk run: paced, with 429s handled by the run rather than the client.

The client's own retry loop would wait out a 429 for the whole ``Retry-After``, which the
real server always sets a full window ahead; the run's :class:`Pacer` knows better. So bulk
requests use the client's retry policy minus 429 (and with no automatic cooldown), and
everything else (5xx and connection retries of idempotent requests, timeouts) as configured,
except ``retry_non_idempotent``: the transport never resends a POST of a bulk run (the run
reads the alias back and decides, see ``_ops``).
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from forwardemail_async._core.errors import APIError, RateLimitError
from forwardemail_async._core.headers import RateLimitInfo, parse_rate_limit
from forwardemail_async._core.requester import Requester
from forwardemail_async._core.response import Response

from ._pacer import Pacer, full_rate_limit

__all__ = ["Calls"]

# Consecutive 429s on one request before the run gives up on it (each waits first).
_MAX_RATE_LIMITED = 20


class Calls:
    """Sends requests for a bulk run through its pacer."""

    def __init__(self, requester: Requester, pacer: Pacer) -> None:
        policy = requester.options.retry
        retry = attrs.evolve(
            policy,
            # mypy's attrs plugin cannot type a field with a converter through evolve().
            retry_statuses=policy.retry_statuses - {429},  # type: ignore[arg-type]
            max_retry_after=0.0,
            # The run decides every resend of a POST itself, after reading back what the
            # server holds: the transport must never resend one on its own.
            retry_non_idempotent=False,
        )
        options = attrs.evolve(requester.options, retry=retry)
        self._requester = Requester(requester.transport, requester.auth, options)
        self.clock = requester.transport.clock
        self._pacer = pacer

    async def send(
        self,
        kind: str,
        method: str,
        route: str,
        path_params: Mapping[str, str],
        json: object = None,
    ) -> Response:
        """One logical request; raises the typed error of its final answer.

        A 429 makes the pacer wait (or raise ``WindowClosedError``) and the request is sent
        again: the server's limiters reject before doing anything, so this is safe for POST.
        """
        attempt = 0
        while True:
            attempt += 1
            await self._pacer.wait_turn(kind)
            sent = self.clock.time()
            info: RateLimitInfo | None = None
            status: int | None = None
            try:
                response = await self._requester.send(
                    method,
                    route,
                    path_params=path_params,
                    json=json,
                    allow_non_idempotent_retry=False,
                )
                info = parse_rate_limit(response.headers)
                return response
            except APIError as exc:
                status, info = exc.status, parse_rate_limit(exc.headers)
                if not isinstance(exc, RateLimitError) or attempt == _MAX_RATE_LIMITED:
                    raise
                if full_rate_limit(info) is None:
                    self._pacer.cool_down(exc.retry_after)
            finally:
                self._pacer.finished(kind, sent, info, status=status)
