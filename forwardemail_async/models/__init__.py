"""Response models: frozen attrs classes whose fields are the API's JSON keys.

Keys a model does not declare are kept in its ``extra_fields``. Enum-like fields are plain
``str``/``int``; the ``Literal`` aliases here list the values known today, for reference.
"""

from ._alias import Alias, AliasCredentials, ErrorCodeIfDisabled, VacationResponder
from ._common import Plan
from ._domain import DnsRecord, Domain, DomainInvite, DomainMember, MemberGroup, SmtpDnsRecords
from ._user import User

__all__ = [
    "Alias",
    "AliasCredentials",
    "DnsRecord",
    "Domain",
    "DomainInvite",
    "DomainMember",
    "ErrorCodeIfDisabled",
    "MemberGroup",
    "Plan",
    "SmtpDnsRecords",
    "User",
    "VacationResponder",
]
