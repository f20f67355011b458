"""The writable fields of an alias, declared once, and the alias routes.

``AliasesService.create``/``update``, :class:`~forwardemail_async.AliasSpec`, bulk
read-back comparison, the CLI's import/export columns and dry-run diffs are all derived from
:data:`ALIAS_FIELDS`. To add a writable alias field, add one :class:`Field` here; the test
that holds the typed signatures against this schema then names the parameter to add to
``create``, ``update`` and ``AliasSpec``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from forwardemail_async._core.params import (
    SPLIT_RE,
    check_bool,
    check_int,
    check_size,
    check_str,
    check_str_list,
    date_param,
)
from forwardemail_async.models import Alias

from . import Column, Field, Schema

__all__ = ["ALIASES_PATH", "ALIAS_FIELDS", "ALIAS_PATH", "alias_matches", "name_key"]

ALIASES_PATH = "/v1/domains/{domain}/aliases"
ALIAS_PATH = "/v1/domains/{domain}/aliases/{alias}"

# Patterns compiled on first use (and cached by ``re``): only bulk read-backs compare values.
# The server slugifies labels (npm ``speakingurl``): ASCII-folded, lowercase, "-" separated.
_SLUG = r"[^a-z0-9_]+"
# The server strips HTML tags from descriptions (npm ``striptags``, no tags allowed).
_TAG = r"<[^>]*>"


def name_key(name: str) -> str:
    """How the server tells alias names apart: trimmed, case-insensitive."""
    return name.strip().lower()


def _name(value: object) -> object:
    return name_key(value) if isinstance(value, str) else value


def _slug(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return re.sub(_SLUG, "-", folded.lower()).strip("-")


def _words(value: object, *, slug: bool = False) -> set[str] | None:
    """A comparable set from a list (or a comma/space separated string) of words; labels
    (``slug``) as the server stores them."""
    if value is None:
        return None
    items = SPLIT_RE.split(value) if isinstance(value, str) else value
    if not isinstance(items, (list, tuple, set, frozenset)):
        return None
    words = {str(item).strip().lower() for item in items if str(item).strip()}
    if slug:
        words = {_slug(word) for word in words} - {""}
    return words


def _recipients(value: object) -> object:
    return _words(value)


def _labels(value: object) -> object:
    return _words(value, slug=True)


def _description(value: object) -> str | None:
    """A description as the server stores it: tags stripped, blank (or absent) as ``""``.
    The server omits an empty description from its answers, so ``None`` held means ``""``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return None
    return re.sub(_TAG, "", value).strip() if value.strip() else ""


def _list(value: object, name: str) -> list[str] | None:
    return check_str_list(value, name, allow_empty=True)


def _recipients_on_create(value: object, name: str) -> list[str] | None:
    # The server replaces an empty list with the account's own address, so "forward to
    # nobody" would silently become "forward to me"; an update may empty it (IMAP-only).
    return check_str_list(value, name)


_BOOL = "bool | None"
_STR = "str | None"
_DATE = "date | str | None"
_LIST = "Sequence[str] | str | None"

ALIAS_FIELDS: Schema[Alias] = Schema(
    (
        Field(
            name="name",
            annotation=_STR,
            encode=check_str,
            held=lambda alias: name_key(alias.name),
            normalise=_name,
            column=Column(kind="text"),
        ),
        Field(
            name="recipients",
            annotation=_LIST,
            encode=_list,
            encode_create=_recipients_on_create,
            held=lambda alias: _words(alias.recipients),
            normalise=_recipients,
            column=Column(kind="list", empty=[]),
            # validate-alias.js always fills in `description` ('') and `labels` ([]) and
            # update-alias.js applies the whole body, so a PUT without them resets them;
            # older servers reset `recipients` to the account's address too.
            reset_by_update=True,
        ),
        Field(
            name="description",
            annotation=_STR,
            encode=check_str,
            held=lambda alias: _description(alias.description),
            normalise=_description,
            column=Column(kind="text", empty=""),
            reset_by_update=True,
        ),
        Field(
            name="labels",
            annotation=_LIST,
            encode=_list,
            held=lambda alias: _words(alias.labels, slug=True),
            normalise=_labels,
            column=Column(kind="list", empty=[]),
            reset_by_update=True,
        ),
        Field(
            name="is_enabled",
            annotation=_BOOL,
            encode=check_bool,
            held=lambda alias: alias.is_enabled,
            column=Column(kind="bool", empty=True),
        ),
        Field(
            name="has_recipient_verification",
            annotation=_BOOL,
            encode=check_bool,
            held=lambda alias: alias.has_recipient_verification,
        ),
        Field(name="has_imap", annotation=_BOOL, encode=check_bool, held=lambda a: a.has_imap),
        Field(name="has_pgp", annotation=_BOOL, encode=check_bool, held=lambda a: a.has_pgp),
        Field(name="public_key", annotation=_STR, encode=check_str),
        # The server holds the quota in bytes; "10 GB" cannot be compared with it.
        Field(name="max_quota", annotation=_STR, encode=check_size),
        Field(
            name="error_code_if_disabled",
            annotation="ErrorCodeIfDisabled | None",
            encode=check_int,
            held=lambda alias: alias.error_code_if_disabled,
        ),
        # The vacation responder comes back nested, with dates the server re-formats.
        Field(name="vacation_responder_is_enabled", annotation=_BOOL, encode=check_bool),
        Field(name="vacation_responder_start_date", annotation=_DATE, encode=date_param),
        Field(name="vacation_responder_end_date", annotation=_DATE, encode=date_param),
        Field(name="vacation_responder_subject", annotation=_STR, encode=check_str),
        Field(name="vacation_responder_message", annotation=_STR, encode=check_str),
    )
)


def alias_matches(alias: Alias, body: Mapping[str, object], *, strict: bool = False) -> bool:
    """Whether the server's ``alias`` already holds what ``body`` (a create or update body
    as sent) asks for, compared as the server stores values: recipients and labels as
    case-insensitive sets (deduplicated; labels slugified), descriptions with HTML tags
    stripped (a missing one is ``""``). Fields an alias does not show (vacation responder,
    key, quota) are not compared, unless ``strict``: then their presence means "no match"."""
    return ALIAS_FIELDS.matches(alias, body, strict=strict)
