"""Printing lists for people (an aligned table) or programs (JSON, CSV)."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from typing import IO, Literal

__all__ = ["OutputFormat", "cell", "print_records"]

OutputFormat = Literal["table", "json", "csv"]


def cell(value: object, *, true: str, false: str, sep: str) -> str:
    """A value as one cell: a bool as ``true``/``false``, a list joined by ``sep``, ``None``
    as ``""``, anything else as ``str``."""
    if isinstance(value, bool):
        return true if value else false
    if isinstance(value, list):
        return sep.join(str(item) for item in value)
    return "" if value is None else str(value)


def print_records(
    records: Sequence[Mapping[str, object]],
    columns: Sequence[str],
    fmt: OutputFormat,
    stream: IO[str],
) -> None:
    """Print ``records`` (dicts with at least ``columns``) in ``fmt``."""
    if fmt == "json":
        json.dump([dict(record) for record in records], stream, indent=2, ensure_ascii=False)
        stream.write("\n")
        return
    if fmt == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            writer.writerow(
                [
                    cell(record.get(column), true="true", false="false", sep=" ")
                    for column in columns
                ]
            )
        return
    cells = [
        [cell(record.get(column), true="yes", false="no", sep=", ") for column in columns]
        for record in records
    ]
    widths = [len(column) for column in columns]
    for row in cells:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    for row in [list(columns), *cells]:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        stream.write(line.rstrip() + "\n")
