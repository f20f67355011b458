"""Writing the fast path's functions (``fast.py`` decides which to make and keeps them).

A function is Python source, compiled once, that builds one model from an object with the
keys of one sample. It checks that the object has as many keys as the sample, reads every
value with one ``operator.itemgetter`` of the sample's own key strings (orjson reuses key
strings, so each lookup is an identity test), and then, field by field in declaration order,

* checks the value inline by exact type (``type(v) is str``) and stores it, with no call per
  field; a field absent from the sample gets its default, and an order without a required
  field always goes to the detailed path;
* keeps lists of scalars and ``dict[str, Any]`` values as they are (the JSON is fresh and
  nobody else holds it), checking a ``list[str]`` with one ``"".join``; parses dates in the
  server's ``2024-05-01T12:34:56.789Z`` shape with one C call, after checking five of its
  characters (with those, the parser accepts exactly that shape);
* builds an object nested directly in the top one, with at most 8 keys, in place when it has
  the sample's nested keys, and otherwise calls the function made for the sample's nested
  object (deeper objects are always called);
* and finally keeps unknown keys in ``extra_fields``.

The generated code names fields, positions and namespace slots only, never a key from the
server. For a listed alias's ``"domain": {"name": ..., "id": ...}`` alone it reads::

    def structure_DomainRef_2_keys(o):
        if type(o) is not dict or len(o) != 2:
            return _otherwise(o)
        try:
            (v0, v1, ) = _get(o)
        except KeyError:
            return _otherwise(o)
        self = _builder()
        if type(v1) is not str and v1 is not None:
            raise _Miss
        self.id = v1
        if type(v0) is not str and v0 is not None:
            raise _Miss
        self.name = v0
        self.__class__ = _cls
        return self

Inside an alias's function the same statements build ``v20`` in place behind ``if type(v20)
is dict and len(v20) == 2``, with ``v20 = _f23(v20)`` (this function) as the way out.

One trick keeps the stores cheap: a frozen attrs class refuses attribute stores, and storing
through ``object.__setattr__`` costs a C call per field. The function instead fills an
instance of an unfrozen twin (:func:`_builder_class`: a subclass adding no slots, with
``object``'s ``__setattr__`` and ``__init__``), so each store is a plain slot store, then sets
``__class__`` to the model, which Python allows because the layouts are identical. The twin
never escapes.
"""

from __future__ import annotations

import abc
import operator
import types
from collections.abc import Callable
from datetime import datetime
from typing import Any, Union, get_args, get_origin

import attrs

from .extra_fields import ExtraFieldsOnDemand

__all__ = [
    "FastFunction",
    "FunctionWriter",
    "HookGetter",
    "Miss",
    "declared_fields",
    "refuse",
    "union_parts",
]

FastFunction = Callable[[Any], Any]
HookGetter = Callable[[Any], Callable[[Any, Any], Any]]

_SCALARS = (str, int, bool, float)

# A nested object with at most this many keys is built inside the function of its parent.
_MAX_INLINE_KEYS = 8


class Miss(Exception):  # noqa: N818 - a signal, not an error
    """The value is not in the exact shape the fast path handles; use the detailed path."""


def union_parts(type_: Any) -> tuple[tuple[Any, ...], bool]:
    """The non-None members of a union and whether it admits None; ``((), False)`` if
    ``type_`` is not a union."""
    if get_origin(type_) not in (Union, types.UnionType):
        return (), False
    args = get_args(type_)
    return tuple(arg for arg in args if arg is not types.NoneType), types.NoneType in args


def _builder_class(cls: type[Any]) -> type[Any]:
    """The unfrozen twin of the frozen slotted ``cls`` (see the module docstring). Python uses
    its generic slot store only when both ``__setattr__`` and ``__delattr__`` are
    ``object``'s; with ``object``'s ``__init__``, calling it makes an empty instance."""
    namespace = {
        "__slots__": (),
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
        "__init__": object.__init__,
        "__module__": cls.__module__,
    }
    return type(f"{cls.__name__}Builder", (cls,), namespace)


def declared_fields(cls: Any) -> frozenset[str]:
    """The names of the fields of a model, without ``extra_fields``."""
    return frozenset(field.name for field in attrs.fields(cls)) - {"extra_fields"}


def refuse(o: Any) -> Any:
    """The function of a key order that lacks a required key: always the detailed path."""
    raise Miss


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


class FunctionWriter(abc.ABC):
    """Writes and compiles the fast path's functions. The subclass,
    :class:`~.fast.FastStructurer`, says which function a nested object, or an object in
    another shape, goes to (:meth:`function_like`, :meth:`otherwise`).

    ``hook_for`` gives the detailed cattrs hook, used for field types this module does not
    check inline and for reference values that are not objects; ``is_plain`` tells the models
    whose hook is the fast function (not one that wraps it, such as a keyword field's
    renaming), whose functions may be called directly; ``is_reference`` tells the reference
    models (``DomainRef``, ``UserRef``), whose detailed hook accepts any value;
    ``parse_javascript_datetime`` parses the exact ``2024-05-01T12:34:56.789Z`` shape.
    """

    def __init__(
        self,
        hook_for: HookGetter,
        is_plain: Callable[[Any], bool],
        is_reference: Callable[[Any], bool],
        parse_javascript_datetime: Callable[[str], datetime],
    ) -> None:
        self._hook_for = hook_for
        self._is_plain = is_plain
        self._is_reference = is_reference
        self._parse_javascript_datetime = parse_javascript_datetime
        # The functions made so far, which the subclass looks up: by model, by model and key
        # order, and each model's function reading fields by name.
        self._made: dict[type[Any], FastFunction] = {}
        self._by_keys: dict[type[Any], dict[tuple[Any, ...], FastFunction]] = {}
        self._by_name: dict[type[Any], FastFunction] = {}

    @staticmethod
    def supports(cls: Any) -> bool:
        """Whether ``cls`` is a slotted attrs model with ``extra_fields`` that is built only by
        storing its fields (no validators, converters, init hooks or renamed arguments)."""
        if not (isinstance(cls, type) and attrs.has(cls)) or "__slots__" not in cls.__dict__:
            return False
        if hasattr(cls, "__attrs_pre_init__") or hasattr(cls, "__attrs_post_init__"):
            return False
        fields = attrs.fields(cls)
        if "extra_fields" not in attrs.fields_dict(cls):
            return False
        return all(
            field.validator is None
            and field.converter is None
            and field.init
            and field.alias == field.name
            for field in fields
        )

    @abc.abstractmethod
    def function_like(self, cls: type[Any], sample: Any) -> FastFunction:
        """The function to call first for objects shaped like ``sample``."""

    @abc.abstractmethod
    def otherwise(self, cls: type[Any]) -> FastFunction:
        """What a function does with an object not in its shape."""

    def _generate(self, cls: type[Any], sample: dict[Any, Any] | None) -> FastFunction:
        """The function for the keys of ``sample``, or with ``None`` the one reading by name."""
        if sample is None:
            return self._generate_by_name(cls)
        keys = list(sample)
        namespace: dict[str, Any] = {"_Miss": Miss, "_otherwise": self.otherwise(cls)}
        built = self._build(cls, sample, "self", "v", "", namespace, inline=True)
        if built is None:
            return refuse
        if keys:
            # Another container of that length fails at the lookup; a reference's hook takes
            # any value, so for it only a dict goes further.
            only_dict = "type(o) is not dict or " if self._is_reference(cls) else ""
            unpack = self._unpack(keys, "o", "v", "", namespace)
            body = [f"if {only_dict}len(o) != {len(keys)}:", "    return _otherwise(o)"]
            body += ["try:", f"    {unpack}", "except KeyError:", "    return _otherwise(o)"]
        else:
            body = ["if type(o) is not dict or o:", "    return _otherwise(o)"]
        return self._compile(cls, f"_{len(keys)}_keys", [*body, *built], namespace)

    @staticmethod
    def _unpack(
        keys: list[Any], source: str, values: str, prefix: str, namespace: dict[str, Any]
    ) -> str:
        """The statement that reads the values of ``keys`` from ``source`` into ``values0``,
        ``values1``...; it raises ``KeyError`` if one is missing. The keys are the sample's own
        key objects: a JSON decoder that reuses key strings (orjson does) makes each lookup an
        identity test."""
        if len(keys) == 1:
            namespace[f"{prefix}_k0"] = keys[0]
            return f"{values}0 = {source}[{prefix}_k0]"
        namespace[f"{prefix}_get"] = operator.itemgetter(*keys)
        names = "".join(f"{values}{index}, " for index in range(len(keys)))
        return f"({names}) = {prefix}_get({source})"

    def _build(
        self,
        cls: type[Any],
        sample: dict[Any, Any],
        target: str,
        values: str,
        prefix: str,
        namespace: dict[str, Any],
        *,
        inline: bool,
    ) -> list[str] | None:
        """Statements that build ``cls`` into ``target`` from the unpacked values of an object
        with the keys of ``sample`` (``None`` when those keys lack a required field). Names in
        ``namespace`` start with ``prefix``; ``inline`` lets nested objects be built in place."""
        attrs.resolve_types(cls)
        declared = declared_fields(cls)
        namespace[f"{prefix}_builder"], namespace[f"{prefix}_cls"] = _builder_class(cls), cls
        position = {key: index for index, key in enumerate(sample)}
        body = [f"{target} = {prefix}_builder()"]
        for index, field in enumerate(attrs.fields(cls)):
            if field.name == "extra_fields":
                continue
            tag = f"{prefix}_f{index}"
            if field.name in position:
                value = f"{values}{position[field.name]}"
                nested = sample[field.name]
                body += self._check(field.type, value, tag, namespace, nested, inline=inline)
                body.append(f"{target}.{field.name} = {value}")
            elif field.default is attrs.NOTHING:
                return None
            else:  # absent from this order: the default, unchecked
                default = field.default
                namespace[tag + "_default"] = getattr(default, "factory", default)
                call = "()" if isinstance(default, attrs.Factory) else ""  # type: ignore[arg-type]
                body.append(f"{target}.{field.name} = {tag}_default{call}")
        extra = [index for index, key in enumerate(sample) if key not in declared]
        if extra or not issubclass(cls, ExtraFieldsOnDemand):
            keys = list(sample)
            namespace.update({f"{prefix}_k{index}": keys[index] for index in extra})
            items = ", ".join(f"{prefix}_k{index}: {values}{index}" for index in extra)
            body.append(f"{target}.extra_fields = {{{items}}}")
        return [*body, f"{target}.__class__ = {prefix}_cls"]

    def _generate_by_name(self, cls: type[Any]) -> FastFunction:
        """The function that reads each field by name, for any keys."""
        attrs.resolve_types(cls)
        fields = [field for field in attrs.fields(cls) if field.name != "extra_fields"]
        namespace: dict[str, Any] = {
            "_Miss": Miss,
            "_builder": _builder_class(cls),
            "_cls": cls,
            "_declared": declared_fields(cls),
            "_otherwise": self.otherwise(cls),
        }
        body = ["if type(o) is not dict:", "    return _otherwise(o)", "get = o.get"]
        body.append("self = _builder()")
        for index, field in enumerate(fields):
            tag = f"_f{index}"
            if field.default is attrs.NOTHING:
                body.append(f"v = o[{field.name!r}]")
            elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
                namespace[tag + "_default"] = field.default.factory
                body += [f"v = get({field.name!r}, _Miss)", "if v is _Miss:"]
                body.append(f"    v = {tag}_default()")
            else:
                namespace[tag + "_default"] = field.default
                body.append(f"v = get({field.name!r}, {tag}_default)")
            body += self._check(field.type, "v", tag, namespace, None, inline=False)
            body.append(f"self.{field.name} = v")
        # A copy of the dict (in C) without the declared keys.
        empty = "pass" if issubclass(cls, ExtraFieldsOnDemand) else "self.extra_fields = {}"
        body += ["if o.keys() <= _declared:", f"    {empty}", "else:"]
        body += ["    extra = self.extra_fields = o.copy()", "    pop = extra.pop"]
        body += [f"    pop({field.name!r}, None)" for field in fields]
        body += ["self.__class__ = _cls"]
        return self._compile(cls, "", body, namespace)

    @staticmethod
    def _compile(
        cls: type[Any], suffix: str, body: list[str], namespace: dict[str, Any]
    ) -> FastFunction:
        name = f"structure_{cls.__name__}{suffix}"
        source = "\n".join([f"def {name}(o):", *_indent([*body, "return self"])])
        exec(compile(source, f"<fast structure {cls.__qualname__}>", "exec"), namespace)
        function: FastFunction = namespace[name]
        return function

    def _check(
        self,
        type_: Any,
        value: str,
        tag: str,
        namespace: dict[str, Any],
        sample: Any,
        *,
        inline: bool = False,
    ) -> list[str]:
        """Statements that check the local ``value`` against ``type_`` and leave the
        structured value in it, raising when it is not in the exact shape. ``sample`` is the
        value of the sample object, which picks the function that nested objects try first."""
        members, nullable = union_parts(type_)
        if nullable and len(members) == 1:
            (inner,) = members
            if inner in _SCALARS:  # one test when the value is set
                check = f"if type({value}) is not {inner.__name__} and {value} is not None:"
                return [check, "    raise _Miss"]
            inner_lines = self._check(inner, value, tag, namespace, sample, inline=inline)
            inner_lines = inner_lines or ["pass"]
            return [f"if {value} is not None:", *_indent(inner_lines)]
        if type_ is Any or type_ is object:
            return []
        if type_ in _SCALARS:
            return [f"if type({value}) is not {type_.__name__}:", "    raise _Miss"]
        if type_ is datetime:
            # JavaScript's Date#toJSON shape: with "Z" at 23 and "-", "T", ":", ":" at 7, 10,
            # 13, 16, what the parser accepts is exactly that shape, as the detailed path reads
            # it (a shorter string fails at [23], a longer one in the parser).
            namespace["_parse_date"] = self._parse_javascript_datetime
            shape = f'{value}[23] != "Z" or {value}[7:17:3] != "-T::"'
            return [f"if {shape}:", "    raise _Miss", f"{value} = _parse_date({value})"]
        origin, args = get_origin(type_), get_args(type_)
        if origin is list and len(args) == 1:
            (item,) = args
            lines = [f"if type({value}) is not list:", "    raise _Miss"]
            if item is str:  # join raises TypeError unless every item is a str, in one C call
                namespace["_join"] = "".join
                return [*lines, f"_join({value})"]
            if item in _SCALARS:
                lines += [f"for x in {value}:", f"    if type(x) is not {item.__name__}:"]
                return [*lines, "        raise _Miss"]
            if self._nestable(item):
                first = sample[0] if type(sample) is list and sample else None
                namespace[tag] = self.function_like(item, first)
                return [*lines, f"{value} = [{tag}(x) for x in {value}]"]
            if item is Any:
                return lines
        if origin is dict and args == (str, Any):
            return [f"if type({value}) is not dict:", "    raise _Miss"]
        if not self._nestable(type_):
            namespace[tag], namespace[tag + "_type"] = self._hook_for(type_), type_
            return [f"{value} = {tag}({value}, {tag}_type)"]
        # A nested model: the function made for the sample's nested object, which hands an
        # object in another shape (or, for a reference, any other value) on itself. A small
        # one directly in the top object is built in place when it has the sample's keys.
        namespace[tag] = self.function_like(type_, sample)
        call = f"{value} = {tag}({value})"
        if not (inline and type(sample) is dict and 0 < len(sample) <= _MAX_INLINE_KEYS):
            return [call]
        built = self._build(type_, sample, value, f"{value}_", tag, namespace, inline=False)
        if built is None:
            return [call]
        unpack = self._unpack(list(sample), value, f"{value}_", tag, namespace)
        return [
            f"if type({value}) is dict and len({value}) == {len(sample)}:",
            "    try:",
            f"        {unpack}",
            "    except KeyError:",
            f"        {call}",
            "    else:",
            *_indent(_indent(built)),
            "else:",
            f"    {call}",
        ]

    def _nestable(self, type_: Any) -> bool:
        return self.supports(type_) and self._is_plain(type_)
