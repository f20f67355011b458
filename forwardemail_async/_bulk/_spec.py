"""``AliasSpec``: one alias of a bulk operation, and how it compares with what the server holds."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Literal

import attrs

from forwardemail_async import _aliases
from forwardemail_async.models import Alias

__all__ = ["AliasSpec", "matches", "to_spec"]

_SPLIT_RE = re.compile(r"[\s,]+")
_SLUG_RE = re.compile(r"[^a-z0-9]+")

_FIELDS = frozenset(
    {
        "name",
        "recipients",
        "description",
        "labels",
        "is_enabled",
        "has_recipient_verification",
        "has_imap",
        "has_pgp",
        "public_key",
        "max_quota",
        "error_code_if_disabled",
        "vacation_responder_is_enabled",
        "vacation_responder_start_date",
        "vacation_responder_end_date",
        "vacation_responder_subject",
        "vacation_responder_message",
    }
)


@attrs.frozen(kw_only=True)
class AliasSpec:
    """The fields of one alias in ``create_many`` / ``update_many``; ``None`` means "not sent".

    ``name`` is required: it is how a bulk run finds the alias again after an ambiguous
    failure (and, for updates, which alias to change). The other fields are those of
    :meth:`AliasesService.create`; a plain dict with the same keys works too.
    """

    name: str
    recipients: Sequence[str] | str | None = None
    description: str | None = None
    labels: Sequence[str] | str | None = None
    is_enabled: bool | None = None
    has_recipient_verification: bool | None = None
    has_imap: bool | None = None
    has_pgp: bool | None = None
    public_key: str | None = None
    max_quota: str | None = None
    error_code_if_disabled: Literal[250, 421, 550] | None = None
    vacation_responder_is_enabled: bool | None = None
    vacation_responder_start_date: date | str | None = None
    vacation_responder_end_date: date | str | None = None
    vacation_responder_subject: str | None = None
    vacation_responder_message: str | None = None

    def body(self, *, creating: bool) -> dict[str, object]:
        """The checked JSON body (TypeError/ValueError for a bad field), without ``name`` on
        updates (the name there says which alias to change)."""
        body = _aliases._alias_body(attrs.asdict(self), creating=creating)
        if not creating:
            body.pop("name", None)
        return body


def to_spec(item: object) -> AliasSpec:
    """An :class:`AliasSpec` from a spec or a mapping; TypeError/ValueError if it is not one."""
    if isinstance(item, AliasSpec):
        spec = item
    elif isinstance(item, Mapping):
        unknown = sorted(str(key) for key in item if key not in _FIELDS)
        if unknown:
            raise ValueError(f"unknown alias field(s): {', '.join(unknown)}")
        if "name" not in item:
            raise ValueError("an alias spec needs a name")
        spec = AliasSpec(**{str(key): value for key, value in item.items()})
    else:
        raise TypeError(f"an alias spec must be an AliasSpec or a dict, not {type(item).__name__}")
    if not isinstance(spec.name, str) or not spec.name.strip():
        raise ValueError("an alias spec needs a non-blank name (bulk runs find aliases by name)")
    return attrs.evolve(spec, name=spec.name.strip().lower())


def _words(value: object, *, slug: bool = False) -> set[str] | None:
    """A comparable set from a list (or a comma/space separated string) of words."""
    if value is None:
        return None
    items = _SPLIT_RE.split(value) if isinstance(value, str) else value
    if not isinstance(items, (list, tuple, set, frozenset)):
        return None
    words = {str(item).strip().lower() for item in items if str(item).strip()}
    return {_SLUG_RE.sub("-", word).strip("-") for word in words} if slug else words


def matches(alias: Alias, body: Mapping[str, object], *, strict: bool = False) -> bool:
    """Whether ``alias`` already holds every value of ``body`` we can read back.

    Recipients and labels compare as case-insensitive sets (the server dedupes them and
    slugifies labels). Fields the alias object does not carry (vacation responder, keys,
    quota) are not compared, unless ``strict``: then their presence means "no match".
    """
    checks: dict[str, object] = {
        "recipients": _words(alias.recipients),
        "labels": _words(alias.labels, slug=True),
        "description": alias.description,
        "is_enabled": alias.is_enabled,
        "has_imap": alias.has_imap,
        "has_pgp": alias.has_pgp,
        "has_recipient_verification": alias.has_recipient_verification,
        "error_code_if_disabled": alias.error_code_if_disabled,
    }
    if strict and any(field not in checks and field != "name" for field in body):
        return False
    for field, held in checks.items():
        if field not in body or held is None:
            continue
        wanted = body[field]
        if field in ("recipients", "labels"):
            wanted = _words(wanted, slug=field == "labels")
        if wanted != held:
            return False
    return True
