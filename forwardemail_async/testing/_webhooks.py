"""The fake sends webhooks: inbound email to an alias's URL recipients, bounces to a domain's
``bounce_webhook``, signed and retried as the service does.

* Signature: ``X-Webhook-Signature``, the hex HMAC-SHA256 of the exact body bytes, keyed with
  the UTF-8 text of the domain's 32-character key. Bounces are always signed (a key is made
  when the domain has none); inbound mail only for domains on a paid plan, as the service
  finds a key only for those.
* Rotation: after :meth:`FakeWebhooks.rotate_key` the MX may keep signing inbound mail with the
  old key for an hour (its settings cache), so the fake does too, for ``stale_for`` seconds of
  the fake's clock. Bounces read the key afresh and use the new one at once.
* Delivery: success is HTTP 200 exactly. Inbound mail gets 2 attempts of 30 s, the second
  after about 2 s and only after a timeout, a connection error or HTTP 408, 413, 429 or 550;
  a bounce gets 1 attempt of 5 s. Redirects are not followed.

Timeouts race against :attr:`FakeWebhooks.timer` and the pause between attempts is
:attr:`FakeWebhooks.pause`: inject your own to run them in virtual time (by default the
timeouts are real and the pause is not waited, only recorded).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

import aiohttp

from ._emails_state import FakeEmail
from ._inbound_mail import Session, build_message, first_from_address, inbound_payload
from ._shapes import iso
from ._state import FakeAlias, FakeDomain
from ._store import Store
from ._webhooks_state import SIGNATURE_HEADER, WebhookAttempt, WebhookDelivery, WebhookKeys

__all__ = ["FakeWebhooks"]

USER_AGENT = "forwardemail-net/0.0.0-fake"
# retry-request.js / is-retryable-error.js: the statuses worth a second attempt.
_RETRYABLE_STATUSES = frozenset({408, 413, 429, 550})
_URL = re.compile(r"^https?://", re.IGNORECASE)
_ENHANCED_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_SETTINGS_CACHE_SECONDS = 3600.0


async def _no_wait(seconds: float) -> None:
    """The default pause between attempts: recorded, not waited."""


class FakeWebhooks:
    """The fake's webhook sender: keys per domain, delivery settings and every delivery made.

    Reach it as ``fake.webhooks``. Settings may be changed at any time: ``inbound_attempts``,
    ``inbound_timeout``, ``bounce_attempts``, ``bounce_timeout``, ``retry_delay`` (seconds),
    ``timer`` (awaited to time an attempt out) and ``pause`` (awaited between attempts).
    ``bounce_rules`` maps a recipient address to an SMTP code: every email queued through the
    API to that address bounces at once, in the background (await :meth:`drain`).
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._keys = store.webhooks.keys
        self.inbound_attempts = 2
        self.inbound_timeout = 30.0
        self.bounce_attempts = 1
        self.bounce_timeout = 5.0
        self.retry_delay = 2.0
        self.timer: Callable[[float], Awaitable[None]] = asyncio.sleep
        self.pause: Callable[[float], Awaitable[None]] = _no_wait
        self.bounce_rules: dict[str, int] = {}
        self._background: set[asyncio.Task[None]] = set()

    @property
    def deliveries(self) -> list[WebhookDelivery]:
        """Every webhook request made, oldest first (kept in the store)."""
        return self._store.webhooks.deliveries

    # --- keys ----------------------------------------------------------------------------------

    def key(self, domain: FakeDomain | str) -> str:
        """The domain's current webhook key (made on first use, as the service does)."""
        found = self._store.get_domain(domain)
        keys = self._keys.get(found.id)
        if keys is None:
            keys = self._keys[found.id] = WebhookKeys(self._store.token_hex(32))
        return keys.current

    def set_key(self, domain: FakeDomain | str, key: str) -> None:
        """Give the domain a known key (no rotation window)."""
        if not isinstance(key, str) or not key.strip():
            raise ValueError("a webhook key is a non-empty string")
        self._keys[self._store.get_domain(domain).id] = WebhookKeys(key)

    def rotate_key(
        self, domain: FakeDomain | str, *, stale_for: float = _SETTINGS_CACHE_SECONDS
    ) -> str:
        """Reset the key, as the dashboard's button does, and return the new one.

        For ``stale_for`` seconds of the fake's clock, inbound mail is still signed with the
        old key, as an MX that cached the domain's settings does (``0``: the cache was cleared).
        """
        found = self._store.get_domain(domain)
        old = self.key(found)
        new = self._store.token_hex(32)
        self._keys[found.id] = WebhookKeys(new, old, self._store.clock() + stale_for)
        return new

    def inbound_key(self, domain: FakeDomain | str) -> str | None:
        """The key inbound mail for ``domain`` is signed with now: ``None`` on the free plan
        (unsigned), the old key during a rotation's window, else the current key."""
        found = self._store.get_domain(domain)
        if found.plan == "free":
            return None
        current = self.key(found)
        keys = self._keys[found.id]
        if keys.previous is not None and self._store.clock() < keys.previous_until:
            return keys.previous
        return current

    # --- inbound -------------------------------------------------------------------------------

    async def deliver(
        self,
        to: str | Iterable[str],
        message: bytes | str | None = None,
        *,
        from_: str = "Sender <sender@example.net>",
        subject: str = "Hello",
        text: str | None = "Hello from the fake.",
        html: str | None = None,
        attachments: Iterable[tuple[str, bytes] | tuple[str, bytes, str]] = (),
        headers: Mapping[str, str] | None = None,
        sender: str | None = None,
        remote_address: str = "192.0.2.10",
        client_hostname: str = "mail.example.net",
        extra: Mapping[str, Any] | None = None,
    ) -> list[WebhookDelivery]:
        """Receive a message for the alias address(es) ``to`` and POST it to their URL
        recipients; returns the deliveries made (one per distinct URL).

        ``message`` is a raw RFC 5322 message; without it one is built from ``from_``,
        ``subject``, ``text``, ``html``, ``attachments`` (``(filename, bytes[, type])``) and
        ``headers``. ``sender`` is the envelope sender (default: the From address). ``extra``
        adds or replaces top-level payload keys (other authentication results, unknown
        fields). A disabled alias gets nothing; an unknown address raises ``ValueError``.
        """
        addresses = [to] if isinstance(to, str) else list(to)
        if not addresses:
            raise ValueError("deliver() needs at least one recipient address")
        aliases = [self._alias_for(address) for address in addresses]
        raw = self._raw(message, addresses, from_, subject, text, html, attachments, headers)
        envelope_sender = sender if sender is not None else first_from_address(raw)
        session = Session(
            sender=envelope_sender,
            remote_address=remote_address,
            remote_port=1024 + self._store.rng.randrange(64_000),
            client_hostname=client_hostname,
            helo=client_hostname,
            arrival_ms=self._store.now_ms(),
        )
        deliveries = []
        for url, (first, group) in _url_groups(aliases).items():
            query = _query(url)
            payload = inbound_payload(
                raw,
                recipients=group,
                session=session,
                attachments=query.get("attachments") != "false",
                include_raw=query.get("raw") != "false",
            )
            payload.update(extra or {})
            deliveries.append(
                await self._send(
                    "inbound",
                    url,
                    payload,
                    first.domain,
                    self.inbound_key(first.domain),
                    group,
                    self.inbound_attempts,
                    self.inbound_timeout,
                )
            )
        return deliveries

    def _alias_for(self, address: str) -> FakeAlias | None:
        store = self._store
        alias = store.alias_by_address(address)
        if alias is None:
            domain = store.find_domain(address.rpartition("@")[2].strip().lower())
            alias = store.alias_named(domain, "*") if domain is not None else None
        if alias is None:
            raise ValueError(f"no alias receives mail for {address!r}")
        return alias if alias.is_enabled else None

    def _raw(
        self,
        message: bytes | str | None,
        to: list[str],
        from_: str,
        subject: str,
        text: str | None,
        html: str | None,
        attachments: Iterable[tuple[str, bytes] | tuple[str, bytes, str]],
        headers: Mapping[str, str] | None,
    ) -> bytes:
        if isinstance(message, str):
            return message.encode("utf-8")
        if isinstance(message, bytes):
            return message
        if message is not None:
            raise TypeError("message must be the raw message as bytes or str")
        store = self._store
        return build_message(
            from_=from_,
            to=to,
            subject=subject,
            text=text,
            html_body=html,
            attachments=attachments,
            headers=dict(headers or {}),
            message_id=f"<{store.token_hex(24)}@example.net>",
            date=self._store.clock(),
            boundary=store.token_hex(16),
        )

    # --- bounces -------------------------------------------------------------------------------

    async def bounce(
        self,
        email: FakeEmail | str,
        *,
        recipient: str | None = None,
        code: int = 550,
        response: str | None = None,
        message: str | None = None,
        category: str | None = None,
        truth_source: str | None = None,
    ) -> WebhookDelivery | None:
        """Make one recipient of an email sent through the fake fail with SMTP ``code`` and
        POST the bounce report to its domain's ``bounce_webhook`` (``None`` if it has none).

        The email (a :class:`FakeEmail` or its id) records the failure: ``bounced`` for a
        5xx, ``deferred`` otherwise.
        """
        found = email if isinstance(email, FakeEmail) else self._store.outbound.emails[email]
        failed = (recipient or (found.envelope_to or [""])[0]).lower()
        if failed not in found.envelope_to:
            raise ValueError(f"{failed!r} is not a recipient of email {found.id}")
        hard = code >= 500
        response = response or (
            f"{code} 5.1.1 <{failed}>: Recipient address rejected: User unknown"
            if hard
            else f"{code} 4.7.0 Try again later"
        )
        message = message or response
        now = self._store.now_ms()
        found.rejected_errors = [e for e in found.rejected_errors if e["recipient"] != failed]
        found.rejected_errors.append(
            {"recipient": failed, "responseCode": code, "response": response, "message": message}
        )
        found.status, found.updated_at = ("bounced" if hard else "deferred"), now
        url = found.domain.bounce_webhook
        if not url or not _URL.match(url):
            return None
        status = _ENHANCED_STATUS.search(response)
        payload: dict[str, Any] = {"email_id": found.id}
        for key, header in (
            ("list_id", "list-id"),
            ("list_unsubscribe", "list-unsubscribe"),
            ("feedback_id", "feedback-id"),
        ):
            value = next((v for k, v in found.headers.items() if k.lower() == header), None)
            if value is not None:
                payload[key] = value
        payload.update(
            recipient=failed,
            message=message,
            response=response,
            response_code=code,
            truth_source=truth_source or False,
            bounce={
                "action": "reject" if hard else "defer",
                "message": message,
                "category": category or ("recipient" if hard else "network"),
                "code": code,
                "status": status.group(1) if status else False,
            },
            headers=dict(found.headers),
            bounced_at=iso(now),
        )
        return await self._send(
            "bounce",
            url,
            payload,
            found.domain,
            self.key(found.domain),
            [failed],
            self.bounce_attempts,
            self.bounce_timeout,
        )

    def queued(self, email: FakeEmail) -> None:
        """An email was queued: bounce the recipients ``bounce_rules`` names, in the background
        and in order, as the service's queue worker reports them one after another."""
        failing = [
            (recipient, self.bounce_rules[recipient.lower()])
            for recipient in email.envelope_to
            if recipient.lower() in self.bounce_rules
        ]
        if not failing:
            return
        task = asyncio.get_running_loop().create_task(self._bounce_all(email, failing))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _bounce_all(self, email: FakeEmail, failing: list[tuple[str, int]]) -> None:
        for recipient, code in failing:
            delivery = await self.bounce(email, recipient=recipient, code=code)
            if delivery is not None and not delivery.ok:
                return  # pMapSeries: one failed POST skips the rest of the batch

    async def drain(self) -> None:
        """Wait until every background bounce (``bounce_rules``) has been delivered or failed."""
        while self._background:
            await asyncio.gather(*self._background)

    # --- sending -------------------------------------------------------------------------------

    async def _send(
        self,
        kind: Literal["inbound", "bounce"],
        url: str,
        payload: dict[str, Any],
        domain: FakeDomain,
        key: str | None,
        recipients: list[str],
        attempts: int,
        timeout: float,
    ) -> WebhookDelivery:
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        headers = {"User-Agent": USER_AGENT, "Content-Type": "application/json"}
        if key is not None:
            headers[SIGNATURE_HEADER] = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
        delivery = WebhookDelivery(kind, url, body, headers, domain, list(recipients))
        self._store.webhooks.deliveries.append(delivery)
        async with aiohttp.ClientSession() as session:
            for number in range(max(1, attempts)):
                waited = 0.0
                if number:
                    waited = self.retry_delay
                    await self.pause(waited)
                attempt = await self._attempt(session, url, body, headers, timeout)
                attempt.waited = waited
                delivery.attempts.append(attempt)
                if attempt.status == 200 or not _retryable(attempt):
                    break
        return delivery

    async def _attempt(
        self,
        session: aiohttp.ClientSession,
        url: str,
        body: bytes,
        headers: dict[str, str],
        timeout: float,
    ) -> WebhookAttempt:
        post = asyncio.ensure_future(_post(session, url, body, headers))
        timer = asyncio.ensure_future(self.timer(timeout))
        try:
            await asyncio.wait((post, timer), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (post, timer):
                task.cancel()
            await asyncio.gather(post, timer, return_exceptions=True)
        if not post.cancelled() and post.exception() is None:
            status = post.result()
            return WebhookAttempt(status, None if status == 200 else f"HTTP {status}")
        if not post.cancelled():
            error = post.exception()
            return WebhookAttempt(None, f"{type(error).__name__}: {error}")
        return WebhookAttempt(None, f"timed out after {timeout:g} s")


async def _post(
    session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str]
) -> int:
    async with session.post(url, data=body, headers=headers, allow_redirects=False) as answer:
        await answer.read()
        return answer.status


def _retryable(attempt: WebhookAttempt) -> bool:
    return attempt.status is None or attempt.status in _RETRYABLE_STATUSES


def _url_groups(aliases: list[FakeAlias | None]) -> dict[str, tuple[FakeAlias, list[str]]]:
    """One request per exact URL; a group keeps the first alias that made it (and its key)."""
    groups: dict[str, tuple[FakeAlias, list[str]]] = {}
    for alias in aliases:
        if alias is None:
            continue
        for recipient in alias.recipients:
            if not _URL.match(recipient):
                continue
            url = _URL.sub(lambda m: m.group(0).lower(), recipient)
            addresses = groups.setdefault(url, (alias, []))[1]
            if alias.address not in addresses:
                addresses.append(alias.address)
    return groups


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))
