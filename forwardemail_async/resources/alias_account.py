"""``session.account``: the account of an alias session (``/v1/account`` with alias auth)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forwardemail_async._core.requester import Service
from forwardemail_async.models import AliasAccount

__all__ = ["AliasAccountService"]

_ROUTE = "/v1/account"


def _settings(value: object, where: str = "settings") -> dict[str, Any]:
    """A copy of nested settings with str keys, refusing what JSON cannot carry."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{where} must be a mapping, not {type(value).__name__}")
    result: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"{where} keys must be non-empty str")
        if isinstance(item, Mapping):
            result[key] = _settings(item, f"{where}.{key}")
        elif item is None or isinstance(item, (str, int, float, bool, list)):
            result[key] = item
        else:
            raise TypeError(f"{where}.{key} must be JSON data, not {type(item).__name__}")
    return result


class AliasAccountService(Service):
    """The alias's own account object: its storage, IMAP state and mailbox settings."""

    async def retrieve(self) -> AliasAccount:
        """The alias account (not the :class:`~forwardemail_async.User` an API key sees)."""
        return await self._requester.model(AliasAccount, "GET", _ROUTE)

    async def update(self, *, settings: Mapping[str, Any]) -> AliasAccount:
        """Change mailbox settings, e.g. ``{"mail": {"archive_folder": "Archive"}}``.

        Only the settings given change; ``None`` resets a folder setting to the default.
        """
        body = _settings(settings)
        if not body:
            raise ValueError("update() needs at least one setting")
        return await self._requester.model(AliasAccount, "PUT", _ROUTE, json={"settings": body})
