"""A deliberately cheap HTTP/1.1 server with canned Forward Email answers, in its own process.

It speaks just enough HTTP for keep-alive clients (request line, ``Content-Length`` bodies, no
chunked uploads) on a bare :class:`asyncio.Protocol`, and every answer is prebuilt bytes, so a
request costs the server a few microseconds and the clients are what the benchmark measures.

Routes (anything else is a JSON 404):

* ``POST /v1/domains/{domain}/aliases``: the alias create answer.
* ``GET /v1/domains/{domain}/aliases?page=P&limit=L``: a page of listed aliases with the
  server's ``X-Page-*`` headers. The list's size and the latency of each page come from the
  domain's first label, ``n<items>-d<milliseconds>`` (see :func:`list_domain`), so one server
  serves every workload without any state.

Every answer carries ``X-RateLimit-*`` headers, as the real API's do. Run it with
``python -m benchmarks.server``: it prints its port, and stops when its standard input closes
(its parent exited) or after ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

from .payloads import create_answer, list_page

__all__ = ["BenchServer", "list_domain", "start_server"]

_ROOT = Path(__file__).resolve().parent.parent
_LIST_ROUTE = re.compile(r"/v1/domains/n(\d+)-d(\d+)\.[^/]+/aliases")
_CREATE_ROUTE = re.compile(r"/v1/domains/[^/]+/aliases")
_MAX_PAGE_SIZE = 1000
_NOT_FOUND = b'{"statusCode":404,"error":"Not Found","message":"Not Found"}'


def list_domain(items: int, delay_ms: int = 0) -> str:
    """The domain whose alias list has ``items`` aliases and answers each page after
    ``delay_ms`` milliseconds."""
    return f"n{items}-d{delay_ms}.bench.example"


def _answer(status: str, body: bytes, extra: str = "") -> bytes:
    reset = math.ceil(time.time()) + 3600
    head = (
        f"HTTP/1.1 {status}\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "X-RateLimit-Limit: 1000000\r\n"
        "X-RateLimit-Remaining: 999999\r\n"
        f"X-RateLimit-Reset: {reset}\r\n"
        f"{extra}\r\n"
    )
    return head.encode("latin-1") + body


class _Answers:
    """Prebuilt answers; list pages are cached by their number of items."""

    def __init__(self) -> None:
        self.create = _answer("200 OK", create_answer())
        self.not_found = _answer("404 Not Found", _NOT_FOUND)
        self._pages: dict[int, bytes] = {}

    def page(self, items: int, page: int, limit: int) -> bytes:
        page_count = max(1, math.ceil(items / limit))
        count = max(0, min(limit, items - (page - 1) * limit))
        body = self._pages.get(count)
        if body is None:
            body = self._pages[count] = list_page(count)
        headers = (
            f"X-Page-Count: {page_count}\r\nX-Page-Current: {page}\r\n"
            f"X-Page-Size: {max(count, 1)}\r\nX-Item-Count: {items}\r\n"
        )
        return _answer("200 OK", body, headers)


class _Connection(asyncio.Protocol):
    """One keep-alive connection: parse requests off the buffer, write canned answers."""

    def __init__(self, answers: _Answers) -> None:
        self._answers = answers
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buffer[:end]).decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if len(buffer) < end + 4 + length:
                return
            del buffer[: end + 4 + length]
            method, target = head.split(" ", 2)[:2]
            self._respond(method, target)

    def _respond(self, method: str, target: str) -> None:
        path, _, query = target.partition("?")
        delay = 0.0
        if method == "GET" and (match := _LIST_ROUTE.fullmatch(path)):
            params = dict(parse_qsl(query))
            limit = min(int(params.get("limit", _MAX_PAGE_SIZE)), _MAX_PAGE_SIZE)
            answer = self._answers.page(int(match[1]), int(params.get("page", 1)), limit)
            delay = int(match[2]) / 1000
        elif method == "POST" and _CREATE_ROUTE.fullmatch(path):
            answer = self._answers.create
        else:
            answer = self._answers.not_found
        if delay:
            asyncio.get_running_loop().call_later(delay, self._write, answer)
        else:
            self._write(answer)

    def _write(self, answer: bytes) -> None:
        if self._transport is not None:
            self._transport.write(answer)


class _EndOfInput(asyncio.Protocol):
    """Resolves a future when the pipe it reads closes."""

    def __init__(self, closed: asyncio.Future[None]) -> None:
        self._closed = closed

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._closed.done():
            self._closed.set_result(None)


async def _serve(port: int, max_seconds: float) -> None:
    loop = asyncio.get_running_loop()
    answers = _Answers()
    server = await loop.create_server(lambda: _Connection(answers), "127.0.0.1", port, backlog=1024)
    async with server:
        bound = server.sockets[0].getsockname()[1]
        print(bound, flush=True)
        # Standard input closes when the parent process exits: stop with it.
        stdin_closed: asyncio.Future[None] = loop.create_future()
        await loop.connect_read_pipe(lambda: _EndOfInput(stdin_closed), sys.stdin)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stdin_closed, max_seconds)


class BenchServer:
    """A running server process: its base URL and its process id (for its CPU time)."""

    def __init__(self, process: subprocess.Popen[bytes], port: int) -> None:
        self.process = process
        self.url = f"http://127.0.0.1:{port}"

    def cpu_seconds(self) -> float | None:
        """User + system CPU time the server process has used so far (Linux only)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks


@contextlib.contextmanager
def start_server(max_seconds: float = 900.0) -> Iterator[BenchServer]:
    """Start ``python -m benchmarks.server`` on a free port; stop it when the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.server", "--max-seconds", str(max_seconds)],
        cwd=_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.strip().isdigit():
            raise RuntimeError("the benchmark server did not start")
        yield BenchServer(process, int(line))
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def main() -> None:
    """Serve until standard input closes."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=900.0)
    args = parser.parse_args()
    asyncio.run(_serve(args.port, args.max_seconds))


if __name__ == "__main__":
    main()
