"""Catch-all passwords: domain-wide passwords that send and read as any address."""

from typing import Any

import attrs

from forwardemail_async._core.display import HtmlRepr

__all__ = ["CatchAllPassword", "CatchAllPasswordCredentials"]


@attrs.frozen(kw_only=True)
class CatchAllPassword(HtmlRepr):
    """A catch-all password as listed and deleted: its id and description (never the secret)."""

    id: str
    description: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class CatchAllPasswordCredentials(HtmlRepr):
    """A new catch-all password: the username ``*@<domain>`` and the password, which the
    server shows only once. The password is hidden in ``repr()`` and ``str()``."""

    id: str
    username: str
    password: str = attrs.field(repr=lambda _: "'***'")
    description: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
