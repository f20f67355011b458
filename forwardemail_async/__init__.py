"""forwardemail_async: an async-first client for the Forward Email REST API v1.

    async with forwardemail_async.ForwardEmail(api_key="..") as client:
        async for alias in client.aliases.list("example.com"):
            print(alias.name, alias.recipients)

The in-memory fake server for tests lives in :mod:`forwardemail_async.testing`.
"""

import importlib
from typing import TYPE_CHECKING

from ._version import __version__

if TYPE_CHECKING:
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
    from ._client import API_KEY_ENV, BASE_URL_ENV, ForwardEmail
    from ._core.clock import Clock, ManualClock, SystemClock
    from ._core.errors import (
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
        ResponseTooLargeError,
        ServerError,
    )
    from ._core.headers import PageInfo, RateLimitInfo
    from ._core.pagination import AsyncPaginator, Page
    from ._core.response import Response
    from ._core.retry import RetryDetails, RetryPolicy
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
    from .resources.account import AccountService
    from .resources.alias_account import AliasAccountService
    from .resources.alias_session import AliasSession
    from .resources.aliases import AliasesService, AliasSort, SearchFilter
    from .resources.calendar_events import CalendarEventSort, CalendarEventsService
    from .resources.calendars import CalendarsService
    from .resources.catch_all_passwords import CatchAllPasswordsService
    from .resources.contacts import ContactEntry, ContactsService
    from .resources.domain_lists import DomainListsMixin
    from .resources.domains import DomainPlan, DomainsService
    from .resources.email_body import EmailAttachment
    from .resources.emails import EmailSort, EmailsService
    from .resources.folders import FoldersService
    from .resources.invites import InvitesService
    from .resources.logs import LogsService
    from .resources.members import MembersService
    from .resources.messages import MessagesService
    from .resources.observatory import ObservatoryService
    from .resources.push_tokens import PushTokensService
    from .resources.sieve import AliasSieveScriptsService, SieveScriptsService

# `import forwardemail_async` loads only this file; each name below is imported from its module
# the first time it is used (PEP 562), so scripts that need one service do not pay for all of
# them, and the fake server (forwardemail_async.testing) is never loaded with the client.
# A new public name goes into the TYPE_CHECKING block above, this table and __all__.
_LAZY: dict[str, str] = {
    "APIConnectionError": "._core.errors",
    "APIError": "._core.errors",
    "APITimeoutError": "._core.errors",
    "API_KEY_ENV": "._client",
    "BASE_URL_ENV": "._client",
    "AccountService": ".resources.account",
    "Alias": ".models",
    "AliasAccount": ".models",
    "AliasAccountService": ".resources.alias_account",
    "AliasCredentials": ".models",
    "AliasMailSettings": ".models",
    "AliasSession": ".resources.alias_session",
    "AliasSettings": ".models",
    "AliasSieveScriptsService": ".resources.sieve",
    "AliasSort": ".resources.aliases",
    "AliasSpec": "._bulk",
    "AliasesService": ".resources.aliases",
    "AlreadyExistsError": "._core.errors",
    "AsyncPaginator": "._core.pagination",
    "AuthenticationError": "._core.errors",
    "BadRequestError": "._core.errors",
    "BlacklistEvent": ".models",
    "BlacklistSummary": ".models",
    "BulkBatch": "._bulk",
    "BulkCounts": "._bulk",
    "BulkProgress": "._bulk",
    "BulkResult": "._bulk",
    "BulkStatus": "._bulk",
    "BulkSummary": "._bulk",
    "Calendar": ".models",
    "CalendarEvent": ".models",
    "CalendarEventSort": ".resources.calendar_events",
    "CalendarEventsService": ".resources.calendar_events",
    "CalendarsService": ".resources.calendars",
    "CatchAllPassword": ".models",
    "CatchAllPasswordCredentials": ".models",
    "CatchAllPasswordsService": ".resources.catch_all_passwords",
    "CertificateEvent": ".models",
    "Clock": "._core.clock",
    "ConflictError": "._core.errors",
    "Contact": ".models",
    "ContactEntry": ".resources.contacts",
    "ContactValue": ".models",
    "ContactsService": ".resources.contacts",
    "DmarcSummary": ".models",
    "DnsChange": ".models",
    "DnsRecord": ".models",
    "DnsSummary": ".models",
    "Domain": ".models",
    "DomainInvite": ".models",
    "DomainListsMixin": ".resources.domain_lists",
    "DomainMember": ".models",
    "DomainPlan": ".resources.domains",
    "DomainsService": ".resources.domains",
    "Email": ".models",
    "EmailAttachment": ".resources.email_body",
    "EmailDetail": ".models",
    "EmailEnvelope": ".models",
    "EmailLimit": ".models",
    "EmailSort": ".resources.emails",
    "EmailsService": ".resources.emails",
    "Folder": ".models",
    "FoldersService": ".resources.folders",
    "ForwardEmail": "._client",
    "ForwardEmailError": "._core.errors",
    "InvitesService": ".resources.invites",
    "LogsService": ".resources.logs",
    "ManualClock": "._core.clock",
    "MembersService": ".resources.members",
    "Message": ".models",
    "MessageAddress": ".models",
    "MessagesService": ".resources.messages",
    "NewAccount": ".models",
    "NotAdminError": "._core.errors",
    "NotFoundError": "._core.errors",
    "ObservatoryBlacklists": ".models",
    "ObservatoryDnsHistory": ".models",
    "ObservatoryLookup": ".models",
    "ObservatoryMonitor": ".models",
    "ObservatoryService": ".resources.observatory",
    "OnExists": "._bulk",
    "Page": "._core.pagination",
    "PageInfo": "._core.headers",
    "PaymentRequiredError": "._core.errors",
    "PermissionDeniedError": "._core.errors",
    "PreconditionFailedError": "._core.errors",
    "PushPlatform": ".models",
    "PushToken": ".models",
    "PushTokensDeleted": ".models",
    "PushTokensService": ".resources.push_tokens",
    "RateLimitError": "._core.errors",
    "RateLimitInfo": "._core.headers",
    "RejectedRecipient": ".models",
    "RequestTimeoutError": "._core.errors",
    "Response": "._core.response",
    "ResponseDecodeError": "._core.errors",
    "ResponseTooLargeError": "._core.errors",
    "RetryDetails": "._core.retry",
    "RetryPolicy": "._core.retry",
    "SearchFilter": ".resources.aliases",
    "ServerError": "._core.errors",
    "SieveScript": ".models",
    "SieveScriptDeleted": ".models",
    "SieveScriptsService": ".resources.sieve",
    "SmtpDnsRecords": ".models",
    "StatusMessage": ".models",
    "SubjectType": ".models",
    "SystemClock": "._core.clock",
    "User": ".models",
    "VacationResponder": ".models",
}

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
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
    "ResponseTooLargeError",
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


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        if name == "models":
            return importlib.import_module(".models", __name__)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
