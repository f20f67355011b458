"""``BulkBatch``: streams items through a bounded window of tasks, results in input order.

At most ``window`` items are held at once (taken from the input but not yet handed to the
caller), and at most ``concurrency`` of them are being worked on; the input is read only as
the window frees up, so memory does not grow with the input.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Sized,
)
from datetime import datetime, timezone
from types import TracebackType
from typing import Literal

from forwardemail_async._bulk._pacer import Pacer
from forwardemail_async._bulk._progress import Reporter
from forwardemail_async._bulk._result import (
    STATUSES,
    BulkCounts,
    BulkProgress,
    BulkResult,
    BulkSummary,
    summary_html,
)
from forwardemail_async._core.clock import Clock

__all__ = ["BulkBatch", "Operation", "Source"]

Source = Iterable[object] | AsyncIterable[object]
Operation = Literal["create", "update", "delete"]


async def _items(source: Source) -> AsyncIterator[object]:
    if isinstance(source, AsyncIterable):
        async for item in source:
            yield item
    else:
        for item in source:
            yield item


def _utc(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, timezone.utc)


class BulkBatch:
    """A bulk operation, started when iterated.

    ``async for result in batch`` yields one :class:`BulkResult` per input item, in input
    order; ``await batch.run()`` consumes them and returns the :class:`BulkSummary`.
    ``batch.summary`` is live at any time. ``batch.cancel()`` (or leaving ``async with batch``)
    stops taking new items: in-flight requests finish, and items already taken but not started
    are reported ``not_attempted``. If the iterating task itself is cancelled, the in-flight
    items are still waited for, so ``summary`` stays exact.
    """

    def __init__(
        self,
        *,
        operation: Operation,
        kind: str,
        source: Source,
        process: Callable[[int, object], Awaitable[BulkResult]],
        skip: Callable[[int, object], BulkResult],
        concurrency: int,
        pacer: Pacer,
        reporter: Reporter,
        clock: Clock,
    ) -> None:
        self._operation, self._kind, self._source = operation, kind, source
        self._process, self._skip = process, skip
        self._slots = asyncio.Semaphore(concurrency)
        self.window = 4 * concurrency
        self._pacer, self._reporter, self._clock = pacer, reporter, clock
        pacer.on_pause = self._report_pause
        self._total = len(source) if isinstance(source, Sized) else None
        self._counts = dict.fromkeys(STATUSES, 0)
        self._cancelled = False
        self._iterator: AsyncGenerator[BulkResult, None] | None = None
        self._started_at: float | None = None
        self._finished_at: float | None = None

    def __repr__(self) -> str:
        return f"BulkBatch(operation={self._operation!r}, {self.summary})"

    def _repr_html_(self) -> str:
        """Jupyter's rich display: the live summary."""
        return summary_html(self.summary)

    # --- control ---------------------------------------------------------------------------

    def cancel(self) -> None:
        """Stop taking new items; in-flight items finish and the report stays correct.

        Items waiting out a rate-limit pause wake up at once and end ``not_attempted``."""
        self._cancelled = True
        self._pacer.stop()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def stopping(self) -> bool:
        """Whether items not yet started should be reported ``not_attempted``."""
        return self._cancelled or self._pacer.closed(self._kind) is not None

    async def run(self) -> BulkSummary:
        """Process every item and return the summary (results are not kept)."""
        async for _ in self:
            pass
        return self.summary

    def __aiter__(self) -> AsyncIterator[BulkResult]:
        if self._iterator is not None:
            raise RuntimeError("a BulkBatch can be iterated only once")
        self._iterator = self._results()
        return self._iterator

    async def __aenter__(self) -> BulkBatch:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cancel()
        if self._iterator is not None:
            await self._iterator.aclose()

    # --- reporting -------------------------------------------------------------------------

    @property
    def summary(self) -> BulkSummary:
        """The counts so far; final once iteration has ended."""
        now = self._clock.monotonic()
        start = self._started_at if self._started_at is not None else now
        end = self._finished_at if self._finished_at is not None else now
        resume = self._pacer.closed(self._kind)
        counts = BulkCounts(**self._counts)
        return BulkSummary(
            operation=self._operation,
            counts=counts,
            requests=self._pacer.requests,
            elapsed=end - start,
            cancelled=self._cancelled,
            stopped_by_rate_limit=resume is not None,
            resume_at=_utc(resume),
            expected_finish=_utc(self._pacer.expected_finish(self._kind, counts.not_attempted))
            if resume is not None
            else None,
        )

    async def _record(self, result: BulkResult) -> BulkResult:
        self._counts[result.status] += 1
        await self._report(result)
        return result

    async def _report_pause(self, until: float) -> None:
        """A rate-limit pause starts: report it now (with the expected finish), since no item
        will finish until it ends."""
        await self._report(None)

    async def _report(self, result: BulkResult | None) -> None:
        done = sum(self._counts.values())
        paused = self._pacer.paused_until
        left = None if self._total is None else self._total - done
        await self._reporter.update(
            BulkProgress(
                result=result,
                done=done,
                total=self._total,
                counts=BulkCounts(**self._counts),
                paused_until=_utc(paused) if paused > self._clock.time() else None,
                expected_finish=None
                if left is None
                else _utc(self._pacer.expected_finish(self._kind, left)),
            )
        )

    # --- the engine ------------------------------------------------------------------------

    async def _one(self, index: int, item: object) -> BulkResult:
        async with self._slots:
            if self.stopping():
                result = self._skip(index, item)
            else:
                result = await self._process(index, item)
        return await self._record(result)

    async def _results(self) -> AsyncGenerator[BulkResult, None]:
        self._started_at = self._clock.monotonic()
        self._reporter.start(self._total)
        source = _items(self._source)
        pending: deque[asyncio.Task[BulkResult]] = deque()
        index, exhausted = 0, False
        try:
            while True:
                while not exhausted and not self.stopping() and len(pending) < self.window:
                    try:
                        item = await anext(source)
                    except StopAsyncIteration:
                        exhausted = True
                        break
                    pending.append(asyncio.ensure_future(self._one(index, item)))
                    index += 1
                if not pending:
                    break
                # wait() rather than await: cancelling us must not cancel the item's task.
                await asyncio.wait((pending[0],))
                yield pending.popleft().result()
            if not self._cancelled and not exhausted:
                # Stopped by a closed rate-limit window: report the rest as not attempted.
                async for item in source:
                    yield await self._record(self._skip(index, item))
                    index += 1
        finally:
            if pending and not self._cancelled:
                self.cancel()
            if pending:
                await asyncio.wait(pending)
            self._finished_at = self._clock.monotonic()
            self._reporter.close()
