"""Bulk alias provisioning: ``client.aliases.create_many / update_many / delete_many``.

See ``docs/bulk.md``. Arguments of the run are checked when it is built (TypeError or
ValueError before any request); a bad item becomes a ``failed`` result for that item alone,
so one bad row never stops the others.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Mapping

from forwardemail_async._bulk._batch import BulkBatch, Operation, Source
from forwardemail_async._bulk._calls import Calls
from forwardemail_async._bulk._ops import AliasOps, OnExists
from forwardemail_async._bulk._pacer import UNSCOUTED, Pacer
from forwardemail_async._bulk._progress import ProgressArg, make_reporter
from forwardemail_async._bulk._result import (
    BulkCounts,
    BulkProgress,
    BulkResult,
    BulkStatus,
    BulkSummary,
)
from forwardemail_async._bulk._spec import AliasSpec, name_key, to_spec
from forwardemail_async._core.params import check_choice, check_int
from forwardemail_async._core.requester import Requester
from forwardemail_async._core.urls import domain_segment
from forwardemail_async.models import Alias

__all__ = [
    "AliasSpec",
    "BulkBatch",
    "BulkCounts",
    "BulkProgress",
    "BulkResult",
    "BulkStatus",
    "BulkSummary",
    "OnExists",
    "ProgressArg",
    "create_many",
    "delete_many",
    "update_many",
]


def _check_source(items: object, what: str) -> Source:
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, (Iterable, AsyncIterable)):
        raise TypeError(f"{what} must be an iterable or async iterable of items, one per alias")
    return items


def _name_of(item: object) -> str | None:
    """The alias name of an item, as well as can be told (for the report)."""
    name = item.get("name") if isinstance(item, Mapping) else getattr(item, "name", item)
    return name_key(name) if isinstance(name, str) else None


class _Run:
    """What the three operations share: checked options, pacer, calls and item operations."""

    def __init__(
        self,
        requester: Requester,
        domain: str,
        *,
        concurrency: int,
        max_wait: float | None,
        max_attempts: int,
        progress: ProgressArg,
        description: str,
    ) -> None:
        self.domain = domain_segment(domain)
        self.concurrency = check_int(concurrency, "concurrency", minimum=1) or 1
        check_int(max_attempts, "max_attempts", minimum=1)
        if max_wait is None:
            max_wait = requester.options.retry.max_retry_after
        if isinstance(max_wait, bool) or not isinstance(max_wait, (int, float)):
            raise TypeError("max_wait must be a number of seconds or None")
        if math.isnan(max_wait) or max_wait < 0:
            raise ValueError(f"max_wait must be >= 0 seconds, got {max_wait!r}")
        self.reporter = make_reporter(progress, description)
        transport = requester.transport
        self.clock = transport.clock
        self.pacer = Pacer(transport.clock, transport.gate, float(max_wait))
        self.calls = Calls(
            requester, self.pacer, max_attempts=max_attempts, stopping=self._stopping
        )
        self.batch: BulkBatch | None = None

    def ops(self) -> AliasOps:
        return AliasOps(self.calls, self.domain, stopping=self._stopping)

    def _stopping(self) -> bool:
        return self.batch is not None and self.batch.stopping()

    def build(
        self,
        operation: Operation,
        kind: str,
        source: Source,
        process: Callable[[int, object], Awaitable[BulkResult]],
    ) -> BulkBatch:
        self.batch = BulkBatch(
            operation=operation,
            kind=kind,
            source=source,
            process=process,
            skip=lambda index, item: BulkResult(
                index=index, name=_name_of(item), status="not_attempted"
            ),
            concurrency=self.concurrency,
            pacer=self.pacer,
            reporter=self.reporter,
            clock=self.clock,
        )
        return self.batch


def _bad_item(index: int, item: object, error: Exception) -> BulkResult:
    return BulkResult(index=index, name=_name_of(item), status="failed", error=error)


def create_many(
    requester: Requester,
    domain: str,
    specs: Iterable[AliasSpec | Mapping[str, object]]
    | AsyncIterable[AliasSpec | Mapping[str, object]],
    *,
    concurrency: int,
    on_exists: OnExists,
    max_wait: float | None,
    max_attempts: int,
    progress: ProgressArg,
) -> BulkBatch:
    """Build the batch behind :meth:`AliasesService.create_many`."""
    source = _check_source(specs, "specs")
    check_choice(on_exists, "on_exists", ("skip", "update", "fail"))
    if on_exists is None:
        raise ValueError("on_exists must be 'skip', 'update' or 'fail'")
    run = _Run(
        requester,
        domain,
        concurrency=concurrency,
        max_wait=max_wait,
        max_attempts=max_attempts,
        progress=progress,
        description="create aliases",
    )
    ops = run.ops()
    # With no more creates in flight than go before the scout anyway, a hidden global limit
    # refuses at most those; the scout (see ``_pacer``) pays off only beyond that.
    if min(run.concurrency, requester.transport.gate.max_concurrency) > UNSCOUTED:
        run.pacer.scout = ops.scout
    # The first item of each name (``to_spec`` normalises names as the server compares them).
    # Only names are kept, so this grows with the number of distinct names, not with specs.
    first: dict[str, int] = {}

    async def process(index: int, item: object) -> BulkResult:
        try:
            spec = to_spec(item)
            spec.body(creating=True)
            if first.setdefault(spec.name, index) != index:
                raise ValueError(f"duplicate of item {first[spec.name]} ({spec.name})")
        except (TypeError, ValueError) as exc:
            return _bad_item(index, item, exc)
        return await ops.create(index, spec, on_exists)

    return run.build("create", "create", source, process)


def update_many(
    requester: Requester,
    domain: str,
    specs: Iterable[AliasSpec | Mapping[str, object]]
    | AsyncIterable[AliasSpec | Mapping[str, object]],
    *,
    concurrency: int,
    max_wait: float | None,
    max_attempts: int,
    progress: ProgressArg,
) -> BulkBatch:
    """Build the batch behind :meth:`AliasesService.update_many`."""
    source = _check_source(specs, "specs")
    run = _Run(
        requester,
        domain,
        concurrency=concurrency,
        max_wait=max_wait,
        max_attempts=max_attempts,
        progress=progress,
        description="update aliases",
    )
    ops = run.ops()

    async def process(index: int, item: object) -> BulkResult:
        try:
            spec = to_spec(item)
            if not spec.body(creating=False):
                raise ValueError(f"nothing to change for alias {spec.name!r}")
        except (TypeError, ValueError) as exc:
            return _bad_item(index, item, exc)
        return await ops.update(index, spec)

    return run.build("update", "other", source, process)


def _delete_target(item: object) -> str:
    if isinstance(item, Alias):
        return item.id
    if isinstance(item, str) and item.strip():
        return item.strip()
    raise TypeError(f"delete_many takes alias ids or names (str), not {type(item).__name__}")


def delete_many(
    requester: Requester,
    domain: str,
    aliases: Iterable[str | Alias] | AsyncIterable[str | Alias],
    *,
    concurrency: int,
    max_wait: float | None,
    max_attempts: int,
    progress: ProgressArg,
) -> BulkBatch:
    """Build the batch behind :meth:`AliasesService.delete_many`."""
    source = _check_source(aliases, "aliases")
    run = _Run(
        requester,
        domain,
        concurrency=concurrency,
        max_wait=max_wait,
        max_attempts=max_attempts,
        progress=progress,
        description="delete aliases",
    )
    ops = run.ops()

    async def process(index: int, item: object) -> BulkResult:
        try:
            target = _delete_target(item)
        except TypeError as exc:
            return _bad_item(index, item, exc)
        return await ops.delete(index, target)

    return run.build("delete", "other", source, process)
