"""The user object: the account owner, alias owners and domain members."""

from datetime import datetime
from typing import Any

import attrs

from forwardemail_async._core.display import HtmlRepr
from forwardemail_async._decode.extra_fields import ExtraFieldsOnDemand

__all__ = ["User"]


@attrs.frozen(kw_only=True)
class User(ExtraFieldsOnDemand, HtmlRepr):
    """A Forward Email user. Nested in aliases and domain members it is often the small
    ``{id, email, display_name}`` shape, so everything but ``id`` is optional."""

    id: str
    object: str = "user"
    email: str | None = None
    plan: str | None = None
    display_name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    avatar_url: str | None = None
    full_email: str | None = None
    timezone: str | None = None
    has_newsletter: bool | None = None
    opt_out_templates: list[str] | None = None
    sessions: list[Any] | None = None
    max_quota_per_alias: int | None = None
    last_locale: str | None = None
    locale: str | None = None
    otp_enabled: bool | None = None
    address_country: str | None = None
    address_html: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
