"""The writable fields of a domain, declared once: what ``domains.create`` and
``domains.update`` send, sharing the protection flags both take."""

from __future__ import annotations

from forwardemail_async._core.params import (
    check_bool,
    check_int,
    check_size,
    check_str,
    check_str_list,
)
from forwardemail_async.models import Domain

from . import Field, Schema

__all__ = ["DOMAIN_CREATE_FIELDS", "DOMAIN_UPDATE_FIELDS"]


def _catchall(value: object, name: str) -> object:
    """``False``/``True``, or the recipients of the catch-all alias as the comma-separated
    text the server reads."""
    if isinstance(value, bool):
        return value
    return ",".join(check_str_list(value, name) or [])


def _port(value: object, name: str) -> str:
    """A port as a string: the server silently ignores a JSON number."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"{name} must be an int or a str, not {type(value).__name__}")
    return str(value)


def _flag(name: str) -> Field[Domain]:
    return Field(name=name, annotation="bool | None", encode=check_bool)


_PROTECTION = tuple(
    _flag(name)
    for name in (
        "has_adult_content_protection",
        "has_phishing_protection",
        "has_executable_protection",
        "has_virus_protection",
        "has_recipient_verification",
        "ignore_mx_check",
        "has_delivery_logs",
    )
)

DOMAIN_CREATE_FIELDS: Schema[Domain] = Schema(
    (
        Field(name="plan", annotation="DomainPlan | None", encode=check_str),
        Field(name="team_domain", annotation="str | None", encode=check_str),
        Field(name="catchall", annotation="bool | str | Sequence[str] | None", encode=_catchall),
        *_PROTECTION,
    )
)

DOMAIN_UPDATE_FIELDS: Schema[Domain] = Schema(
    (
        Field(name="smtp_port", annotation="int | str | None", encode=_port),
        Field(name="retention_days", annotation="int | None", encode=check_int),
        Field(name="bounce_webhook", annotation="str | None", encode=check_str),
        Field(name="max_quota_per_alias", annotation="str | None", encode=check_size),
        *_PROTECTION,
        _flag("require_tls_inbound"),
    )
)
