"""No secret shows up anywhere a secret could leak, across a whole run with faults.

One run touches every service (API-key and alias-authenticated, bulk included) while the fake
injects 5xx answers, resets and drops, and provokes errors (401, 404, 400). Every log record
of every logger at DEBUG is captured. Then neither the API key, the alias and catch-all
passwords, nor their Basic-auth base64 forms may appear in any log record (message, args,
exception text), nor in the repr/str of the client, its services, the alias session, the
models returned (nor in their Jupyter HTML), or any exception and its whole chain.
"""

from __future__ import annotations

import base64
import logging
import traceback
from collections.abc import Awaitable, Callable

import pytest

import forwardemail_async as fe
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser

from .alias_helpers import DOMAIN, open_session

WRONG_PASSWORD = "Wrong-Secret-Password-42"


def _forms(username: str, password: str) -> list[str]:
    """A secret, and the Authorization header value it travels in."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return [password or username, token]


def _html(value: object) -> str:
    """Jupyter's rich display of a value (models, pages, lists of models), if it has one."""
    items = value if isinstance(value, list) else [value]
    return "".join(item._repr_html_() for item in items if hasattr(item, "_repr_html_"))


def _exception_texts(exc: BaseException) -> list[str]:
    """repr, str and the formatted traceback of an exception and of everything it chains to."""
    texts = ["".join(traceback.format_exception(exc))]
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts += [repr(current), str(current), repr(vars(current))]
        current = current.__cause__ or current.__context__
    return texts


async def test_no_secret_in_logs_reprs_or_errors_of_a_faulty_run(
    server: FakeServer,
    user: FakeUser,
    fake: FakeForwardEmail,
    clock: fe.ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: every logger's records
    texts: list[str] = []
    errors: list[BaseException] = []

    async def run(call: Callable[[], Awaitable[object]]) -> None:
        try:
            result = await call()
        except fe.ForwardEmailError as exc:
            errors.append(exc)
        else:
            texts.extend([repr(result), str(result), _html(result)])

    async with fe.ForwardEmail(api_key=user.api_token, base_url=server.url, clock=clock) as c:
        session, alias, password = await open_session(c, fake, user)
        catch_all = await c.domains.catch_all_passwords.create(DOMAIN, description="all")
        texts += [repr(catch_all), str(catch_all), _html(catch_all)]
        fake.faults.rate_503 = 0.15
        fake.faults.rate_reset = 0.1
        fake.faults.rate_commit_then_drop = 0.1
        wrong = c.as_alias(f"me@{DOMAIN}", WRONG_PASSWORD)
        calls: list[Callable[[], Awaitable[object]]] = [
            lambda: c.account.retrieve(),
            lambda: c.domains.retrieve(DOMAIN),
            lambda: c.domains.retrieve("missing.example"),
            lambda: c.domains.list().collect(),
            lambda: c.domains.catch_all_passwords.list(DOMAIN),
            lambda: c.aliases.list(DOMAIN, concurrency=3).collect(),
            lambda: c.aliases.create(DOMAIN, name="x", recipients=["not an address"]),
            lambda: c.aliases.update(DOMAIN, "me", description="d"),
            lambda: c.aliases.create_many(
                DOMAIN, [{"name": f"bulk{i}", "recipients": ["me@example.net"]} for i in range(20)]
            ).run(),
            lambda: c.aliases.delete_many(DOMAIN, [f"bulk{i}" for i in range(0, 20, 2)]).run(),
            lambda: c.emails.list().collect(),
            lambda: c.push_tokens.list(alias_id=alias.id),
            lambda: c.observatory.monitors(),
            lambda: session.account.retrieve(),
            lambda: session.contacts.list().collect(),
            lambda: session.contacts.create(full_name="Ann", emails=[{"value": "ann@example.net"}]),
            lambda: session.calendars.list().collect(),
            lambda: session.folders.list().collect(),
            lambda: session.messages.list().collect(),
            lambda: session.sieve_scripts.list(),
            lambda: session.push_tokens.list(),
            lambda: wrong.contacts.list().collect(),
            lambda: wrong.account.retrieve(),
        ]
        for call in calls:
            await run(call)
        fake.faults.rate_reset = 1.0  # and a call that gives up on connection errors
        await run(lambda: c.domains.retrieve(DOMAIN))
        fake.faults.rate_reset = 0.0
        holders: list[object] = [c, c.domains, c.aliases, c.account, c.emails, c._requester]
        holders += [c.domains.catch_all_passwords, session, session.contacts, session.messages]
        holders += [session._requester, wrong._requester, c._requester.transport]
        texts += [text for item in holders for text in (repr(item), str(item))]

    for exc in errors:
        texts += _exception_texts(exc)
    for record in caplog.records:
        texts += [record.getMessage(), repr(record.args), repr(vars(record))]
        if record.exc_info:
            texts += _exception_texts(record.exc_info[1])  # type: ignore[arg-type]

    # The run did what it claims: retries logged, errors of several kinds raised.
    assert any("retrying" in record.getMessage() for record in caplog.records)
    kinds = {type(exc).__name__ for exc in errors}
    assert {"NotFoundError", "AuthenticationError", "APIConnectionError"} <= kinds, kinds
    secrets = [
        *_forms(user.api_token, ""),
        *_forms(f"me@{DOMAIN}", password),
        *_forms(f"me@{DOMAIN}", WRONG_PASSWORD),
        *_forms(catch_all.username, catch_all.password),
    ]
    leaks = [(secret, text[:200]) for secret in secrets for text in texts if secret in text]
    assert leaks == []
