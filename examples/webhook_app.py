"""Receive Forward Email's webhooks with aiohttp.web: inbound mail and bounce reports.

Point an alias's recipient at ``https://<your host>/forwardemail/inbound`` and your domain's
``bounce_webhook`` at ``https://<your host>/forwardemail/bounce``, copy the domain's webhook
key from the dashboard, then run::

    FORWARD_EMAIL_WEBHOOK_KEY=<key> python examples/webhook_app.py --port 8080

While a key is being rotated, give both, the new one first: ``<new>,<old>``. A domain whose
inbound mail arrives unsigned (no key in effect) needs ``--allow-unsigned``.

What the app does with an event is :class:`Mailroom`'s business; here it keeps them in memory.
It shows what every receiver needs: the signature check (done by the library's handlers),
an answer of exactly 200 once the event is safely handled, and deduplication, because the
signature has no timestamp and the service may deliver the same event twice.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from aiohttp import web

from forwardemail_async import webhooks

KEY_ENV = "FORWARD_EMAIL_WEBHOOK_KEY"
INBOUND_PATH = "/forwardemail/inbound"
BOUNCE_PATH = "/forwardemail/bounce"
# The sending server may retry a message for up to 5 days, and Forward Email POSTs it again
# each time: a freshness window shorter than that would drop legitimate mail.
MAX_AGE = timedelta(days=5, hours=1)

logger = logging.getLogger("webhook_app")


class Mailroom:
    """Handles each event once. A real application would write to its database, where the
    deduplication keys below would be unique constraints kept for at least ``MAX_AGE``."""

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self.now = now
        self.emails: list[webhooks.InboundEmail] = []
        self.bounces: list[webhooks.BounceEvent] = []
        self.suppressed: set[str] = set()
        self._seen: set[tuple[object, ...]] = set()

    async def on_email(self, email: webhooks.InboundEmail) -> None:
        arrived = email.session.arrivalDate
        if arrived is not None and self._age(arrived) > MAX_AGE:
            logger.warning("ignoring an email that arrived at %s (a replay?)", arrived)
            return
        # Not the arrival time: when the sending server retries (say our answer was lost),
        # the new SMTP session has a new arrivalDate but the same Message-ID.
        key = ("email", email.messageId or _fingerprint(email), tuple(email.recipients))
        if self._first_time(key):
            self.emails.append(email)

    async def on_bounce(self, event: webhooks.BounceEvent) -> None:
        key = ("bounce", event.email_id, event.recipient, event.response_code)
        if not self._first_time(key):
            return
        self.bounces.append(event)
        if event.is_hard:
            self.suppressed.add(event.recipient.lower())

    def _first_time(self, key: tuple[object, ...]) -> bool:
        if key in self._seen:
            logger.info("duplicate delivery ignored: %s", key[:2])
            return False
        self._seen.add(key)
        return True

    def _age(self, moment: datetime) -> timedelta:
        return datetime.fromtimestamp(self.now(), tz=timezone.utc) - moment


MAILROOM = web.AppKey("mailroom", Mailroom)


def _fingerprint(email: webhooks.InboundEmail) -> str:
    """A stand-in for a missing Message-ID: the headers as the sender sent them."""
    headers = email.headers if isinstance(email.headers, str) else sorted(email.headers.items())
    return hashlib.sha256(repr(headers).encode()).hexdigest()


def make_app(
    keys: webhooks.WebhookKeys | None,
    *,
    allow_unsigned: bool = False,
    mailroom: Mailroom | None = None,
) -> web.Application:
    """The application: inbound mail and bounces, verified with ``keys``."""
    room = mailroom or Mailroom()
    app = web.Application()
    app[MAILROOM] = room
    app.router.add_post(
        INBOUND_PATH,
        webhooks.inbound_handler(room.on_email, keys=keys, allow_unsigned=allow_unsigned),
    )
    if keys is not None:  # bounces are always signed
        app.router.add_post(BOUNCE_PATH, webhooks.bounce_handler(room.on_bounce, keys=keys))
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--allow-unsigned", action="store_true")
    args = parser.parse_args()
    keys = [key for key in os.environ.get(KEY_ENV, "").split(",") if key.strip()]
    if not keys and not args.allow_unsigned:
        parser.error(f"set {KEY_ENV} to your domain's webhook key (or --allow-unsigned)")
    logging.basicConfig(level=logging.INFO)
    app = make_app(keys or None, allow_unsigned=args.allow_unsigned)
    web.run_app(app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
