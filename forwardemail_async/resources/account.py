"""``client.account``: create an account (public), and read or change your own."""

from __future__ import annotations

from forwardemail_async._core.params import check_str, drop_none
from forwardemail_async._core.requester import Service
from forwardemail_async.models import NewAccount, User

__all__ = ["AccountService"]

_ROUTE = "/v1/account"


class AccountService(Service):
    """The account the API key belongs to, and sign-up for new accounts."""

    async def create(self, *, email: str, password: str) -> NewAccount:
        """Sign up a new account; works without an API key.

        Returns the user with its ``api_token`` (hidden in ``repr()``), the only time the
        token is shown. The address starts unverified, so the token gets 401 until it is
        confirmed. The server allows 5 sign-ups a day per IP address, failed ones included.
        """
        for value, name in ((email, "email"), (password, "password")):
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a str, not {type(value).__name__}")
        return await self._requester.model(
            NewAccount,
            "POST",
            _ROUTE,
            json={"email": email, "password": password},
            authenticated=False,
        )

    async def retrieve(self) -> User:
        """Your account (free-plan accounts get a 402 PaymentRequiredError)."""
        return await self._requester.model(User, "GET", _ROUTE)

    async def update(
        self,
        *,
        email: str | None = None,
        given_name: str | None = None,
        family_name: str | None = None,
        avatar_url: str | None = None,
    ) -> User:
        """Change your profile; only the arguments given are sent (the server ignores
        anything that is not a string)."""
        body = drop_none(
            {
                "email": check_str(email, "email"),
                "given_name": check_str(given_name, "given_name"),
                "family_name": check_str(family_name, "family_name"),
                "avatar_url": check_str(avatar_url, "avatar_url"),
            }
        )
        if not body:
            raise ValueError("update() needs at least one field to change")
        return await self._requester.model(User, "PUT", _ROUTE, json=body)
