"""The base of the models the converter builds field by field from JSON.

A listed alias nests a ``Domain`` that carries 2 of its 50 fields. Storing 48 ``None`` defaults
in every such object cost more than decoding the JSON, so the converter's fast path (see
``forwardemail_async/_fast_structure.py``) stores only the keys the JSON has, and a field it
did not store takes its default the first time it is read. Instances made by ``__init__`` have
every field set and never reach this code; either way the objects compare, hash, print,
pickle and evolve alike.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import attrs

__all__ = ["LazyDefaults", "field_defaults"]


@cache
def field_defaults(cls: type[Any]) -> dict[str, Any]:
    """Each attrs field of ``cls`` that has a default: its value or :class:`attrs.Factory`."""
    return {
        field.name: field.default
        for field in attrs.fields(cls)
        if field.default is not attrs.NOTHING
    }


class LazyDefaults:
    """Mixin for slotted attrs models: an unset field reads (and then keeps) its default."""

    __slots__ = ()

    if not TYPE_CHECKING:  # type checkers must keep flagging unknown attributes

        def __getattr__(self, name: str) -> Any:
            # Only called when the slot is empty (or the name is not an attribute at all).
            cls = type(self)
            defaults = field_defaults(cls)
            if name not in defaults:
                raise AttributeError(
                    f"{cls.__name__!r} object has no attribute {name!r}", name=name, obj=self
                )
            default = defaults[name]
            value = default.factory() if isinstance(default, attrs.Factory) else default
            object.__setattr__(self, name, value)
            return value
