"""What a bulk run reports: one :class:`BulkResult` per input item, progress, and a summary."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

import attrs

from forwardemail_async._core.display import CELL, TABLE, HtmlRepr, escape, value_text
from forwardemail_async.models import Alias

__all__ = [
    "BulkCounts",
    "BulkProgress",
    "BulkResult",
    "BulkStatus",
    "BulkSummary",
    "summary_html",
]

BulkStatus = Literal[
    "created",
    "exists",
    "updated",
    "deleted",
    "not_found",
    "failed",
    "not_attempted",
    "unknown",
]
STATUSES: tuple[BulkStatus, ...] = get_args(BulkStatus)
_PROBLEMS = frozenset({"failed", "not_attempted", "unknown"})


@attrs.frozen(kw_only=True)
class BulkResult(HtmlRepr):
    """The outcome of one input item; results come in input order.

    ``status``:

    - ``created`` / ``updated`` / ``deleted``: this run did it;
    - ``exists``: ``create_many`` found the alias already there (``on_exists="skip"``, or
      nothing to change with ``"update"``); ``alias`` is what the server holds;
    - ``not_found``: ``delete_many`` found no such alias (already deleted, possibly by an
      earlier unanswered attempt of this run);
    - ``failed``: ``error`` says why; nothing was changed for this item (a bad spec, a 4xx, or
      retries used up after the server was seen not to hold the change);
    - ``not_attempted``: the run was cancelled or stopped at a closed rate-limit window before
      this item changed anything on the server; safe to submit again later;
    - ``unknown``: a request may have reached the server and it could not be checked
      afterwards (rare; ``error`` is the last failure).

    ``recovered`` is True when the status was decided by reading the alias back after an
    ambiguous failure (timeout, dropped connection, 5xx) instead of from the answer itself.
    """

    index: int
    name: str | None
    status: BulkStatus
    alias: Alias | None = None
    error: BaseException | None = None
    recovered: bool = False

    @property
    def ok(self) -> bool:
        """False for ``failed``, ``not_attempted`` and ``unknown``."""
        return self.status not in _PROBLEMS


@attrs.frozen
class BulkCounts(HtmlRepr):
    """How many items ended in each status."""

    created: int = 0
    exists: int = 0
    updated: int = 0
    deleted: int = 0
    not_found: int = 0
    failed: int = 0
    not_attempted: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return sum(attrs.astuple(self))

    def nonzero(self) -> dict[str, int]:
        """The statuses that occurred, in a fixed order."""
        return {key: value for key, value in attrs.asdict(self).items() if value}


@attrs.frozen(kw_only=True)
class BulkProgress(HtmlRepr):
    """Passed to the ``progress`` callback after each item finishes (in completion order),
    and once when a rate-limit pause starts, since no item finishes during one.

    ``result`` is the item that finished, ``None`` for the report of a pause. ``total`` is
    known only for inputs with a length. ``paused_until`` is set while the run waits for a
    rate-limit window to reopen; ``expected_finish`` estimates when the last item will be done
    from the server's limits (``None`` while it fits in the current window, nothing is known
    yet, or ``total`` is unknown).
    """

    result: BulkResult | None
    done: int
    total: int | None
    counts: BulkCounts
    paused_until: datetime | None
    expected_finish: datetime | None


@attrs.frozen(kw_only=True)
class BulkSummary:
    """The whole run: counts per status, and why it ended early if it did.

    ``stopped_by_rate_limit`` means the server's window stayed closed longer than
    ``max_wait``: the items from then on are ``not_attempted``; ``resume_at`` says when the
    window reopens and ``expected_finish`` when a new run of the remaining items could end.
    ``requests`` counts the HTTP requests sent (retries made inside the client excluded).
    """

    operation: Literal["create", "update", "delete"]
    counts: BulkCounts
    requests: int
    elapsed: float
    cancelled: bool = False
    stopped_by_rate_limit: bool = False
    resume_at: datetime | None = None
    expected_finish: datetime | None = None

    @property
    def total(self) -> int:
        """Items taken from the input (all of them unless cancelled)."""
        return self.counts.total

    @property
    def ok(self) -> bool:
        """No item failed, stayed unattempted or ended unknown."""
        return not any(getattr(self.counts, status) for status in _PROBLEMS)

    def _repr_html_(self) -> str:
        """Jupyter's rich display: the outcome and one column per status that occurred."""
        return summary_html(self)

    def __str__(self) -> str:
        parts = [f"{key} {value}" for key, value in self.counts.nonzero().items()]
        text = f"{self.operation}: {', '.join(parts) or 'nothing to do'} ({self.elapsed:.1f}s)"
        if self.cancelled:
            text += "; cancelled"
        if self.stopped_by_rate_limit and self.resume_at is not None:
            text += f"; rate limit: window reopens {self.resume_at:%Y-%m-%d %H:%M:%S} UTC"
            if self.expected_finish is not None:
                text += f", rest done by about {self.expected_finish:%Y-%m-%d %H:%M:%S} UTC"
        return text


def summary_html(summary: BulkSummary) -> str:
    """A bulk run: its outcome, one column per status that occurred, and why it ended early."""
    verdict = "ok" if summary.ok else "needs attention"
    head = (
        f"<strong>Bulk {escape(summary.operation)}</strong>: {verdict}, "
        f"{summary.total} items, {summary.requests} requests, {summary.elapsed:.1f}s"
    )
    counts = summary.counts.nonzero()
    parts = [f"<div>{head}"]
    if counts:
        header = "".join(f"<th {CELL}>{escape(status)}</th>" for status in counts)
        values = "".join(f"<td {CELL}>{count}</td>" for count in counts.values())
        parts.append(f"{TABLE}<tr>{header}</tr><tr>{values}</tr></table>")
    notes = []
    if summary.cancelled:
        notes.append("cancelled")
    if summary.stopped_by_rate_limit:
        notes.append("stopped at a closed rate-limit window")
    if summary.resume_at is not None:
        notes.append(f"window reopens {value_text(summary.resume_at)}")
    if summary.expected_finish is not None:
        notes.append(f"rest done by about {value_text(summary.expected_finish)}")
    if notes:
        parts.append(f"<div>{escape('; '.join(notes))}</div>")
    parts.append("</div>")
    return "".join(parts)
