"""The entry points of decoding: JSON answers into models, and models back into JSON.

Every model goes through one shared cattrs converter (``detailed.py`` builds it and says how it
decodes). Importing cattrs and building the converter cost more than the rest of
``client.aliases``, so this module, which every service imports, loads ``detailed.py`` only on
the first decode or encode (or the first read of :data:`converter`). Models that change how
the converter treats them (``reference_model``, ``keyword_field``) say so with
:func:`when_built`, and their setup runs when the converter is built.

Objects already in the exact shape take the fast path (``fast.py``) instead of cattrs' hooks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from .dates import format_datetime, parse_datetime
from .fast import Miss

if TYPE_CHECKING:
    import attrs
    import cattrs

    from .fast import FastStructurer

__all__ = [
    "converter",
    "format_datetime",
    "iter_structured",
    "parse_datetime",
    "reference_model",
    "structure",
    "structure_list",
    "unstructure",
    "when_built",
]

T = TypeVar("T")
Setup = Callable[["cattrs.Converter"], None]

converter: cattrs.Converter
"""The shared cattrs converter, built on first use (``detailed.py``)."""

# Set by _build() from detailed.py; the functions below reach them only after _build() ran.
_converter: cattrs.Converter | None = None
_fast: FastStructurer
_fast_of_hook: dict[Callable[[Any, Any], Any], Callable[[Any], Any]]
_decode: Callable[[object, Any, str, str], Any]

# What the models asked of the converter (when_built) before it existed, in that order.
_setups: list[Setup] = []
# Event loops in two threads may make their first decode at once: one builds, the other waits.
# A setup runs while it is held, so a setup must not import a module that decodes or
# registers with when_built from another thread.
_building = threading.RLock()


def _build() -> cattrs.Converter:
    """Import ``detailed.py`` (cattrs and the converter), then run the models' setups."""
    global converter, _converter, _fast, _fast_of_hook, _decode
    with _building:  # taken only until the converter exists: callers test _converter first
        if _converter is not None:
            return _converter
        from . import detailed

        _fast, _fast_of_hook, _decode = detailed.fast, detailed.fast_of_hook, detailed.decode
        # A setup may ask for another (a model imported by a model). One that raises stays
        # first in line, so the next decode tries it again rather than build without it.
        while _setups:
            _setups[0](detailed.converter)
            del _setups[0]
        converter = _converter = detailed.converter
        return converter


def __getattr__(name: str) -> Any:
    """Build the converter when its name is first read."""
    if name == "converter":
        return _build()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def when_built(setup: Setup) -> None:
    """Run ``setup(converter)`` once the shared converter exists: now if it does, or else
    when it is built, in the order the setups were given (model modules call this when they
    are imported)."""
    with _building:
        if _converter is None:
            _setups.append(setup)
            return
    setup(_converter)


def _register_reference(cls: Any, _: cattrs.Converter) -> None:
    from . import detailed

    detailed.reference_model(cls)


def reference_model(cls: Any) -> None:
    """Decode the model ``cls`` (fields ``str | None``, and ``extra_fields``) tolerantly: a
    string is its ``id``; from an object, declared keys holding a string or ``null`` are read
    and every other key is kept in ``extra_fields``; any other value is kept as
    ``extra_fields["value"]``."""
    when_built(partial(_register_reference, cls))


def structure(data: object, cls: type[T], *, what: str) -> T:
    """Decode one JSON object into ``cls``; ``what`` (e.g. ``"GET /v1/domains/{domain}"``)
    prefixes the message of the :class:`ResponseDecodeError` raised for a wrong shape.

    The result may share lists and objects with ``data``: pass JSON nobody else holds.
    """
    built = _converter or _build()
    try:
        result: T = built.structure(data, cls)
        return result
    except Exception:  # decoded again below for a message naming every wrong field
        pass
    reported: T = _decode(data, cls, cls.__name__, what)
    return reported


def structure_list(data: object, cls: type[T], *, what: str) -> list[T]:
    """Decode a JSON array of objects into a list of ``cls``; errors name the failing index.

    The result may share lists and objects with ``data``: pass JSON nobody else holds.
    """
    if type(data) is not list:
        _converter or _build()
        result: list[T] = _decode(data, list[cls], f"list[{cls.__name__}]", what)  # type: ignore[valid-type]
        return result
    return list(iter_structured(data, cls, what=what))


def iter_structured(data: list[Any], cls: type[T], *, what: str) -> Iterator[T]:
    """Decode the objects of a JSON array one at a time, as the caller asks for them.

    Each object takes the fast path when it is in the exact shape, and the detailed path alone
    otherwise; one that does not decode raises the :class:`ResponseDecodeError` of the whole
    array, naming its index. Each model exists only from the moment it is needed: a loop that
    handles one item and drops it keeps every model young, which saves the garbage collector
    most of its work on long lists.
    """
    hook = (_converter or _build()).get_structure_hook(cls)
    # The function made for the first item's shape; it hands an item in another shape on to
    # the function of that item's key order itself.
    first = data[0] if data else None
    structure_item = _fast.function_like(cls, first) if hook in _fast_of_hook else None
    for item in data:
        try:
            if structure_item is None:
                raise Miss
            model: T = structure_item(item)
        except Exception:  # not in the exact shape, or wrong
            try:
                model = hook(item, cls)
            except Exception:
                _decode(data, list[cls], f"list[{cls.__name__}]", what)  # type: ignore[valid-type]
                raise  # pragma: no cover - the whole array cannot decode when one item did not
        yield model


def unstructure(obj: attrs.AttrsInstance) -> dict[str, Any]:
    """The JSON-ready dict of a model: every declared field, dates as ``...Z``, no
    ``extra_fields``."""
    result: dict[str, Any] = (_converter or _build()).unstructure(obj)
    return result
