"""Response models: frozen attrs classes whose fields are the API's JSON keys.

Keys a model does not declare are kept in its ``extra_fields``. Enum-like fields are plain
``str``/``int``; the ``Literal`` aliases here list the values known today, for reference.
"""

from ._account import NewAccount
from ._alias import Alias, AliasCredentials, ErrorCodeIfDisabled, VacationResponder
from ._alias_account import AliasAccount, AliasMailSettings, AliasSettings
from ._calendar import Calendar, CalendarEvent
from ._catch_all import CatchAllPassword, CatchAllPasswordCredentials
from ._common import Plan
from ._contact import Contact, ContactValue
from ._domain import DnsRecord, Domain, DomainInvite, DomainMember, MemberGroup, SmtpDnsRecords
from ._email import Email, EmailDetail, EmailEnvelope, EmailLimit, EmailStatus, RejectedRecipient
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
