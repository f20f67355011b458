"""Creates that happen exactly once: a POST whose resource the server keeps unique by a key
reads the resource back by that key after an ambiguous failure (see :class:`ReadBack`).

Every such create (aliases by name, domains, calendars and events given their id, folders by
path, Sieve scripts by name, and every create of a bulk run) builds its read-back here, so the
rule is written once: absent, send again; present and ours (:func:`created_by_caller`), return
it; present and someone else's, the resource's "already exists" error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from forwardemail_async._decode.converter import structure

from .errors import APIError, NotFoundError
from .hooks import CallHooks, ReadBack, created_by_caller
from .requester import Requester
from .response import Response

__all__ = ["conflict", "create_once", "holds_values", "read_back_at", "read_back_by_key"]

T = TypeVar("T")
_new_tuple = tuple.__new__


def holds_values(found: object, body: Mapping[str, object]) -> bool:
    """Whether ``found`` holds each sent value it reports back under the same name (the
    plain comparison, for resources whose server stores scalars as sent)."""
    for field, sent in body.items():
        held = getattr(found, field, None)
        if held is not None and held != sent:
            return False
    return True


def conflict(
    cls: type[APIError], status: int, message: str, route: str
) -> Callable[[Response], APIError]:
    """The error a create raises when its key turns out to be someone else's: the one the
    server sends for a duplicate (``cls``, ``status`` and its ``message``)."""

    def build(_found: Response) -> APIError:
        return cls(message, status=status, method="POST", url=route)

    return build


def read_back_by_key(
    get: Callable[[], Awaitable[Response]],
    model: type[T],
    body: Mapping[str, object],
    *,
    conflict: Callable[[Response], BaseException],
    same_values: Callable[[T, Mapping[str, object]], bool] = holds_values,
    unknown: Callable[[BaseException], BaseException] | None = None,
) -> ReadBack:
    """The :class:`ReadBack` of a create that sent ``body``: ``get`` reads the resource by its
    key (a 404 means absent); ``same_values`` compares it with ``body`` as the server stores
    values, for a resource whose creation time cannot tell."""

    async def fetch() -> Response | None:
        try:
            return await get()
        except NotFoundError:
            return None

    def ours(response: Response, started: float) -> bool:
        found = structure(response.json(), model, what=f"{response.method} {response.route}")
        created: Any = getattr(found, "created_at", None)
        stamp = created if isinstance(created, datetime) else None
        return created_by_caller(stamp, started, lambda: same_values(found, body))

    if unknown is None:
        return ReadBack(fetch=fetch, ours=ours, conflict=conflict)
    return ReadBack(fetch=fetch, ours=ours, conflict=conflict, unknown=unknown)


def read_back_at(
    requester: Requester,
    route: str,
    path: Callable[[], Mapping[str, str]],
    model: type[T],
    body: Mapping[str, object],
    *,
    conflict: Callable[[Response], BaseException],
    same_values: Callable[[T, Mapping[str, object]], bool] = holds_values,
) -> ReadBack:
    """:func:`read_back_by_key` for a resource read with ``GET route``; ``path`` builds its
    path values only when read (a key the server would refuse then fails the read-back, and
    the failure that left the outcome open is raised, rather than refusing the create)."""

    def get() -> Awaitable[Response]:
        return requester.send("GET", route, path_params=path())

    return read_back_by_key(get, model, body, conflict=conflict, same_values=same_values)


async def create_once(
    requester: Requester,
    model: type[T],
    route: str,
    body: Mapping[str, object],
    read_back: ReadBack | Callable[[], ReadBack] | None,
    *,
    path_params: Mapping[str, str] | None = None,
) -> T:
    """POST ``body`` to ``route`` and structure the answer as ``model``; with a ``read_back``
    (or a function that builds it when needed; ``None``: reconciling is off, or the resource
    has no key) exactly once."""
    # Built straight from a tuple: a named tuple's own constructor is a Python function.
    hooks = None if read_back is None else _new_tuple(CallHooks, (None, read_back))
    answer = await requester.send_for_json(
        "POST", route, path_params=path_params, json=body, hooks=hooks
    )
    return structure(answer, model, what=f"POST {route}")
