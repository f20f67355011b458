"""``AliasSpec``: one alias of a bulk operation, and how it compares with what the server holds."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Literal

import attrs

from forwardemail_async._core.params import _SPLIT_RE
from forwardemail_async.models import Alias

__all__ = ["AliasSpec", "matches", "name_key", "to_spec"]

# The server slugifies labels (npm ``speakingurl``): ASCII-folded, lowercase, "-" separated.
_SLUG_RE = re.compile(r"[^a-z0-9_]+")
# The server strips HTML tags from descriptions (npm ``striptags``, no tags allowed).
_TAG_RE = re.compile(r"<[^>]*>")

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
        # Imported here: _aliases imports this package when it loads.
        from forwardemail_async.resources import aliases as _aliases

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
    return attrs.evolve(spec, name=name_key(spec.name))


def name_key(name: str) -> str:
    """How the server tells alias names apart: trimmed, case-insensitive."""
    return name.strip().lower()


def _slug(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return _SLUG_RE.sub("-", folded.lower()).strip("-")


def _words(value: object, *, slug: bool = False) -> set[str] | None:
    """A comparable set from a list (or a comma/space separated string) of words; labels
    (``slug``) as the server stores them."""
    if value is None:
        return None
    items = _SPLIT_RE.split(value) if isinstance(value, str) else value
    if not isinstance(items, (list, tuple, set, frozenset)):
        return None
    words = {str(item).strip().lower() for item in items if str(item).strip()}
    if slug:
        words = {_slug(word) for word in words} - {""}
    return words


def _description(value: object) -> str | None:
    """A description as the server stores it: tags stripped, blank (or absent) as ``""``.
    The server omits an empty description from its answers, so ``None`` held means ``""``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return None
    return _TAG_RE.sub("", value).strip() if value.strip() else ""


def matches(alias: Alias, body: Mapping[str, object], *, strict: bool = False) -> bool:
    """Whether ``alias`` already holds every value of ``body`` we can read back.

    Values are normalised as the server stores them: recipients and labels compare as
    case-insensitive sets (the server dedupes them and slugifies labels, ASCII-folding
    them), descriptions with HTML tags stripped (a missing one is ``""``: the server omits
    an empty description). Fields the alias object does not carry (vacation responder,
    keys, quota) are not compared, unless ``strict``: then their presence means "no match".
    """
    checks: dict[str, object] = {
        "recipients": _words(alias.recipients),
        "labels": _words(alias.labels, slug=True),
        "description": _description(alias.description),
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
        elif field == "description":
            wanted = _description(wanted)
        if wanted != held:
            return False
    return True
