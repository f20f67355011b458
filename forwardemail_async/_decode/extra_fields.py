"""``extra_fields`` made on first read, for the models decoded by the thousand.

Most objects a list returns have no unknown keys, and an empty dict per object (four per listed
alias: the alias, its vacation responder, its domain and user references) cost ~2% of a listed
alias's decoding. The fast path (``fast.py``) leaves the slot of a :class:`ExtraFieldsOnDemand`
model unset when there is nothing to keep; the first read stores a fresh empty dict, so the
object behaves exactly as if it had one all along (equality, ``repr``, pickling, ``evolve``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["ExtraFieldsOnDemand"]


class ExtraFieldsOnDemand:
    """Mixin for slotted attrs models with an ``extra_fields`` dict."""

    __slots__ = ()

    if not TYPE_CHECKING:  # type checkers must keep flagging unknown attributes

        def __getattr__(self, name: str) -> Any:
            # Called only when normal lookup fails: an unset slot, or no such attribute.
            if name != "extra_fields":
                message = f"{type(self).__name__!r} object has no attribute {name!r}"
                raise AttributeError(message, name=name, obj=self)
            extra: dict[str, Any] = {}
            object.__setattr__(self, "extra_fields", extra)
            return extra
