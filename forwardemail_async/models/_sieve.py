"""Sieve filter scripts of an alias, and the answer to deleting one."""

from datetime import datetime
from typing import Any

import attrs

from forwardemail_async._core.display import HtmlRepr

__all__ = ["SieveScript", "SieveScriptDeleted"]


@attrs.frozen(kw_only=True)
class SieveScript(HtmlRepr):
    """A Sieve script.

    Lists, create and update answer with the summary; ``retrieve`` adds ``content`` and
    ``validation_errors``; ``activate`` answers only ``id``, ``name`` and ``is_active``. The
    fields one answer lacks are ``None``.
    """

    id: str
    name: str
    object: str = "sieve_script"
    description: str | None = None
    is_active: bool | None = None
    is_valid: bool | None = None
    required_capabilities: list[str] | None = None
    security_warnings: list[Any] | None = None
    stats: dict[str, Any] | None = None
    content: str | None = None
    validation_errors: list[Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    def __repr__(self) -> str:
        return f"SieveScript(id={self.id!r}, name={self.name!r}, is_active={self.is_active!r})"


@attrs.frozen(kw_only=True)
class SieveScriptDeleted(HtmlRepr):
    """The answer to deleting a Sieve script: its id and ``deleted=True`` (not the script)."""

    id: str
    deleted: bool
    object: str = "sieve_script"
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
