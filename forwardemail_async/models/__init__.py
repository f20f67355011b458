"""Response models: frozen attrs classes whose fields are the API's JSON keys.

Keys a model does not declare are kept in its ``extra_fields``. Enum-like fields are plain
``str``/``int``; the ``Literal`` aliases here list the values known today, for reference.

Each name is imported from its module on first use (PEP 562): building an attrs class costs
several million instructions, so a program that lists aliases does not pay for the 45 others.
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._account import NewAccount
    from ._alias import Alias, AliasCredentials, ErrorCodeIfDisabled, VacationResponder
    from ._alias_account import AliasAccount, AliasMailSettings, AliasSettings
    from ._calendar import Calendar, CalendarEvent
    from ._catch_all import CatchAllPassword, CatchAllPasswordCredentials
    from ._common import Plan
    from ._contact import Contact, ContactValue
    from ._domain import DnsRecord, Domain, DomainInvite, DomainMember, MemberGroup, SmtpDnsRecords
    from ._email import (
        Email,
        EmailDetail,
        EmailEnvelope,
        EmailLimit,
        EmailStatus,
        RejectedRecipient,
    )
    from ._folder import Folder
    from ._message import Message, MessageAddress
    from ._observatory import (
        BlacklistEvent,
        BlacklistSummary,
        CertificateEvent,
        DmarcSummary,
        DnsChange,
        DnsSummary,
        ObservatoryBlacklists,
        ObservatoryDnsHistory,
        ObservatoryLookup,
        ObservatoryMonitor,
        SubjectType,
    )
    from ._push_token import PushPlatform, PushToken, PushTokensDeleted
    from ._refs import DomainRef, UserRef
    from ._sieve import SieveScript, SieveScriptDeleted
    from ._status import StatusMessage
    from ._user import User

# A new model goes into the TYPE_CHECKING block above, this table and __all__.
_LAZY: dict[str, str] = {
    "Alias": "._alias",
    "AliasAccount": "._alias_account",
    "AliasCredentials": "._alias",
    "AliasMailSettings": "._alias_account",
    "AliasSettings": "._alias_account",
    "BlacklistEvent": "._observatory",
    "BlacklistSummary": "._observatory",
    "Calendar": "._calendar",
    "CalendarEvent": "._calendar",
    "CatchAllPassword": "._catch_all",
    "CatchAllPasswordCredentials": "._catch_all",
    "CertificateEvent": "._observatory",
    "Contact": "._contact",
    "ContactValue": "._contact",
    "DmarcSummary": "._observatory",
    "DnsChange": "._observatory",
    "DnsRecord": "._domain",
    "DnsSummary": "._observatory",
    "Domain": "._domain",
    "DomainInvite": "._domain",
    "DomainMember": "._domain",
    "DomainRef": "._refs",
    "Email": "._email",
    "EmailDetail": "._email",
    "EmailEnvelope": "._email",
    "EmailLimit": "._email",
    "EmailStatus": "._email",
    "ErrorCodeIfDisabled": "._alias",
    "Folder": "._folder",
    "MemberGroup": "._domain",
    "Message": "._message",
    "MessageAddress": "._message",
    "NewAccount": "._account",
    "ObservatoryBlacklists": "._observatory",
    "ObservatoryDnsHistory": "._observatory",
    "ObservatoryLookup": "._observatory",
    "ObservatoryMonitor": "._observatory",
    "Plan": "._common",
    "PushPlatform": "._push_token",
    "PushToken": "._push_token",
    "PushTokensDeleted": "._push_token",
    "RejectedRecipient": "._email",
    "SieveScript": "._sieve",
    "SieveScriptDeleted": "._sieve",
    "SmtpDnsRecords": "._domain",
    "StatusMessage": "._status",
    "SubjectType": "._observatory",
    "User": "._user",
    "UserRef": "._refs",
    "VacationResponder": "._alias",
}

__all__ = [
    "Alias",
    "AliasAccount",
    "AliasCredentials",
    "AliasMailSettings",
    "AliasSettings",
    "BlacklistEvent",
    "BlacklistSummary",
    "Calendar",
    "CalendarEvent",
    "CatchAllPassword",
    "CatchAllPasswordCredentials",
    "CertificateEvent",
    "Contact",
    "ContactValue",
    "DmarcSummary",
    "DnsChange",
    "DnsRecord",
    "DnsSummary",
    "Domain",
    "DomainInvite",
    "DomainMember",
    "DomainRef",
    "Email",
    "EmailDetail",
    "EmailEnvelope",
    "EmailLimit",
    "EmailStatus",
    "ErrorCodeIfDisabled",
    "Folder",
    "MemberGroup",
    "Message",
    "MessageAddress",
    "NewAccount",
    "ObservatoryBlacklists",
    "ObservatoryDnsHistory",
    "ObservatoryLookup",
    "ObservatoryMonitor",
    "Plan",
    "PushPlatform",
    "PushToken",
    "PushTokensDeleted",
    "RejectedRecipient",
    "SieveScript",
    "SieveScriptDeleted",
    "SmtpDnsRecords",
    "StatusMessage",
    "SubjectType",
    "User",
    "UserRef",
    "VacationResponder",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
