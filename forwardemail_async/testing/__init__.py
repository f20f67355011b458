"""An in-memory fake of the Forward Email REST API v1, served by aiohttp, for tests.

It follows the real server (not the published docs) down to error bodies, plain-text answers,
pagination headers with their bugs and rate-limit quirks, and it can inject faults::

    async with FakeServer() as server:
        async with ForwardEmail(api_key=server.api_key, base_url=server.url) as client:
            ...

See ``docs/testing.md``.
"""

from ._context import RecordedRequest
from ._emails_state import FakeEmail, OutboundEmails
from ._fake import (
    FakeForwardEmail,
    catch_all_passwords,
    mailbox,
    observatory,
    outbound,
    push_tokens,
    s3_storage,
    webhooks,
)
from ._faults import FaultKind, Faults, ScriptedFault
from ._mailbox import (
    FakeCalendar,
    FakeCalendarEvent,
    FakeContact,
    FakeFolder,
    FakeMailbox,
    FakeMessage,
    FakeSieveScript,
)
from ._observatory_state import (
    FakeBlacklistEvent,
    FakeCtEvent,
    FakeDnsChange,
    FakeObservatory,
    FakeObservatorySubject,
)
from ._ratelimit import RateLimits
from ._server import FakeServer
from ._state import (
    CatchAllToken,
    FakeAlias,
    FakeDomain,
    FakeInvite,
    FakeMember,
    FakePushToken,
    FakeS3Bucket,
    FakeS3Settings,
    FakeS3Storage,
    FakeUser,
)
from ._webhooks import FakeWebhooks
from ._webhooks_state import WebhookAttempt, WebhookDelivery

__all__ = [
    "CatchAllToken",
    "FakeAlias",
    "FakeBlacklistEvent",
    "FakeCalendar",
    "FakeCalendarEvent",
    "FakeContact",
    "FakeCtEvent",
    "FakeDnsChange",
    "FakeDomain",
    "FakeEmail",
    "FakeFolder",
    "FakeForwardEmail",
    "FakeInvite",
    "FakeMailbox",
    "FakeMember",
    "FakeMessage",
    "FakeObservatory",
    "FakeObservatorySubject",
    "FakePushToken",
    "FakeS3Bucket",
    "FakeS3Settings",
    "FakeS3Storage",
    "FakeServer",
    "FakeSieveScript",
    "FakeUser",
    "FakeWebhooks",
    "FaultKind",
    "Faults",
    "OutboundEmails",
    "RateLimits",
    "RecordedRequest",
    "ScriptedFault",
    "WebhookAttempt",
    "WebhookDelivery",
    "catch_all_passwords",
    "mailbox",
    "observatory",
    "outbound",
    "push_tokens",
    "s3_storage",
    "webhooks",
]
