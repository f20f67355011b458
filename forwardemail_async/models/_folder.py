"""The folder object: an IMAP mailbox of an alias."""

from datetime import datetime
from typing import Any

import attrs

from forwardemail_async._core.display import HtmlRepr

__all__ = ["Folder"]


@attrs.frozen(kw_only=True)
class Folder(HtmlRepr):
    """An IMAP folder. ``path`` is the full path (``Archive/2024``), ``name`` its last part and
    ``parent`` the rest (``None`` at the top level); ``special_use`` is e.g. ``\\Sent``."""

    id: str
    path: str
    object: str = "folder"
    name: str | None = None
    parent: str | None = None
    uid_validity: int | None = None
    uid_next: int | None = None
    modify_index: int | None = None
    subscribed: bool | None = None
    flags: list[str] | None = None
    retention: int | None = None
    special_use: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
