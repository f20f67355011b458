"""HTTP Basic credentials kept out of every repr, str and log line.

The API key (or an alias password) only ever exists inside :class:`BasicCredentials`, whose
repr shows the username kind but never the secret, and whose header value is built once.
"""

from __future__ import annotations

import base64
import re

__all__ = ["BasicCredentials"]

_FORBIDDEN_RE = re.compile(r"[\x00-\x1f\x7f]")


def _check_part(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if _FORBIDDEN_RE.search(value):
        # A CR or LF here would let the value inject extra HTTP headers.
        raise ValueError(f"{what} must not contain control characters")
    return value


class BasicCredentials:
    """Username and password for HTTP Basic auth, with a redacted repr.

    API-token auth sends the token as the username and an empty password; alias auth sends
    the alias address and its generated password.
    """

    __slots__ = ("_header", "_kind", "username_hint")

    def __init__(self, username: str, password: str = "", *, kind: str = "api_key") -> None:
        username = _check_part(username, "username" if kind != "api_key" else "api_key")
        password = _check_part(password, "password")
        if not username.strip():
            raise ValueError(f"{'api_key' if kind == 'api_key' else 'username'} must not be empty")
        if ":" in username:
            raise ValueError("a Basic auth username cannot contain ':'")
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._header = f"Basic {token}"
        self._kind = kind
        # Alias addresses are not secret and help tell sessions apart; API keys are.
        self.username_hint = username if kind == "alias" else "***"

    @classmethod
    def api_key(cls, key: str) -> BasicCredentials:
        """Credentials for API-token endpoints: the key as username, empty password."""
        return cls(key, "", kind="api_key")

    @classmethod
    def alias(cls, address: str, password: str) -> BasicCredentials:
        """Credentials for alias-authenticated endpoints."""
        if not isinstance(password, str) or not password:
            raise ValueError("an alias password is required")
        return cls(address, password, kind="alias")

    @property
    def header(self) -> str:
        """The ``Authorization`` header value. Never log it."""
        return self._header

    def __repr__(self) -> str:
        return f"BasicCredentials(kind={self._kind!r}, username={self.username_hint!r})"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("credentials are not picklable, so they cannot leak into a pickle")
