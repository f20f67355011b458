"""examples/aiohttp_app.py and examples/fastapi_app.py, end to end.

Each app is served on 127.0.0.1 (aiohttp's own runner; uvicorn for FastAPI) against the fake
server, answers concurrent HTTP requests, and is stopped. Its one client must be closed at
shutdown, and starting, serving and stopping must print no warning and log nothing at WARNING
or above (aiohttp's "Unclosed client session" included).
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import socket
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import aiohttp
import pytest
from aiohttp import web

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser

EXAMPLES = Path(__file__).parent.parent / "examples"
DOMAIN = "example.com"
REQUESTS = 24


def load_example(name: str) -> ModuleType:
    """Import ``examples/<name>.py`` (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(f"examples_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclass-like tools (pydantic) look the module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def aliases(fake: FakeForwardEmail, user: FakeUser) -> None:
    fake.add_domain(user, DOMAIN)
    fake.add_aliases(DOMAIN, 120)


@pytest.fixture
def quiet(caplog: pytest.LogCaptureFixture) -> Iterator[list[str]]:
    """Everything warned or logged at WARNING and above while the app runs and stops."""
    caplog.set_level(logging.WARNING)
    noise: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield noise
    noise += [str(warning.message) for warning in caught]
    noise += [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.WARNING]


async def fetch_pages(base: str) -> list[tuple[int, Any]]:
    """``REQUESTS`` requests at once: every page of 10, twice, an unknown domain, a bad limit."""
    paths = [f"/domains/{DOMAIN}/aliases?limit=10&page={page}" for page in range(1, 13)] * 2
    paths[-2] = "/domains/nowhere.example/aliases"
    paths[-1] = f"/domains/{DOMAIN}/aliases?limit=5000"
    async with aiohttp.ClientSession() as http:

        async def get(path: str) -> tuple[int, Any]:
            async with http.get(base + path) as response:
                return response.status, await response.json()

        return await asyncio.gather(*(get(path) for path in paths))


def check_answers(answers: list[tuple[int, Any]]) -> None:
    assert len(answers) == REQUESTS
    pages, missing, bad = answers[:-2], answers[-2], answers[-1]
    for index, (status, body) in enumerate(pages):
        assert status == 200, body
        page = index % 12 + 1
        assert body["page"] == page and body["page_count"] == 12 and body["item_count"] == 120
        names = [alias["name"] for alias in body["aliases"]]
        assert names == [f"alias{n:05}" for n in range(page * 10 - 9, page * 10 + 1)]
        assert all(alias["is_enabled"] is True for alias in body["aliases"])
    assert missing[0] == 404 and "not exist" in str(missing[1]).lower()
    assert bad[0] in (400, 422)  # aiohttp app: 400; FastAPI's validation: 422


def test_the_docs_page_shows_each_example_file_as_it_is() -> None:
    page = (EXAMPLES.parent / "docs" / "web-backends.md").read_text(encoding="utf-8")
    for name in ("aiohttp_app", "fastapi_app"):
        source = (EXAMPLES / f"{name}.py").read_text(encoding="utf-8")
        assert f"```python\n{source}```" in page, f"docs/web-backends.md: update {name}.py"


@pytest.mark.timeout(300)  # generous: a loaded machine is slow, not wrong
async def test_aiohttp_app_serves_concurrent_requests_and_closes_its_client(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, quiet: list[str]
) -> None:
    example = load_example("aiohttp_app")
    app: web.Application = example.create_app(user.api_token, base_url=server.url)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        client: fe.ForwardEmail = app[example.CLIENT]  # made at startup
        answers = await fetch_pages(f"http://{host}:{port}")
    finally:
        await runner.cleanup()
    check_answers(answers)
    assert client.closed
    assert len([r for r in fake.requests if r.path.endswith("/aliases")]) == REQUESTS - 1
    assert quiet == []


@pytest.mark.timeout(300)
async def test_fastapi_app_under_uvicorn_serves_concurrent_requests_and_closes_its_client(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, quiet: list[str]
) -> None:
    pytest.importorskip("fastapi")
    uvicorn = pytest.importorskip("uvicorn")
    example = load_example("fastapi_app")
    app = example.create_app(user.api_token, base_url=server.url)
    clients: list[fe.ForwardEmail] = []

    async def remember_client(request: Any, call_next: Any) -> Any:
        clients.append(request.state.forward_email)
        return await call_next(request)

    app.middleware("http")(remember_client)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, lifespan="on", log_config=None, log_level="warning")
    uvicorn_server = uvicorn.Server(config)
    serving = asyncio.ensure_future(uvicorn_server.serve(sockets=[listener]))
    try:
        await started(uvicorn_server, serving)
        answers = await fetch_pages(f"http://127.0.0.1:{port}")
    finally:
        uvicorn_server.should_exit = True
        await serving
        listener.close()
    check_answers(answers)
    assert len(clients) == REQUESTS and all(c is clients[0] for c in clients)  # one client
    assert clients[0].closed
    assert len([r for r in fake.requests if r.path.endswith("/aliases")]) == REQUESTS - 1
    assert quiet == []


async def started(server: Any, serving: asyncio.Future[None]) -> None:
    """Wait until uvicorn has run the lifespan startup and listens (or failed to)."""
    while not server.started:
        if serving.done():
            serving.result()  # raises what stopped it
            raise AssertionError("uvicorn stopped before it started")
        await asyncio.sleep(0.01)  # a wait, not a verdict: no deadline but pytest's timeout
