"""Model fields whose JSON key is a Python keyword, such as ``from``.

The attribute carries a trailing underscore (``from_``); :func:`keyword_field` renames the key
around the converter's generic model hooks, on the way in and on the way out.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from forwardemail_async._decode.converter import when_built

if TYPE_CHECKING:
    import cattrs

__all__ = ["keyword_field"]

T = TypeVar("T")


def keyword_field(cls: type[T], attribute: str) -> None:
    """Make ``cls.<attribute>`` (e.g. ``from_``) read and write the JSON key ``from`` (once
    the shared converter is built, on the first decode)."""
    when_built(partial(_rename_key, cls, attribute))


def _rename_key(cls: type[T], attribute: str, converter: cattrs.Converter) -> None:
    key = attribute.removesuffix("_")
    structure_generic = converter.get_structure_hook(cls)
    unstructure_generic: Callable[[Any], dict[str, Any]] = converter.get_unstructure_hook(cls)

    def structure(value: object, _: object) -> T:
        if isinstance(value, dict) and key in value:
            value = {(attribute if name == key else name): item for name, item in value.items()}
        result: T = structure_generic(value, cls)
        return result

    def unstructure(obj: T) -> dict[str, Any]:
        data = unstructure_generic(obj)
        data[key] = data.pop(attribute)
        return data

    converter.register_structure_hook(cls, structure)
    converter.register_unstructure_hook(cls, unstructure)
