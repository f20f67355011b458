"""Checks and encodings for request parameters, applied before anything is sent.

Typed keyword arguments arrive here; what leaves is a JSON-ready dict with real JSON
booleans and lists (the server coerces form strings loosely, so we never send those), or a
``TypeError``/``ValueError`` that names the parameter. These check types and encodings only:
which values are allowed (lengths, forms, enums) is the server's business, and its 400 comes
back as a :class:`~forwardemail_async.BadRequestError` with its own message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timezone

__all__ = [
    "SPLIT_RE",
    "Encoder",
    "check_bool",
    "check_choice",
    "check_headers",
    "check_int",
    "check_size",
    "check_str",
    "check_str_list",
    "date_param",
    "drop_none",
    "query_bool",
    "query_params",
    "required_str",
]

Encoder = Callable[[object, str], object]
"""Turns an argument's value into what is sent (for a query parameter, ``None`` leaves it
out); raises ``TypeError``/``ValueError`` naming the argument (the ``str``) for a bad value.
The list routes' filters and the request schemas' fields each declare one."""

SPLIT_RE = re.compile(r"[\s,]+")


def drop_none(values: Mapping[str, object]) -> dict[str, object]:
    """The entries whose value is not ``None`` (``None`` means "not given")."""
    return {key: value for key, value in values.items() if value is not None}


def check_bool(value: object, name: str) -> bool | None:
    """A real bool or ``None``; ``"false"`` and ``0`` are refused rather than guessed at."""
    if value is None or isinstance(value, bool):
        return value
    raise TypeError(f"{name} must be a bool, not {type(value).__name__}")


def check_str(value: object, name: str) -> str | None:
    """A str (or ``None``); how long it may be is the server's to say."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    return value


def required_str(value: object, name: str) -> str:
    """A str argument that must be given (what values the server accepts is its to say)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    return value


def check_int(
    value: object, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    """An int within bounds (or ``None``); bools are not ints here."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def check_choice(value: object, name: str, choices: Iterable[object]) -> object:
    """One of ``choices`` (or ``None``)."""
    allowed = tuple(choices)
    if value is None or value in allowed:
        return value
    raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")


def check_size(value: object, name: str) -> str | None:
    """A size such as ``"10 GB"`` (or ``None``): the server answers 400 INVALID_BYTES to a
    number, so a number is refused here with the reason."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a size string such as '10 GB', not {type(value).__name__}")
    return value


def check_str_list(value: object, name: str, *, allow_empty: bool = False) -> list[str] | None:
    """A list of non-blank strings from a list/tuple/set, or from one comma/space separated str.

    An empty list is refused unless ``allow_empty``: for ``recipients`` the server silently
    replaces "no recipients" with the account's own address.
    """
    if value is None:
        return None
    if isinstance(value, str):
        items = [part for part in SPLIT_RE.split(value) if part]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = []
        for item in value:
            if not isinstance(item, str):
                raise TypeError(f"every item of {name} must be a str, not {type(item).__name__}")
            stripped = item.strip()
            if not stripped:
                raise ValueError(f"{name} must not contain blank items")
            items.append(stripped)
    else:
        raise TypeError(f"{name} must be a list of str, not {type(value).__name__}")
    if not items and not allow_empty:
        raise ValueError(f"{name} must not be empty")
    return list(dict.fromkeys(items))


def date_param(value: object, name: str) -> str | None:
    """A date or aware datetime as ISO-8601 text; ``""`` is passed through (it unsets)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"{name} must be timezone-aware (a naive datetime is ambiguous)")
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{name} must be a date, datetime or str, not {type(value).__name__}")


def query_bool(value: bool) -> str:
    """A bool as the query-string text the server reads."""
    return "true" if value else "false"


def query_params(values: Mapping[str, object]) -> dict[str, str]:
    """Checked values as query parameters: ``None`` (not given) is left out, bools are spelled
    as the server reads them, anything else is its ``str()``."""
    return {
        key: query_bool(value) if isinstance(value, bool) else str(value)
        for key, value in values.items()
        if value is not None
    }


# RFC 9110: a field name is a token; a value is visible characters, spaces and tabs (and
# non-ASCII text). Any other control character could end the header or the request early.
_HEADER_NAME_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_VALUE_FORBIDDEN_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# Headers that frame the request or carry credentials are the client's to set: a stray
# Content-Length or Transfer-Encoding would desynchronise the connection, and the API key
# belongs in api_key=, which no repr or log shows.
_RESERVED_HEADERS = frozenset(
    {"authorization", "connection", "content-length", "transfer-encoding", "te", "upgrade"}
)


def check_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Copy user-supplied headers, refusing names and values that could inject more headers
    or change how the request is framed."""
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError("header names and values must be str")
        if not _HEADER_NAME_RE.fullmatch(name):
            raise ValueError(f"invalid header name {name!r}")
        if name.lower() in _RESERVED_HEADERS:
            hint = "; pass credentials as api_key=" if name.lower() == "authorization" else ""
            raise ValueError(f"header {name!r} is set by the client itself{hint}")
        if _HEADER_VALUE_FORBIDDEN_RE.search(value):
            raise ValueError(f"header {name!r} must not contain CR, LF, NUL or other controls")
        checked[name] = value
    return checked
