"""The cattrs converter behind ``converter.py``, imported on the first decode.

Importing cattrs and building this converter cost more than the rest of ``client.aliases``,
so ``converter.py`` (the entry points every module imports) loads this module only when a
value is first decoded or encoded. Decoding is tolerant where the server is loose and strict
where the shape is wrong:

* keys a model does not declare are kept in its ``extra_fields``, never dropped, and never sent
  back by ``unstructure``;
* enum-like values are plain strings, so a new value from the server never fails;
* ``null`` gives ``None`` for optional fields; ``"25"`` is accepted for an ``int`` and ``25`` for
  a ``str`` (``smtp_port`` is a string on the server);
* a reference model (:func:`reference_model`: ``DomainRef``, ``UserRef``) takes any value: an
  object, a bare id string, an object without an ``id``; it never fails the object around it;
* anything else (a list where an object is expected, a missing ``id``) raises
  :class:`~forwardemail_async.ResponseDecodeError` naming the model and the field path.

Objects already in the exact shape take the fast path (``fast.py``) instead of the hooks here.
Cattrs makes each model's hooks on the model's first decode, not here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, get_origin

import attrs
import cattrs
from cattrs.cols import list_structure_factory, mapping_structure_factory
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.v import format_exception, transform_error

from forwardemail_async._core.errors import ResponseDecodeError

from .dates import format_datetime, parse_datetime, parse_javascript_datetime
from .fast import FastStructurer, union_parts

__all__ = ["converter", "decode", "fast", "fast_of_hook", "reference_model"]

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


# Datetimes (parsed in dates.py) ----------------------------------------------------------------


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


# The fast function behind each model's hook, for loops that call it directly. A hook that wraps
# the model's (a keyword field's renaming) is not in here, so it is never bypassed.
fast_of_hook: dict[_Hook, Callable[[Any], Any]] = {}


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

    if not fast.supports(cls):
        return structure_model
    fast_function = fast.function(cls)

    def structure_model_fast(value: object, _: object) -> Any:
        try:
            return fast_function(value)
        except Exception:  # not in the exact shape: the detailed path coerces or reports
            pass
        return structure_model(value, _)

    fast_of_hook[structure_model_fast] = fast_function
    return structure_model_fast


def _model_unstructure_factory(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    return make_dict_unstructure_fn(cls, converter, extra_fields=override(omit=True))


converter.register_structure_hook_factory(_is_model, _model_structure_factory)
converter.register_unstructure_hook_factory(_is_model, _model_unstructure_factory)


# References: any value gives a reference, so one odd nested object never fails a page --------

_references: set[type[Any]] = set()


def reference_model(cls: Any) -> None:
    """Decode the model ``cls`` (fields ``str | None``, and ``extra_fields``) tolerantly: a
    string is its ``id``; from an object, declared keys holding a string or ``null`` are read
    and every other key is kept in ``extra_fields``; any other value is kept as
    ``extra_fields["value"]``."""
    declared = frozenset(field.name for field in attrs.fields(cls)) - {"extra_fields"}
    fast_function = fast.function(cls)

    def structure_reference(value: object, _: object) -> Any:
        if type(value) is dict:
            try:
                return fast_function(value)
            except Exception:  # a declared key holding another type: kept aside below
                pass
        if isinstance(value, str):
            return cls(id=value)
        if not isinstance(value, dict):
            return cls(extra_fields={"value": value})
        known = {k: x for k, x in value.items() if k in declared and (x is None or type(x) is str)}
        extra = {k: x for k, x in value.items() if k not in known}
        return cls(**known, extra_fields=extra)

    _references.add(cls)
    converter.register_structure_hook(cls, structure_reference)


# The objects already in the exact shape skip the hooks above (see fast.py).
def _is_plain(cls: Any) -> bool:
    hook = converter.get_structure_hook(cls)
    return hook in fast_of_hook or cls in _references


fast = FastStructurer(
    converter.get_structure_hook, _is_plain, _references.__contains__, parse_javascript_datetime
)


# Unions: `X | None` -------------------------------------------------------------------------------


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


converter.register_structure_hook_factory(_is_nullable, _nullable_hook_factory)


# The error of a wrong shape -------------------------------------------------------------------


def _format_error(exc: BaseException, type_: type | None) -> str:
    if isinstance(exc, _ShapeError):
        return str(exc)
    return format_exception(exc, type_)


def decode(data: object, type_: Any, label: str, what: str) -> Any:
    """Decode ``data`` into ``type_`` through the detailed hooks; a wrong shape raises the
    :class:`ResponseDecodeError` that names every wrong field (up to a few), prefixed by
    ``what`` and ``label``."""
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
