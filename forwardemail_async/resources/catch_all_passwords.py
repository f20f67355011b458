"""``client.domains.catch_all_passwords``: domain-wide passwords for ``*@<domain>``.

A catch-all password logs in to SMTP as any address of the domain. Only domain admins of
paid domains may manage them, and a domain holds at most 10.
"""

from __future__ import annotations

from forwardemail_async._core.ids import object_id
from forwardemail_async._core.params import check_str, drop_none
from forwardemail_async._core.requester import Service
from forwardemail_async._core.routes import ListRoute
from forwardemail_async._core.urls import domain_segment
from forwardemail_async.models import CatchAllPassword, CatchAllPasswordCredentials

__all__ = ["CatchAllPasswordsService"]

_MANY = "/v1/domains/{domain}/catch-all-passwords"
LIST = ListRoute(path=_MANY, model=CatchAllPassword)


class CatchAllPasswordsService(Service):
    """Catch-all passwords of a domain (id or name)."""

    async def list(self, domain: str) -> list[CatchAllPassword]:
        """Every catch-all password's id and description (the list is not paginated)."""
        return await self._requester.list_all(
            LIST, {}, path_params={"domain": domain_segment(domain)}
        )

    async def create(
        self,
        domain: str,
        *,
        new_password: str | None = None,
        description: str | None = None,
    ) -> CatchAllPasswordCredentials:
        """Generate (or set, with ``new_password``) a catch-all password.

        The answer holds the password in clear, the only time it is shown; it is hidden in
        ``repr()``. The server refuses a weak custom password, or one with quotes
        (:class:`BadRequestError` with its reason).
        """
        body = drop_none(
            {
                "new_password": check_str(new_password, "new_password"),
                "description": check_str(description, "description"),
            }
        )
        return await self._requester.model(
            CatchAllPasswordCredentials,
            "POST",
            _MANY,
            path_params={"domain": domain_segment(domain)},
            json=body,
        )

    async def delete(self, domain: str, token_id: str) -> CatchAllPassword:
        """Revoke a catch-all password by its id; returns its id and description."""
        return await self._requester.model(
            CatchAllPassword,
            "DELETE",
            _MANY + "/{token}",
            path_params={
                "domain": domain_segment(domain),
                "token": object_id(token_id, "token_id"),
            },
        )
