"""A webhook receiver on 127.0.0.1 for the tests: the library's aiohttp handlers, recording."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from aiohttp import web

from forwardemail_async import webhooks


class Receiver:
    """What reached the handlers, and the base URL they listen on."""

    def __init__(self) -> None:
        self.emails: list[webhooks.InboundEmail] = []
        self.bounces: list[webhooks.BounceEvent] = []
        self.url = ""
        self.fail_with: BaseException | None = None

    async def on_email(self, email: webhooks.InboundEmail) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.emails.append(email)

    async def on_bounce(self, event: webhooks.BounceEvent) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.bounces.append(event)


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Run ``app`` on a free port of 127.0.0.1; yields its base URL."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def receiver(
    keys: webhooks.WebhookKeys | None,
    *,
    allow_unsigned: bool = False,
    max_size: int = webhooks.DEFAULT_MAX_SIZE,
    extra_routes: dict[str, Callable[[web.Request], Awaitable[web.StreamResponse]]] | None = None,
) -> AsyncIterator[Receiver]:
    """A receiver with ``/inbound`` and ``/bounce`` (the latter only when keys are given)."""
    found = Receiver()
    app = web.Application()
    app.router.add_post(
        "/inbound",
        webhooks.inbound_handler(
            found.on_email, keys=keys, allow_unsigned=allow_unsigned, max_size=max_size
        ),
    )
    if keys is not None:
        app.router.add_post(
            "/bounce", webhooks.bounce_handler(found.on_bounce, keys=keys, max_size=max_size)
        )
    for path, handler in (extra_routes or {}).items():
        app.router.add_post(path, handler)
    async with serve(app) as url:
        found.url = url
        yield found


def status_route(status: int) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A handler answering ``status`` to everything."""

    async def handle(request: web.Request) -> web.StreamResponse:
        await request.read()
        if 300 <= status < 400:
            raise web.HTTPFound("/inbound")
        return web.Response(status=status)

    return handle


class Hang:
    """A handler that never answers until released (to exercise timeouts)."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.calls = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.calls += 1
        await self.release.wait()
        return web.Response()


class VirtualTimer:
    """A timer for ``fake.webhooks.timer``: every timeout expires at once, and is recorded."""

    def __init__(self) -> None:
        self.timeouts: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.timeouts.append(seconds)
