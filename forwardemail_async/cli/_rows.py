"""Alias rows in files: reading CSV/JSON for ``aliases import``, writing them for ``export``.

The columns are the alias schema's fields that have a ``column`` (today ``name``,
``recipients``, ``description``, ``labels`` and ``is_enabled``). In CSV, list columns
(``recipients``, ``labels``) are one cell each (separated by spaces or commas) and bool
columns are true/false (also yes/no, 1/0); empty cells mean "not given". In JSON the file is
an array of objects with the same keys (lists and booleans as such). Files are UTF-8, with or
without the byte-order mark that spreadsheets write.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Literal

import attrs

from forwardemail_async._bulk import AliasSpec
from forwardemail_async._bulk._spec import to_spec
from forwardemail_async.cli._output import cell
from forwardemail_async.models import Alias
from forwardemail_async.resources._schema.aliases import ALIAS_FIELDS

__all__ = [
    "COLUMNS",
    "FileError",
    "FileFormat",
    "Row",
    "alias_row",
    "export_file",
    "file_format",
    "read_rows",
    "write_rows",
]

COLUMNS = tuple(field.name for field in ALIAS_FIELDS.columns)
_BOOL_COLUMNS = frozenset(
    field.name for field in ALIAS_FIELDS.columns if field.column and field.column.kind == "bool"
)
FileFormat = Literal["csv", "json"]
_TRUE = frozenset({"true", "yes", "1", "y"})
_FALSE = frozenset({"false", "no", "0", "n"})
_BOM = "\ufeff"


class FileError(Exception):
    """The file as a whole cannot be read (not a per-row problem)."""


@attrs.frozen
class Row:
    """One data row: its line (CSV) or position (JSON), and its spec or what is wrong."""

    number: int
    spec: AliasSpec | None
    error: str | None = None


def file_format(path: str, given: str | None) -> FileFormat:
    """``given``, or the format the file name implies (CSV unless it ends in .json)."""
    if given is not None:
        return "json" if given == "json" else "csv"
    return "json" if path.lower().endswith(".json") else "csv"


def _bool(text: str, column: str) -> bool | None:
    lowered = text.strip().lower()
    if not lowered:
        return None
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{column} must be true or false, got {text!r}")


def _from_csv(cells: Mapping[str, str | None]) -> dict[str, object]:
    values: dict[str, object] = {}
    for key, raw in cells.items():
        text = (raw or "").strip()
        if not text:
            continue
        if key in _BOOL_COLUMNS:
            values[key] = _bool(text, key)
        else:
            values[key] = text
    return values


def _row(number: int, values: object) -> Row:
    try:
        if not isinstance(values, Mapping):
            raise TypeError(f"expected an object, got {type(values).__name__}")
        spec = to_spec(values)
        spec.body(creating=True)
    except (TypeError, ValueError) as exc:
        return Row(number, None, str(exc))
    return Row(number, spec)


def _csv_rows(stream: IO[str]) -> Iterator[Row]:
    reader = csv.DictReader(stream)
    # Spreadsheets pad names with spaces now and then; the cells are keyed by the clean names.
    header = [column.strip() for column in reader.fieldnames or []]
    reader.fieldnames = header
    unknown = [column for column in header if column not in COLUMNS]
    if "name" not in header or unknown:
        # repr() shows what cannot be seen: a stray control character or non-breaking space.
        raise FileError(
            f"the CSV header must have a 'name' column and only {', '.join(COLUMNS)}"
            + (f" (unknown: {', '.join(map(repr, unknown))})" if unknown else "")
        )
    for cells in reader:
        number = reader.line_num
        if None in cells:
            yield Row(number, None, "more cells than header columns")
            continue
        try:
            values = _from_csv(cells)
        except ValueError as exc:
            yield Row(number, None, str(exc))
            continue
        yield _row(number, values)


def _parse(stream: IO[str], fmt: FileFormat, path: str) -> list[Row]:
    if fmt == "csv":
        return list(_csv_rows(stream))
    try:
        data = json.load(stream)
    except ValueError as exc:
        raise FileError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, list):
        raise FileError("a JSON import file must hold an array of alias objects")
    return [_row(number, values) for number, values in enumerate(data, start=1)]


def read_rows(path: str, fmt: FileFormat) -> list[Row]:
    """Every row of the file (``-`` is standard input); :class:`FileError` if unreadable.

    A leading UTF-8 byte-order mark is skipped, in a file as on standard input."""
    if path == "-":
        text = sys.stdin.read()
        return _parse(io.StringIO(text.removeprefix(_BOM)), fmt, path)
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as stream:
            return _parse(stream, fmt, path)
    except OSError as exc:
        raise FileError(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        # The decoder's position counts from its last chunk, not the file's start: left out.
        raise FileError(
            f'{path} is not UTF-8 text ({exc.reason}); save it as UTF-8 ("CSV UTF-8")'
        ) from exc


def alias_row(alias: Alias) -> dict[str, object]:
    """The export row of an alias (JSON-ready): each column's value, or the column's
    ``empty`` value when the server sent none."""
    row: dict[str, object] = {}
    for field in ALIAS_FIELDS.columns:
        value = getattr(alias, field.name, None)
        if value is None and field.column is not None:
            value = field.column.empty
        row[field.name] = list(value) if isinstance(value, (list, tuple)) else value
    return row


def write_rows(rows: Iterable[Mapping[str, object]], stream: IO[str], fmt: FileFormat) -> None:
    """Write rows as CSV or a JSON array."""
    if fmt == "json":
        count = 0
        stream.write("[")
        for count, row in enumerate(rows, start=1):
            stream.write(("\n  " if count == 1 else ",\n  ") + json.dumps(row, ensure_ascii=False))
        stream.write("\n]\n" if count else "]\n")
        return
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [cell(row.get(column), true="true", false="false", sep=" ") for column in COLUMNS]
        )


def export_file(path: str, rows: Iterable[Mapping[str, object]], fmt: FileFormat) -> None:
    """Write rows to the file at ``path`` (replacing it)."""
    with Path(path).open("w", encoding="utf-8", newline="") as stream:
        write_rows(rows, stream, fmt)
