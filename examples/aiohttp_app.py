"""An aiohttp.web backend that lists a domain's aliases, with one ForwardEmail client per app.

The client is made in a cleanup context: created when the app starts, in the server's event
loop, shared by every request (one connection pool, one concurrency gate, one rate-limit
pause), and closed when the app shuts down.

Run it (``pip install forwardemail-async``)::

    FORWARD_EMAIL_API_KEY=... python examples/aiohttp_app.py
    curl 'http://127.0.0.1:8080/domains/example.com/aliases?limit=10'
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from aiohttp import web
from aiohttp.typedefs import Handler

import forwardemail_async as fe

CLIENT = web.AppKey("forward_email", fe.ForwardEmail)


def create_app(
    api_key: str | None = None, *, base_url: str = "https://api.forwardemail.net"
) -> web.Application:
    """The app; ``api_key`` defaults to ``$FORWARD_EMAIL_API_KEY``."""

    async def forward_email_client(app: web.Application) -> AsyncIterator[None]:
        async with fe.ForwardEmail(api_key=api_key, base_url=base_url) as client:
            app[CLIENT] = client
            yield  # the app serves requests here; leaving the block closes the client

    app = web.Application(middlewares=[api_errors])
    app.cleanup_ctx.append(forward_email_client)
    app.router.add_get("/domains/{domain}/aliases", list_aliases)
    return app


async def list_aliases(request: web.Request) -> web.Response:
    """One page of the domain's aliases: ``?page=`` (from 1) and ``?limit=`` (1 to 1000)."""
    page_number = _int_query(request, "page", default=1, low=1, high=1_000_000)
    limit = _int_query(request, "limit", default=50, low=1, high=1000)
    client = request.app[CLIENT]
    try:  # the client checks its arguments before sending anything
        listing = client.aliases.list(request.match_info["domain"], page=page_number, limit=limit)
    except ValueError as exc:
        raise _bad_request(str(exc)) from None
    page = await listing
    return web.json_response(
        {
            "page": page.page,
            "page_count": page.page_count,
            "item_count": page.item_count,
            "aliases": [
                {
                    "id": alias.id,
                    "name": alias.name,
                    "recipients": alias.recipients or [],
                    "is_enabled": alias.is_enabled,
                }
                for alias in page.items
            ],
        }
    )


@web.middleware
async def api_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The API's errors as this app's answers: a missing domain is a 404, a bad argument a
    400, an unreachable or failing API a 502 or 504, with the API's message."""
    try:
        return await handler(request)
    except (fe.NotFoundError, fe.BadRequestError) as exc:
        status = 404 if isinstance(exc, fe.NotFoundError) else 400
        return web.json_response({"error": exc.message}, status=status)
    except fe.APITimeoutError:
        return web.json_response({"error": "the Forward Email API timed out"}, status=504)
    except fe.ForwardEmailError as exc:
        return web.json_response({"error": f"Forward Email API: {exc}"}, status=502)


def _int_query(request: web.Request, name: str, *, default: int, low: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    if not raw.isdecimal() or not low <= int(raw) <= high:
        raise _bad_request(f"{name} must be a whole number from {low} to {high}")
    return int(raw)


def _bad_request(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": message}), content_type="application/json")


if __name__ == "__main__":
    web.run_app(create_app(), host="127.0.0.1", port=8080)
