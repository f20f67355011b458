"""Runs every Python block of README.md and docs/*.md in the test suite, in order and as
written, against the bundled fake server.

Each Markdown file is one sybil document with its own namespace and its own event loop: the
blocks of a page share their variables like the cells of a notebook, and ``await``,
``async for`` and ``async with`` work at the top level of a block. Before the first block a
:class:`FakeServer` is started in a thread of its own (so a block may also call
``asyncio.run()``) and ``FORWARD_EMAIL_API_KEY`` / ``FORWARD_EMAIL_BASE_URL`` point at it, so
``ForwardEmail()`` reaches the fake. Invisible blocks
(``<!-- invisible-code-block: python ... -->``) seed what a page needs through ``docs``, a
:class:`DocumentRun`. Blocks run in a scratch directory of their page, so the files they
write (``aliases.csv``, ``invoice.pdf``) land there. After the last block every client left
open is closed and the environment is restored.
``<!-- skip: next "requires the real API: ..." -->`` skips a block; ``tests/test_docs.py``
refuses any other reason to skip. The conventions for writers are in docs/contributing.md.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import os
import shutil
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Any

from sybil import Example, Sybil
from sybil.evaluators.python import pad
from sybil.parsers.markdown import CodeBlockParser, SkipParser

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeServer

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ("README.md", "docs/*.md")
_ENVIRONMENT = (fe.API_KEY_ENV, fe.BASE_URL_ENV)


class _ServerThread:
    """A :class:`FakeServer` served by an event loop in its own thread."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="docs fake server", daemon=True
        )
        self._thread.start()
        self.server: FakeServer = self._call(FakeServer().start())

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=300)

    def stop(self) -> None:
        try:
            self._call(self.server.stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()


class DocumentRun:
    """One page's event loop, the fake server its blocks talk to, and what to stop after."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._stack = contextlib.AsyncExitStack()
        self._saved_environment = {name: os.environ.get(name) for name in _ENVIRONMENT}
        self.directory = tempfile.mkdtemp(prefix="forwardemail-docs-")
        self._clients: list[fe.ForwardEmail] = []
        self._server_thread = _ServerThread()
        self.server = self._server_thread.server
        self.fake = self.server.fake
        self.user = self.fake.users[0]
        os.environ[fe.API_KEY_ENV] = self.server.api_key
        os.environ[fe.BASE_URL_ENV] = self.server.url

    async def serve(self, fake: FakeForwardEmail) -> FakeServer:
        """Start a fake server for ``fake`` that stays up until the page's last block ran."""
        return await self._stack.enter_async_context(FakeServer(fake))

    async def client_for(self, server: FakeServer, api_key: str) -> fe.ForwardEmail:
        """A client of ``server`` that is closed after the page's last block."""
        return await self._stack.enter_async_context(
            fe.ForwardEmail(api_key=api_key, base_url=server.url)
        )

    def run(self, awaitable: Any) -> Any:
        return self.loop.run_until_complete(awaitable)

    def remember_clients(self, namespace: dict[str, Any]) -> None:
        """Keep every client a block bound to a name, so a later block that rebinds the name
        cannot orphan it before :meth:`close`."""
        for value in namespace.values():
            if isinstance(value, fe.ForwardEmail) and all(value is not c for c in self._clients):
                self._clients.append(value)

    def close(self) -> None:
        """Close the clients the blocks left open, stop the servers, restore the environment."""
        try:
            for client in self._clients:
                self.run(client.close())
            self.run(self._stack.aclose())
            self.run(self.loop.shutdown_asyncgens())
        finally:
            self.loop.close()
            self._server_thread.stop()
            shutil.rmtree(self.directory)
            for name, value in self._saved_environment.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def evaluate(example: Example) -> None:
    """Run one block in its page's namespace, awaiting it in the page's loop if it awaits."""
    source = pad(example.parsed, example.line + example.parsed.line_offset)
    code = compile(
        source, example.path, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True
    )
    run: DocumentRun = example.namespace["docs"]
    saved_directory = os.getcwd()
    os.chdir(run.directory)
    # A client a block drops unclosed warns when it is freed; caught here, that is a plain
    # failure of this block instead of an unraisable warning pytest reports later.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        try:
            result = eval(code, example.namespace)
            if inspect.iscoroutine(result):
                run.run(result)
        finally:
            os.chdir(saved_directory)
            run.remember_clients(example.namespace)
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    if leaks:
        raise AssertionError(
            "a block left something open; close the clients it makes (async with, or await "
            f"client.close()): {leaks}"
        )
    for warning in caught:
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)


def _setup(namespace: dict[str, Any]) -> None:
    namespace["docs"] = DocumentRun()


def _teardown(namespace: dict[str, Any]) -> None:
    namespace["docs"].close()


documents = Sybil(
    parsers=[CodeBlockParser(language="python", evaluator=evaluate), SkipParser()],
    patterns=list(DOCUMENTS),
    excludes=["*/README.md"],  # "README.md" would match at any depth (benchmarks/, .venv)
    path=str(ROOT),
    setup=_setup,
    teardown=_teardown,
)
