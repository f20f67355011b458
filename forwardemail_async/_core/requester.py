"""What every service holds: the shared transport plus one identity and one set of options.

Services never talk to aiohttp; they describe a request (route template, segments, query,
JSON body) and get back a :class:`Response`, a model, or an :class:`AsyncPaginator`.
"""

from __future__ import annotations

from collections.abc import Coroutine, Mapping
from typing import Any, TypeVar

import attrs

from forwardemail_async._decode.converter import structure, structure_list

from .auth import BasicCredentials
from .errors import ResponseDecodeError
from .hooks import CallHooks
from .pagination import AsyncPaginator
from .params import check_headers
from .response import Response
from .routes import ListRoute
from .transport import RequestOptions, Transport

__all__ = ["Requester", "Service"]

T = TypeVar("T")


class Requester:
    """A transport bound to credentials and options; cheap to copy with other options."""

    __slots__ = ("auth", "options", "transport")

    def __init__(
        self, transport: Transport, auth: BasicCredentials | None, options: RequestOptions
    ) -> None:
        self.transport = transport
        self.auth = auth
        self.options = options

    def with_options(self, options: RequestOptions) -> Requester:
        """The same transport and identity with other options."""
        return Requester(self.transport, self.auth, options)

    def with_headers(self, headers: Mapping[str, str]) -> Requester:
        """The same, sending ``headers`` (checked) on top of the current ones."""
        merged = {**self.options.headers, **check_headers(headers)}
        return self.with_options(attrs.evolve(self.options, headers=merged))

    def __repr__(self) -> str:
        # Header values are left out: users put tokens in custom headers too.
        return (
            f"Requester(auth={self.auth!r}, timeout={self.options.timeout!r}, "
            f"retry={self.options.retry!r}, headers={sorted(self.options.headers)!r})"
        )

    def _credentials(self, method: str, route: str, authenticated: bool) -> BasicCredentials | None:
        """The credentials a request carries (none for a public route); refused when the
        route needs some and this requester has none."""
        if not authenticated:
            return None
        if self.auth is None:
            raise ValueError(
                f"{method} {route} needs credentials: pass api_key= to ForwardEmail "
                "(or set FORWARD_EMAIL_API_KEY)"
            )
        return self.auth

    async def send(
        self,
        method: str,
        route: str,
        *,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        json: object = None,
        authenticated: bool = True,
        allow_non_idempotent_retry: bool | None = None,
        hooks: CallHooks | None = None,
    ) -> Response:
        """Send a request with this requester's identity (or none for public routes);
        ``hooks`` plug pacing or a read-back into the transport's retry loop."""
        return await self.transport.request(
            method,
            route,
            options=self.options,
            auth=self._credentials(method, route, authenticated),
            path_params=path_params,
            query=query,
            json=json,
            allow_non_idempotent_retry=allow_non_idempotent_retry,
            hooks=hooks,
        )

    def send_for_json(
        self,
        method: str,
        route: str,
        *,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        json: object = None,
        authenticated: bool = True,
        allow_non_idempotent_retry: bool | None = None,
        hooks: CallHooks | None = None,
    ) -> Coroutine[Any, Any, Any]:
        """:meth:`send`, returning only the answer's decoded JSON (no :class:`Response` is
        built for it); a :class:`ResponseDecodeError` if the answer is not JSON. (A plain
        function handing back the transport's coroutine: one frame less on every resume;
        missing credentials are refused when it is called.)"""
        return self.transport.request_json(
            method,
            route,
            options=self.options,
            auth=self._credentials(method, route, authenticated),
            path_params=path_params,
            query=query,
            json=json,
            allow_non_idempotent_retry=allow_non_idempotent_retry,
            hooks=hooks,
        )

    async def model(
        self,
        cls: type[T],
        method: str,
        route: str,
        *,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        json: object = None,
        authenticated: bool = True,
        allow_non_idempotent_retry: bool | None = None,
    ) -> T:
        """Send a request and structure its JSON answer as ``cls``."""
        answer = await self.send_for_json(
            method,
            route,
            path_params=path_params,
            query=query,
            json=json,
            authenticated=authenticated,
            allow_non_idempotent_retry=allow_non_idempotent_retry,
        )
        return structure(answer, cls, what=f"{method} {route}")

    async def text(
        self,
        method: str,
        route: str,
        *,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        json: object = None,
    ) -> str:
        """Send a request to an endpoint that answers text, and return the text.

        The real server sends these as ``text/plain``; going by the Content-Type, a JSON
        answer is read too (a JSON string, or an object's ``message``), so a proxy or server
        version that wraps the text does not hand the caller raw JSON.
        """
        response = await self.send(method, route, path_params=path_params, query=query, json=json)
        content_type = response.content_type
        if content_type == "application/json" or content_type.endswith("+json"):
            data = response.json()
            if isinstance(data, dict):
                data = data.get("message")
            if isinstance(data, str):
                return data.strip()
            raise ResponseDecodeError(
                f"{method} {route}: expected a text answer, got JSON without a message",
                body=response.body,
            )
        return response.text().strip()

    def paginate(
        self,
        route: ListRoute[T],
        arguments: Mapping[str, object],
        *,
        path_params: Mapping[str, str] | None = None,
        limit: int | None,
        page: int,
        concurrency: int,
    ) -> AsyncPaginator[T]:
        """An :class:`AsyncPaginator` over a paginated list route.

        ``arguments`` are the list method's keyword arguments (its ``locals()``): the
        route's filters are read from them and checked now, before any page is requested.
        """
        return AsyncPaginator(
            self,
            route,
            path_params=path_params,
            query=route.query(arguments),
            limit=limit,
            start_page=page,
            concurrency=concurrency,
        )

    async def list_all(
        self,
        route: ListRoute[T],
        arguments: Mapping[str, object],
        *,
        path_params: Mapping[str, str] | None = None,
    ) -> list[T]:
        """Every item of a list route the server does not paginate, with the route's filters
        read from ``arguments`` as :meth:`paginate` does."""
        if route.paginated:
            raise ValueError(f"{route.path} is paginated: use paginate()")
        query = route.query(arguments)
        response = await self.send("GET", route.path, path_params=path_params, query=query)
        return structure_list(response.json(), route.model, what=route.what)


class Service:
    """Base of the resource services: each holds one :class:`Requester` and nothing else."""

    __slots__ = ("_requester",)

    def __init__(self, requester: Requester) -> None:
        self._requester = requester

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
