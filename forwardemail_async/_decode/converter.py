"""The one cattrs converter that turns API JSON into models, and models back into JSON.

Decoding is tolerant where the server is loose and strict where the shape is wrong:

* keys a model does not declare are kept in its ``extra_fields``, never dropped, and never sent
  back by :func:`unstructure`;
* enum-like values are plain strings, so a new value from the server never fails;
* ``null`` gives ``None`` for optional fields; ``"25"`` is accepted for an ``int`` and ``25`` for
  a ``str`` (``smtp_port`` is a string on the server);
* a field typed ``Model | str`` takes an id string or an object, as the server returns either;
* anything else (a list where an object is expected, a missing ``id``) raises
  :class:`~forwardemail_async.ResponseDecodeError` naming the model and the field path.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar, get_origin

import attrs
import cattrs
from cattrs.cols import list_structure_factory, mapping_structure_factory
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.v import format_exception, transform_error

from forwardemail_async._core.errors import ResponseDecodeError

from .fast_structure import FastStructurer, union_parts

__all__ = [
    "converter",
    "format_datetime",
    "iter_structured",
    "parse_datetime",
    "structure",
    "structure_list",
    "unstructure",
]

T = TypeVar("T")
_Hook = Callable[[Any, Any], Any]

# How many field errors a ResponseDecodeError message lists before summarising the rest.
_MAX_REPORTED_ERRORS = 5

converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=False)


class _ShapeError(ValueError):
    """A JSON value of the wrong kind; its message is shown as is in ResponseDecodeError."""


def _describe(value: object) -> str:
    """A short JSON-flavoured description of a value for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# Datetimes --------------------------------------------------------------------------------------

_ISO_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)?",
    re.ASCII,
)


_from_javascript: Callable[[str], datetime]
if sys.version_info >= (3, 11):
    _from_javascript = datetime.fromisoformat
else:  # pragma: no cover - Python 3.10 does not take "Z", and datetime.replace(tzinfo=...)
    # costs five times the parse, hence "+00:00".
    def _from_javascript(text: str) -> datetime:
        return datetime.fromisoformat(text[:23] + "+00:00")


def parse_datetime(text: str) -> datetime:
    """Parse an ISO-8601 date-time into an aware UTC datetime, the same on every Python.

    Takes the server's ``2024-05-01T12:34:56.789Z`` and also offsets (``+02:00``, ``+0200``),
    missing seconds or milliseconds, and any number of fraction digits (truncated to
    microseconds). A value without an offset is taken as UTC, a date alone as midnight UTC.
    Raises ``ValueError`` otherwise.
    """
    # Fast path for the exact shape JavaScript's Date#toJSON produces.
    if len(text) == 24 and text[23] == "Z" and text[4:20:3] == "--T::.":
        try:
            return _from_javascript(text)
        except ValueError:
            pass
    match = _ISO_DATETIME.fullmatch(text)
    if match is None:
        raise ValueError(f"not an ISO-8601 date-time: {text!r}")
    year, month, day, hour, minute, second, fraction, sign, off_hours, off_minutes = match.groups()
    offset = timedelta(hours=int(off_hours or 0), minutes=int(off_minutes or 0))
    parsed = datetime(
        int(year),
        int(month),
        int(day),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        int((fraction or "0")[:6].ljust(6, "0")),
        tzinfo=timezone(-offset if sign == "-" else offset),
    )
    return parsed.astimezone(timezone.utc)


def format_datetime(value: datetime) -> str:
    """Format a datetime as the server does: ``YYYY-MM-DDTHH:MM:SS.mmmZ`` in UTC.

    A naive datetime is taken as UTC; sub-millisecond digits are dropped.
    """
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="milliseconds") + "Z"


def _structure_datetime(value: object, _: object) -> datetime:
    if isinstance(value, str):
        try:
            return parse_datetime(value)
        except ValueError:
            pass
    raise _ShapeError(f"expected an ISO-8601 date-time string, got {_describe(value)}")


converter.register_structure_hook(datetime, _structure_datetime)
converter.register_unstructure_hook(datetime, format_datetime)


# Scalars: accept what the server types loosely, refuse the wrong kind ----------------------------


def _structure_str(value: object, _: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise _ShapeError(f"expected a string, got {_describe(value)}")


def _structure_int(value: object, _: object) -> int:
    if type(value) is int:
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    elif isinstance(value, float) and value.is_integer():
        return int(value)
    raise _ShapeError(f"expected an integer, got {_describe(value)}")


def _structure_bool(value: object, _: object) -> bool:
    if isinstance(value, bool):
        return value
    raise _ShapeError(f"expected true or false, got {_describe(value)}")


converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(bool, _structure_bool)


# Containers: cattrs would turn a string into a list of characters -------------------------------


def _is_container(type_: Any) -> bool:
    return get_origin(type_) in (list, dict)


def _container_hook_factory(type_: Any) -> _Hook:
    origin = get_origin(type_)
    if origin is list:
        structure_items, expected = list_structure_factory(type_, converter), "an array"
    else:
        # Not converter.gen_structure_mapping: it also registers the bare mapping function as a
        # direct hook, which wins over this wrapper as soon as anything clears the hook cache
        # (any model decoded for the first time with a new dict type does).
        structure_items = mapping_structure_factory(
            type_, converter, dict, detailed_validation=converter.detailed_validation
        )
        expected = "an object"

    def structure_container(value: object, _: object) -> Any:
        if not isinstance(value, origin):
            raise _ShapeError(f"expected {expected}, got {_describe(value)}")
        return structure_items(value, type_)

    return structure_container


converter.register_structure_hook_factory(_is_container, _container_hook_factory)


# Models: unknown keys go to extra_fields, which are never unstructured ---------------------------


def _is_model(type_: Any) -> bool:
    return (
        isinstance(type_, type) and attrs.has(type_) and "extra_fields" in attrs.fields_dict(type_)
    )


def _model_structure_factory(cls: type[Any]) -> _Hook:
    structure_fields = make_dict_structure_fn(cls, converter, extra_fields=override(omit=True))
    declared = frozenset(field.name for field in attrs.fields(cls)) - {"extra_fields"}
    name = cls.__name__

    def structure_model(value: object, _: object) -> Any:
        if not isinstance(value, dict):
            raise _ShapeError(f"expected a {name} object, got {_describe(value)}")
        model = structure_fields(value, cls)
        if not value.keys() <= declared:
            model.extra_fields.update(
                {key: item for key, item in value.items() if key not in declared}
            )
        return model

    if not _fast.supports(cls):
        return structure_model
    fast = _fast.function(cls)

    def structure_model_fast(value: object, _: object) -> Any:
        try:
            return fast(value)
        except Exception:  # not the common shape: the detailed path decides
            pass
        return structure_model(value, _)

    return structure_model_fast


def _model_unstructure_factory(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    return make_dict_unstructure_fn(cls, converter, extra_fields=override(omit=True))


# The common shape of the models read in bulk skips the hooks above (see _fast_structure.py).
_fast = FastStructurer(converter.get_structure_hook, parse_datetime, _from_javascript)

converter.register_structure_hook_factory(_is_model, _model_structure_factory)
converter.register_unstructure_hook_factory(_is_model, _model_unstructure_factory)


# Unions: `X | None`, and `Model | str` (an id or the object) -------------------------------------


def _is_nullable(type_: Any) -> bool:
    return len(union_parts(type_)[0]) == 1


def _nullable_hook_factory(type_: Any) -> _Hook:
    (inner,), _ = union_parts(type_)
    structure_inner = converter.get_structure_hook(inner)

    def structure_nullable(value: object, _: object) -> Any:
        # The common case, a value already of the exact type (str, int, bool), costs no call.
        if value is None or type(value) is inner:
            return value
        return structure_inner(value, inner)

    return structure_nullable


def _is_id_or_model(type_: Any) -> bool:
    members, _ = union_parts(type_)
    return len(members) == 2 and str in members and any(_is_model(arg) for arg in members)


def _id_or_model_hook_factory(type_: Any) -> _Hook:
    members, nullable = union_parts(type_)
    (model,) = (arg for arg in members if arg is not str)
    structure_model = converter.get_structure_hook(model)
    expected = f"an id string or a {model.__name__} object"

    def structure_id_or_model(value: object, _: object) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            return structure_model(value, model)
        if value is None and nullable:
            return None
        raise _ShapeError(f"expected {expected}, got {_describe(value)}")

    return structure_id_or_model


converter.register_structure_hook_factory(_is_nullable, _nullable_hook_factory)
converter.register_structure_hook_factory(_is_id_or_model, _id_or_model_hook_factory)


# Entry points ------------------------------------------------------------------------------------


def _format_error(exc: BaseException, type_: type | None) -> str:
    if isinstance(exc, _ShapeError):
        return str(exc)
    return format_exception(exc, type_)


def _decode(data: object, type_: Any, label: str, what: str) -> Any:
    try:
        return converter.structure(data, type_)
    except Exception as exc:
        errors = transform_error(exc, format_exception=_format_error)
        shown = "; ".join(errors[:_MAX_REPORTED_ERRORS])
        if len(errors) > _MAX_REPORTED_ERRORS:
            shown += f"; and {len(errors) - _MAX_REPORTED_ERRORS} more"
        raise ResponseDecodeError(
            f"{what}: the response does not match {label}: {shown}", body=data
        ) from exc


def structure(data: object, cls: type[T], *, what: str) -> T:
    """Decode one JSON object into ``cls``; ``what`` (e.g. ``"GET /v1/domains/{domain}"``)
    prefixes the message of the :class:`ResponseDecodeError` raised for a wrong shape.

    The result may share lists and objects with ``data``: pass JSON nobody else holds.
    """
    fast = _fast.lookup(cls)
    if fast is not None:
        try:
            fast_result: T = fast(data)
            return fast_result
        except Exception:  # the detailed path below structures or reports
            pass
    result: T = _decode(data, cls, cls.__name__, what)
    return result


def structure_list(data: object, cls: type[T], *, what: str) -> list[T]:
    """Decode a JSON array of objects into a list of ``cls``; errors name the failing index.

    The result may share lists and objects with ``data``: pass JSON nobody else holds.
    """
    fast = _fast.lookup(cls)
    if fast is not None and type(data) is list:
        try:
            return [fast(item) for item in data]
        except Exception:  # the detailed path below structures or reports
            pass
    result: list[T] = _decode(data, list[cls], f"list[{cls.__name__}]", what)  # type: ignore[valid-type]
    return result


def iter_structured(data: list[Any], cls: type[T], *, what: str) -> Iterator[T]:
    """Decode the objects of a JSON array one at a time, as the caller asks for them.

    The same models and the same errors as :func:`structure_list` (on any item the fast path
    does not take, the whole array goes through the detailed path once, so a message names
    the failing index), but each model exists only from the moment it is needed. A loop that
    handles one item and drops it keeps every model young, which saves the garbage collector
    most of its work on long lists.
    """
    fast = _fast.lookup(cls)
    if fast is None:
        yield from structure_list(data, cls, what=what)
        return
    for index, item in enumerate(data):
        try:
            model: T = fast(item)
        except Exception:  # coerce or report as structure_list does, from this item on
            items: list[T] = _decode(data, list[cls], f"list[{cls.__name__}]", what)  # type: ignore[valid-type]
            yield from items[index:]
            return
        yield model


def unstructure(obj: attrs.AttrsInstance) -> dict[str, Any]:
    """The JSON-ready dict of a model: every declared field, dates as ``...Z``, no
    ``extra_fields``."""
    result: dict[str, Any] = converter.unstructure(obj)
    return result
