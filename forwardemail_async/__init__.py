"""forwardemail_async: an async-first client for the Forward Email REST API v1.

    async with forwardemail_async.ForwardEmail(api_key="...") as client:
        async for alias in client.aliases.list("example.com"):
            print(alias.name, alias.recipients)

The in-memory fake server for tests lives in :mod:`forwardemail_async.testing`.
"""

import importlib
from typing import TYPE_CHECKING

from ._version import __version__

if TYPE_CHECKING:
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
        ResponseTooLargeError,
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

# `import forwardemail_async` loads only this file; each name below is imported from its module
# the first time it is used (PEP 562), so scripts that need one service do not pay for all of
# them, and the fake server (forwardemail_async.testing) is never loaded with the client.
# A new public name goes into the TYPE_CHECKING block above, this table and __all__.
_LAZY: dict[str, str] = {
    "APIConnectionError": "._errors",
    "APIError": "._errors",
    "APITimeoutError": "._errors",
    "API_KEY_ENV": "._client",
    "AccountService": "._account",
    "Alias": ".models",
    "AliasAccount": ".models",
    "AliasAccountService": "._alias_account",
    "AliasCredentials": ".models",
    "AliasMailSettings": ".models",
    "AliasSession": "._alias_session",
    "AliasSettings": ".models",
    "AliasSieveScriptsService": "._sieve",
    "AliasSort": "._aliases",
    "AliasSpec": "._bulk",
    "AliasesService": "._aliases",
    "AlreadyExistsError": "._errors",
    "AsyncPaginator": "._pagination",
    "AuthenticationError": "._errors",
    "BadRequestError": "._errors",
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
    "CalendarEventSort": "._calendar_events",
    "CalendarEventsService": "._calendar_events",
    "CalendarsService": "._calendars",
    "CatchAllPassword": ".models",
    "CatchAllPasswordCredentials": ".models",
    "CatchAllPasswordsService": "._catch_all_passwords",
    "CertificateEvent": ".models",
    "Clock": "._clock",
    "ConflictError": "._errors",
    "Contact": ".models",
    "ContactEntry": "._contacts",
    "ContactValue": ".models",
    "ContactsService": "._contacts",
    "DmarcSummary": ".models",
    "DnsChange": ".models",
    "DnsRecord": ".models",
    "DnsSummary": ".models",
    "Domain": ".models",
    "DomainInvite": ".models",
    "DomainListsMixin": "._domain_lists",
    "DomainMember": ".models",
    "DomainPlan": "._domains",
    "DomainsService": "._domains",
    "Email": ".models",
    "EmailAttachment": "._email_body",
    "EmailDetail": ".models",
    "EmailEnvelope": ".models",
    "EmailLimit": ".models",
    "EmailSort": "._emails",
    "EmailsService": "._emails",
    "Folder": ".models",
    "FoldersService": "._folders",
    "ForwardEmail": "._client",
    "ForwardEmailError": "._errors",
    "InvitesService": "._invites",
    "LogsService": "._logs",
    "ManualClock": "._clock",
    "MembersService": "._members",
    "Message": ".models",
    "MessageAddress": ".models",
    "MessagesService": "._messages",
    "NewAccount": ".models",
    "NotAdminError": "._errors",
    "NotFoundError": "._errors",
    "ObservatoryBlacklists": ".models",
    "ObservatoryDnsHistory": ".models",
    "ObservatoryLookup": ".models",
    "ObservatoryMonitor": ".models",
    "ObservatoryService": "._observatory",
    "OnExists": "._bulk",
    "Page": "._pagination",
    "PageInfo": "._headers",
    "PaymentRequiredError": "._errors",
    "PermissionDeniedError": "._errors",
    "PreconditionFailedError": "._errors",
    "PushPlatform": ".models",
    "PushToken": ".models",
    "PushTokensDeleted": ".models",
    "PushTokensService": "._push_tokens",
    "RateLimitError": "._errors",
    "RateLimitInfo": "._headers",
    "RejectedRecipient": ".models",
    "RequestTimeoutError": "._errors",
    "Response": "._response",
    "ResponseDecodeError": "._errors",
    "ResponseTooLargeError": "._errors",
    "RetryDetails": "._retry",
    "RetryPolicy": "._retry",
    "SearchFilter": "._aliases",
    "ServerError": "._errors",
    "SieveScript": ".models",
    "SieveScriptDeleted": ".models",
    "SieveScriptsService": "._sieve",
    "SmtpDnsRecords": ".models",
    "StatusMessage": ".models",
    "SubjectType": ".models",
    "SystemClock": "._clock",
    "User": ".models",
    "VacationResponder": ".models",
}

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
