"""``session.folders``: the alias's IMAP folders over the REST API.

The published docs also list ``POST /v1/folders/:id/copy``; the server has no such route
(it answers 404), so there is no ``copy`` method.
"""

from __future__ import annotations

from collections.abc import Awaitable

from forwardemail_async._core.errors import BadRequestError
from forwardemail_async._core.pagination import AsyncPaginator
from forwardemail_async._core.params import check_bool, required_str
from forwardemail_async._core.reconcile import conflict, create_once, read_back_by_key
from forwardemail_async._core.requester import Service
from forwardemail_async._core.response import Response
from forwardemail_async._core.routes import Filter, ListRoute
from forwardemail_async._core.urls import folder_segment
from forwardemail_async.models import Folder

__all__ = ["FoldersService"]

_MANY = "/v1/folders"
_ONE = "/v1/folders/{folder}"
LIST = ListRoute(
    path=_MANY,
    model=Folder,
    default_limit=25,
    max_limit=100,
    filters=(Filter("subscribed", check_bool),),
)


def _folder_path(value: object) -> str:
    """A folder path such as ``Archive/2024``; the server says which paths IMAP accepts."""
    return required_str(value, "path")


class FoldersService(Service):
    """Folders of the alias. ``folder`` takes a folder id or its path (``Archive/2024``)."""

    def list(
        self,
        *,
        subscribed: bool | None = None,
        limit: int | None = None,
        page: int = 1,
        concurrency: int = 1,
    ) -> AsyncPaginator[Folder]:
        """Every folder, sorted by path (25 per page unless ``limit``, at most 100).

        ``subscribed`` keeps only the (un)subscribed ones.
        """
        return self._requester.paginate(
            LIST, locals(), limit=limit, page=page, concurrency=concurrency
        )

    async def create(self, path: str) -> Folder:
        """Create a folder; nested paths (``Archive/2024``) use ``/`` as the separator.

        Exactly once: after an ambiguous failure the folder is read back by its path (see
        ``docs/reliability.md``; off with the client's ``reconcile_creates=False``)."""
        body = {"path": _folder_path(path)}
        requester = self._requester

        def get() -> Awaitable[Response]:  # a path the server refuses fails the read-back
            return requester.send("GET", _ONE, path_params=_path(body["path"]))

        taken = conflict(BadRequestError, 400, "Mailbox already exists", _MANY)
        read_back = read_back_by_key(get, Folder, body, conflict=taken)
        return await create_once(requester, Folder, _MANY, body, read_back)

    async def retrieve(self, folder: str) -> Folder:
        """One folder, by id or path."""
        return await self._requester.model(Folder, "GET", _ONE, path_params=_path(folder))

    async def update(self, folder: str, *, path: str) -> Folder:
        """Rename (or move) a folder to ``path``."""
        body = {"path": _folder_path(path)}
        return await self._requester.model(
            Folder, "PUT", _ONE, path_params=_path(folder), json=body
        )

    async def delete(self, folder: str) -> Folder:
        """Delete a folder and the messages in it; returns the folder as it was."""
        return await self._requester.model(Folder, "DELETE", _ONE, path_params=_path(folder))


def _path(folder: str) -> dict[str, str]:
    return {"folder": folder_segment(folder)}
