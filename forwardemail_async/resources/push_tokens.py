"""Push notification tokens: the devices that get new-mail notifications for an alias.

Two ways in, as on the server: ``client.push_tokens`` with the API key, where every call
names the alias by its id (``alias_id=``, an alias you own), and ``session.push_tokens`` in an
alias session (``client.as_alias``), where the session's alias is used. An alias holds at
most 15 active tokens; a token expires a year after it was last registered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, get_args

from forwardemail_async._core.hosts import check_url
from forwardemail_async._core.ids import object_id
from forwardemail_async._core.params import check_choice, check_str, drop_none
from forwardemail_async._core.requester import Requester
from forwardemail_async.models import PushPlatform, PushToken, PushTokensDeleted

__all__ = ["PushTokensService"]

_MANY = "/v1/push-tokens"
_ONE = _MANY + "/{token}"
_PLATFORMS: tuple[str, ...] = get_args(PushPlatform)
_MAX_TOKEN_LENGTH = 4096
_MAX_DEVICE_NAME_LENGTH = 255
_APNS = re.compile(r"[0-9a-f]{64,200}", re.IGNORECASE)
_FCM = re.compile(r"[\w:-]{32,}")


def _check_token(platform: str, token: object) -> str:
    """The token as the server will accept it for ``platform``, or a ``ValueError``.

    APNs device tokens are 64-200 hex digits, FCM registration tokens at least 32 URL-safe
    characters, UnifiedPush tokens an ``https://`` endpoint, and Web Push tokens a
    ``PushSubscription`` (``endpoint`` and ``keys``) as JSON text or as a mapping.
    """
    if platform == "web-push" and isinstance(token, Mapping):
        token = json.dumps(token, separators=(",", ":"))
    if not isinstance(token, str):
        raise TypeError(f"token must be a str, not {type(token).__name__}")
    if not token.strip():
        raise ValueError("token must not be blank")
    if len(token) > _MAX_TOKEN_LENGTH:
        raise ValueError(f"token must be at most {_MAX_TOKEN_LENGTH} characters")
    if platform == "apns" and not _APNS.fullmatch(token):
        raise ValueError("an APNs token must be 64 to 200 hexadecimal digits")
    if platform == "fcm" and not _FCM.fullmatch(token):
        raise ValueError("an FCM token must be at least 32 letters, digits, '_', '-' or ':'")
    if platform == "unified-push":
        check_url(token, "a UnifiedPush token", schemes=("https",))
    if platform == "web-push":
        _check_subscription(token)
    return token


def _check_subscription(token: str) -> None:
    try:
        subscription: Any = json.loads(token)
    except ValueError:
        raise ValueError("a Web Push token must be a PushSubscription in JSON") from None
    if not isinstance(subscription, dict):
        raise ValueError("a Web Push token must be a JSON object")
    if not isinstance(subscription.get("keys"), dict):
        raise ValueError("a Web Push subscription must have a 'keys' object")
    check_url(subscription.get("endpoint"), "a Web Push endpoint", schemes=("https",))


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
        if alias_id is None:
            raise ValueError("alias_id is required with the API key: the id of an alias you own")
        return {"alias_id": object_id(alias_id, "alias_id")}

    async def list(
        self, *, alias_id: str | None = None, platform: PushPlatform | None = None
    ) -> list[PushToken]:
        """The alias's unexpired tokens, newest first (not paginated); ``platform`` filters."""
        query = self._alias(alias_id)
        if platform is not None:
            query["platform"] = str(check_choice(platform, "platform", _PLATFORMS))
        return await self._requester.model_list(PushToken, "GET", _MANY, query=query)

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
        if check_choice(platform, "platform", _PLATFORMS) is None:
            raise ValueError(f"platform is required: one of {', '.join(_PLATFORMS)}")
        body = drop_none(
            {
                "platform": platform,
                "token": _check_token(platform, token),
                "device_name": check_str(
                    device_name, "device_name", max_length=_MAX_DEVICE_NAME_LENGTH
                ),
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
