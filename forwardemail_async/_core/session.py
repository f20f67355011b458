"""The aiohttp session of one client, and the headers every request over it carries.

The session is the caller's own (never closed here), or one made on first use inside the
running event loop with the client's default headers. A client dropped while its own
session is open (a notebook cell that made a client, run again) closes that session on its
loop when it is garbage-collected, instead of leaving aiohttp to warn of a leak.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import platform
import weakref
from collections.abc import Mapping

import aiohttp

from forwardemail_async._version import __version__

from .auth import BasicCredentials
from .params import check_headers

__all__ = ["HttpSession"]

logger = logging.getLogger("forwardemail_async")

USER_AGENT = (
    f"forwardemail_async/{__version__} aiohttp/{aiohttp.__version__} "
    f"{platform.python_implementation()}/{platform.python_version()}"
)

# Prepared header sets kept at most (one per credentials and body or not): alias sessions come
# and go, each with credentials of its own.
_MAX_PREPARED = 64


class HttpSession:
    """Hands out the session for the running loop and the headers of each request."""

    def __init__(
        self,
        session: aiohttp.ClientSession | None,
        *,
        max_concurrency: int,
        accept_language: str | None,
    ) -> None:
        self.current = session
        self.owned = session is None
        self.closed = False
        self._max_connections = max(100, max_concurrency)
        self._loop: asyncio.AbstractEventLoop | None = None
        self.on_collect: weakref.finalize[..., HttpSession] | None = None
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if accept_language is not None:
            headers.update(check_headers({"Accept-Language": accept_language}))
        self._default_headers = headers
        # The headers of requests that add none of their own, by credentials and body.
        self._prepared: dict[tuple[BasicCredentials | None, bool], dict[str, str]] = {}

    def get(self) -> aiohttp.ClientSession:
        """The session to send on, made now if this is the first request."""
        if self.closed:
            raise RuntimeError("this ForwardEmail client is closed; create a new one")
        loop = asyncio.get_running_loop()
        if self.current is None:
            connector = aiohttp.TCPConnector(limit=self._max_connections)
            self.current = aiohttp.ClientSession(
                connector=connector, raise_for_status=False, headers=self._default_headers
            )
            self._loop = loop
            self.on_collect = weakref.finalize(self, _close_abandoned, self.current, loop)
            self.on_collect.atexit = False  # at exit the loop is gone; aiohttp's warning stands
        elif self.owned and self._loop is not loop:
            raise RuntimeError(
                "this ForwardEmail client was first used in another event loop; create one "
                "client per event loop (for example inside `async with` in your coroutine)"
            )
        return self.current

    def headers(
        self, auth: BasicCredentials | None, with_body: bool, extra: Mapping[str, str]
    ) -> Mapping[str, str]:
        """A request's headers: its credentials, its body's type and the call's own
        ``extra``. ``Accept`` and ``User-Agent`` are the defaults of the session when it is
        ours. Without ``extra``, one prepared mapping serves every such request (nothing
        after this changes a request's headers)."""
        if extra:
            headers = self._fresh(auth, with_body)
            headers.update(extra)
            return headers
        prepared = self._prepared.get((auth, with_body))
        if prepared is None:
            if len(self._prepared) >= _MAX_PREPARED:
                self._prepared.clear()
            prepared = self._prepared[auth, with_body] = self._fresh(auth, with_body)
        return prepared

    def _fresh(self, auth: BasicCredentials | None, with_body: bool) -> dict[str, str]:
        headers = {} if self.owned else dict(self._default_headers)
        if auth is not None:
            headers["Authorization"] = auth.header
        if with_body:
            headers["Content-Type"] = "application/json"
        return headers

    async def close(self) -> None:
        """Close the session if it is ours; safe to call more than once."""
        if self.closed:
            return
        self.closed = True
        if self.on_collect is not None:
            self.on_collect.detach()
        session, self.current = self.current, None
        if session is not None and self.owned and not session.closed:
            await session.close()


# Sessions being closed after their client was garbage-collected; the loop keeps only weak
# references to tasks, so a task nobody holds could vanish before it has closed anything.
_abandoned_closes: set[asyncio.Task[None]] = set()


def _close_abandoned(session: aiohttp.ClientSession, loop: asyncio.AbstractEventLoop) -> None:
    """Close the session of a garbage-collected client on its loop (from any thread).

    With the loop already closed there is nothing left to close it on, and aiohttp's own
    "Unclosed client session" warning rightly reports a client that was never closed.
    """
    if session.closed or loop.is_closed():
        return
    logger.debug("closing the session of a ForwardEmail client that was never closed")
    with contextlib.suppress(RuntimeError):  # the loop closed in the meantime
        loop.call_soon_threadsafe(_start_close, session, loop)


def _start_close(session: aiohttp.ClientSession, loop: asyncio.AbstractEventLoop) -> None:
    task = loop.create_task(session.close())
    _abandoned_closes.add(task)
    task.add_done_callback(_abandoned_closes.discard)
