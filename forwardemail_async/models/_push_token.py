"""Push notification tokens of an alias (APNs, FCM, UnifiedPush, Web Push)."""

from datetime import datetime
from typing import Any, Literal

import attrs

from forwardemail_async._core.display import HtmlRepr

__all__ = ["PushPlatform", "PushToken", "PushTokensDeleted"]

PushPlatform = Literal["apns", "fcm", "unified-push", "web-push"]
"""The platforms the server delivers to; ``platform`` fields are typed ``str``."""


@attrs.frozen(kw_only=True)
class PushToken(HtmlRepr):
    """A registered device. ``alias`` is the alias's id; ``token`` (the device token or the
    JSON push subscription, which holds encryption keys) is hidden in ``repr()``."""

    id: str
    alias: str
    platform: str
    token: str = attrs.field(repr=lambda _: "'***'")
    object: str = "push_token"
    device_name: str = ""
    last_used_at: datetime | None = None
    failure_count: int = 0
    expires_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class PushTokensDeleted(HtmlRepr):
    """The answer to removing every token of an alias: how many were removed."""

    deleted_count: int
    object: str = "push_token_deletion"
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
