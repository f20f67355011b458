""":class:`FakeServer`: a :class:`FakeForwardEmail` served over real HTTP on a free port."""

from __future__ import annotations

from types import TracebackType

from aiohttp import web

from ._fake import FakeForwardEmail
from ._state import FakeUser

__all__ = ["FakeServer"]


class FakeServer:
    """A fake API served at :attr:`url`: an async context manager, or :meth:`start` and
    :meth:`stop` where one block cannot hold it (a notebook keeping it across cells).

    Without a ``fake`` it makes its own, with a verified paid user ``user@example.com`` whose
    token is :attr:`api_key`.  Leaving the context (or :meth:`stop`) stops the server;
    requests still hanging (fault ``"hang"``) are cut off so shutdown is immediate and clean.
    """

    def __init__(
        self, fake: FakeForwardEmail | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.user: FakeUser | None = None
        if fake is None:
            fake = FakeForwardEmail()
            self.user = fake.add_user(email="user@example.com")
        self.fake = fake
        self._host, self._port = host, port
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        """The base URL, like ``http://127.0.0.1:54321`` (no trailing slash)."""
        if self._url is None:
            raise RuntimeError(
                "the server is not running; use 'async with FakeServer()' or "
                "'await FakeServer().start()'"
            )
        return self._url

    @property
    def api_key(self) -> str:
        """The default user's API token (only when the server created its own fake)."""
        if self.user is None:
            raise RuntimeError("FakeServer was given a fake: use your own user's api_token")
        return self.user.api_token

    @property
    def running(self) -> bool:
        """Whether the server is listening (between :meth:`start` and :meth:`stop`)."""
        return self._runner is not None

    async def start(self) -> FakeServer:
        """Listen on ``host:port`` and return this server, so that
        ``server = await FakeServer().start()`` keeps one running until :meth:`stop`.

        A server runs once at a time: starting a running one raises :class:`RuntimeError`.
        """
        if self._runner is not None:
            raise RuntimeError(f"this FakeServer is already running at {self._url}")
        runner = web.AppRunner(self.fake.make_app(), access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self._host, self._port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self._url = f"http://{host}:{port}" if ":" not in host else f"http://[{host}]:{port}"
        return self

    async def stop(self) -> None:
        """Stop listening and cut off hanging requests; safe to call twice. The fake's state
        stays, and :meth:`start` serves it again (on a new port unless one was given)."""
        if self._runner is not None:
            runner, self._runner, self._url = self._runner, None, None
            await runner.cleanup()

    async def __aenter__(self) -> FakeServer:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
