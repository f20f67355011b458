"""The writable fields of an alias's calendars, contacts, stored messages and Sieve scripts,
declared once for their ``create`` and ``update`` methods."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forwardemail_async._core.params import (
    check_bool,
    check_int,
    check_str,
    check_str_list,
    required_str,
)
from forwardemail_async.models import Calendar, Contact, Message, SieveScript

from . import Field, Schema

__all__ = ["CALENDAR_FIELDS", "CONTACT_FIELDS", "MESSAGE_FIELDS", "SIEVE_FIELDS"]

_STR = "str | None"
_SYSTEM_FLAGS = {
    flag.lower(): flag for flag in ("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft")
}


def _flags(value: object, name: str) -> list[str]:
    """IMAP flags (system flags such as ``\\Seen`` in their usual spelling, or keywords); the
    server says which flags and how many it takes."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, Sequence):
        raise TypeError(f"{name} must be a flag or a list of flags")
    flags = []
    for flag in items:
        if not isinstance(flag, str):
            raise TypeError(f"{name} must hold str flags, not {type(flag).__name__}")
        flags.append(_SYSTEM_FLAGS.get(flag.lower(), flag))
    return flags


def _labels(value: object, name: str) -> list[str] | None:
    return check_str_list([value] if isinstance(value, str) else value, name, allow_empty=True)


def _entries(value: object, name: str) -> list[dict[str, str]]:
    """Emails or phone numbers as the ``[{value, type}]`` list the server validates; what a
    valid value or type is, the server says."""
    if isinstance(value, (str, Mapping)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of entries, not {type(value).__name__}")
    entries = []
    for item in value:
        if isinstance(item, str):
            entry = {"value": item}
        elif isinstance(item, tuple) and len(item) == 2:
            entry = {"value": item[0], "type": item[1]}
        elif isinstance(item, Mapping):
            entry = dict(item)
        else:
            raise TypeError(f"each {name} entry must be a str, a (value, type) tuple or a mapping")
        if set(entry) - {"value", "type"} or not all(isinstance(v, str) for v in entry.values()):
            raise TypeError(f"{name} entries take a str 'value' and 'type' only: {item!r}")
        if "value" not in entry:
            raise TypeError(f"each {name} entry needs a 'value': {item!r}")
        entries.append(entry)
    return entries


CALENDAR_FIELDS: Schema[Calendar] = Schema(
    (
        Field(name="name", annotation=_STR, encode=check_str),
        Field(name="description", annotation=_STR, encode=check_str),
        Field(name="color", annotation=_STR, encode=check_str),
        Field(name="timezone", annotation=_STR, encode=check_str),
        Field(name="order", annotation="int | None", encode=check_int),
    )
)

CONTACT_FIELDS: Schema[Contact] = Schema(
    (
        Field(name="full_name", annotation=_STR, encode=check_str),
        Field(name="content", annotation=_STR, encode=check_str),
        Field(name="emails", annotation="Sequence[ContactEntry] | None", encode=_entries),
        # The server validates phone numbers under `phones` but stores `phone_numbers`.
        Field(
            name="phone_numbers",
            annotation="Sequence[ContactEntry] | None",
            encode=_entries,
            wire=("phones", "phone_numbers"),
        ),
        Field(name="is_group", annotation="bool | None", encode=check_bool),
    )
)

_FLAGS = "str | Sequence[str] | None"

MESSAGE_FIELDS: Schema[Message] = Schema(
    (
        Field(name="folder", annotation=_STR, encode=check_str),
        *(
            Field(name=name, annotation=_FLAGS, encode=_flags)
            for name in ("flags", "flags_add", "flags_remove")
        ),
        *(
            Field(name=name, annotation=_FLAGS, encode=_labels)
            for name in ("labels", "labels_add", "labels_remove")
        ),
    )
)
"""A stored message's folder, flags and labels: ``messages.create`` takes ``folder``,
``flags`` and ``labels``; ``messages.update`` takes them all."""

SIEVE_FIELDS: Schema[SieveScript] = Schema(
    (
        Field(name="name", annotation="str", encode=required_str),
        Field(name="content", annotation="str", encode=required_str),
        Field(name="description", annotation=_STR, encode=check_str),
        Field(name="activate", annotation="bool | None", encode=check_bool),
    )
)
