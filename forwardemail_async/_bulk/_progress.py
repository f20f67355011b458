"""Progress reporting for bulk runs: a user callback, or a tqdm bar (optional dependency)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Protocol

from forwardemail_async._bulk._result import BulkProgress

__all__ = ["ProgressArg", "Reporter", "make_reporter"]

ProgressArg = Callable[[BulkProgress], Any] | bool | None


class Reporter(Protocol):
    """What a bulk run tells about its progress."""

    def start(self, total: int | None) -> None: ...

    async def update(self, progress: BulkProgress) -> None: ...

    def close(self) -> None: ...


class _Silent:
    def start(self, total: int | None) -> None:
        pass

    async def update(self, progress: BulkProgress) -> None:
        pass

    def close(self) -> None:
        pass


class _Callback(_Silent):
    """Calls the user's function after each item; an async function is awaited."""

    def __init__(self, callback: Callable[[BulkProgress], Any]) -> None:
        self._callback = callback

    async def update(self, progress: BulkProgress) -> None:
        outcome = self._callback(progress)
        if inspect.isawaitable(outcome):
            await outcome


class _Bar(_Silent):
    """A tqdm bar with the counts per status, and the pause and finish time when known (local
    times; a pause shows as soon as it starts).

    ``tqdm.auto`` draws a widget in Jupyter (with ipywidgets) and text in a terminal.
    """

    def __init__(self, description: str) -> None:
        try:
            import tqdm
            import tqdm.auto
        except ImportError as exc:
            raise ImportError(
                "progress=True needs tqdm: pip install 'forwardemail-async[progress]'"
            ) from exc
        self._tqdm = tqdm
        self._description = description
        self._bar: tqdm.tqdm[Any] | None = None

    def start(self, total: int | None) -> None:
        self._bar = self._tqdm.auto.tqdm(total=total, desc=self._description, unit="item")

    async def update(self, progress: BulkProgress) -> None:
        if self._bar is None:
            return
        postfix: dict[str, object] = dict(progress.counts.nonzero())
        if progress.paused_until is not None:
            postfix["paused_until"] = f"{progress.paused_until.astimezone():%H:%M:%S}"
        if progress.expected_finish is not None:
            postfix["finish"] = f"{progress.expected_finish.astimezone():%Y-%m-%d %H:%M}"
        if progress.result is None:  # a pause: show it now, the count has not moved
            self._bar.set_postfix(postfix, refresh=True)
            return
        self._bar.set_postfix(postfix, refresh=False)
        self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def make_reporter(progress: ProgressArg, description: str) -> Reporter:
    """The reporter for a ``progress=`` argument; TypeError for anything else."""
    if progress is None or progress is False:
        return _Silent()
    if progress is True:
        return _Bar(description)
    if callable(progress):
        return _Callback(progress)
    raise TypeError("progress must be a callable, True (a tqdm bar) or None")
