"""A FastAPI backend that lists a domain's aliases, with one ForwardEmail client per app.

The client is made in the app's lifespan: created when the server starts, in its event loop,
shared by every request (one connection pool, one concurrency gate, one rate-limit pause),
and closed when the server shuts down. Endpoints reach it through a dependency.

Run it (``pip install forwardemail-async fastapi uvicorn``)::

    FORWARD_EMAIL_API_KEY=... uvicorn --app-dir examples fastapi_app:app
    curl 'http://127.0.0.1:8000/domains/example.com/aliases?limit=10'
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, TypedDict

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from pydantic import BaseModel

import forwardemail_async as fe


class State(TypedDict):
    """What the lifespan hands to every request (``request.state``)."""

    forward_email: fe.ForwardEmail


class AliasOut(BaseModel):
    id: str
    name: str
    recipients: list[str]
    is_enabled: bool | None


class AliasPage(BaseModel):
    page: int
    page_count: int | None
    item_count: int | None
    aliases: list[AliasOut]


def create_app(
    api_key: str | None = None, *, base_url: str = "https://api.forwardemail.net"
) -> FastAPI:
    """The app; ``api_key`` defaults to ``$FORWARD_EMAIL_API_KEY``."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[State]:
        async with fe.ForwardEmail(api_key=api_key, base_url=base_url) as client:
            yield {"forward_email": client}  # serving; leaving the block closes the client

    app = FastAPI(lifespan=lifespan)
    app.get("/domains/{domain}/aliases", response_model=AliasPage)(list_aliases)
    return app


def forward_email(request: Request) -> fe.ForwardEmail:
    """The app's client, as a dependency."""
    client: fe.ForwardEmail = request.state.forward_email
    return client


async def list_aliases(
    domain: str,
    client: Annotated[fe.ForwardEmail, Depends(forward_email)],
    page: Annotated[int, Query(ge=1)] = 1,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> AliasPage:
    """One page of the domain's aliases; the API's errors become this app's 4xx/5xx."""
    try:
        found = await client.aliases.list(domain, page=page, limit=limit)
    except ValueError as exc:  # the client refuses a bad argument before sending it
        raise HTTPException(400, str(exc)) from None
    except fe.NotFoundError as exc:
        raise HTTPException(404, exc.message) from None
    except fe.BadRequestError as exc:
        raise HTTPException(400, exc.message) from None
    except fe.APITimeoutError:
        raise HTTPException(504, "the Forward Email API timed out") from None
    except fe.ForwardEmailError as exc:
        raise HTTPException(502, f"Forward Email API: {exc}") from None
    return AliasPage(
        page=found.page,
        page_count=found.page_count,
        item_count=found.item_count,
        aliases=[
            AliasOut(
                id=alias.id,
                name=alias.name,
                recipients=alias.recipients or [],
                is_enabled=alias.is_enabled,
            )
            for alias in found.items
        ],
    )


app = create_app()
"""For ``uvicorn fastapi_app:app``: the client is made only when the server starts."""
