"""``GET /v1/account`` under alias authentication: the mailbox's own account object."""

from datetime import datetime
from typing import Any

import attrs

from forwardemail_async._core.display import HtmlRepr

__all__ = ["AliasAccount", "AliasMailSettings", "AliasSettings"]


@attrs.frozen(kw_only=True)
class AliasMailSettings(HtmlRepr):
    """The folders webmail uses for archived, sent and draft messages (``None`` = default)."""

    archive_folder: str | None = None
    sent_folder: str | None = None
    drafts_folder: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class AliasSettings(HtmlRepr):
    """The alias's mailbox settings. Only ``mail`` is modelled; the other groups (label
    settings, saved searches, shortcuts, alias defaults) stay in ``extra_fields``."""

    mail: AliasMailSettings | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class AliasAccount(HtmlRepr):
    """The account seen by an alias session: the alias, its storage and its settings.

    ``object`` is ``"alias"``; this is not the :class:`User` an API key sees.
    """

    id: str
    object: str = "alias"
    name: str | None = None
    email: str | None = None
    domain_id: str | None = None
    domain_name: str | None = None
    storage_used: int | None = None
    storage_quota: int | None = None
    has_imap: bool | None = None
    has_pgp: bool | None = None
    public_key: str | None = None
    locale: str | None = None
    settings: AliasSettings | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
