"""``forwardemail aliases import``: compare a file with the domain, then create and update.

The domain's aliases are listed first (1000 per request), so only missing aliases are POSTed:
every POST counts against the server's create-alias budget (300 a day), even one refused
as "already exists". When the budget runs out the run pauses until the window reopens: the
progress bar says so, and without one a line on standard error tells until when.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import IO

import attrs

from forwardemail_async._bulk import AliasSpec, BulkBatch, BulkProgress, BulkSummary
from forwardemail_async._client import ForwardEmail
from forwardemail_async.cli._output import cell
from forwardemail_async.cli._rows import Row
from forwardemail_async.models import Alias
from forwardemail_async.resources._schema.aliases import ALIAS_FIELDS

__all__ = ["EXIT_FAILED", "EXIT_RATE_LIMITED", "import_aliases"]

EXIT_FAILED = 1
# sysexits.h EX_TEMPFAIL: nothing failed, but the rate limit left items for a later run.
EXIT_RATE_LIMITED = 75


@attrs.frozen(kw_only=True)
class ImportOptions:
    """What the command line asked for."""

    dry_run: bool
    update: bool
    concurrency: int
    max_wait: float | None
    progress: bool


def _fmt(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return cell(list(value), true="True", false="False", sep=", ") or "(none)"
    return repr(value)


def _changes(alias: Alias, spec: AliasSpec) -> list[str]:
    """``field: old -> new`` for each field of the row that differs from the alias (as the
    server would store it)."""
    return [
        f"{field}: {_fmt(held)} -> {_fmt(wanted)}"
        for field, held, wanted in ALIAS_FIELDS.differences(alias, spec.body(creating=False))
    ]


def _checked(rows: list[Row], err: IO[str]) -> tuple[list[tuple[Row, AliasSpec]], int]:
    """The valid rows (first of each name) with their specs, after printing what is wrong
    with the others."""
    valid: list[tuple[Row, AliasSpec]] = []
    first: dict[str, int] = {}
    invalid = 0
    for row in rows:
        message = row.error
        if row.spec is not None and row.spec.name in first:
            message = f"duplicate of row {first[row.spec.name]} ({row.spec.name})"
        if message is not None or row.spec is None:
            err.write(f"row {row.number}: {message}\n")
            invalid += 1
            continue
        first[row.spec.name] = row.number
        valid.append((row, row.spec))
    return valid, invalid


def _stamp(when: datetime) -> str:
    """A time for a log line: local, with its UTC offset, to the second."""
    return when.astimezone().isoformat(timespec="seconds")


def _pause_lines(what: str, err: IO[str]) -> Callable[[BulkProgress], None]:
    """A progress callback that writes one line per rate-limit pause (when there is no bar,
    a long pause would otherwise look like a hang)."""

    def report(progress: BulkProgress) -> None:
        if progress.result is not None or progress.paused_until is None:
            return
        done = f"{progress.done}/{progress.total}" if progress.total is not None else progress.done
        line = (
            f"{what}: rate limit reached after {done}; paused until {_stamp(progress.paused_until)}"
        )
        if progress.expected_finish is not None:
            line += f", expected to finish by {_stamp(progress.expected_finish)}"
        err.write(line + "\n")
        err.flush()

    return report


@contextlib.contextmanager
def _cancel_on_interrupt(batches: list[BulkBatch], err: IO[str]) -> Iterator[None]:
    """Ctrl-C cancels the batches gracefully (in-flight requests finish, report stays right);
    a second Ctrl-C is Python's default again (``KeyboardInterrupt``: stop at once)."""
    loop = asyncio.get_running_loop()

    def cancel() -> None:
        loop.remove_signal_handler(signal.SIGINT)  # restores the default handler
        err.write("\ninterrupted: finishing the requests in flight (Ctrl-C again to quit now)\n")
        for batch in batches:
            batch.cancel()

    try:
        loop.add_signal_handler(signal.SIGINT, cancel)
    except (NotImplementedError, RuntimeError):  # Windows, or not the main thread
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)


async def _run(batch: BulkBatch, rows: list[Row], err: IO[str]) -> BulkSummary:
    """Run a batch, printing each failed row, and the rows left for later on one line."""
    later: list[int] = []
    async for result in batch:
        row = rows[result.index]
        if result.status == "not_attempted":
            later.append(row.number)
        elif not result.ok:
            reason = f": {result.error}" if result.error is not None else ""
            err.write(f"row {row.number} ({result.name}): {result.status}{reason}\n")
    if later:
        span = f"row {later[0]}" if len(later) == 1 else f"rows {later[0]}-{later[-1]}"
        err.write(f"{len(later)} rows not attempted ({span}); run the import again later\n")
    return batch.summary


async def import_aliases(
    client: ForwardEmail,
    domain: str,
    rows: list[Row],
    options: ImportOptions,
    out: IO[str],
    err: IO[str],
) -> int:
    """Run the import (or print its plan with ``dry_run``); returns the exit status."""
    valid, invalid = _checked(rows, err)
    existing = {alias.name: alias async for alias in client.aliases.list(domain)}
    create = [(row, spec) for row, spec in valid if spec.name not in existing]
    update: list[tuple[Row, AliasSpec, Alias, list[str]]] = []
    unchanged = 0
    for row, spec in valid:
        if spec.name not in existing:
            continue
        alias = existing[spec.name]
        changes = _changes(alias, spec)
        if changes:
            update.append((row, spec, alias, changes))
        else:
            unchanged += 1
    verb = "update" if options.update else "leave (--no-update)"
    if options.dry_run:
        for _, spec in create:
            recipients = spec.body(creating=True).get("recipients")
            shown = _fmt(recipients) if recipients else "(your account's address)"
            out.write(f"+ {spec.name}  {shown}\n")
        for _, _, alias, changes in update:
            out.write(f"~ {alias.name}  {'; '.join(changes)}\n")
        out.write(
            f"dry run: would create {len(create)}, {verb} {len(update)}; "
            f"{unchanged} unchanged, {invalid} invalid rows\n"
        )
        return EXIT_FAILED if invalid else 0

    summaries: list[BulkSummary] = []
    batches = [
        client.aliases.create_many(
            domain,
            [spec for _, spec in create],
            on_exists="update" if options.update else "skip",
            concurrency=options.concurrency,
            max_wait=options.max_wait,
            progress=options.progress or _pause_lines("create aliases", err),
        )
    ]
    update_rows = [row for row, _, _, _ in update] if options.update else []
    if update_rows:
        batches.append(
            client.aliases.update_many(
                domain,
                [spec for _, spec, _, _ in update],
                concurrency=options.concurrency,
                max_wait=options.max_wait,
                progress=options.progress or _pause_lines("update aliases", err),
            )
        )
    with _cancel_on_interrupt(batches, err):
        summaries.append(await _run(batches[0], [row for row, _ in create], err))
        if update_rows and not batches[0].cancelled:
            summaries.append(await _run(batches[1], update_rows, err))
    for summary in summaries:
        out.write(f"{summary}\n")
    out.write(f"unchanged {unchanged}, invalid rows {invalid}")
    out.write(f", not updated (--no-update) {len(update)}\n" if not options.update else "\n")
    failed = invalid + sum(s.counts.failed + s.counts.unknown for s in summaries)
    if failed or any(s.cancelled for s in summaries):
        return EXIT_FAILED
    if any(s.counts.not_attempted for s in summaries):
        return EXIT_RATE_LIMITED
    return 0
