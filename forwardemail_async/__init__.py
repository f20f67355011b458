"""forwardemail_async: an async-first client for the Forward Email REST API v1.

    async with forwardemail_async.ForwardEmail(api_key="...") as client:
        async for alias in client.aliases.list("example.com"):
            print(alias.name, alias.recipients)

The in-memory fake server for tests lives in :mod:`forwardemail_async.testing`.
"""

from ._account import AccountService
from ._alias_account import AliasAccountService
from ._alias_session import AliasSession
from ._aliases import AliasesService, AliasSort, SearchFilter
from ._bulk import (
    AliasSpec,
    BulkBatch,
    BulkCounts,
    BulkProgress,
    BulkResult,
    BulkStatus,
    BulkSummary,
    OnExists,
)
from ._calendar_events import CalendarEventSort, CalendarEventsService
from ._calendars import CalendarsService
from ._catch_all_passwords import CatchAllPasswordsService
from ._client import API_KEY_ENV, ForwardEmail
from ._clock import Clock, ManualClock, SystemClock
from ._contacts import ContactEntry, ContactsService
from ._domain_lists import DomainListsMixin
from ._domains import DomainPlan, DomainsService
from ._email_body import EmailAttachment
from ._emails import EmailSort, EmailsService
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
from ._folders import FoldersService
from ._headers import PageInfo, RateLimitInfo
from ._invites import InvitesService
from ._logs import LogsService
from ._members import MembersService
from ._messages import MessagesService
from ._observatory import ObservatoryService
from ._pagination import AsyncPaginator, Page
from ._push_tokens import PushTokensService
from ._response import Response
from ._retry import RetryDetails, RetryPolicy
from ._sieve import AliasSieveScriptsService, SieveScriptsService
from ._version import __version__
from .models import (
    Alias,
    AliasAccount,
    AliasCredentials,
    AliasMailSettings,
    AliasSettings,
    BlacklistEvent,
    BlacklistSummary,
    Calendar,
    CalendarEvent,
    CatchAllPassword,
    CatchAllPasswordCredentials,
    CertificateEvent,
    Contact,
    ContactValue,
    DmarcSummary,
    DnsChange,
    DnsRecord,
    DnsSummary,
    Domain,
    DomainInvite,
    DomainMember,
    Email,
    EmailDetail,
    EmailEnvelope,
    EmailLimit,
    Folder,
    Message,
    MessageAddress,
    NewAccount,
    ObservatoryBlacklists,
    ObservatoryDnsHistory,
    ObservatoryLookup,
    ObservatoryMonitor,
    PushPlatform,
    PushToken,
    PushTokensDeleted,
    RejectedRecipient,
    SieveScript,
    SieveScriptDeleted,
    SmtpDnsRecords,
    StatusMessage,
    SubjectType,
    User,
    VacationResponder,
)

__all__ = [
    "API_KEY_ENV",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AccountService",
    "Alias",
    "AliasAccount",
    "AliasAccountService",
    "AliasCredentials",
    "AliasMailSettings",
    "AliasSession",
    "AliasSettings",
    "AliasSieveScriptsService",
    "AliasSort",
    "AliasSpec",
    "AliasesService",
    "AlreadyExistsError",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "BlacklistEvent",
    "BlacklistSummary",
    "BulkBatch",
    "BulkCounts",
    "BulkProgress",
    "BulkResult",
    "BulkStatus",
    "BulkSummary",
    "Calendar",
    "CalendarEvent",
    "CalendarEventSort",
    "CalendarEventsService",
    "CalendarsService",
    "CatchAllPassword",
    "CatchAllPasswordCredentials",
    "CatchAllPasswordsService",
    "CertificateEvent",
    "Clock",
    "ConflictError",
    "Contact",
    "ContactEntry",
    "ContactValue",
    "ContactsService",
    "DmarcSummary",
    "DnsChange",
    "DnsRecord",
    "DnsSummary",
    "Domain",
    "DomainInvite",
    "DomainListsMixin",
    "DomainMember",
    "DomainPlan",
    "DomainsService",
    "Email",
    "EmailAttachment",
    "EmailDetail",
    "EmailEnvelope",
    "EmailLimit",
    "EmailSort",
    "EmailsService",
    "Folder",
    "FoldersService",
    "ForwardEmail",
    "ForwardEmailError",
    "InvitesService",
    "LogsService",
    "ManualClock",
    "MembersService",
    "Message",
    "MessageAddress",
    "MessagesService",
    "NewAccount",
    "NotAdminError",
    "NotFoundError",
    "ObservatoryBlacklists",
    "ObservatoryDnsHistory",
    "ObservatoryLookup",
    "ObservatoryMonitor",
    "ObservatoryService",
    "OnExists",
    "Page",
    "PageInfo",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "PushPlatform",
    "PushToken",
    "PushTokensDeleted",
    "PushTokensService",
    "RateLimitError",
    "RateLimitInfo",
    "RejectedRecipient",
    "RequestTimeoutError",
    "Response",
    "ResponseDecodeError",
    "RetryDetails",
    "RetryPolicy",
    "SearchFilter",
    "ServerError",
    "SieveScript",
    "SieveScriptDeleted",
    "SieveScriptsService",
    "SmtpDnsRecords",
    "StatusMessage",
    "SubjectType",
    "SystemClock",
    "User",
    "VacationResponder",
    "__version__",
]
