"""Canned Forward Email JSON, shaped like the real server's answers (see the fake server's
``_shapes.py``): an alias create answer nests the full user and domain objects, a listed alias
nests ``{email, display_name, id}`` and ``{name, id}``.

The bodies are built once and served as bytes, so the benchmark server spends no time on them.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["ALIAS_LIST_ITEM", "CREATE_BODY", "create_answer", "list_page"]

_USER_ID = "663246c0a1b2c3d4e5f60700"
_DOMAIN_ID = "663246c0a1b2c3d4e5f60701"
_CREATED = "2024-05-01T12:34:56.789Z"
_UPDATED = "2024-05-02T08:00:00.123Z"

CREATE_BODY: dict[str, Any] = {
    "name": "support",
    "recipients": ["ops@example.net", "oncall@example.org"],
    "description": "Support inbox",
    "labels": ["team"],
}
"""The JSON body every client sends to create an alias."""

ALIAS_LIST_ITEM: dict[str, Any] = {
    "created_at": _CREATED,
    "error_code_if_disabled": 250,
    "has_imap": False,
    "has_pgp": False,
    "has_recipient_verification": False,
    "id": "663246c0a1b2c3d4e5f60718",
    "is_enabled": True,
    "name": "support",
    "object": "alias",
    "recipients": ["ops@example.net", "oncall@example.org"],
    "retention": 0,
    "storage_location": "storage_do_1",
    "storage_used": 0,
    "updated_at": _UPDATED,
    "labels": ["team"],
    "pending_recipients": [],
    "verified_recipients": [],
    "vacation_responder": {"is_enabled": False},
    "description": "Support inbox",
    "user": {"email": "owner@example.net", "display_name": "Owner", "id": _USER_ID},
    "domain": {"name": "example.com", "id": _DOMAIN_ID},
}
"""One alias as ``GET /v1/domains/:domain/aliases`` lists it."""

_FULL_USER: dict[str, Any] = {
    "has_newsletter": False,
    "max_quota_per_alias": 10737418240,
    "address_country": "None",
    "address_html": "",
    "created_at": _CREATED,
    "display_name": "Owner",
    "email": "owner@example.net",
    "full_email": "Owner <owner@example.net>",
    "id": _USER_ID,
    "last_locale": "en",
    "locale": "en",
    "object": "user",
    "otp_enabled": False,
    "opt_out_templates": ["daily-log-alert", "weekly-dmarc-report"],
    "timezone": "UTC",
    "plan": "enhanced_protection",
    "sessions": [],
    "updated_at": _UPDATED,
}

_NESTED_DOMAIN: dict[str, Any] = {
    **dict.fromkeys(
        (
            "has_newsletter",
            "ignore_mx_check",
            "has_delivery_logs",
            "has_regex",
            "has_catchall",
            "has_adult_content_protection",
            "is_catchall_regex_disabled",
            "has_smtp",
            "is_smtp_suspended",
            "has_recipient_verification",
            "has_custom_verification",
            "require_tls_inbound",
            "has_txt_record",
            "has_dkim_record",
            "has_return_path_record",
            "has_dmarc_record",
        ),
        False,
    ),
    "has_phishing_protection": True,
    "has_executable_protection": True,
    "has_virus_protection": True,
    "has_mx_record": True,
    "retention_days": 0,
    "plan": "enhanced_protection",
    "max_recipients_per_alias": 10,
    "smtp_port": "25",
    "allowlist": [],
    "denylist": [],
    "restricted_alias_names": [],
    "members": [{"user": _USER_ID, "group": "admin"}],
    "invites": [],
    "name": "example.com",
    "verification_record": "a1b2c3d4e5",
    "id": _DOMAIN_ID,
    "object": "domain",
    "created_at": _CREATED,
    "updated_at": _UPDATED,
}


def create_answer() -> bytes:
    """The body of ``POST /v1/domains/:domain/aliases``: the alias with full user and domain."""
    alias = {
        **ALIAS_LIST_ITEM,
        "locale": "en",
        "user": _FULL_USER,
        "domain": _NESTED_DOMAIN,
    }
    return json.dumps(alias, separators=(",", ":")).encode()


def list_page(count: int) -> bytes:
    """A JSON array of ``count`` listed aliases, each with its own id and name."""
    items = [
        {**ALIAS_LIST_ITEM, "id": f"{0x663246C0A1B2C3D4E5F60000 + index:024x}", "name": f"a{index}"}
        for index in range(count)
    ]
    return json.dumps(items, separators=(",", ":")).encode()
