"""The work for one item of ``create_many`` / ``update_many`` / ``delete_many``.

Exactly once: a create whose outcome is unknown (timeout, connection lost after sending, 5xx,
an unreadable 2xx) is never blindly repeated. The transport's loop reads the alias back by
name (``resources/_alias_readback.py``, the same read-back as ``aliases.create``) and the item
is decided from what the server holds: absent, so POST again; present with our values and
created since this item started, so it was ours ("created"); otherwise it was already there,
and ``on_exists`` decides. The server refuses a second alias with the same name, so a name can
never be duplicated; the read-back is what keeps the report true.

Within one ``create_many`` run, a name given again (after trimming and lowercasing, as the
server compares names) is reported ``failed`` with a "duplicate of item N" error and no
request: otherwise the read-back of the first could count the alias the other one made.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Literal

from forwardemail_async._core.errors import (
    AlreadyExistsError,
    APIConnectionError,
    APIError,
    ForwardEmailError,
    NotFoundError,
    RateLimitError,
    RequestTimeoutError,
    ResponseDecodeError,
    ServerError,
)
from forwardemail_async._core.hooks import ReadBack
from forwardemail_async._core.response import Response
from forwardemail_async._core.urls import alias_segment
from forwardemail_async.models import Alias
from forwardemail_async.resources._alias_readback import alias_of, alias_read_back
from forwardemail_async.resources._schema.aliases import (
    ALIAS_FIELDS,
    ALIAS_PATH,
    ALIASES_PATH,
    alias_matches,
)

from ._calls import Calls
from ._pacer import StoppedError, WindowClosedError
from ._result import BulkResult, BulkStatus
from ._spec import AliasSpec

__all__ = ["AliasOps", "OnExists"]

logger = logging.getLogger("forwardemail_async")


OnExists = Literal["skip", "update", "fail"]

# Failures after which the server may or may not have acted on the request.
_AMBIGUOUS = (APIConnectionError, ServerError, RequestTimeoutError, ResponseDecodeError)


class _UncheckedError(Exception):
    """The read-back after an ambiguous failure failed too: the outcome stays unknown."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class _ExistingError(Exception):
    """The read-back after an ambiguous create found someone else's alias under the name."""

    def __init__(self, found: Response) -> None:
        super().__init__("alias already exists")
        self.alias = alias_of(found)


class AliasOps:
    """Per-item operations of one bulk run on one domain. None of them raises for an API
    failure: every outcome becomes a :class:`BulkResult`. None of them loops either: the
    transport's loop retries, with the run's pacer and the create's read-back plugged in."""

    def __init__(self, calls: Calls, domain: str, *, stopping: Callable[[], bool]) -> None:
        self._calls, self._domain, self._stopping = calls, domain, stopping

    # --- requests ------------------------------------------------------------------------------

    async def _send(
        self,
        kind: str,
        method: str,
        name: str | None,
        json: object = None,
        *,
        read_back: ReadBack | None = None,
        stop_resends: bool = False,
    ) -> Response:
        if name is None:
            route, params = ALIASES_PATH, {"domain": self._domain}
        else:
            route, params = ALIAS_PATH, {"domain": self._domain, "alias": alias_segment(name)}
        return await self._calls.send(
            kind, method, route, params, json, read_back=read_back, stop_resends=stop_resends
        )

    async def scout(self) -> None:
        """Ask for one listed alias, only for the answer's headers: the run's pacer learns
        the global limiter from them before its first create (see ``_pacer``). A failure
        is left for the items themselves to meet and report."""
        try:
            await self._calls.send(
                "other", "GET", ALIASES_PATH, {"domain": self._domain}, query={"limit": "1"}
            )
        except Exception as exc:
            logger.debug("bulk run: the rate-limit scout failed (%s)", type(exc).__name__)

    async def _retrieve(self, name: str) -> Alias:
        return alias_of(await self._send("other", "GET", name))

    async def _check(self, name: str, unsure: BaseException | None) -> Alias | None:
        """What the server holds under ``name`` (``None``: nothing); :class:`_UncheckedError`
        if it cannot be read."""
        try:
            return await self._retrieve(name)
        except NotFoundError:
            return None
        except (ForwardEmailError, WindowClosedError, StoppedError) as exc:
            raise _UncheckedError(unsure or exc) from exc

    # --- create ---------------------------------------------------------------------------------

    async def create(self, index: int, spec: AliasSpec, on_exists: OnExists) -> BulkResult:
        """Create the alias exactly once (see the module docstring)."""
        try:
            return await self._create(index, spec, on_exists, again=True)
        except _UncheckedError as exc:
            return BulkResult(index=index, name=spec.name, status="unknown", error=exc.error)

    async def _create(
        self, index: int, spec: AliasSpec, on_exists: OnExists, *, again: bool
    ) -> BulkResult:
        name, body = spec.name, spec.body(creating=True)
        read_back = alias_read_back(
            partial(self._send, "other", "GET", name),
            body,
            conflict=_ExistingError,
            unknown=_UncheckedError,
        )
        try:
            response = await self._send(
                "create", "POST", None, body, read_back=read_back, stop_resends=True
            )
            alias = alias_of(response)
        except _ExistingError as exc:  # found after an ambiguous failure: someone else's
            return await self._exists(index, spec, exc.alias, on_exists, None, True)
        except AlreadyExistsError as exc:  # certainly there before this item
            if on_exists != "update":
                status: BulkStatus = "exists" if on_exists == "skip" else "failed"
                error = exc if status == "failed" else None
                return BulkResult(index=index, name=name, status=status, error=error)
            found = await self._check(name, None)
            if found is None and again:  # deleted in between: try once more
                return await self._create(index, spec, on_exists, again=False)
            if found is None:
                return BulkResult(index=index, name=name, status="failed", error=exc)
            return await self._exists(index, spec, found, on_exists, exc, False)
        except (WindowClosedError, StoppedError, RateLimitError) as exc:
            return BulkResult(index=index, name=name, status="not_attempted", error=_api_error(exc))
        except ResponseDecodeError as exc:  # created, but the answer cannot be read
            found = await self._check(name, exc)
            if found is None:
                return BulkResult(index=index, name=name, status="failed", error=exc)
            return BulkResult(index=index, name=name, status="created", alias=found, recovered=True)
        except (*_AMBIGUOUS, APIError) as exc:  # refused, or never held within the budget
            return BulkResult(index=index, name=name, status="failed", error=exc)
        return BulkResult(
            index=index, name=name, status="created", alias=alias, recovered=response.recovered
        )

    async def _exists(
        self,
        index: int,
        spec: AliasSpec,
        found: Alias,
        on_exists: OnExists,
        error: AlreadyExistsError | None,
        recovered: bool,
    ) -> BulkResult:
        """The alias was there before this item: report it, fail, or update it."""
        if on_exists == "fail":
            error = error or AlreadyExistsError("Alias already exists for domain.", status=400)
            return BulkResult(
                index=index,
                name=spec.name,
                status="failed",
                alias=found,
                error=error,
                recovered=recovered,
            )
        changes = spec.body(creating=False)
        if on_exists == "skip" or alias_matches(found, changes, strict=True):
            return BulkResult(
                index=index, name=spec.name, status="exists", alias=found, recovered=recovered
            )
        return await self._put(index, spec, found)

    # --- update ---------------------------------------------------------------------------------

    async def update(self, index: int, spec: AliasSpec) -> BulkResult:
        """Change the fields of ``spec`` on the alias named ``spec.name``."""
        if self._stopping():
            return BulkResult(index=index, name=spec.name, status="not_attempted")
        try:
            return await self._put(index, spec, None)
        except _UncheckedError as exc:
            return BulkResult(index=index, name=spec.name, status="unknown", error=exc.error)

    async def _put(self, index: int, spec: AliasSpec, current: Alias | None) -> BulkResult:
        """PUT the changes, re-sending the fields the server would reset (as ``update`` does)."""
        name, body = spec.name, spec.body(creating=False)
        unsent = [field for field in ALIAS_FIELDS.reset_by_update if field not in body]
        try:
            if unsent:
                current = current or await self._retrieve(name)
                body = {**ALIAS_FIELDS.current_values(current, unsent), **body}
            try:
                alias = alias_of(await self._send("other", "PUT", name, body))
            except _AMBIGUOUS as exc:  # retried as far as the budget goes: did one land?
                found = await self._check(name, exc)
                if found is not None and alias_matches(found, body):
                    return BulkResult(
                        index=index, name=name, status="updated", alias=found, recovered=True
                    )
                return BulkResult(index=index, name=name, status="failed", error=exc)
        except (WindowClosedError, StoppedError, RateLimitError) as exc:
            return BulkResult(index=index, name=name, status="not_attempted", error=_api_error(exc))
        except APIError as exc:
            return BulkResult(index=index, name=name, status="failed", error=exc)
        return BulkResult(index=index, name=name, status="updated", alias=alias)

    # --- delete ---------------------------------------------------------------------------------

    async def delete(self, index: int, alias: str) -> BulkResult:
        """Delete the alias (id or name); an absent one is ``not_found``, not a failure."""
        if self._stopping():
            return BulkResult(index=index, name=alias, status="not_attempted")
        try:
            try:
                response = await self._send("other", "DELETE", alias, stop_resends=True)
                deleted = alias_of(response)
            except _AMBIGUOUS as exc:  # retried as far as the budget goes: is it gone?
                if await self._check(alias, exc) is None:
                    return BulkResult(index=index, name=alias, status="not_found", recovered=True)
                return BulkResult(index=index, name=alias, status="failed", error=exc)
        except NotFoundError:
            return BulkResult(index=index, name=alias, status="not_found")
        except (WindowClosedError, StoppedError, RateLimitError) as exc:
            return BulkResult(
                index=index, name=alias, status="not_attempted", error=_api_error(exc)
            )
        except APIError as exc:
            return BulkResult(index=index, name=alias, status="failed", error=exc)
        except _UncheckedError as exc:
            return BulkResult(index=index, name=alias, status="unknown", error=exc.error)
        return BulkResult(index=index, name=alias, status="deleted", alias=deleted)


def _api_error(exc: BaseException) -> BaseException | None:
    """The error to report for an item stopped by a rate limit or a cancel (the pacer's own
    signals are not API errors, so they are reported as no error)."""
    return None if isinstance(exc, (WindowClosedError, StoppedError)) else exc
