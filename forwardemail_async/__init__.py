"""forwardemail_async: an async-first client for the Forward Email REST API v1.

    async with forwardemail_async.ForwardEmail(api_key="...") as client:
        async for alias in client.aliases.list("example.com"):
            print(alias.name, alias.recipients)

The in-memory fake server for tests lives in :mod:`forwardemail_async.testing`.
"""

from ._alias_session import AliasSession
from ._aliases import AliasesService, AliasSort, SearchFilter
from ._client import API_KEY_ENV, ForwardEmail
from ._clock import Clock, ManualClock, SystemClock
from ._domains import DomainPlan, DomainsService
from ._errors import (
    AlreadyExistsError,
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ForwardEmailError,
    NotAdminError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    PreconditionFailedError,
    RateLimitError,
    RequestTimeoutError,
    ResponseDecodeError,
    ServerError,
)
from ._headers import PageInfo, RateLimitInfo
from ._pagination import AsyncPaginator, Page
from ._response import Response
from ._retry import RetryDetails, RetryPolicy
from ._version import __version__
from .models import (
    Alias,
    AliasCredentials,
    DnsRecord,
    Domain,
    DomainInvite,
    DomainMember,
    SmtpDnsRecords,
    User,
    VacationResponder,
)

__all__ = [
    "API_KEY_ENV",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "Alias",
    "AliasCredentials",
    "AliasSession",
    "AliasSort",
    "AliasesService",
    "AlreadyExistsError",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "Clock",
    "ConflictError",
    "DnsRecord",
    "Domain",
    "DomainInvite",
    "DomainMember",
    "DomainPlan",
    "DomainsService",
    "ForwardEmail",
    "ForwardEmailError",
    "ManualClock",
    "NotAdminError",
    "NotFoundError",
    "Page",
    "PageInfo",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "RateLimitError",
    "RateLimitInfo",
    "RequestTimeoutError",
    "Response",
    "ResponseDecodeError",
    "RetryDetails",
    "RetryPolicy",
    "SearchFilter",
    "ServerError",
    "SmtpDnsRecords",
    "SystemClock",
    "User",
    "VacationResponder",
    "__version__",
]
