"""The webhooks' state: each domain's signing keys and every delivery made (records the store
holds; the sender is ``_webhooks``)."""

from __future__ import annotations

import json
from typing import Any, Literal

import attrs

from ._state import FakeDomain

__all__ = ["SIGNATURE_HEADER", "WebhookAttempt", "WebhookDelivery", "WebhookKeys", "WebhookState"]

SIGNATURE_HEADER = "X-Webhook-Signature"


@attrs.define
class WebhookAttempt:
    """One POST: the HTTP ``status`` received, or ``None`` and the ``error`` (a timeout, a
    refused connection); ``error`` also names a status other than 200."""

    status: int | None
    error: str | None = None
    waited: float = 0.0  # the pause before this attempt, in seconds


@attrs.define(eq=False)
class WebhookDelivery:
    """One webhook request and its attempts. ``ok`` is true when an attempt got a 200."""

    kind: Literal["inbound", "bounce"]
    url: str
    body: bytes = attrs.field(repr=False)
    headers: dict[str, str] = attrs.field(repr=False)
    domain: FakeDomain = attrs.field(repr=lambda domain: domain.name)
    recipients: list[str]
    attempts: list[WebhookAttempt] = attrs.field(factory=list)

    @property
    def ok(self) -> bool:
        """Delivered: the last attempt was answered 200."""
        return bool(self.attempts) and self.attempts[-1].status == 200

    @property
    def status(self) -> int | None:
        """The last attempt's HTTP status (``None`` if it got no answer)."""
        return self.attempts[-1].status if self.attempts else None

    @property
    def signature(self) -> str | None:
        """The ``X-Webhook-Signature`` sent, or ``None`` for an unsigned request."""
        return self.headers.get(SIGNATURE_HEADER)

    @property
    def payload(self) -> Any:
        """The JSON body, decoded."""
        return json.loads(self.body)


@attrs.define(eq=False)
class WebhookKeys:
    """A domain's webhook key, and the previous one while it may still sign inbound mail."""

    current: str = attrs.field(repr=False)
    previous: str | None = attrs.field(default=None, repr=False)
    previous_until: float = 0.0  # epoch seconds


@attrs.define(eq=False)
class WebhookState:
    """The signing keys by domain id, and the deliveries made, oldest first."""

    keys: dict[str, WebhookKeys] = attrs.field(factory=dict, repr=False)
    deliveries: list[WebhookDelivery] = attrs.field(factory=list)
