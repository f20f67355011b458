"""aiohttp.web handlers that receive Forward Email webhooks.

Each reads the raw body (streamed, with its own size limit, so the application's
``client_max_size`` does not apply), verifies it, parses it, awaits your function and answers
``200``, the only status the service counts as delivered. A bad or missing signature is
answered ``401``, a body that is not a webhook payload ``400``, one over the limit ``413``,
and an exception in your function ``500`` (``failure_status=``; an aiohttp
``web.HTTPException`` answers as it says).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web

from ._errors import (
    WebhookPayloadError,
    WebhookPayloadTooLargeError,
    WebhookSignatureError,
)
from ._models import BounceEvent, InboundEmail
from ._parse import DEFAULT_MAX_SIZE
from ._receive import read_bounce, read_inbound
from ._signature import SIGNATURE_HEADER, WebhookKeys, check_keys

__all__ = ["WebhookHandler", "bounce_handler", "inbound_handler"]

logger = logging.getLogger("forwardemail_async.webhooks")

E = TypeVar("E")
WebhookHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
"""An aiohttp.web request handler, for ``app.router.add_post(path, handler)``."""


def inbound_handler(
    on_email: Callable[[InboundEmail], Awaitable[Any]],
    *,
    keys: WebhookKeys | None,
    allow_unsigned: bool = False,
    max_size: int = DEFAULT_MAX_SIZE,
    failure_status: int = 500,
) -> WebhookHandler:
    """A handler for an alias's webhook URL that awaits ``on_email(email)`` for each email.

    ``keys`` is the alias's domain's webhook key, or a list while a rotated key is still in
    use. ``allow_unsigned=True`` also accepts unsigned requests, which is how the service
    sends inbound mail for a domain without a key (then ``keys`` may be ``None``).
    ``failure_status`` answers an exception of ``on_email``: the service treats a 500 as a
    permanent failure (the mail bounces), a 429 as one to retry later.
    """
    if keys is None and not allow_unsigned:
        raise ValueError("give the domain's webhook key(s), or allow_unsigned=True")
    checked = None if keys is None else _checked_keys(keys)

    def read(body: bytearray, signature: str | None) -> InboundEmail:
        return read_inbound(
            body, signature, checked, allow_unsigned=allow_unsigned, max_size=max_size
        )

    return _handler(
        "inbound", read, on_email, _checked_size(max_size), _checked_status(failure_status)
    )


def bounce_handler(
    on_bounce: Callable[[BounceEvent], Awaitable[Any]],
    *,
    keys: WebhookKeys,
    max_size: int = DEFAULT_MAX_SIZE,
    failure_status: int = 500,
) -> WebhookHandler:
    """A handler for a domain's ``bounce_webhook`` URL that awaits ``on_bounce(event)``.

    Bounces are always signed, with the sending domain's key (``keys``: one or several).
    """
    checked = _checked_keys(keys)

    def read(body: bytearray, signature: str | None) -> BounceEvent:
        return read_bounce(body, signature, checked, max_size=max_size)

    return _handler(
        "bounce", read, on_bounce, _checked_size(max_size), _checked_status(failure_status)
    )


def _checked_keys(keys: WebhookKeys) -> list[str]:
    """Fail at set-up, not at the first request, on keys that cannot be used."""
    listed = [keys] if isinstance(keys, str) else list(keys)
    check_keys(listed)
    return listed


def _checked_size(max_size: int) -> int:
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size <= 0:
        raise ValueError(f"max_size must be a positive number of bytes, not {max_size!r}")
    return max_size


def _checked_status(status: int) -> int:
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError(
            f"failure_status must be an HTTP error status (4xx or 5xx), not {status!r}"
        )
    return status


def _handler(
    kind: str,
    read: Callable[[bytearray, str | None], E],
    on_event: Callable[[E], Awaitable[Any]],
    max_size: int,
    failure_status: int,
) -> WebhookHandler:
    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            body = await _read_body(request, max_size)
            event = read(body, request.headers.get(SIGNATURE_HEADER))
        except WebhookSignatureError as exc:
            logger.warning("%s webhook refused (401): %s", kind, exc)
            return web.Response(status=401, text=f"{exc}\n")
        except WebhookPayloadTooLargeError as exc:
            logger.warning("%s webhook refused (413): %s", kind, exc)
            return web.Response(status=413, text=f"{exc}\n")
        except WebhookPayloadError as exc:
            logger.warning("%s webhook refused (400): %s", kind, exc)
            return web.Response(status=400, text="the body is not a webhook payload\n")
        del body
        try:
            await on_event(event)
        except web.HTTPException:
            raise  # an answer your function chose deliberately
        except Exception:
            logger.exception("the %s webhook handler failed; answering %d", kind, failure_status)
            return web.Response(status=failure_status, text="the handler failed\n")
        return web.Response(status=200, text="OK\n")

    return handle


async def _read_body(request: web.Request, max_size: int) -> bytearray:
    """The raw body, read in chunks up to ``max_size`` bytes."""
    declared = request.content_length
    if declared is not None and declared > max_size:
        raise WebhookPayloadTooLargeError(declared, max_size)
    body = bytearray()
    async for chunk in request.content.iter_any():
        body += chunk
        if len(body) > max_size:
            raise WebhookPayloadTooLargeError(len(body), max_size)
    return body
