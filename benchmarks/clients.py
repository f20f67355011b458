"""The same two jobs, create aliases and read an alias list, written for each client compared.

* ``forwardemail_async``: this library, the way its README uses it.
* ``aiohttp``: the floor, a hand-written loop: ``session.post`` / ``resp.json()``, no models.
* ``aiohttp+orjson``: the same loop decoding with ``orjson`` (shown when it is installed,
  because this library uses it then: it separates "faster JSON" from "cheaper client").
* ``httpx``: ``httpx.AsyncClient`` with the same loop.
* ``requests``: a ``requests.Session`` per thread in a thread pool, as the API docs suggest.

Every async client runs creates as ``concurrency`` workers taking turns on one counter, so
they all schedule the same number of tasks; lists are read page by page in order (the library
can also fetch ``concurrency`` pages at a time).
"""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from .payloads import CREATE_BODY

__all__ = ["CLIENTS", "BenchClient", "available_clients"]

API_KEY = "bench-api-key"
_PAGE_QUERY = "page"


class BenchClient(Protocol):
    """One client under test, bound to the server's base URL."""

    name: str

    async def create(self, domain: str, count: int, concurrency: int) -> int:
        """Create ``count`` aliases with ``concurrency`` in flight; return how many succeeded."""

    async def list(self, domain: str, page_size: int, concurrency: int) -> int:
        """Read every alias of ``domain``; return how many items were seen."""

    async def close(self) -> None:
        """Release connections."""


async def _workers(count: int, concurrency: int, one: Callable[[], Awaitable[None]]) -> int:
    """Run ``one`` ``count`` times from ``concurrency`` workers; return ``count``."""
    left = count

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await one()

    await asyncio.gather(*(worker() for _ in range(min(concurrency, count))))
    return count


def _aliases_url(base_url: str, domain: str) -> str:
    return f"{base_url}/v1/domains/{domain}/aliases"


class LibraryClient:
    """This library: ``client.aliases.create`` and ``async for alias in client.aliases.list``."""

    name = "forwardemail_async"

    def __init__(self, base_url: str, concurrency: int) -> None:
        import forwardemail_async as fe

        self._client = fe.ForwardEmail(
            api_key=API_KEY, base_url=base_url, max_concurrency=max(concurrency, 10)
        )

    async def create(self, domain: str, count: int, concurrency: int) -> int:
        aliases = self._client.aliases

        async def one() -> None:
            await aliases.create(
                domain,
                name=CREATE_BODY["name"],
                recipients=CREATE_BODY["recipients"],
                description=CREATE_BODY["description"],
                labels=CREATE_BODY["labels"],
            )

        return await _workers(count, concurrency, one)

    async def list(self, domain: str, page_size: int, concurrency: int) -> int:
        seen = 0
        async for _alias in self._client.aliases.list(
            domain, limit=page_size, concurrency=concurrency
        ):
            seen += 1
        return seen

    async def close(self) -> None:
        await self._client.close()


class AiohttpClient:
    """The floor: one ``aiohttp.ClientSession``, ``resp.json()`` and nothing else."""

    name = "aiohttp"

    def __init__(self, base_url: str, concurrency: int) -> None:
        import aiohttp

        self._base_url = base_url
        # The header is built once, as this library does (aiohttp.BasicAuth is deprecated).
        token = base64.b64encode(f"{API_KEY}:".encode()).decode()
        self._session = aiohttp.ClientSession(
            headers={"Authorization": f"Basic {token}"},
            connector=aiohttp.TCPConnector(limit=max(100, concurrency)),
        )
        self._loads: Callable[[str], Any] | None = None

    async def _json(self, response: Any) -> Any:
        if self._loads is None:
            return await response.json()
        return await response.json(loads=self._loads)

    async def create(self, domain: str, count: int, concurrency: int) -> int:
        url = _aliases_url(self._base_url, domain)

        async def one() -> None:
            async with self._session.post(url, json=CREATE_BODY) as response:
                response.raise_for_status()
                await self._json(response)

        return await _workers(count, concurrency, one)

    async def list(self, domain: str, page_size: int, concurrency: int) -> int:
        url = _aliases_url(self._base_url, domain)
        seen, page, page_count = 0, 1, 1
        while page <= page_count:
            params = {_PAGE_QUERY: str(page), "limit": str(page_size)}
            async with self._session.get(url, params=params) as response:
                response.raise_for_status()
                for _item in await self._json(response):
                    seen += 1
                page_count = int(response.headers["X-Page-Count"])
            page += 1
        return seen

    async def close(self) -> None:
        await self._session.close()


class AiohttpOrjsonClient(AiohttpClient):
    """The raw aiohttp loop, decoding with ``orjson.loads``."""

    name = "aiohttp+orjson"

    def __init__(self, base_url: str, concurrency: int) -> None:
        import orjson

        super().__init__(base_url, concurrency)
        self._loads = orjson.loads


class HttpxClient:
    """``httpx.AsyncClient`` with the same loop as the raw aiohttp one."""

    name = "httpx"

    def __init__(self, base_url: str, concurrency: int) -> None:
        import httpx

        limit = max(100, concurrency)
        self._base_url = base_url
        self._client = httpx.AsyncClient(
            auth=(API_KEY, ""),
            limits=httpx.Limits(max_connections=limit, max_keepalive_connections=limit),
        )

    async def create(self, domain: str, count: int, concurrency: int) -> int:
        url = _aliases_url(self._base_url, domain)

        async def one() -> None:
            response = await self._client.post(url, json=CREATE_BODY)
            response.raise_for_status()
            response.json()

        return await _workers(count, concurrency, one)

    async def list(self, domain: str, page_size: int, concurrency: int) -> int:
        url = _aliases_url(self._base_url, domain)
        seen, page, page_count = 0, 1, 1
        while page <= page_count:
            params = {_PAGE_QUERY: str(page), "limit": str(page_size)}
            response = await self._client.get(url, params=params)
            response.raise_for_status()
            for _item in response.json():
                seen += 1
            page_count = int(response.headers["X-Page-Count"])
            page += 1
        return seen

    async def close(self) -> None:
        await self._client.aclose()


class RequestsClient:
    """``requests`` with one session per thread; creates go through a pool of
    ``concurrency`` threads (the client's ``concurrency`` is the pool size)."""

    name = "requests"

    def __init__(self, base_url: str, concurrency: int) -> None:
        self._base_url = base_url
        self._pool = ThreadPoolExecutor(max_workers=concurrency)
        self._local = threading.local()
        self._sessions: list[Any] = []
        self._lock = threading.Lock()

    def _session(self) -> Any:
        session = getattr(self._local, "session", None)
        if session is None:
            import requests

            session = self._local.session = requests.Session()
            session.auth = (API_KEY, "")
            with self._lock:
                self._sessions.append(session)
        return session

    def _create_one(self, url: str) -> None:
        response = self._session().post(url, json=CREATE_BODY)
        response.raise_for_status()
        response.json()

    def _create_all(self, url: str, count: int) -> int:
        for _ in self._pool.map(self._create_one, [url] * count):
            pass
        return count

    async def create(self, domain: str, count: int, concurrency: int) -> int:
        url = _aliases_url(self._base_url, domain)
        return await asyncio.to_thread(self._create_all, url, count)

    def _list_all(self, url: str, page_size: int) -> int:
        session = self._session()
        seen, page, page_count = 0, 1, 1
        while page <= page_count:
            params = {_PAGE_QUERY: str(page), "limit": str(page_size)}
            response = session.get(url, params=params)
            response.raise_for_status()
            for _item in response.json():
                seen += 1
            page_count = int(response.headers["X-Page-Count"])
            page += 1
        return seen

    async def list(self, domain: str, page_size: int, concurrency: int) -> int:
        url = _aliases_url(self._base_url, domain)
        return await asyncio.to_thread(self._list_all, url, page_size)

    async def close(self) -> None:
        self._pool.shutdown()
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()


ClientFactory = Callable[[str, int], BenchClient]

CLIENTS: dict[str, tuple[ClientFactory, str]] = {
    "forwardemail_async": (LibraryClient, "forwardemail_async"),
    "aiohttp": (AiohttpClient, "aiohttp"),
    "aiohttp+orjson": (AiohttpOrjsonClient, "orjson"),
    "httpx": (HttpxClient, "httpx"),
    "requests": (RequestsClient, "requests"),
}
"""Each client by name: how to make it, and the module it needs installed."""


def available_clients() -> list[str]:
    """The clients whose libraries are installed, in table order."""
    return [name for name, (_, module) in CLIENTS.items() if importlib.util.find_spec(module)]
