"""Printing lists for people (an aligned table) or programs (JSON, CSV)."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from typing import IO, Literal

from forwardemail_async.cli._rows import csv_cell

__all__ = ["OutputFormat", "print_records"]

OutputFormat = Literal["table", "json", "csv"]


def _table_cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
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
            writer.writerow([csv_cell(record.get(column)) for column in columns])
        return
    cells = [[_table_cell(record.get(column)) for column in columns] for record in records]
    widths = [len(column) for column in columns]
    for row in cells:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    for row in [list(columns), *cells]:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        stream.write(line.rstrip() + "\n")
