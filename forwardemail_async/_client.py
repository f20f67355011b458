"""``ForwardEmail``: the client object users create, and the entry point to every service."""

from __future__ import annotations

import enum
import functools
import os
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Literal

import aiohttp
import attrs
from yarl import URL

from ._core.auth import BasicCredentials
from ._core.clock import Clock, SystemClock
from ._core.headers import RateLimitInfo
from ._core.params import check_headers
from ._core.ratelimit import check_rate_limit
from ._core.requester import Requester
from ._core.retry import RetryPolicy
from ._core.transport import DEFAULT_MAX_RESPONSE_SIZE, RequestOptions, Transport
from ._core.urls import DEFAULT_BASE_URL, normalize_base_url
from .resources.encrypt import encrypt_txt

# The services, with the models, bulk helpers and alias resources behind them, are most of
# this package's import time, so each is imported when first used rather than here.
if TYPE_CHECKING:
    from .resources.account import AccountService
    from .resources.alias_session import AliasSession
    from .resources.aliases import AliasesService
    from .resources.domains import DomainsService
    from .resources.emails import EmailsService
    from .resources.logs import LogsService
    from .resources.observatory import ObservatoryService
    from .resources.push_tokens import PushTokensService

__all__ = ["API_KEY_ENV", "BASE_URL_ENV", "ForwardEmail"]

API_KEY_ENV = "FORWARD_EMAIL_API_KEY"
BASE_URL_ENV = "FORWARD_EMAIL_BASE_URL"


class _Unset(enum.Enum):
    """Marks "argument not given" where ``None`` is a meaningful value."""

    UNSET = enum.auto()


_UNSET = _Unset.UNSET


class ForwardEmail:
    """An async client for the Forward Email API v1.

    Use it as ``async with ForwardEmail(api_key=...) as client:`` (or call
    :meth:`close`). One client holds one aiohttp session, created lazily inside the running
    event loop and shared by all its services; pass ``session=`` to use your own, which the
    client then never closes.

    ``timeout`` bounds each attempt and starts only once the request has a slot under
    ``max_concurrency`` (queueing is not request time); ``retry`` decides what is retried.
    ``api_key`` defaults to the ``FORWARD_EMAIL_API_KEY`` environment variable and
    ``base_url`` to ``FORWARD_EMAIL_BASE_URL`` (then the real API), so the same code can be
    pointed at a fake server or a proxy without changing it.
    ``rate_limit=(requests, per_seconds)`` lets at most that many requests (retries included)
    start in any span of ``per_seconds``, for a key shared with other workers.
    ``max_response_size`` caps the bytes read from one answer (128 MiB by default, ``None``
    for no cap): a longer 2xx answer raises :class:`ResponseTooLargeError`, a longer error
    answer is cut there, so a broken proxy or a hostile server cannot exhaust memory.
    Plain ``http`` is refused for any host but loopback unless ``allow_insecure_http=True``.
    ``clock`` is what the client reads time from and sleeps on: a ``ManualClock`` shared
    with a fake server lets tests pass retry waits and rate-limit windows without sleeping.
    ``accept_language`` asks for localized server messages; ``headers`` go on every request.
    ``reconcile_creates`` (on by default) lets a create whose key the server keeps unique
    (an alias with a name, a domain) read itself back after an ambiguous failure, so it
    happens exactly once; see ``docs/reliability.md``.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | URL | None = None,
        timeout: float | None = 30.0,
        connect_timeout: float | None = 10.0,
        retry: RetryPolicy | None = None,
        max_concurrency: int = 10,
        session: aiohttp.ClientSession | None = None,
        accept_language: str | None = None,
        headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        clock: Clock | None = None,
        rate_limit: tuple[int, float] | None = None,
        max_response_size: int | None = DEFAULT_MAX_RESPONSE_SIZE,
        reconcile_creates: bool = True,
    ) -> None:
        if api_key is None:
            api_key = os.environ.get(API_KEY_ENV) or None
        if base_url is None:
            base_url = os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        auth = BasicCredentials.api_key(api_key) if api_key is not None else None
        if session is not None and not isinstance(session, aiohttp.ClientSession):
            raise TypeError("session must be an aiohttp.ClientSession")
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise TypeError("retry must be a RetryPolicy")
        _check_timeout(timeout, "timeout")
        _check_timeout(connect_timeout, "connect_timeout")
        if rate_limit is not None:
            rate_limit = check_rate_limit(rate_limit)
        if max_response_size is not None and (
            isinstance(max_response_size, bool) or not isinstance(max_response_size, int)
        ):
            raise TypeError("max_response_size must be a number of bytes (int) or None")
        if max_response_size is not None and max_response_size < 1:
            raise ValueError(f"max_response_size must be >= 1, got {max_response_size}")
        if not isinstance(reconcile_creates, bool):
            raise TypeError("reconcile_creates must be a bool")
        transport = Transport(
            base_url=normalize_base_url(base_url, allow_insecure_http=allow_insecure_http),
            clock=clock or SystemClock(),
            max_concurrency=max_concurrency,
            connect_timeout=connect_timeout,
            session=session,
            accept_language=accept_language,
            max_response_size=max_response_size,
        )
        if rate_limit is not None:
            transport.gate.set_rate_limit(*rate_limit)
        options = RequestOptions(
            timeout=timeout,
            retry=retry or RetryPolicy(),
            headers=check_headers(headers or {}),
            reconcile=reconcile_creates,
        )
        self._requester = Requester(transport, auth, options)

    # Each service is created, and its module imported, on first access, then cached on the
    # instance (cached_property), so later accesses are plain attribute reads.

    @functools.cached_property
    def domains(self) -> DomainsService:
        """Domains on the account, with their members, invites and catch-all passwords."""
        from .resources.domains import DomainsService

        return DomainsService(self._requester)

    @functools.cached_property
    def aliases(self) -> AliasesService:
        """Aliases of a domain, their passwords and Sieve scripts, and bulk changes."""
        from .resources.aliases import AliasesService

        return AliasesService(self._requester)

    @functools.cached_property
    def account(self) -> AccountService:
        """The account the API key belongs to, and sign-up for new accounts."""
        from .resources.account import AccountService

        return AccountService(self._requester)

    @functools.cached_property
    def emails(self) -> EmailsService:
        """Emails sent through Forward Email's outbound SMTP."""
        from .resources.emails import EmailsService

        return EmailsService(self._requester)

    @functools.cached_property
    def logs(self) -> LogsService:
        """Delivery logs of your paid domains."""
        from .resources.logs import LogsService

        return LogsService(self._requester)

    @functools.cached_property
    def push_tokens(self) -> PushTokensService:
        """Push tokens of an alias."""
        from .resources.push_tokens import PushTokensService

        return PushTokensService(self._requester)

    @functools.cached_property
    def observatory(self) -> ObservatoryService:
        """Deliverability reputation of domains and IP addresses, and your monitors."""
        from .resources.observatory import ObservatoryService

        return ObservatoryService(self._requester)

    @property
    def base_url(self) -> str:
        """The API root every request goes to."""
        return self._requester.transport.base_url

    @property
    def rate_limit(self) -> RateLimitInfo | None:
        """The ``X-RateLimit-*`` headers of the latest response that carried them."""
        return self._requester.transport.rate_limit

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (the client cannot be used after that)."""
        return self._requester.transport.closed

    def with_options(
        self,
        *,
        timeout: float | Literal[_Unset.UNSET] | None = _UNSET,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        reconcile_creates: bool | None = None,
    ) -> ForwardEmail:
        """A copy with other per-request options that shares this client's session and gate.

        Closing either closes both (they share one session).
        """
        requester = self._requester
        options = requester.options
        if timeout is not _UNSET:
            _check_timeout(timeout, "timeout")
            options = attrs.evolve(options, timeout=timeout)
        if retry is not None:
            if not isinstance(retry, RetryPolicy):
                raise TypeError("retry must be a RetryPolicy")
            options = attrs.evolve(options, retry=retry)
        if reconcile_creates is not None:
            if not isinstance(reconcile_creates, bool):
                raise TypeError("reconcile_creates must be a bool")
            options = attrs.evolve(options, reconcile=reconcile_creates)
        requester = requester.with_options(options)
        if headers is not None:
            requester = requester.with_headers(headers)
        clone = object.__new__(type(self))
        clone._requester = requester
        return clone

    def as_alias(self, address: str, password: str) -> AliasSession:
        """The alias-authenticated resources of ``address`` (contacts, messages, ...).

        ``password`` is a password generated with :meth:`AliasesService.generate_password`.
        The returned session shares this client's connection pool, retry policy and
        concurrency gate.
        """
        if not isinstance(address, str) or "@" not in address:
            raise ValueError("address must be the alias's full email address, like me@example.com")
        current = self._requester
        address = address.strip().lower()
        credentials = BasicCredentials.alias(address, password)
        from .resources.alias_session import AliasSession

        return AliasSession(Requester(current.transport, credentials, current.options), address)

    async def encrypt(self, value: str) -> str:
        """Encrypt a DNS TXT value such as ``forward-email=user@example.net``.

        Returns the record to publish, ``forward-email=<base64>`` (``forward-email-port=``
        for port records). A leading ``forward-email=`` in ``value`` is optional. Needs no
        API key; the server allows 50 calls a day per IP address.
        """
        return await encrypt_txt(self._requester, value)

    async def close(self) -> None:
        """Close the session if the client created it. Safe to call more than once."""
        await self._requester.transport.close()

    async def __aenter__(self) -> ForwardEmail:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        auth = "api_key=***" if self._requester.auth is not None else "no api_key"
        state = ", closed" if self.closed else ""
        return f"ForwardEmail(base_url={self.base_url!r}, {auth}{state})"


def _check_timeout(value: object, name: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds or None")
    if not value > 0:  # NaN too: a NaN timeout would never fire
        raise ValueError(f"{name} must be > 0 seconds, got {value!r}")
