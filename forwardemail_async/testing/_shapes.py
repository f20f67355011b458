"""JSON shapes of users, domains and aliases, per endpoint (contract §4.1).

The same object serializes differently depending on where it appears: a domain in a list has
no members or invites, an alias in a create answer nests full user and domain objects while a
listed one nests ``{email, display_name, id}`` and ``{name, id}``, and so on.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Literal, TypeAlias

from ._state import (
    MAX_FORWARDED_ADDRESSES,
    MAX_QUOTA_PER_ALIAS,
    FakeAlias,
    FakeDomain,
    FakeInvite,
    FakeUser,
)
from ._text import WEB_URL

__all__ = [
    "AliasView",
    "DomainView",
    "alias_object",
    "domain_object",
    "iso",
    "iso_or_none",
    "user_object",
]

DomainView: TypeAlias = Literal["full", "list", "nested"]
AliasView: TypeAlias = Literal["create", "list", "update_ids", "update_objects"]

# omit-admin-only-domain-keys.js
_ADMIN_ONLY_KEYS = (
    "bounce_webhook",
    "custom_verification",
    "allowlist",
    "denylist",
    "restricted_alias_names",
    "s3_endpoint",
    "s3_region",
    "s3_bucket",
)
_DOMAIN_FLAGS = (
    "has_newsletter",
    "ignore_mx_check",
    "has_delivery_logs",
    "has_regex",
    "has_catchall",
    "has_adult_content_protection",
    "has_phishing_protection",
    "has_executable_protection",
    "has_virus_protection",
    "is_catchall_regex_disabled",
    "has_smtp",
    "is_smtp_suspended",
    "has_recipient_verification",
    "has_custom_verification",
    "require_tls_inbound",
    "has_mx_record",
    "has_txt_record",
    "has_dkim_record",
    "has_return_path_record",
    "has_dmarc_record",
)


def iso(ms: int) -> str:
    """A JavaScript ``Date`` in JSON: ISO 8601 with milliseconds and ``Z``."""
    moment = datetime.fromtimestamp(ms // 1000, tz=timezone.utc)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


def iso_or_none(ms: int | None) -> str | None:
    """:func:`iso` of ``ms``, or ``None`` when unset."""
    return iso(ms) if ms is not None else None


def _display_name(user: FakeUser) -> str:
    # Accounts without a display name show their email (a guess at the model default).
    return user.display_name or user.email


def user_object(user: FakeUser) -> dict[str, Any]:
    """The full user object nested in an alias create (and objects-style update) answer."""
    return {
        "has_newsletter": False,
        "max_quota_per_alias": MAX_QUOTA_PER_ALIAS,
        "address_country": "None",
        "address_html": "",
        "created_at": iso(user.created_at),
        "display_name": _display_name(user),
        "email": user.email,
        "full_email": f"{user.display_name} <{user.email}>" if user.display_name else user.email,
        "id": user.id,
        "last_locale": "en",
        "locale": "en",
        "object": "user",
        "otp_enabled": False,
        "opt_out_templates": ["daily-log-alert", "weekly-dmarc-report"],
        "timezone": "UTC",
        "plan": user.plan,
        "sessions": [],
        "updated_at": iso(user.updated_at),
    }


def domain_object(
    domain: FakeDomain, viewer: FakeUser, view: DomainView = "full"
) -> dict[str, Any]:
    """A domain as ``viewer`` sees it.

    ``list`` drops members and invites; ``nested`` (inside an alias) drops the link, DNS
    records and storage keys.  Non-admins never see admin-only keys, other members or invites.
    """
    is_admin = domain.group_of(viewer) == "admin"
    data: dict[str, Any] = {flag: getattr(domain, flag) for flag in _DOMAIN_FLAGS}
    data.update(
        retention_days=domain.retention_days,
        plan=domain.plan,
        max_recipients_per_alias=domain.max_recipients_per_alias or MAX_FORWARDED_ADDRESSES,
        smtp_port=domain.smtp_port,
        allowlist=list(domain.allowlist),
        denylist=list(domain.denylist),
        restricted_alias_names=list(domain.restricted_alias_names),
    )
    if domain.max_quota_per_alias is not None:
        data["max_quota_per_alias"] = domain.max_quota_per_alias
    if domain.bounce_webhook is not None:
        data["bounce_webhook"] = domain.bounce_webhook
    if view != "list":
        data["members"] = [
            {"user": _member_user(m.user, view), "group": m.group}
            for m in domain.members
            if is_admin or m.user is viewer
        ]
        data["invites"] = [_invite(i) for i in domain.invites] if is_admin else []
    data.update(
        name=domain.name,
        verification_record=domain.verification_record,
        id=domain.id,
        object="domain",
        created_at=iso(domain.created_at),
        updated_at=iso(domain.updated_at),
    )
    if view != "nested":
        data.update(storage_used=0, storage_used_by_aliases=0, storage_quota=MAX_QUOTA_PER_ALIAS)
        data["smtp_dns_records"] = _smtp_dns_records(domain)
        data["link"] = f"{WEB_URL}/my-account/domains/{domain.name.encode('idna').decode()}"
    if not is_admin:
        for key in _ADMIN_ONLY_KEYS:
            data.pop(key, None)
    return data


def _member_user(user: FakeUser, view: DomainView) -> Any:
    # Inside an alias the domain's members are not populated, so the user is just its id.
    if view == "nested":
        return user.id
    return {
        "plan": user.plan,
        "email": user.email,
        "display_name": _display_name(user),
        "id": user.id,
    }


def _invite(invite: FakeInvite) -> dict[str, Any]:
    data = {"email": invite.email, "group": invite.group}
    # The token of an admin invite is only ever sent to the invitee.
    if invite.group != "admin":
        data["token"] = invite.token
    data.update(created_at=iso(invite.created_at), updated_at=iso(invite.updated_at))
    return data


def _smtp_dns_records(domain: FakeDomain) -> dict[str, Any]:
    # Records of a subdomain carry its labels; the root is approximated by the last two labels.
    labels = domain.name.split(".")
    suffix = "." + ".".join(labels[:-2]) if len(labels) > 2 else ""
    return {
        "dkim": {
            "name": f"{domain.dkim_key_selector}._domainkey{suffix}",
            "value": f"v=DKIM1; k=rsa; p={domain.dkim_public_key};",
        },
        "return_path": {"name": f"fe-bounces{suffix}", "value": "forwardemail.net"},
        "dmarc": {
            "name": f"_dmarc{suffix}",
            "value": f"v=DMARC1; p=reject; pct=100; rua=mailto:dmarc-{domain.id}@forwardemail.net;",
        },
    }


def alias_object(alias: FakeAlias, viewer: FakeUser, view: AliasView) -> dict[str, Any]:
    """An alias as returned by create, list (also retrieve and delete) or update."""
    data: dict[str, Any] = {
        "created_at": iso(alias.created_at),
        "error_code_if_disabled": alias.error_code_if_disabled,
        "has_imap": alias.has_imap,
        "has_pgp": alias.has_pgp,
        "has_recipient_verification": alias.has_recipient_verification,
        "id": alias.id,
        "is_enabled": alias.is_enabled,
        "locale": "en",
        "name": alias.name,
        "object": "alias",
        "recipients": list(alias.recipients),
        "retention": alias.retention,
        "storage_location": "storage_do_1",
        "storage_used": 0,
        "updated_at": iso(alias.updated_at),
        "labels": list(alias.labels),
        "pending_recipients": list(alias.pending_recipients),
        "verified_recipients": list(alias.verified_recipients),
        "vacation_responder": dict(alias.vacation_responder),
    }
    if alias.description:
        data["description"] = alias.description
    if alias.public_key:
        data["public_key"] = alias.public_key
    if alias.max_quota is not None:
        data["max_quota"] = alias.max_quota
    if view == "list":
        del data["locale"]
        data["user"] = {
            "email": alias.user.email,
            "display_name": _display_name(alias.user),
            "id": alias.user.id,
        }
        data["domain"] = {"name": alias.domain.name, "id": alias.domain.id}
    elif view == "update_ids":
        data["user"], data["domain"] = alias.user.id, alias.domain.id
    else:
        data["user"] = user_object(alias.user)
        data["domain"] = domain_object(alias.domain, viewer, "nested")
    return data
