"""The alias object, its vacation responder, and the generated alias password."""

from datetime import datetime
from typing import Any, Literal

import attrs

from forwardemail_async._core.display import HtmlRepr
from forwardemail_async._decode.lazy_defaults import LazyDefaults

from ._domain import Domain
from ._user import User

__all__ = ["Alias", "AliasCredentials", "ErrorCodeIfDisabled", "VacationResponder"]

ErrorCodeIfDisabled = Literal[250, 421, 550]
"""Known values of ``error_code_if_disabled``; the field is typed ``int``."""


@attrs.frozen(kw_only=True)
class VacationResponder(LazyDefaults, HtmlRepr):
    """The alias's automatic out-of-office reply; dates are absent when unset."""

    is_enabled: bool | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    subject: str | None = None
    message: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Alias(LazyDefaults, HtmlRepr):
    """An alias on a domain. ``user`` and ``domain`` are full objects on create, small
    ``{id, ...}`` objects in lists and retrieves, and may be bare id strings after an update."""

    id: str
    name: str
    object: str = "alias"
    description: str | None = None
    labels: list[str] | None = None
    is_enabled: bool | None = None
    error_code_if_disabled: int | None = None
    has_recipient_verification: bool | None = None
    recipients: list[str] | None = None
    verified_recipients: list[str] | None = None
    pending_recipients: list[str] | None = None
    has_imap: bool | None = None
    has_pgp: bool | None = None
    public_key: str | None = None
    has_smime: bool | None = None
    max_quota: int | None = None
    storage_used: int | None = None
    storage_location: str | None = None
    retention: int | None = None
    vacation_responder: VacationResponder | None = None
    settings: dict[str, Any] | None = None
    locale: str | None = None
    user: User | str | None = None
    domain: Domain | str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def user_id(self) -> str | None:
        """The owner's id, whether ``user`` is an id string or an object."""
        if isinstance(self.user, str) or self.user is None:
            return self.user
        return self.user.id

    @property
    def domain_id(self) -> str | None:
        """The domain's id, whether ``domain`` is an id string or an object."""
        if isinstance(self.domain, str) or self.domain is None:
            return self.domain
        return self.domain.id

    @property
    def domain_name(self) -> str | None:
        """The domain's name; ``None`` when only its id is known."""
        return self.domain.name if isinstance(self.domain, Domain) else None

    @property
    def address(self) -> str | None:
        """``name@domain``, or ``None`` when the domain name is not known."""
        domain_name = self.domain_name
        return None if domain_name is None else f"{self.name}@{domain_name}"

    def __repr__(self) -> str:
        domain = self.domain_name or self.domain_id
        return (
            f"Alias(id={self.id!r}, name={self.name!r}, domain={domain!r}, "
            f"is_enabled={self.is_enabled!r}, recipients={self.recipients!r})"
        )


@attrs.frozen(kw_only=True)
class AliasCredentials(LazyDefaults, HtmlRepr):
    """The answer of generate-password: the IMAP/SMTP username and the new password, which
    the server shows only once. The password is hidden in ``repr()`` and ``str()``."""

    username: str
    password: str = attrs.field(repr=lambda _: "'***'")
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
