"""Alias validation in two stages, as on the server (contract §4.8).

:func:`read_alias_body` is ``validate-alias.js``: it turns the request body into field changes
and runs before the create-alias rate limiter.  :func:`check_alias` is the alias model's own
validation, run on the would-be alias when it is saved (so after the limiter).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import attrs

from . import _phrases as phrases
from ._boom import BoomError
from ._shapes import iso
from ._state import (
    MAX_FORWARDED_ADDRESSES,
    MAX_QUOTA_PER_ALIAS,
    FakeAlias,
    FakeDomain,
    FakeUser,
)
from ._store import Store
from ._text import (
    WEB_URL,
    format_phrase,
    is_email,
    is_fqdn,
    is_ip,
    is_sanb,
    js_boolean,
    js_parse_int,
    parse_bytes,
    slugify,
    split_list,
    strip_tags,
)

__all__ = ["apply_changes", "check_alias", "random_alias_name", "read_alias_body"]

_ERROR_CODES = frozenset({250, 421, 550})
_NAME_CHARS = re.compile(r"^[\w!#$%&'*/=?^`{|}~.-]+$")
_REGEX_NAME = re.compile(r"^/(.+)/([a-z]*)$", re.DOTALL)
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# A subset of the reserved-email-addresses-list package (admin-only names).
_RESERVED = frozenset(
    {
        "abuse",
        "admin",
        "administrator",
        "hostmaster",
        "mailer-daemon",
        "noc",
        "postmaster",
        "root",
        "security",
        "ssladmin",
        "webmaster",
    }
)
_ADJECTIVES = ("amber", "brave", "calm", "clever", "eager", "gentle", "lucky", "quiet", "swift")
_NOUNS = ("badger", "comet", "falcon", "harbor", "maple", "otter", "pebble", "river", "willow")
# The alias model's maxlength on the responder's texts, with mongoose's own message.
_VACATION_TEXT_LIMITS = (("subject", 100), ("message", 1000))
_MAX_LENGTH = "Path `{path}` (`{value}`) is longer than the maximum allowed length ({limit})."
_VACATION_FIELDS = (
    "vacation_responder_is_enabled",
    "vacation_responder_start_date",
    "vacation_responder_end_date",
    "vacation_responder_subject",
    "vacation_responder_message",
)


def read_alias_body(
    body: dict[str, Any],
    *,
    domain: FakeDomain,
    group: str,
    user: FakeUser,
    alias: FakeAlias | None,
) -> dict[str, Any]:
    """``validate-alias.js``: the alias fields a create (``alias`` None) or update sets.

    A create gets every default (no description or labels, the caller's email as recipient,
    the domain's recipient verification). An update changes the fields sent, except that,
    as on the real server, ``description`` and ``labels`` are always set: a PUT that leaves
    them out resets them to empty (``validate-alias.js`` fills them in and ``update-alias.js``
    applies the whole body with ``_.extend``).
    """
    creating = alias is None
    changes: dict[str, Any] = {}
    if "max_quota" in body:
        changes["max_quota"] = _max_quota(body["max_quota"], domain, group)
    if is_sanb(body.get("name")):
        changes["name"] = body["name"]
    description = body.get("description")
    changes["description"] = strip_tags(description) if is_sanb(description) else ""
    public_key = body.get("public_key")
    if is_sanb(public_key) or public_key == "":
        changes["public_key"] = public_key or None
    changes["labels"] = _labels(body.get("labels"))
    verification = body.get("has_recipient_verification")
    if isinstance(verification, bool) or is_sanb(verification):
        changes["has_recipient_verification"] = js_boolean(verification)
    elif creating:
        changes["has_recipient_verification"] = domain.has_recipient_verification
    if "error_code_if_disabled" in body:
        changes["error_code_if_disabled"] = _error_code(body["error_code_if_disabled"])
    for flag in ("is_enabled", "has_pgp"):
        if flag in body:
            changes[flag] = js_boolean(body[flag])
    if creating:
        changes["recipients"] = _recipients(body.get("recipients")) or [user.email]
    elif "recipients" in body:
        # An update may empty the list (IMAP-only aliases); only a create defaults it.
        changes["recipients"] = _recipients(body.get("recipients"))
    if "has_imap" in body:
        changes["has_imap"] = js_boolean(body["has_imap"])
    if any(field in body for field in _VACATION_FIELDS):
        changes["vacation_responder"] = _vacation(body, domain, alias)
    return changes


def _max_quota(value: object, domain: FakeDomain, group: str) -> int:
    if group != "admin":
        raise BoomError(400, phrases.IS_NOT_ADMIN)
    if not isinstance(value, str):
        raise BoomError(400, phrases.INVALID_BYTES)
    if value == "":
        return domain.max_quota_per_alias or MAX_QUOTA_PER_ALIAS
    parsed = parse_bytes(value)
    if parsed is None:
        raise BoomError(400, phrases.INVALID_BYTES)
    return parsed


def _labels(value: object) -> list[str]:
    if is_sanb(value):
        items = [slugify(label) for label in split_list(value)]
    elif isinstance(value, list):
        items = [slugify(label.strip()) for label in value if is_sanb(label)]
    else:
        items = []
    return [label for label in dict.fromkeys(items) if label]


def _recipients(value: object) -> list[str]:
    if is_sanb(value):
        items = split_list(value)
    elif isinstance(value, list):
        items = [recipient.strip() for recipient in value if is_sanb(recipient)]
    else:
        items = []
    return list(dict.fromkeys(items))


def _error_code(value: object) -> int:
    code = js_parse_int(value) if isinstance(value, str) else value
    # JSON numbers only: true, null and NaN fail Number.isFinite.
    if isinstance(code, bool) or not isinstance(code, int | float) or code not in _ERROR_CODES:
        raise BoomError(400, phrases.INVALID_ERROR_CODE_IF_DISABLED)
    return int(code)


def _vacation(body: dict[str, Any], domain: FakeDomain, alias: FakeAlias | None) -> dict[str, Any]:
    # An update extends the alias's current responder, so one field can change at a time.
    responder = dict(alias.vacation_responder) if alias else {}
    if "vacation_responder_is_enabled" in body:
        responder["is_enabled"] = js_boolean(body["vacation_responder_is_enabled"])
    if responder.get("is_enabled") and (not domain.has_smtp or domain.is_smtp_suspended):
        link = f"/en/my-account/domains/{domain.name}/advanced-settings"
        raise BoomError(
            400, format_phrase(phrases.VACATION_RESPONDER_SMTP_REQUIRED, link, domain.name)
        )
    for field in ("start_date", "end_date"):
        value = body.get(f"vacation_responder_{field}")
        if value == "":
            responder.pop(field, None)
        elif isinstance(value, str):
            responder[field] = iso(_parse_date(value))
    start, end = responder.get("start_date"), responder.get("end_date")
    if start and end and start >= end:
        raise BoomError(400, phrases.VACATION_RESPONDER_DATE_ISSUE)
    for field in ("subject", "message"):
        value = body.get(f"vacation_responder_{field}")
        if isinstance(value, str):
            responder[field] = strip_tags(value)
    return responder


def _parse_date(text: str) -> int:
    """dayjs(text) for the formats the docs mention (ISO and MM/DD/YYYY), as epoch ms."""
    us = _US_DATE.match(text.strip())
    try:
        if us:
            moment = datetime(int(us.group(3)), int(us.group(1)), int(us.group(2)))
        else:
            moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BoomError(400, phrases.VACATION_RESPONDER_DATE_INVALID) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


def random_alias_name(store: Store, domain: FakeDomain) -> str:
    """A random two-word kebab-case name not yet used on ``domain`` (the model's default)."""
    attempts = 0
    while True:
        name = f"{store.rng.choice(_ADJECTIVES)}-{store.rng.choice(_NOUNS)}"
        if attempts >= 20:  # the 81 word pairs are running out on this domain
            name += f"-{store.rng.randrange(100_000)}"
        if store.alias_named(domain, name) is None:
            return name
        attempts += 1


def check_alias(store: Store, alias: FakeAlias, group: str, *, renamed: bool) -> None:
    """The alias model's validation of ``alias`` as it would be saved (always 400)."""
    name, domain = alias.name, alias.domain
    is_regex = name.startswith("/")
    if is_regex:
        _check_regex(name)
    elif name != "*":
        _check_plain_name(alias)
    if group != "admin" and (name == "*" or is_regex):
        raise BoomError(400, phrases.CATCHALL_ADMIN_REQUIRED)
    if group != "admin" and name in _RESERVED:
        raise BoomError(400, format_phrase(phrases.RESERVED_WORD_ADMIN_REQUIRED, WEB_URL))
    if name == "*" and not alias.is_enabled:
        raise BoomError(400, phrases.CATCHALL_MUST_BE_ENABLED)
    if alias.has_imap and (name == "*" or is_regex):
        raise BoomError(400, phrases.IMAP_NOT_ALLOWED)
    _check_recipients(alias)
    domain_quota = domain.max_quota_per_alias or MAX_QUOTA_PER_ALIAS
    if alias.max_quota is not None and alias.max_quota > domain_quota:
        message = format_phrase(
            phrases.ALIAS_QUOTA_EXCEEDS_DOMAIN,
            alias.address,
            _format_bytes(alias.max_quota),
            _format_bytes(domain_quota),
        )
        raise BoomError(400, message)
    if alias.vacation_responder.get("is_enabled") and (name == "*" or is_regex):
        raise BoomError(400, phrases.VACATION_RESPONDER_NAME_SPECIFIC)
    if alias.public_key and "BEGIN PGP PUBLIC KEY BLOCK" not in alias.public_key:
        raise BoomError(400, phrases.FAILED_TO_PROCESS_PUBLIC_KEY)
    if len(alias.description) > 150:
        raise BoomError(400, format_phrase(phrases.DESCRIPTION_TOO_LONG, alias.description))
    for field, limit in _VACATION_TEXT_LIMITS:
        text = alias.vacation_responder.get(field) or ""
        if len(text) > limit:
            path = f"vacation_responder.{field}"
            raise BoomError(400, _MAX_LENGTH.format(path=path, value=text, limit=limit))
    if renamed and store.alias_named(domain, name) is not None:
        raise BoomError(400, phrases.ALIAS_ALREADY_EXISTS)


def _check_regex(name: str) -> None:
    match = _REGEX_NAME.match(name)
    try:
        re.compile(match.group(1) if match else name)
    except re.error as error:
        raise BoomError(
            400, format_phrase(phrases.INVALID_REGEX_PATTERN, name, str(error))
        ) from None
    if match is None:
        raise BoomError(
            400, format_phrase(phrases.INVALID_REGEX_PATTERN, name, "missing closing /")
        )


def _check_plain_name(alias: FakeAlias) -> None:
    if "+" in alias.name:
        raise BoomError(400, phrases.ALIAS_WITH_PLUS_UNSUPPORTED)
    if alias.name.startswith("!"):
        raise BoomError(400, phrases.ALIAS_NAME_EXCLAMATION)
    if not _NAME_CHARS.match(alias.name):
        raise BoomError(400, phrases.ALIAS_NAME_INVALID)
    if not is_email(alias.address):
        raise BoomError(400, phrases.INVALID_EMAIL)


def _check_recipients(alias: FakeAlias) -> None:
    for recipient in alias.recipients:
        valid = is_email(recipient) or is_fqdn(recipient) or is_ip(recipient)
        if not valid and not _URL.match(recipient):
            raise BoomError(400, phrases.INVALID_RECIPIENT)
    limit = alias.domain.max_recipients_per_alias or MAX_FORWARDED_ADDRESSES
    if len(alias.recipients) > limit:
        raise BoomError(400, format_phrase(phrases.EXCEEDED_UNIQUE_COUNT, limit))
    if alias.is_enabled and alias.address in alias.recipients:
        raise BoomError(
            400, format_phrase(phrases.ALIAS_MUST_NOT_MATCH_RECIPIENT, alias.address, alias.address)
        )
    if alias.has_recipient_verification and not all(map(is_email, alias.recipients)):
        raise BoomError(400, phrases.RECIPIENT_VERIFICATION_EMAILS_ONLY)


def _format_bytes(value: int) -> str:
    """npm ``bytes.format``: ``10737418240`` → ``"10GB"``."""
    for unit, size in (("PB", 1 << 50), ("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20)):
        if value >= size:
            return f"{round(value / size, 2):g}{unit}"
    return f"{round(value / 1024, 2):g}KB" if value >= 1024 else f"{value}B"


def normalize_name(raw: str) -> str:
    """The model's name clean-up: trimmed, lowercased, a run of ``*`` collapsed to ``*``."""
    name = raw.strip().lower()
    return "*" if name and set(name) == {"*"} else name


def apply_changes(alias: FakeAlias, changes: dict[str, Any]) -> FakeAlias:
    """A copy of ``alias`` with ``changes`` applied (names normalized, catch-all labelled)."""
    if "name" in changes:
        changes = {**changes, "name": normalize_name(changes["name"])}
    updated = attrs.evolve(alias, **changes)
    if updated.name == "*" and updated.labels[:1] != ["catch-all"]:
        updated.labels = ["catch-all", *(label for label in updated.labels if label != "catch-all")]
    return updated
