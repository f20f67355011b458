"""examples/webhook_app.py end to end: the fake server delivers mail and a bounce to the
example's URLs on 127.0.0.1, and the parsed events reach its handlers (once each)."""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path
from types import ModuleType

import aiohttp
import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeDomain, FakeForwardEmail, FakeUser

from .webhook_helpers import serve

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "webhook_app.py"


@pytest.fixture(scope="module")
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("webhook_app", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["webhook_app"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def domain(fake: FakeForwardEmail, user: FakeUser) -> FakeDomain:
    found = fake.add_domain(user, "example.com", smtp_verified=True)
    found.has_smtp = True
    return found


async def test_the_example_receives_mail_and_bounces(
    example: ModuleType,
    fake: FakeForwardEmail,
    domain: FakeDomain,
    client: fe.ForwardEmail,
    clock: fe.ManualClock,
) -> None:
    mailroom = example.Mailroom(now=clock.time)
    app = example.make_app(fake.webhooks.key(domain), mailroom=mailroom)
    async with serve(app) as url:
        fake.add_alias(domain, "support", recipients=[f"{url}{example.INBOUND_PATH}"])
        domain.bounce_webhook = f"{url}{example.BOUNCE_PATH}"
        (delivery,) = await fake.deliver(
            "support@example.com",
            from_="Ada <ada@example.org>",
            subject="My order",
            text="Where is it?",
            attachments=[("order.pdf", b"%PDF-1.7 ...")],
        )
        # The same request again (a retry after a lost answer, or a replay): 200, no effect.
        async with (
            aiohttp.ClientSession() as session,
            session.post(delivery.url, data=delivery.body, headers=delivery.headers) as again,
        ):
            assert again.status == 200
        fake.add_alias(domain, "news")
        sent = await client.emails.create(
            from_="news@example.com", to="gone@example.org", subject="News", text="..."
        )
        bounce = await fake.bounce(sent.id, recipient="gone@example.org")
    assert delivery.ok and bounce is not None and bounce.ok
    (email,) = mailroom.emails
    assert email.subject == "My order" and email.recipients == ["support@example.com"]
    assert email.from_ is not None and email.from_.addresses == ["ada@example.org"]
    assert email.attachments[0].filename == "order.pdf"
    assert email.attachments[0].content == b"%PDF-1.7 ..."
    (event,) = mailroom.bounces
    assert event.email_id == sent.id and event.is_hard
    assert mailroom.suppressed == {"gone@example.org"}


async def test_the_example_ignores_stale_mail_and_refuses_forgeries(
    example: ModuleType,
    fake: FakeForwardEmail,
    domain: FakeDomain,
    clock: fe.ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    mailroom = example.Mailroom(now=clock.time)
    app = example.make_app(fake.webhooks.key(domain), mailroom=mailroom)
    async with serve(app) as url, aiohttp.ClientSession() as session:
        fake.add_alias(domain, "support", recipients=[f"{url}{example.INBOUND_PATH}"])
        (delivery,) = await fake.deliver("support@example.com")
        clock.advance(6 * 86_400)  # six days later, the same signed body is replayed
        with caplog.at_level(logging.WARNING, logger="webhook_app"):
            async with session.post(
                delivery.url, data=delivery.body, headers=delivery.headers
            ) as old:
                assert old.status == 200
        forged = {**delivery.headers, "X-Webhook-Signature": "0" * 64}
        async with session.post(delivery.url, data=delivery.body, headers=forged) as bad:
            assert bad.status == 401
    assert len(mailroom.emails) == 1
    assert "ignoring an email that arrived at" in caplog.text
