"""Per-request plumbing shared by every route module: the recorded request, the request
context handed to handlers, API-token authentication and a small router.

A route module is a list of :class:`Route` objects whose handlers take a :class:`Ctx`; new
resource families (emails, account, alias-authenticated contacts…) plug in the same way.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Literal, NoReturn, Protocol, TypeVar
from urllib.parse import unquote

import attrs
from aiohttp import web
from multidict import CIMultiDictProxy

from . import _phrases as phrases
from ._boom import BoomError, EarlyResponseError
from ._pagination import PageRequest, pagination_headers
from ._ratelimit import RateLimiter, RateLimits
from ._state import FakeAlias, FakeUser
from ._store import Store
from ._webhooks import FakeWebhooks

__all__ = [
    "ALIAS_REALM",
    "Ctx",
    "RecordedRequest",
    "Route",
    "Router",
    "Settings",
    "basic_credentials",
]

T = TypeVar("T")

# The challenge of every failed alias login.
ALIAS_REALM = 'Basic realm="forwardemail/api"'

# npm basic-auth: "Basic <token68>", then "user:pass" inside.
_BASIC = re.compile(r"^ *[Bb][Aa][Ss][Ii][Cc] +([A-Za-z0-9._~+/-]+=*) *$")
_PARAM = re.compile(r"\{(\w+)\}")


@attrs.define(eq=False)
class RecordedRequest:
    """One request as the fake received it, faulted ones included.

    ``json_body`` is the decoded JSON body (or the fields of an urlencoded form), ``None``
    without a body; ``headers`` excludes ``Authorization``.  ``user_id`` is set once the API
    token matched a user, and ``status`` once an answer was sent (it stays ``None`` for
    dropped, reset and hanging requests).
    """

    method: str
    path: str
    raw_path: str
    query: dict[str, str | list[str]]
    json_body: Any
    raw_body: bytes = attrs.field(repr=False)
    headers: CIMultiDictProxy[str] = attrs.field(repr=False)
    time: float
    user_id: str | None = None
    status: int | None = None


class Settings(Protocol):
    """What handlers read of the fake's settings (a :class:`FakeForwardEmail` is one); tests
    may change them while it serves. The data itself is in the :class:`Store`."""

    clock: Callable[[], float]
    rate_limits: RateLimits
    alias_update_shape: Literal["ids", "objects"]
    strip_page_headers: bool
    webhooks: FakeWebhooks


Handler = Callable[["Ctx"], Awaitable[web.Response]]


@attrs.frozen
class Route:
    """``method`` + a path pattern with ``{param}`` segments, e.g. ``/v1/domains/{domain_id}``."""

    method: str
    path: str
    handler: Handler


class Router:
    """Matches the *raw* path, then percent-decodes each parameter, as koa-router does.

    Matching before decoding is what lets an encoded ``/`` (``%2F``) live inside one segment,
    as in the regex alias name ``/^foo/``.
    """

    def __init__(self, routes: Iterable[Route]) -> None:
        self._routes = [(route, _compile(route.path)) for route in routes]

    def resolve(self, method: str, raw_path: str) -> tuple[Route, dict[str, str]] | None:
        """The route for ``method`` and ``raw_path`` (HEAD uses GET routes) and its params."""
        wanted = "GET" if method == "HEAD" else method
        for route, pattern in self._routes:
            match = pattern.match(raw_path)
            if match and route.method == wanted:
                return route, {k: _decode(v) for k, v in match.groupdict().items()}
        return None


def _compile(path: str) -> re.Pattern[str]:
    parts, position = [], 0
    for param in _PARAM.finditer(path):
        parts += [re.escape(path[position : param.start()]), f"(?P<{param.group(1)}>[^/]+)"]
        position = param.end()
    return re.compile("^" + "".join(parts) + re.escape(path[position:]) + "$")


def _decode(value: str) -> str:
    try:
        return unquote(value, errors="strict")
    except UnicodeDecodeError:
        return value  # koa-router's safeDecodeURIComponent keeps undecodable values


def basic_credentials(request: web.Request) -> tuple[str, str] | None:
    """The ``(username, password)`` of a Basic ``Authorization`` header, or ``None``."""
    match = _BASIC.match(request.headers.get("Authorization", ""))
    if match is None:
        return None
    try:
        decoded = base64.b64decode(match.group(1) + "==").decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None
    name, colon, password = decoded.partition(":")
    return (name, password) if colon else None


@attrs.define(eq=False)
class Ctx:
    """What a handler sees: the request, its parsed parts, the fake's settings and its store.

    ``headers`` collects headers that go on the answer whatever it is (the rate-limit headers
    survive errors, as on the server).
    """

    fake: Settings
    store: Store
    limiter: RateLimiter
    request: web.Request
    record: RecordedRequest
    query: dict[str, str | list[str]]
    body: dict[str, Any] = attrs.field(factory=dict)
    params: dict[str, str] = attrs.field(factory=dict)
    headers: dict[str, str] = attrs.field(factory=dict)
    localized: bool = False

    def api_token_user(self, *, verified_email: bool = True, check_ban: bool = True) -> FakeUser:
        """``ensureApiToken`` + ``checkVerifiedEmail`` + ``ensureNotBanned`` (contract §1.2a).

        The observatory and push-token routes skip the ban check (and push tokens the
        verified-email one too), so each check after the token can be turned off.
        """
        credentials = basic_credentials(self.request)
        if credentials is None or not credentials[0]:
            raise BoomError(401, phrases.INVALID_API_CREDENTIALS)
        user = self.store.user_by_token(credentials[0])
        if user is None:
            raise BoomError(401, phrases.INVALID_API_TOKEN)
        self.record.user_id = user.id
        if verified_email and not user.verified:
            raise BoomError(401, phrases.EMAIL_VERIFICATION_REQUIRED)
        if check_ban and user.banned:
            raise BoomError(403, phrases.ACCOUNT_BANNED)
        return user

    def refuse_alias(self, message: str) -> NoReturn:
        """A failed alias login: 401 with ``WWW-Authenticate: Basic realm="forwardemail/api"``."""
        self.headers["WWW-Authenticate"] = ALIAS_REALM
        raise BoomError(401, message)

    def alias_auth(self) -> FakeAlias:
        """``aliasAuth`` (contract §1.2b): the alias address and one of its generated passwords.

        Failures go through :meth:`refuse_alias`.
        """
        credentials = basic_credentials(self.request)
        if credentials is None or not credentials[0] or not credentials[1]:
            self.refuse_alias(phrases.BASIC_AUTH_REQUIRED)
        alias = self.store.alias_by_address(credentials[0])
        if alias is None or credentials[1] not in alias.passwords:
            self.refuse_alias(phrases.AUTHENTICATION_FAILED)
        self.record.user_id = alias.user.id
        return alias

    def token_or_alias_auth(
        self, *, verified_email: bool = True, check_ban: bool = True
    ) -> FakeUser | FakeAlias:
        """``ensureApiTokenOrAliasAuth``: an empty password means an API token, else an alias.

        The flags go to :meth:`api_token_user`.
        """
        credentials = basic_credentials(self.request)
        if credentials is None or not credentials[0]:
            raise BoomError(401, phrases.AUTHENTICATION_REQUIRED)
        if credentials[1]:
            return self.alias_auth()
        return self.api_token_user(verified_email=verified_email, check_ban=check_ban)

    def limit_route(self, name: str, limit: int, key: str) -> None:
        """A per-route daily limiter (helpers/rate-limit.js), keyed by ``key`` (a user id, or
        the client IP on the public routes).

        Its headers replace the global limiter's, as the later middleware on the server does.
        """
        verdict = self.limiter.hit(
            f"route {name}",
            key,
            limit=limit,
            window=self.fake.rate_limits.route_window,
            now=self.fake.clock(),
            daily=True,
        )
        self.headers.update(verdict.headers)
        if verdict.blocked is not None:
            raise EarlyResponseError(verdict.blocked)

    def take_page(
        self, items: Sequence[T], page: PageRequest, *, zero_limit_takes_all: bool
    ) -> list[T]:
        """This ``page`` of ``items``, with the pagination headers set for it."""
        shown = page.take(items, zero_limit_takes_all=zero_limit_takes_all)
        self.paginate(page, size=len(shown), item_count=len(items))
        return shown

    def paginate(self, page: PageRequest, *, size: int, item_count: int) -> None:
        """Add the pagination headers (unless the fake was told to strip them)."""
        if not self.fake.strip_page_headers:
            self.headers.update(
                pagination_headers(self.request, page, size=size, item_count=item_count)
            )
