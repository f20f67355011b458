"""The alias object, its vacation responder, and the generated alias password."""

from datetime import datetime
from typing import Any, Literal

import attrs

from forwardemail_async._core.display import HtmlRepr
from forwardemail_async._decode.extra_fields import ExtraFieldsOnDemand

from ._refs import DomainRef, UserRef

__all__ = ["Alias", "AliasCredentials", "ErrorCodeIfDisabled", "VacationResponder"]

ErrorCodeIfDisabled = Literal[250, 421, 550]
"""Known values of ``error_code_if_disabled``; the field is typed ``int``."""


@attrs.frozen(kw_only=True)
class VacationResponder(ExtraFieldsOnDemand, HtmlRepr):
    """The alias's automatic out-of-office reply; dates are absent when unset."""

    is_enabled: bool | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    subject: str | None = None
    message: str | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Alias(ExtraFieldsOnDemand, HtmlRepr):
    """An alias on a domain. ``user`` and ``domain`` are references
    (:class:`~forwardemail_async.models.UserRef`, :class:`~forwardemail_async.models.DomainRef`)
    whatever shape the server sent them in: a full object on create, ``{id, ...}`` in lists
    and retrieves, a bare id string after an update on the newest server."""

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
    user: UserRef | None = None
    domain: DomainRef | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def user_id(self) -> str | None:
        """The owner's id (``user.id``); ``None`` when the server did not send it."""
        return None if self.user is None else self.user.id

    @property
    def domain_id(self) -> str | None:
        """The domain's id (``domain.id``); ``None`` when the server did not send it."""
        return None if self.domain is None else self.domain.id

    @property
    def domain_name(self) -> str | None:
        """The domain's name (``domain.name``); ``None`` when only its id is known."""
        return None if self.domain is None else self.domain.name

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
class AliasCredentials(HtmlRepr):
    """The answer of generate-password: the IMAP/SMTP username and the new password, which
    the server shows only once. The password is hidden in ``repr()`` and ``str()``."""

    username: str
    password: str = attrs.field(repr=lambda _: "'***'")
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
