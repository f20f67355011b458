"""The fast path: generated functions that build a model from JSON already in shape.

cattrs' detailed path calls a hook per field and builds every model through its keyword-only
``__init__``, several times the cost of decoding the JSON of a listed alias. For the common
case, where every value already has its exact type, :class:`FastStructurer` makes flat
functions per model (``fast_writer.py`` writes them). The server serialises each kind of
document with the same keys, so there is one function per key order met (up to 16 per model),
made from the first object seen in that order (the *sample*); since values are read by key,
an object with the sample's keys in another order is served by the same function.

An object with other keys (or, for a reference, a value that is not an object) is handed on,
by the function itself, to the function of its own key order (for a reference, to the
detailed hook, which takes any value); so a list is decoded by the function made for its
first item, with no lookup per item. An order with many unknown keys (a full domain nested in
an alias create answer), or past the 16, goes to the one function per model that reads each
field by name (``get("name")``).

Anything else raises (:class:`Miss`, ``KeyError``, ``TypeError``...), and the caller decodes
that object again with the detailed converter, which coerces (``"25"`` for an ``int``),
tolerates (a bare id string for a reference) or reports the exact field path. So the fast
path only has to be right when it returns; it never decides what is an error.
"""

from __future__ import annotations

from typing import Any

from .fast_writer import (
    FastFunction,
    FunctionWriter,
    Miss,
    declared_fields,
    refuse,
    union_parts,
)

__all__ = ["FastStructurer", "Miss", "union_parts"]

# Per model, how many key orders get a function of their own, and how many undeclared keys
# such a function may name: both bound the code a server sending ever-new shapes can cause.
_MAX_KEY_ORDERS = 16
_MAX_UNKNOWN_KEYS = 16


class FastStructurer(FunctionWriter):
    """Makes (once per model and key order) and caches the fast functions; see the module
    docstring, and :class:`~.fast_writer.FunctionWriter` for its arguments."""

    def function(self, cls: type[Any]) -> FastFunction:
        """The fast function of a supported model, made on first use: it looks the object's
        key order up and calls that order's function (see :meth:`function_for`)."""
        made = self._made.get(cls)
        if made is None:
            by_keys = self._by_keys.setdefault(cls, {})
            make = self.function_for

            def structure(o: Any) -> Any:
                if type(o) is not dict:
                    raise Miss
                return (by_keys.get(tuple(o)) or make(cls, o))(o)

            made = self._made[cls] = structure
        return made

    def function_like(self, cls: type[Any], sample: Any) -> FastFunction:
        """The function to call first for objects shaped like ``sample``: the function of its
        key order, or :meth:`function` when it has none. Either takes any object."""
        if type(sample) is dict:
            made = self.function_for(cls, sample)
            if made is not refuse:
                return made
        return self.function(cls)

    def key_orders(self, cls: type[Any]) -> list[tuple[Any, ...]]:
        """The key orders of ``cls`` that have a function of their own so far."""
        return list(self._by_keys.get(cls, {}))

    def function_for(self, cls: type[Any], sample: dict[Any, Any]) -> FastFunction:
        """The function made for the keys of ``sample``, and for nested objects shaped like
        those in ``sample``.

        Each model keeps up to ``_MAX_KEY_ORDERS`` of these; past that, or for an order with
        more than ``_MAX_UNKNOWN_KEYS`` undeclared keys, the function that reads fields by name
        serves.
        """
        keys = tuple(sample)
        by_keys = self._by_keys.setdefault(cls, {})
        made = by_keys.get(keys)
        if made is not None:
            return made
        unknown = sum(key not in declared_fields(cls) for key in keys)
        if unknown > _MAX_UNKNOWN_KEYS or len(by_keys) >= _MAX_KEY_ORDERS:
            made = self._by_name.get(cls)
            if made is None:
                made = self._by_name[cls] = self._generate(cls, None)
        else:
            made = by_keys[keys] = self._generate(cls, sample)
        return made

    def otherwise(self, cls: type[Any]) -> FastFunction:
        """What a function does with an object not in its shape: a reference's detailed hook
        takes any value; any other model's objects go to the function of their key order."""
        if not self._is_reference(cls):
            return self.function(cls)
        hook = self._hook_for(cls)

        def structure_any(o: Any) -> Any:
            return hook(o, cls)

        return structure_any
