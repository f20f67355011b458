"""Generated structure functions for the common case of the models read in bulk.

cattrs' detailed path calls a hook per field, builds every model through its keyword-only
``__init__`` and, for a listed alias, fills 48 ``None`` fields of the nested ``{id, name}``
domain: ~30 µs per alias, four times the cost of decoding its JSON. For each
:class:`~forwardemail_async._decode.lazy_defaults.LazyDefaults` model this module generates one flat
function that

* checks every value by exact type inline (``type(v) is str``), with no hook call;
* stores only the keys the JSON carries, with plain attribute stores into an unfrozen twin
  of the class that then becomes the real class (absent fields take their default when
  first read, see ``_lazy_defaults.py``);
* keeps JSON lists of scalars and ``dict[str, Any]`` objects as they are instead of copying
  them (the data is freshly decoded and nobody else holds it);
* collects unknown keys into ``extra_fields`` only when there are any.

The server serialises each kind of document with its keys in one order, so once a model has
met the same key order twice it also gets a function made for exactly that order: it unpacks
``o.values()`` into locals instead of looking every field up by name, and stores each value
under the field its position names. A nested object (a listed alias's ``user`` and ``domain``)
whose key order matched in that second sighting is built inline the same way, behind one
check that its keys are again in that order. That halves the cost of a listed alias. The code
names fields and positions only, never a key from the server.

Anything off the happy path (a wrong type, a value to coerce such as ``"25"`` for an ``int``,
a missing required key, a date in another format) raises :class:`Miss` (or any other
exception), and the caller runs the detailed cattrs path again from the start, which coerces
or reports exactly as before.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from datetime import datetime
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

import attrs

from .lazy_defaults import LazyDefaults

__all__ = ["FastStructurer", "Miss", "union_parts"]

FastFunction = Callable[[Any], Any]
HookGetter = Callable[[Any], Callable[[Any, Any], Any]]

_SCALARS = (str, int, bool, float)

# In a model of more than _EARLY_EXIT_MIN_FIELDS fields, each of the first _EARLY_EXIT_FIELDS
# checks whether every key is already stored: the nested `{id, name}` domain of a listed alias
# then costs 2 lookups instead of 50, and `{id, email, display_name}` user 5 instead of 20.
_EARLY_EXIT_MIN_FIELDS = 16
_EARLY_EXIT_FIELDS = 6

# Per model: how many key orders get a function of their own, and how many are remembered
# while waiting for a second sighting. Both bound the work a server sending ever-new shapes
# can cause; past them, the general function serves.
_MAX_KEY_ORDERS = 16
_MAX_KEY_ORDERS_SEEN = 64
# A key order with more unknown keys than this gets no function: compiling one costs time and
# memory in proportion to the keys (a server could send thousands); the general function
# handles any number of them without compiling anything.
_MAX_UNKNOWN_KEYS = 16


class Miss(Exception):  # noqa: N818 - a signal, not an error
    """The value is not in the exact shape the fast path handles; use the detailed path."""


_MISSING = object()


def union_parts(type_: Any) -> tuple[tuple[Any, ...], bool]:
    """The non-None members of a union and whether it admits None; ``((), False)`` if
    ``type_`` is not a union."""
    if get_origin(type_) not in (Union, UnionType):
        return (), False
    args = get_args(type_)
    return tuple(arg for arg in args if arg is not NoneType), NoneType in args


def _builder_class(cls: type[Any]) -> type[Any]:
    """A subclass of the frozen ``cls`` that adds no slots and unfreezes attribute stores.

    The fast function fills an instance of it with ordinary attribute stores (the cheapest
    store Python has, specialised for slots: no call per field), then assigns
    ``__class__ = cls``, which Python allows because the layouts are identical. Both
    ``__setattr__`` and ``__delattr__`` must be ``object``'s for Python to use its generic
    store. The builder never escapes.
    """
    namespace = {
        "__slots__": (),
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
        "__module__": cls.__module__,
    }
    return type(f"{cls.__name__}Builder", (cls,), namespace)


def _unknown_keys(source: str, declared: str) -> str:
    """An expression: the items of the dict ``source`` whose keys are not in ``declared``."""
    return f"{{k: x for k, x in {source}.items() if k not in {declared}}}"


def _without_none(type_: Any) -> Any:
    """``X`` for ``X | None`` (``A | B`` for ``A | B | None``); ``None`` if ``None`` is not
    a member."""
    members, nullable = union_parts(type_)
    if not nullable:
        return None
    return members[0] if len(members) == 1 else Union[members]  # noqa: UP007


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


def _declared_fields(cls: type[Any]) -> dict[str, attrs.Attribute[Any]]:
    """The fields of a model by name, without ``extra_fields``."""
    return {field.name: field for field in attrs.fields(cls) if field.name != "extra_fields"}


def _required_fields(cls: type[Any]) -> frozenset[str]:
    """The names of the fields of a model that have no default."""
    fields = _declared_fields(cls).values()
    return frozenset(field.name for field in fields if field.default is attrs.NOTHING)


def _define(name: str, body: list[str], namespace: dict[str, Any], label: str) -> FastFunction:
    """Compile ``def name(o): body`` in ``namespace`` and return the function."""
    source = "\n".join([f"def {name}(o):", *_indent(body)])
    exec(compile(source, f"<fast structure {label}>", "exec"), namespace)
    function: FastFunction = namespace[name]
    return function


class _KeyOrders:
    """One model's key orders: the functions made for them and those seen once so far."""

    __slots__ = ("functions", "make", "max_keys", "seen")

    def __init__(
        self, make: Callable[[tuple[Any, ...], dict[Any, Any]], FastFunction], max_keys: int
    ) -> None:
        self.functions: dict[tuple[Any, ...], FastFunction] = {}
        self.seen: set[tuple[Any, ...]] = set()
        self.make = make
        self.max_keys = max_keys

    def note(self, keys: tuple[Any, ...], sample: dict[Any, Any]) -> None:
        """Record the key order of ``sample``, a dict the general function handled; on its
        second sighting make it a function, while there is room."""
        if len(keys) > self.max_keys:
            return
        if keys in self.seen:
            if len(self.functions) < _MAX_KEY_ORDERS:
                self.functions[keys] = self.make(keys, sample)
                self.seen.discard(keys)
            return
        if len(self.seen) >= _MAX_KEY_ORDERS_SEEN:
            self.seen.clear()  # one-off orders must not keep a frequent one out for good
        self.seen.add(keys)


def _refuse(o: Any) -> Any:
    """The function of a key order that lacks a required key: always the detailed path."""
    raise Miss


class FastStructurer:
    """Makes (once per model) and caches the fast functions; ``hook_for`` gives the detailed
    cattrs hook used for field types this module does not inline.

    ``parse_datetime`` parses any date the models accept; ``parse_javascript_datetime`` only
    the exact ``2024-05-01T12:34:56.789Z`` shape, and is inlined for it.
    """

    def __init__(
        self,
        hook_for: HookGetter,
        parse_datetime: Callable[[str], datetime],
        parse_javascript_datetime: Callable[[str], datetime],
    ) -> None:
        self._hook_for = hook_for
        self._parse_datetime = parse_datetime
        self._parse_javascript_datetime = parse_javascript_datetime
        self._made: dict[type[Any], FastFunction] = {}
        self._builders: dict[type[Any], type[Any]] = {}
        self._making: set[type[Any]] = set()
        self._looked_up: dict[Any, FastFunction | None] = {}

    @staticmethod
    def supports(cls: Any) -> bool:
        """Whether ``cls`` is a slotted attrs :class:`LazyDefaults` model built only by
        storing its fields (no validators, converters or init hooks to run)."""
        if not (isinstance(cls, type) and issubclass(cls, LazyDefaults) and attrs.has(cls)):
            return False
        if hasattr(cls, "__attrs_pre_init__") or hasattr(cls, "__attrs_post_init__"):
            return False
        for field in attrs.fields(cls):
            if field.validator is not None or field.converter is not None or not field.init:
                return False
            if field.alias != field.name:
                return False
            if not isinstance(getattr(cls, field.name, None), types.MemberDescriptorType):
                return False
        return True

    def lookup(self, cls: Any) -> FastFunction | None:
        """The fast function of ``cls``, or ``None`` if it is not supported (cached)."""
        try:
            return self._looked_up[cls]
        except KeyError:
            pass
        except TypeError:  # unhashable: not a model class
            return None
        found = self.function(cls) if self.supports(cls) else None
        self._looked_up[cls] = found
        return found

    def function(self, cls: type[Any]) -> FastFunction:
        """The fast function of a supported model."""
        made = self._made.get(cls)
        if made is None:
            self._making.add(cls)
            try:
                made = self._made[cls] = self._generate(cls)
            finally:
                self._making.discard(cls)
        return made

    def _builder(self, cls: type[Any]) -> type[Any]:
        builder = self._builders.get(cls)
        if builder is None:
            builder = self._builders[cls] = _builder_class(cls)
        return builder

    def _namespace(self, cls: type[Any]) -> dict[str, Any]:
        return {
            "_Miss": Miss,
            "_M": _MISSING,
            "_new": object.__new__,
            "_cls": cls,
            "_builder": self._builder(cls),
            "_declared": frozenset(_declared_fields(cls)),
        }

    def _generate(self, cls: type[Any]) -> FastFunction:
        attrs.resolve_types(cls)
        fields = attrs.fields(cls)
        names = list(_declared_fields(cls))
        namespace = self._namespace(cls)
        key_orders = _KeyOrders(
            lambda keys, sample: self._generate_for_keys(cls, keys, sample),
            max_keys=len(names) + _MAX_UNKNOWN_KEYS,
        )
        namespace["_by_keys"] = key_orders.functions
        namespace["_note"] = key_orders.note
        # The first fields of a big model count the keys they store, to stop early; but never
        # before every required field is stored (they come first or not at all).
        required = [index for index, field in enumerate(fields) if field.default is attrs.NOTHING]
        last_required = max(required, default=-1)
        early_exit = len(fields) > _EARLY_EXIT_MIN_FIELDS and last_required < _EARLY_EXIT_FIELDS
        counted = _EARLY_EXIT_FIELDS if early_exit else 0
        body = ["if type(o) is not dict:", "    raise _Miss", "keys = tuple(o)"]
        body += ["made = _by_keys.get(keys)", "if made is not None:", "    return made(o)"]
        body += ["_note(keys, o)", "self = _new(_builder)", "get = o.get"]
        if counted:
            body += ["found = 0", "size = len(o)"]
        for index, field in enumerate(fields):
            if field.name == "extra_fields":
                continue
            tag, store_field = f"f{index}", f"self.{field.name} = v"
            present = _without_none(field.type)
            if index >= counted and field.default is None and present is not None:
                # Absent or null: leave the slot empty, it reads as the default None.
                check = self._check(present, tag, namespace)
                body += [f"v = get({field.name!r})", "if v is not None:"]
                body += _indent([*check, store_field])
                continue
            store = [*self._check(field.type, tag, namespace), store_field]
            if index < counted:
                store.append("found += 1")
                if index >= last_required:
                    store += ["if found == size:", "    self.__class__ = _cls", "    return self"]
            body.append(f"v = get({field.name!r}, _M)")
            if field.default is attrs.NOTHING:
                body += ["if v is _M:", "    raise _Miss", *store]
            else:
                body += ["if v is not _M:", *_indent(store)]
        # Unknown keys: one subset test in C.
        body.append("if not o.keys() <= _declared:")
        if len(names) < len(fields):
            body.append(f"    self.extra_fields = {_unknown_keys('o', '_declared')}")
        else:
            body.append("    raise _Miss")
        body += ["self.__class__ = _cls", "return self"]
        return _define(f"structure_{cls.__name__}_fast", body, namespace, cls.__qualname__)

    def _generate_for_keys(
        self, cls: type[Any], keys: tuple[Any, ...], sample: dict[Any, Any]
    ) -> FastFunction:
        """The function for dicts whose keys are exactly ``keys``, in that order; ``sample``
        is one such dict, whose nested objects' key orders are inlined."""
        if not _required_fields(cls) <= set(keys):
            return _refuse
        namespace = self._namespace(cls)
        values = [f"v{position}" for position in range(len(keys))]
        body = self._build_by_position(cls, keys, sample, values, "self", "_", "o", namespace)
        body.append("return self")
        name = f"structure_{cls.__name__}_{len(keys)}_keys"
        return _define(name, body, namespace, f"{cls.__qualname__}, {len(keys)} keys")

    def _build_by_position(
        self,
        cls: type[Any],
        keys: tuple[Any, ...],
        sample: dict[Any, Any] | None,
        values: list[str],
        target: str,
        prefix: str,
        source: str,
        namespace: dict[str, Any],
    ) -> list[str]:
        """Statements that unpack the dict ``source`` (keys exactly ``keys``) into the locals
        ``values`` and build ``cls`` from them into the local ``target``, through the builder
        and class at ``{prefix}builder`` and ``{prefix}cls`` in ``namespace``. With a
        ``sample`` of the dict, nested objects in the sample's key order are built inline too.
        """
        fields = _declared_fields(cls)
        lines = (
            [f"({''.join(value + ', ' for value in values)}) = {source}.values()"] if keys else []
        )
        lines.append(f"{target} = _new({prefix}builder)")
        has_extra = False
        for index, key in enumerate(keys):
            field = fields.get(key)
            if field is None:
                has_extra = True
                continue
            value = values[index]
            check = self._check(field.type, value, namespace, value)
            inline = (
                [] if sample is None else self._inline_nested(field, sample[key], namespace, value)
            )
            lines += [*inline, *(_indent(check) if inline else check)]
            lines.append(f"{target}.{field.name} = {value}")
        if has_extra:
            unknown = _unknown_keys(source, f"{prefix}declared")
            lines.append(f"{target}.extra_fields = {unknown}")
        lines.append(f"{target}.__class__ = {prefix}cls")
        return lines

    def _inline_nested(
        self, field: attrs.Attribute[Any], sample: Any, namespace: dict[str, Any], v: str
    ) -> list[str]:
        """Statements that build the model of ``field`` (typed ``Model``, or a union of one
        model with ``str`` or ``None``) inline when the local ``v`` is a dict with the keys of
        ``sample`` in the same order, ending in ``else:`` for any other value; no statements
        if ``sample`` is not such a dict or has keys the model does not declare."""
        members, _ = union_parts(field.type)
        models = [member for member in members or (field.type,) if member not in (str, NoneType)]
        if len(models) != 1 or not self._inlinable(models[0]) or type(sample) is not dict:
            return []
        (model,) = models
        keys = tuple(sample)
        if not keys or not _required_fields(model) <= set(keys):
            return []
        if not set(keys) <= set(_declared_fields(model)):
            return []
        namespace[f"_{v}_keys"] = keys
        namespace[f"_{v}_builder"] = self._builder(model)
        namespace[f"_{v}_cls"] = model
        values = [f"{v}_{index}" for index in range(len(keys))]
        build = self._build_by_position(model, keys, None, values, "m", f"_{v}_", v, namespace)
        lines = [*build, f"{v} = m"]
        return [f"if type({v}) is dict and tuple({v}) == _{v}_keys:", *_indent(lines), "else:"]

    def _check(self, type_: Any, tag: str, namespace: dict[str, Any], v: str = "v") -> list[str]:
        """Statements that check the local named ``v`` against ``type_`` and leave the
        structured value in it, raising ``_Miss`` when it is not in the common shape."""
        members, nullable = union_parts(type_)
        if members:
            if len(members) == 1:
                if nullable and members[0] in _SCALARS:  # one test when the value is set
                    name = members[0].__name__
                    return [f"if type({v}) is not {name} and {v} is not None:", "    raise _Miss"]
                inner = self._check(members[0], tag, namespace, v)
                return [f"if {v} is not None:", *_indent(inner)] if inner and nullable else inner
            models = [member for member in members if member is not str]
            if len(members) == 2 and str in members and self._inlinable(models[0]):
                namespace[f"_{tag}"] = self.function(models[0])
                other = f"type({v}) is not str" + (f" and {v} is not None" if nullable else "")
                return [
                    f"if type({v}) is dict:",
                    f"    {v} = _{tag}({v})",
                    f"elif {other}:",
                    "    raise _Miss",
                ]
            return self._hook(type_, tag, namespace, v)
        if type_ is Any or type_ is object:
            return []
        if type_ in _SCALARS:
            return [f"if type({v}) is not {type_.__name__}:", "    raise _Miss"]
        if type_ is datetime:
            namespace["_parse_datetime"] = self._parse_datetime
            namespace["_parse_javascript_datetime"] = self._parse_javascript_datetime
            return [
                f"if type({v}) is not str:",
                "    raise _Miss",
                f'if len({v}) == 24 and {v}[23] == "Z" and {v}[4:20:3] == "--T::.":',
                f"    {v} = _parse_javascript_datetime({v})",
                "else:",
                f"    {v} = _parse_datetime({v})",
            ]
        origin, args = get_origin(type_), get_args(type_)
        if origin is list and len(args) == 1:
            (item,) = args
            head = [f"if type({v}) is not list:", "    raise _Miss"]
            if item is Any:
                return head
            if item in _SCALARS:
                loop = [f"for x in {v}:", f"    if type(x) is not {item.__name__}:"]
                loop.append("        raise _Miss")
                return [*head, *loop]
            if self._inlinable(item):
                namespace[f"_{tag}"] = self.function(item)
                return [*head, f"{v} = [_{tag}(x) for x in {v}]"]
        if origin is dict and args == (str, Any):
            return [
                f"if type({v}) is not dict:",
                "    raise _Miss",
                f"for x in {v}:",
                "    if type(x) is not str:",
                "        raise _Miss",
            ]
        if self._inlinable(type_):
            namespace[f"_{tag}"] = self.function(type_)
            return [f"{v} = _{tag}({v})"]
        return self._hook(type_, tag, namespace, v)

    def _inlinable(self, type_: Any) -> bool:
        return self.supports(type_) and type_ not in self._making

    def _hook(self, type_: Any, tag: str, namespace: dict[str, Any], v: str) -> list[str]:
        namespace[f"_{tag}"] = self._hook_for(type_)
        namespace[f"_{tag}_type"] = type_
        return [f"{v} = _{tag}({v}, _{tag}_type)"]
