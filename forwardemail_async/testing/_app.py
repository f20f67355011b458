"""The aiohttp application: one catch-all handler that runs the server's middleware chain.

Order, as in ``@ladjs/api`` and the v1 router: record the request, apply faults, then the
global rate limiter, the trailing-slash redirect, i18n, the body parser, routing (404),
``DELETE`` protection and finally the route's own guards and handler.  Errors become Boom
payloads on the way out; rate-limit headers survive errors.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import time
import uuid
from typing import Any, Protocol

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

from . import (
    _account,
    _aliases,
    _calendar_events,
    _calendars,
    _catch_all,
    _contacts,
    _domain_lists,
    _domains,
    _emails,
    _folders,
    _logs_encrypt,
    _messages,
    _observatory,
    _push_tokens,
    _sieve,
    _teams,
)
from . import _phrases as phrases
from ._boom import INTERNAL_MESSAGE, BoomError, EarlyResponseError, render_error, text_response
from ._context import Ctx, RecordedRequest, Router, Settings, basic_credentials
from ._faults import Faults, run_with_faults
from ._qs import parse_koa_query, qs_parse
from ._ratelimit import GLOBAL_IGNORED_PATHS, RateLimiter
from ._store import Store
from ._text import WEB_URL

__all__ = ["Served", "build_app"]

logger = logging.getLogger("forwardemail_async.testing")

ROUTES = [
    *_domains.ROUTES,
    *_aliases.ROUTES,
    *_teams.ROUTES,
    *_catch_all.ROUTES,
    *_account.ROUTES,
    *_logs_encrypt.ROUTES,
    *_emails.ROUTES,
    *_contacts.ROUTES,
    *_calendars.ROUTES,
    *_calendar_events.ROUTES,
    *_folders.ROUTES,
    *_messages.ROUTES,
    *_sieve.ROUTES,
    *_domain_lists.ROUTES,
    *_push_tokens.ROUTES,
    *_observatory.ROUTES,
]

# koa-bodyparser: its JSON media types and its size limits (1 MB JSON, 56 KB forms).
_JSON_TYPES = frozenset(
    {
        "application/json",
        "application/json-patch+json",
        "application/vnd.api+json",
        "application/csp-report",
        "application/scim+json",
    }
)
_FORM_TYPE = "application/x-www-form-urlencoded"
_JSON_LIMIT = 1024 * 1024
_FORM_LIMIT = 56 * 1024
# POST /v1/emails mounts its own parser: JSON and forms up to 51 MB.
_EMAILS_LIMIT = 51 * 1024 * 1024
# Large enough for the 51 MB bodies of /v1/emails.
_MAX_BODY = 52 * 1024 * 1024


class Served(Settings, Protocol):
    """The settings the pipeline reads besides the handlers': the faults to inject, and the
    list every received request is recorded in."""

    faults: Faults
    requests: list[RecordedRequest]


def build_app(fake: Served, store: Store, limiter: RateLimiter, seed: int) -> web.Application:
    """An application serving ``store`` under ``fake``'s settings; ``seed`` makes random
    faults and request ids reproducible."""
    pipeline = _Pipeline(fake, store, limiter, seed)
    app = web.Application(client_max_size=_MAX_BODY)
    app.router.add_route("*", "/{path:.*}", pipeline.handle)
    app.on_shutdown.append(pipeline.release)
    app.on_response_prepare.append(pipeline.stamp_date)
    return app


class _Pipeline:
    def __init__(self, fake: Served, store: Store, limiter: RateLimiter, seed: int) -> None:
        self._fake, self._store, self._limiter = fake, store, limiter
        self._router = Router(ROUTES)
        self._fault_rng = random.Random(f"faults-{seed}")
        self._id_rng = random.Random(f"request-ids-{seed}")
        # Set on shutdown, so hanging requests end and the server can stop.  (An Event binds
        # to a loop only when first awaited, so creating it here is fine.)
        self._released = asyncio.Event()

    async def release(self, _app: web.Application) -> None:
        self._released.set()

    async def stamp_date(self, _request: web.Request, response: web.StreamResponse) -> None:
        """``Date`` from the fake's clock, as the real server's Date matches its Retry-After."""
        response.headers["Date"] = email.utils.formatdate(self._fake.clock(), usegmt=True)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        try:
            raw: bytes | None = await request.read()
        except web.HTTPRequestEntityTooLarge:
            raw = None
        record = RecordedRequest(
            method=request.method,
            path=request.path,
            raw_path=request.rel_url.raw_path,
            query=parse_koa_query(request.rel_url.raw_query_string),
            json_body=_lenient_body(request.content_type, raw, _body_limits(request)),
            raw_body=raw or b"",
            headers=CIMultiDictProxy(
                CIMultiDict(
                    (k, v) for k, v in request.headers.items() if k.lower() != "authorization"
                )
            ),
            time=self._fake.clock(),
        )
        self._fake.requests.append(record)

        async def serve() -> web.Response:
            return await self._serve(request, record, raw)

        return await run_with_faults(
            request,
            record,
            self._fake.faults,
            self._fault_rng,
            self._fake.clock,
            self._released,
            serve,
        )

    async def _serve(
        self, request: web.Request, record: RecordedRequest, raw: bytes | None
    ) -> web.Response:
        started = time.perf_counter()
        ctx = Ctx(self._fake, self._store, self._limiter, request, record, dict(record.query))
        try:
            response = await self._chain(ctx, raw)
        except EarlyResponseError as answer:
            response = answer.response
        except BoomError as error:
            response = render_error(error, request)
        except Exception:
            logger.exception("forwardemail_async fake server: unexpected error")
            response = render_error(BoomError(500), request)
        response.headers.update(ctx.headers)
        response.headers["X-Request-Id"] = request.headers.get("X-Request-Id") or str(
            uuid.UUID(int=self._id_rng.getrandbits(128), version=4)
        )
        response.headers["X-Response-Time"] = f"{(time.perf_counter() - started) * 1000:.3f}ms"
        response.headers["X-Robots-Tag"] = "none"
        if ctx.localized:
            response.headers["Content-Language"] = "en"
        return response

    async def _chain(self, ctx: Ctx, raw: bytes | None) -> web.Response:
        request = ctx.request
        self._global_limit(ctx)
        raw_path = request.rel_url.raw_path
        if len(raw_path) > 1 and raw_path.endswith("/"):
            query = request.rel_url.raw_query_string
            location = raw_path.rstrip("/") or "/"
            location += f"?{query}" if query else ""
            redirect = text_response(f"Redirecting to {location}.", 301)
            redirect.headers["Location"] = location
            raise EarlyResponseError(redirect)
        ctx.localized = True  # i18n has run: answers from here on carry Content-Language
        body = _parse_body(request.content_type, raw, _body_limits(request))
        ctx.body = body if isinstance(body, dict) else {}
        match = self._router.resolve(request.method, raw_path)
        if match is None:
            raise BoomError(404)
        route, ctx.params = match
        origin = request.headers.get("Origin", "")
        if request.method == "DELETE" and origin.startswith(WEB_URL):
            raise BoomError(400, phrases.DELETE_PROTECTED)
        return await route.handler(ctx)

    def _global_limit(self, ctx: Ctx) -> None:
        """The app-wide limiter, in front of everything but ``/v1/emails``."""
        request, limits = ctx.request, self._fake.rate_limits
        if request.path in GLOBAL_IGNORED_PATHS:
            return
        key = request.remote or "unknown"
        credentials = basic_credentials(request)
        if limits.global_key == "user" and credentials is not None:
            user = self._store.user_by_token(credentials[0])
            key = user.id if user is not None else key
        verdict = self._limiter.hit(
            "global",
            key,
            limit=limits.global_max,
            window=limits.global_window,
            now=self._fake.clock(),
            daily=False,
        )
        ctx.headers.update(verdict.headers)
        if verdict.blocked is not None:
            raise EarlyResponseError(verdict.blocked)


def _body_limits(request: web.Request) -> tuple[int, int]:
    """The JSON and form size limits of the parser that serves ``request``."""
    if request.method == "POST" and request.path == "/v1/emails":
        return _EMAILS_LIMIT, _EMAILS_LIMIT
    # POST /v1/messages and PUT /v1/messages/:id mount the same 51 MB parser.
    if request.method in ("POST", "PUT") and (
        request.path == "/v1/messages" or request.path.startswith("/v1/messages/")
    ):
        return _EMAILS_LIMIT, _EMAILS_LIMIT
    return _JSON_LIMIT, _FORM_LIMIT


def _parse_body(content_type: str, raw: bytes | None, limits: tuple[int, int]) -> Any:
    """koa-bodyparser (co-body): JSON and urlencoded bodies; anything else is ``{}``."""
    json_limit, form_limit = limits
    if raw is None:
        raise BoomError(413, phrases.BODY_TOO_LARGE)
    if content_type in _JSON_TYPES:
        if len(raw) > json_limit:
            raise BoomError(413, phrases.BODY_TOO_LARGE)
        text = raw.decode("utf-8", "replace").strip()
        if not text:
            return {}
        if text[0] not in "{[":
            raise BoomError(400, phrases.INVALID_JSON_TYPE)
        try:
            return json.loads(text, parse_constant=_reject_constant)
        except ValueError:
            # A SyntaxError: status 400, but production hides its message.
            raise BoomError(400, INTERNAL_MESSAGE) from None
    if content_type == _FORM_TYPE:
        if len(raw) > form_limit:
            raise BoomError(413, phrases.BODY_TOO_LARGE)
        return qs_parse(raw.decode("utf-8", "replace"))
    return {}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _lenient_body(content_type: str, raw: bytes | None, limits: tuple[int, int]) -> Any:
    """The body as the recording shows it: parsed when possible, else ``None``."""
    if not raw or (content_type not in _JSON_TYPES and content_type != _FORM_TYPE):
        return None
    try:
        return _parse_body(content_type, raw, limits)
    except BoomError:
        return None
