"""Fault injection: what goes wrong between a client and the API, on demand.

Random faults fire with the configured probabilities from a seeded RNG (the same seed gives
the same sequence); scripted faults fire, in order, on the next matching requests.  Drops and
resets really close the socket, hangs hold the request until the client gives up or the
server shuts down.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import math
import random
import socket
import struct
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any, Literal, TypeAlias, get_args

import attrs
from aiohttp import web

from ._boom import INTERNAL_MESSAGE, JSON_TYPE, json_response, reason_phrase, text_response
from ._context import RecordedRequest

__all__ = ["FaultKind", "Faults", "ScriptedFault", "run_with_faults"]

FaultKind: TypeAlias = Literal[
    "503",
    "500",
    "502_html",
    "504_empty",
    "reset",
    "commit_then_drop",
    "hang",
    "stall_body",
    "cut_body",
    "slow",
    "truncated_json",
    "wrong_content_type",
    "429",
    "redirect_301",
    "response",
]
RetryAfter: TypeAlias = Literal["epoch", "seconds", "http-date", "none", "huge"]

_OPTIONS: dict[str, frozenset[str]] = {
    "503": frozenset({"message"}),
    "429": frozenset({"retry_after", "delay"}),
    "redirect_301": frozenset({"location"}),
    "response": frozenset({"status", "body", "headers", "content_type"}),
}
_MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_BAD_GATEWAY_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_HUGE_RETRY_AFTER = 365 * 86_400
_POLL_SECONDS = 0.05


@attrs.define
class ScriptedFault:
    """A fault queued by :meth:`Faults.script`; ``remaining`` counts down as it fires."""

    kind: FaultKind
    remaining: int
    method: str | None
    path: str | None
    options: dict[str, Any]
    header: tuple[str, str] | None = None

    def matches(self, method: str, path: str, headers: Mapping[str, str]) -> bool:
        """Whether this fault applies to a request."""
        return (
            (self.method is None or self.method.upper() == method)
            and (self.path is None or path.startswith(self.path))
            and (self.header is None or headers.get(self.header[0]) == self.header[1])
        )


@attrs.define
class Faults:
    """Fault settings; change them at any time, even while the server runs.

    The ``rate_*`` probabilities (0 to 1, checked in this order with one draw per request) and
    ``latency`` (seconds slept before each request) apply to requests whose method is in
    ``methods`` and whose path starts with ``path_prefix`` (``None`` means all).
    ``rate_commit_then_drop`` only hits POST, PUT, PATCH and DELETE. ``rate_truncated_json``
    and ``rate_cut_body`` cut the real answer's body (framing intact, or short of its
    ``Content-Length``); ``rate_slow`` answers after ``slow_seconds``. Every wait (latency,
    slow answers) goes through ``sleep``: pass a test clock's sleep to wait in virtual time.
    ``fired`` counts the faults that fired, by kind.
    """

    rate_503: float = 0.0
    rate_html_502: float = 0.0
    rate_reset: float = 0.0
    rate_commit_then_drop: float = 0.0
    rate_truncated_json: float = 0.0
    rate_cut_body: float = 0.0
    rate_slow: float = 0.0
    slow_seconds: float = 1.0
    latency: float = 0.0
    methods: Collection[str] | None = None
    path_prefix: str | None = None
    sleep: Callable[[float], Awaitable[object]] = attrs.field(default=asyncio.sleep, repr=False)
    fired: Counter[str] = attrs.field(factory=Counter, init=False, repr=False)
    _scripted: list[ScriptedFault] = attrs.field(factory=list, init=False, repr=False)

    def script(
        self,
        kind: FaultKind,
        *,
        count: int = 1,
        method: str | None = None,
        path: str | None = None,
        header: tuple[str, str] | None = None,
        **options: Any,
    ) -> ScriptedFault:
        """Make the next ``count`` requests matching ``method`` and path prefix ``path`` fail;
        with ``header=(name, value)`` only requests carrying that header value (say a call id
        the test sends with ``client.with_options(headers=...)``), so a fault hits exactly
        the call it was meant for even while many others run. Returns the queued fault,
        whose ``remaining`` tells whether it has fired.

        Kinds: ``"503"`` (JSON Boom body; option ``message``), ``"500"``, ``"502_html"``
        (a proxy's HTML page), ``"504_empty"``, ``"reset"`` (TCP reset before processing),
        ``"commit_then_drop"`` (the request is processed, then the connection closes
        unanswered), ``"hang"``, ``"stall_body"`` (headers and half the body, then
        nothing), ``"cut_body"`` (headers and half the body, then the connection closes),
        ``"slow"`` (the real answer after ``slow_seconds``), ``"truncated_json"`` and
        ``"wrong_content_type"`` (the real answer, cut short with its framing intact or
        labelled ``text/html``, as a 200), ``"429"`` (plain text; options
        ``retry_after`` = ``"epoch"`` | ``"seconds"`` | ``"http-date"`` | ``"none"`` |
        ``"huge"`` and ``delay`` seconds, default 30), ``"redirect_301"`` (option
        ``location``, default the request's own path) and ``"response"`` (options
        ``status``, ``body``, ``headers``, ``content_type``).
        """
        if kind not in get_args(FaultKind):
            raise ValueError(f"unknown fault kind {kind!r}")
        unknown = set(options) - _OPTIONS.get(kind, frozenset())
        if unknown:
            raise TypeError(f"fault {kind!r} takes no option(s) {sorted(unknown)}")
        if options.get("retry_after", "epoch") not in get_args(RetryAfter):
            raise ValueError(f"retry_after must be one of {get_args(RetryAfter)}")
        if kind == "response" and "status" not in options:
            raise TypeError("fault 'response' needs a status")
        if count < 1:
            raise ValueError("count must be at least 1")
        if header is not None and not (
            isinstance(header, tuple)
            and len(header) == 2
            and all(isinstance(part, str) for part in header)
        ):
            raise TypeError("header must be a (name, value) tuple of strings")
        fault = ScriptedFault(kind, count, method, path, dict(options), header)
        self._scripted.append(fault)
        return fault

    def clear(self) -> None:
        """Drop every scripted fault that has not fired yet."""
        self._scripted.clear()

    @property
    def pending(self) -> int:
        """How many scripted faults are still to fire."""
        return sum(fault.remaining for fault in self._scripted)

    def _take_scripted(
        self, method: str, path: str, headers: Mapping[str, str]
    ) -> ScriptedFault | None:
        for fault in self._scripted:
            if fault.matches(method, path, headers):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._scripted.remove(fault)
                return fault
        return None

    def _applies(self, method: str, path: str) -> bool:
        methods = None if self.methods is None else {m.upper() for m in self.methods}
        return (methods is None or method in methods) and (
            self.path_prefix is None or path.startswith(self.path_prefix)
        )

    def _draw(self, method: str, rng: random.Random) -> FaultKind | None:
        rates: tuple[tuple[FaultKind, float], ...] = (
            ("503", self.rate_503),
            ("502_html", self.rate_html_502),
            ("reset", self.rate_reset),
            ("commit_then_drop", self.rate_commit_then_drop if method in _MUTATING else 0.0),
            ("truncated_json", self.rate_truncated_json),
            ("cut_body", self.rate_cut_body),
            ("slow", self.rate_slow),
        )
        if not any(rate > 0 for _, rate in rates):
            return None
        draw, total = rng.random(), 0.0
        for kind, rate in rates:
            total += rate
            if draw < total:
                return kind
        return None


Serve = Callable[[], Awaitable[web.Response]]


async def run_with_faults(
    request: web.Request,
    record: RecordedRequest,
    faults: Faults,
    rng: random.Random,
    clock: Callable[[], float],
    released: asyncio.Event,
    serve: Serve,
) -> web.StreamResponse:
    """Answer ``request`` through ``serve`` unless a fault applies; ``record.status`` is set
    only when an answer was really sent.  ``released`` is set when the server shuts down."""
    method, path = request.method, request.path
    applies = faults._applies(method, path)
    if applies and faults.latency > 0:
        await faults.sleep(faults.latency)
    scripted = faults._take_scripted(method, path, request.headers)
    kind = scripted.kind if scripted else faults._draw(method, rng) if applies else None
    options = scripted.options if scripted else {}
    if kind is not None:
        faults.fired[kind] += 1
    if kind == "slow":
        await faults.sleep(faults.slow_seconds)
        kind = None
    if kind in ("reset", "commit_then_drop", "hang", "stall_body", "cut_body"):
        # Once the connection is gone aiohttp quietly drops whatever the handler returns.
        unanswered: web.StreamResponse = web.Response(status=499)
        if kind == "commit_then_drop":
            await serve()
        elif kind == "hang":
            await _wait_until_released(request, released)
        elif kind in ("stall_body", "cut_body"):
            unanswered = await _half_body(request, await serve())
            if kind == "stall_body":
                await _wait_until_released(request, released)
        _abort(request, reset=kind not in ("commit_then_drop", "cut_body"))
        return unanswered
    response = await _answer(kind, options, request, clock, serve)
    record.status = response.status
    return response


async def _answer(
    kind: FaultKind | None,
    options: dict[str, Any],
    request: web.Request,
    clock: Callable[[], float],
    serve: Serve,
) -> web.Response:
    if kind is None:
        return await serve()
    if kind == "503":
        message = options.get("message", reason_phrase(503))
        return json_response(
            {"statusCode": 503, "error": reason_phrase(503), "message": message}, 503
        )
    if kind == "500":
        return json_response(
            {"statusCode": 500, "error": reason_phrase(500), "message": INTERNAL_MESSAGE}, 500
        )
    if kind == "502_html":
        return web.Response(status=502, text=_BAD_GATEWAY_PAGE, content_type="text/html")
    if kind == "504_empty":
        return web.Response(status=504)
    if kind == "429":
        return _too_many_requests(options, clock())
    if kind == "redirect_301":
        location = options.get("location") or str(request.rel_url)
        response = text_response(f"Redirecting to {location}.", 301)
        response.headers["Location"] = location
        return response
    if kind == "response":
        return _custom(options)
    real = await serve()
    body = real.body if isinstance(real.body, bytes) else b""
    if kind == "truncated_json":
        body, content_type = body[: max(1, len(body) // 2)], JSON_TYPE
    else:
        content_type = "text/html; charset=utf-8"
    relabelled = web.Response(status=200, body=body)
    for name, value in real.headers.items():
        if name.lower() not in ("content-type", "content-length"):
            relabelled.headers.add(name, value)
    relabelled.headers["Content-Type"] = content_type
    return relabelled


def _too_many_requests(options: dict[str, Any], now: float) -> web.Response:
    delay = float(options.get("delay", 30))
    epoch = math.ceil(now + delay)
    forms = {
        "epoch": str(epoch),
        "seconds": str(math.ceil(delay)),
        "http-date": email.utils.formatdate(epoch, usegmt=True),
        "huge": str(_HUGE_RETRY_AFTER),
    }
    # Only Retry-After: with "none" the client gets no hint at all about when to retry.
    response = text_response("Rate limit exceeded, retry in a minute.", 429)
    retry_after = forms.get(options.get("retry_after", "epoch"))
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return response


def _custom(options: dict[str, Any]) -> web.Response:
    body = options.get("body", b"")
    content_type = options.get("content_type")
    if isinstance(body, str):
        body, content_type = body.encode(), content_type or "text/plain; charset=utf-8"
    elif not isinstance(body, bytes):
        body = json_response(body).body
        content_type = content_type or JSON_TYPE
    response = web.Response(status=int(options["status"]), body=body)
    response.headers.update(options.get("headers") or {})
    if content_type:
        response.headers["Content-Type"] = content_type
    return response


async def _wait_until_released(request: web.Request, released: asyncio.Event) -> None:
    """Wait until the server shuts down or the client goes away (polled: aiohttp does not
    cancel handlers when a client disconnects)."""
    while not released.is_set():
        transport = request.transport
        if transport is None or transport.is_closing():
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(released.wait(), _POLL_SECONDS)


async def _half_body(request: web.Request, real: web.Response) -> web.StreamResponse:
    """Send the headers of ``real`` (its full ``Content-Length`` included) and half its body."""
    body = real.body if isinstance(real.body, bytes) else b""
    cut = web.StreamResponse(status=real.status, headers=real.headers)
    cut.content_length = len(body)
    with contextlib.suppress(ConnectionError):
        await cut.prepare(request)
        await cut.write(body[: len(body) // 2])
    return cut


def _abort(request: web.Request, *, reset: bool) -> None:
    """Close the connection: a TCP RST (``reset``) or an orderly close without an answer."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if reset and sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    if reset:
        transport.abort()
    else:
        transport.close()
