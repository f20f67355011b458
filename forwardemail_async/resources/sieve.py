"""Sieve filter scripts, in both of the server's forms.

``session.sieve_scripts`` (alias auth, ``/v1/sieve-scripts``) and
``client.aliases.sieve_scripts`` (API key, ``/v1/domains/{domain}/aliases/{alias}/sieve``)
behave the same; the second takes the domain and alias first. Scripts are found by id or
by name. The alias needs IMAP: under alias auth its session is refused (401), under the API
key the request is (400).
"""

from __future__ import annotations

from collections.abc import Mapping

from forwardemail_async._core.errors import BadRequestError
from forwardemail_async._core.reconcile import conflict, create_once, read_back_at
from forwardemail_async._core.requester import Requester
from forwardemail_async._core.routes import ListRoute
from forwardemail_async._core.urls import alias_path, name_segment
from forwardemail_async.models import SieveScript, SieveScriptDeleted

from ._schema.mailbox import SIEVE_FIELDS

__all__ = ["AliasSieveScriptsService", "SieveScriptsService"]

_ALIAS_AUTH = "/v1/sieve-scripts"
_TOKEN_AUTH = "/v1/domains/{domain}/aliases/{alias}/sieve"
# The server's message for a name in use is not in the contract; this one says what happened.
_NAME_TAKEN = "A Sieve script with this name already exists."
ALIAS_AUTH_LIST = ListRoute(path=_ALIAS_AUTH, model=SieveScript)
TOKEN_AUTH_LIST = ListRoute(path=_TOKEN_AUTH, model=SieveScript)


class _SieveRoutes:
    """The requests of one route family; ``params`` are its path parameters."""

    __slots__ = ("_list", "_many", "_one", "_requester")

    def __init__(self, requester: Requester, list_route: ListRoute[SieveScript]) -> None:
        self._requester = requester
        self._list = list_route
        self._many = list_route.path
        self._one = list_route.path + "/{script}"

    async def list(self, params: Mapping[str, str]) -> list[SieveScript]:
        return await self._requester.list_all(self._list, {}, path_params=params)

    async def create(
        self,
        params: Mapping[str, str],
        name: str,
        content: str,
        description: str | None,
        activate: bool | None,
    ) -> SieveScript:
        body = SIEVE_FIELDS.body(locals(), creating=True)
        # Names are unique per alias: after an ambiguous failure the script is read back.
        taken = conflict(BadRequestError, 400, _NAME_TAKEN, self._many)
        read_back = read_back_at(
            self._requester,
            self._one,
            lambda: self._with(params, name),
            SieveScript,
            body,
            conflict=taken,
        )
        return await create_once(
            self._requester, SieveScript, self._many, body, read_back, path_params=params
        )

    async def retrieve(self, params: Mapping[str, str], script: str) -> SieveScript:
        return await self._requester.model(
            SieveScript, "GET", self._one, path_params=self._with(params, script)
        )

    async def update(
        self,
        params: Mapping[str, str],
        script: str,
        content: str,
        description: str | None,
        activate: bool | None,
    ) -> SieveScript:
        body = SIEVE_FIELDS.body(locals(), creating=False)
        return await self._requester.model(
            SieveScript, "PUT", self._one, path_params=self._with(params, script), json=body
        )

    async def delete(self, params: Mapping[str, str], script: str) -> SieveScriptDeleted:
        return await self._requester.model(
            SieveScriptDeleted, "DELETE", self._one, path_params=self._with(params, script)
        )

    async def activate(self, params: Mapping[str, str], script: str) -> SieveScript:
        return await self._requester.model(
            SieveScript, "POST", self._one + "/activate", path_params=self._with(params, script)
        )

    @staticmethod
    def _with(params: Mapping[str, str], script: str) -> dict[str, str]:
        return {**params, "script": name_segment(script, "script")}


class SieveScriptsService:
    """The Sieve scripts of the session's alias. ``script`` takes an id or a name."""

    __slots__ = ("_routes",)

    def __init__(self, requester: Requester) -> None:
        self._routes = _SieveRoutes(requester, ALIAS_AUTH_LIST)

    def __repr__(self) -> str:
        return "SieveScriptsService()"

    async def list(self) -> list[SieveScript]:
        """Every script (not paginated), the active one first."""
        return await self._routes.list({})

    async def create(
        self,
        name: str,
        content: str,
        *,
        description: str | None = None,
        activate: bool | None = None,
    ) -> SieveScript:
        """Add a script; ``activate=True`` also makes it the one that runs. A name in use,
        invalid Sieve or too many scripts raise :class:`~forwardemail_async.BadRequestError`."""
        return await self._routes.create({}, name, content, description, activate)

    async def retrieve(self, script: str) -> SieveScript:
        """One script, with its ``content`` and ``validation_errors``."""
        return await self._routes.retrieve({}, script)

    async def update(
        self,
        script: str,
        content: str,
        *,
        description: str | None = None,
        activate: bool | None = None,
    ) -> SieveScript:
        """Replace a script's content (the server requires it on every update)."""
        return await self._routes.update({}, script, content, description, activate)

    async def delete(self, script: str) -> SieveScriptDeleted:
        """Delete a script that is not active."""
        return await self._routes.delete({}, script)

    async def activate(self, script: str) -> SieveScript:
        """Make this script the active one (the others are deactivated)."""
        return await self._routes.activate({}, script)


class AliasSieveScriptsService:
    """The Sieve scripts of any alias you manage, with the API key (``client.aliases``)."""

    __slots__ = ("_routes",)

    def __init__(self, requester: Requester) -> None:
        self._routes = _SieveRoutes(requester, TOKEN_AUTH_LIST)

    def __repr__(self) -> str:
        return "AliasSieveScriptsService()"

    async def list(self, domain: str, alias: str) -> list[SieveScript]:
        """Every script of the alias (not paginated), the active one first."""
        return await self._routes.list(alias_path(domain, alias))

    async def create(
        self,
        domain: str,
        alias: str,
        name: str,
        content: str,
        *,
        description: str | None = None,
        activate: bool | None = None,
    ) -> SieveScript:
        """Add a script to the alias; see :meth:`SieveScriptsService.create`."""
        return await self._routes.create(
            alias_path(domain, alias), name, content, description, activate
        )

    async def retrieve(self, domain: str, alias: str, script: str) -> SieveScript:
        """One script, with its ``content`` and ``validation_errors``."""
        return await self._routes.retrieve(alias_path(domain, alias), script)

    async def update(
        self,
        domain: str,
        alias: str,
        script: str,
        content: str,
        *,
        description: str | None = None,
        activate: bool | None = None,
    ) -> SieveScript:
        """Replace a script's content (the server requires it on every update)."""
        return await self._routes.update(
            alias_path(domain, alias), script, content, description, activate
        )

    async def delete(self, domain: str, alias: str, script: str) -> SieveScriptDeleted:
        """Delete a script that is not active."""
        return await self._routes.delete(alias_path(domain, alias), script)

    async def activate(self, domain: str, alias: str, script: str) -> SieveScript:
        """Make this script the alias's active one."""
        return await self._routes.activate(alias_path(domain, alias), script)
