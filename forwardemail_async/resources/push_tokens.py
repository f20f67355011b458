"""Push notification tokens: the devices that get new-mail notifications for an alias.

Two ways in, as on the server: ``client.push_tokens`` with the API key, where every call
names the alias by its id (``alias_id=``, an alias you own), and ``session.push_tokens`` in an
alias session (``client.as_alias``), where the session's alias is used. An alias holds at
most 15 active tokens; a token expires a year after it was last registered.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from forwardemail_async._core.ids import object_id
from forwardemail_async._core.params import check_str, drop_none
from forwardemail_async._core.requester import Requester
from forwardemail_async._core.routes import Filter, ListRoute
from forwardemail_async.models import PushPlatform, PushToken, PushTokensDeleted

__all__ = ["PushTokensService"]

_MANY = "/v1/push-tokens"
_ONE = _MANY + "/{token}"


# alias_id is left out in an alias session (the service refuses it there, see _alias).
LIST = ListRoute(
    path=_MANY,
    model=PushToken,
    filters=(Filter("alias_id", check_str), Filter("platform", check_str)),
)


def _token(platform: object, token: object) -> str:
    """The token as text: a Web Push ``PushSubscription`` may be given as a mapping and is
    sent as its JSON. What a valid token looks like is the server's to say (its 400 names
    the problem)."""
    if platform == "web-push" and isinstance(token, Mapping):
        token = json.dumps(token, separators=(",", ":"))
    if not isinstance(token, str):
        raise TypeError(f"token must be a str, not {type(token).__name__}")
    return token


class PushTokensService:
    """The push tokens of one alias: ``alias_id`` with the API key, the session's own alias
    in an alias session (where ``alias_id`` is refused)."""

    __slots__ = ("_alias_session", "_requester")

    def __init__(self, requester: Requester, *, alias_session: bool = False) -> None:
        self._requester = requester
        self._alias_session = alias_session

    def __repr__(self) -> str:
        return f"PushTokensService(alias_session={self._alias_session!r})"

    def _alias(self, alias_id: str | None) -> dict[str, str]:
        """The ``alias_id`` parameter the route needs, checked against the kind of login."""
        if self._alias_session:
            if alias_id is not None:
                raise ValueError(
                    "alias_id is not taken in an alias session: the session's alias is used"
                )
            return {}
        # Required with the API key; the server says so (400) when it is missing or malformed.
        checked = check_str(alias_id, "alias_id")
        return {} if checked is None else {"alias_id": checked}

    async def list(
        self, *, alias_id: str | None = None, platform: PushPlatform | None = None
    ) -> list[PushToken]:
        """The alias's unexpired tokens, newest first (not paginated); ``platform`` filters."""
        self._alias(alias_id)  # refused in an alias session
        return await self._requester.list_all(LIST, locals())

    async def create(
        self,
        platform: PushPlatform,
        token: str | Mapping[str, Any],
        *,
        device_name: str | None = None,
        alias_id: str | None = None,
    ) -> PushToken:
        """Register a device, or refresh it if this alias already has the same token.

        Refreshing resets its failure count and extends its expiry by a year, so a repeat
        is harmless and the call is retried like a GET. A 16th active token is refused.
        """
        if platform is None:
            raise TypeError("platform is required")
        body = drop_none(
            {
                "platform": check_str(platform, "platform"),
                "token": _token(platform, token),
                "device_name": check_str(device_name, "device_name"),
                **self._alias(alias_id),
            }
        )
        return await self._requester.model(
            PushToken, "POST", _MANY, json=body, allow_non_idempotent_retry=True
        )

    async def delete(self, token_id: str, *, alias_id: str | None = None) -> None:
        """Remove one token by its id (the server answers 204 with no body)."""
        await self._requester.send(
            "DELETE",
            _ONE,
            path_params={"token": object_id(token_id, "token_id")},
            # The server reads alias_id from the body of a DELETE, never from the query.
            json=self._alias(alias_id) or None,
        )

    async def delete_all(self, *, alias_id: str | None = None) -> PushTokensDeleted:
        """Remove every token of the alias (for sign-out), expired ones included."""
        return await self._requester.model(
            PushTokensDeleted, "DELETE", _MANY, json=self._alias(alias_id) or None
        )
