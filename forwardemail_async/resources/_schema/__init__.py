"""Request schemas: each writable field of a resource, declared once.

A :class:`Field` says everything the client knows about one body field: its name, its type as
the typed methods spell it, the check that turns a Python value into its JSON value (types
only: the server is the authority on what values it accepts), and, where the field can be
read back, how the server stores what was sent. A :class:`Schema` is the ordered tuple of a
resource's fields; the resource's ``create``/``update`` bodies, bulk comparison, CLI columns
and dry-run diffs are all computed from it, and ``tests/test_schema.py`` holds every typed
signature (names, types, defaults) against it.

The schemas: :mod:`.aliases` (with the alias routes and :func:`~.aliases.alias_matches`),
:mod:`.domains`, :mod:`.mailbox` (calendars, contacts, Sieve scripts), and Nodemailer's
message fields in ``resources/email_body.py`` (``EMAIL_FIELDS``). This package imports only
the core and the models, so ``_bulk`` and the CLI can use it without importing a service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Generic, Literal, TypeVar

import attrs

from forwardemail_async._core.params import Encoder

__all__ = ["Column", "Encoder", "Field", "Schema"]

Model = TypeVar("Model")


def _same(value: object) -> object:
    return value


# A field's name, its encoders for update and create, its JSON keys, and whether it is required.
_Encoding = tuple[str, Encoder, Encoder, tuple[str, ...], bool]


@attrs.frozen(kw_only=True)
class Column:
    """How a field is a column of an import/export file: ``kind`` says how a CSV cell is read
    (``"bool"``: true/false; ``"text"`` and ``"list"``: as written) and ``empty`` is what an
    export writes when the server sent nothing."""

    kind: Literal["text", "list", "bool"]
    empty: object = None


@attrs.frozen(kw_only=True)
class Field(Generic[Model]):
    """One writable field of a request body.

    ``annotation`` is the parameter type exactly as the typed methods write it (the tests
    compare them). ``encode`` checks and encodes a given value (``None`` is never passed: it
    means "not sent"); ``encode_create`` replaces it on create where the two differ.
    ``held`` reads the model's value in comparable form (``None`` when the model does not
    carry the field), and ``normalise`` turns a sent value into that form, as the server
    stores it. ``column``: the field's place in import/export files, if it has one.
    ``reset_by_update``: the server resets the field when an update leaves it out.
    ``wire``: the JSON keys the encoded value is sent under, when not just ``name``. A
    field whose annotation does not allow ``None`` is required where a method takes it.
    """

    name: str
    annotation: str
    encode: Encoder
    encode_create: Encoder | None = None
    held: Callable[[Model], object] | None = None
    normalise: Callable[[object], object] = _same
    column: Column | None = None
    reset_by_update: bool = False
    wire: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        """Whether the typed methods take the field without a ``None`` default."""
        return not self.annotation.endswith("| None")


@attrs.frozen
class Schema(Generic[Model]):
    """The writable fields of one resource, in signature order."""

    fields: tuple[Field[Model], ...]
    by_name: Mapping[str, Field[Model]] = attrs.field(init=False)
    # What body() needs of each field, worked out once: it runs for every create and update.
    _encoding: tuple[_Encoding, ...] = attrs.field(init=False, repr=False)

    @by_name.default
    def _index(self) -> Mapping[str, Field[Model]]:
        return {field.name: field for field in self.fields}

    @_encoding.default
    def _plan(self) -> tuple[_Encoding, ...]:
        return tuple(
            (
                field.name,
                field.encode,
                field.encode_create or field.encode,
                field.wire or (field.name,),
                field.required,
            )
            for field in self.fields
        )

    def __iter__(self) -> Iterator[Field[Model]]:
        return iter(self.fields)

    @property
    def names(self) -> tuple[str, ...]:
        """The field names, in order."""
        return tuple(self.by_name)

    @property
    def columns(self) -> tuple[Field[Model], ...]:
        """The fields that are columns of import/export files, in order."""
        return tuple(field for field in self.fields if field.column is not None)

    @property
    def reset_by_update(self) -> tuple[str, ...]:
        """The fields the server resets when an update leaves them out."""
        return tuple(field.name for field in self.fields if field.reset_by_update)

    def body(self, values: Mapping[str, object], *, creating: bool) -> dict[str, object]:
        """The JSON body from ``values`` (a method's ``locals()`` or a spec's fields): each
        schema field whose value is given and not ``None``, checked and encoded (a method
        taking only some of the fields, such as an update, simply lacks the others). Only the
        fields given are checked: this runs once per alias in bulk provisioning."""
        body: dict[str, object] = {}
        get = values.get
        for name, encode, encode_create, keys, required in self._encoding:
            value = get(name)
            if value is None:
                if required and name in values:
                    annotation = self.by_name[name].annotation
                    raise TypeError(f"{name} is required (a {annotation})")
                continue
            encoded = (encode_create if creating else encode)(value, name)
            for key in keys:
                body[key] = encoded
        return body

    def current_values(self, model: Model, names: tuple[str, ...] | list[str]) -> dict[str, object]:
        """The model's values of ``names`` as a body would carry them (absent and blank ones
        left out), to re-send fields an update would otherwise reset."""
        values: dict[str, object] = {}
        for name in names:
            value = getattr(model, name)
            if value is None or value == "":
                continue
            values[name] = list(value) if isinstance(value, (list, tuple)) else value
        return values

    def matches(self, model: Model, body: Mapping[str, object], *, strict: bool = False) -> bool:
        """Whether ``model`` already holds every value of ``body`` that can be read back,
        each compared as the server stores it. A field the model does not carry (or that
        the server left out of its answer) is not compared, unless ``strict``: then a field
        the model cannot show means "no match"."""
        for name, wanted in body.items():
            field = self.by_name.get(name)
            if field is None or field.held is None:
                if strict:
                    return False
                continue
            held = field.held(model)
            if held is not None and field.normalise(wanted) != held:
                return False
        return True

    def differences(
        self, model: Model, body: Mapping[str, object]
    ) -> list[tuple[str, object, object]]:
        """``(field, held, wanted)`` for each readable field of ``body`` whose value differs
        from the model's (``held`` as the model shows it, empty values as the column's)."""
        changes: list[tuple[str, object, object]] = []
        for name, wanted in body.items():
            field = self.by_name.get(name)
            if field is None or field.held is None or self.matches(model, {name: wanted}):
                continue
            shown = getattr(model, name, None)
            if shown is None and field.column is not None:
                shown = field.column.empty
            changes.append((name, shown, wanted))
        return changes
