"""The work for one item of ``create_many`` / ``update_many`` / ``delete_many``.

Exactly once: a create whose outcome is unknown (timeout, connection lost after sending, 5xx,
an unreadable 2xx) is never blindly repeated. The alias is read back by name and the item is
decided from what the server holds: absent, so POST again; present with our values and created
since this item started, so it was ours ("created"); otherwise it was already there, and
``on_exists`` decides. The server refuses a second alias with the same name, so a name can
never be duplicated; the read-back is what keeps the report true.

Within one ``create_many`` run, a name given again (after trimming and lowercasing, as the
server compares names) is reported ``failed`` with a "duplicate of item N" error and no
request: otherwise the read-back of the first could count the alias the other one made.
"""

from __future__ import annotations

from collections.abc import Callable
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
from forwardemail_async._core.urls import alias_segment
from forwardemail_async._decode.converter import structure
from forwardemail_async.models import Alias
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


OnExists = Literal["skip", "update", "fail"]

# Failures after which the server may or may not have acted on the request.
_AMBIGUOUS = (APIConnectionError, ServerError, RequestTimeoutError, ResponseDecodeError)
# A found alias counts as created by this item if created at most this long before the
# item started (room for clock skew between client and server).
_SKEW = 60.0


class _UncheckedError(Exception):
    """The read-back after an ambiguous failure failed too: the outcome stays unknown."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class AliasOps:
    """Per-item operations of one bulk run on one domain. None of them raises for an API
    failure: every outcome becomes a :class:`BulkResult`."""

    def __init__(
        self, calls: Calls, domain: str, *, max_attempts: int, stopping: Callable[[], bool]
    ) -> None:
        self._calls, self._domain = calls, domain
        self._max_attempts, self._stopping = max_attempts, stopping
        self._clock = calls.clock

    # --- requests ------------------------------------------------------------------------------

    async def _alias(self, kind: str, method: str, name: str | None, json: object = None) -> Alias:
        if name is None:
            route, params = ALIASES_PATH, {"domain": self._domain}
        else:
            route, params = ALIAS_PATH, {"domain": self._domain, "alias": alias_segment(name)}
        response = await self._calls.send(kind, method, route, params, json)
        return structure(response.json(), Alias, what=f"{method} {route}")

    async def _retrieve(self, name: str) -> Alias:
        """GET the alias, retrying transient failures a few more times (it is only a read)."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._alias("other", "GET", name)
            except _AMBIGUOUS:
                if attempt >= self._max_attempts:
                    raise

    async def _check(self, name: str, unsure: BaseException | None) -> Alias | None:
        """What the server holds under ``name`` (``None``: nothing); :class:`_UncheckedError`
        if it cannot be read."""
        try:
            return await self._retrieve(name)
        except NotFoundError:
            return None
        except (ForwardEmailError, WindowClosedError, StoppedError) as exc:
            raise _UncheckedError(unsure or exc) from exc

    def _ours(self, alias: Alias, body: dict[str, object], started: float) -> bool:
        """Whether the alias found after an ambiguous failure is the one this item created.

        Decided by its creation time first: created before the item started (less the
        clock-skew allowance) means not ours; created after the item started means ours.
        Within the skew allowance, or without a creation time, the values decide (compared
        as the server stores them: tags stripped, labels slugified)."""
        created = alias.created_at
        if created is not None:
            if created.timestamp() < started - _SKEW:
                return False
            if created.timestamp() >= started:
                return True
        return alias_matches(alias, body)

    # --- create ---------------------------------------------------------------------------------

    async def create(self, index: int, spec: AliasSpec, on_exists: OnExists) -> BulkResult:
        """Create the alias exactly once (see the module docstring)."""
        try:
            return await self._create(index, spec, on_exists)
        except _UncheckedError as exc:
            return BulkResult(index=index, name=spec.name, status="unknown", error=exc.error)

    async def _create(self, index: int, spec: AliasSpec, on_exists: OnExists) -> BulkResult:
        name, body = spec.name, spec.body(creating=True)
        started = self._clock.time()
        unsure: BaseException | None = None  # the latest failure that left the outcome open
        for _ in range(self._max_attempts):
            if self._stopping():
                return BulkResult(index=index, name=name, status="not_attempted", error=unsure)
            try:
                alias = await self._alias("create", "POST", None, body)
            except (WindowClosedError, StoppedError, RateLimitError) as exc:
                return BulkResult(
                    index=index, name=name, status="not_attempted", error=_api_error(exc) or unsure
                )
            except AlreadyExistsError as exc:
                if unsure is None and on_exists != "update":
                    # Certainly there before this item: no read-back needed.
                    status: BulkStatus = "exists" if on_exists == "skip" else "failed"
                    return BulkResult(
                        index=index,
                        name=name,
                        status=status,
                        error=exc if status == "failed" else None,
                    )
                found = await self._check(name, unsure)
                if found is None:
                    continue  # deleted in between: try again
                if unsure is not None and self._ours(found, body, started):
                    return BulkResult(
                        index=index, name=name, status="created", alias=found, recovered=True
                    )
                return await self._exists(index, spec, found, on_exists, exc, unsure is not None)
            except _AMBIGUOUS as exc:
                if isinstance(exc, APIConnectionError) and not exc.request_sent:
                    continue  # certainly never received: a plain retry is safe
                unsure = exc
            except APIError as exc:
                return BulkResult(index=index, name=name, status="failed", error=exc)
            else:
                return BulkResult(index=index, name=name, status="created", alias=alias)
            found = await self._check(name, unsure)
            if found is None:
                continue  # the server does not hold it: POST again
            if self._ours(found, body, started):
                return BulkResult(
                    index=index, name=name, status="created", alias=found, recovered=True
                )
            return await self._exists(index, spec, found, on_exists, None, True)
        return BulkResult(index=index, name=name, status="failed", error=unsure)

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
        unsure: BaseException | None = None
        try:
            if unsent:
                current = current or await self._retrieve(name)
                body = {**ALIAS_FIELDS.current_values(current, unsent), **body}
            for _ in range(self._max_attempts):
                try:
                    alias = await self._alias("other", "PUT", name, body)
                except _AMBIGUOUS as exc:
                    unsure = exc
                else:
                    return BulkResult(index=index, name=name, status="updated", alias=alias)
                found = await self._check(name, unsure)
                if found is not None and alias_matches(found, body):
                    return BulkResult(
                        index=index, name=name, status="updated", alias=found, recovered=True
                    )
        except (WindowClosedError, StoppedError, RateLimitError) as exc:
            return BulkResult(
                index=index, name=name, status="not_attempted", error=_api_error(exc) or unsure
            )
        except APIError as exc:
            return BulkResult(index=index, name=name, status="failed", error=exc)
        return BulkResult(index=index, name=name, status="failed", error=unsure)

    # --- delete ---------------------------------------------------------------------------------

    async def delete(self, index: int, alias: str) -> BulkResult:
        """Delete the alias (id or name); an absent one is ``not_found``, not a failure."""
        unsure: BaseException | None = None
        try:
            for _ in range(self._max_attempts):
                if self._stopping():
                    return BulkResult(index=index, name=alias, status="not_attempted", error=unsure)
                try:
                    deleted = await self._alias("other", "DELETE", alias)
                except _AMBIGUOUS as exc:
                    unsure = exc
                else:
                    return BulkResult(index=index, name=alias, status="deleted", alias=deleted)
                if await self._check(alias, unsure) is None:
                    return BulkResult(index=index, name=alias, status="not_found", recovered=True)
        except NotFoundError:
            return BulkResult(index=index, name=alias, status="not_found")
        except (WindowClosedError, StoppedError, RateLimitError) as exc:
            return BulkResult(
                index=index, name=alias, status="not_attempted", error=_api_error(exc) or unsure
            )
        except APIError as exc:
            return BulkResult(index=index, name=alias, status="failed", error=exc)
        except _UncheckedError as exc:
            return BulkResult(index=index, name=alias, status="unknown", error=exc.error)
        return BulkResult(index=index, name=alias, status="failed", error=unsure)


def _api_error(exc: BaseException) -> BaseException | None:
    """The error to report for an item stopped by a rate limit or a cancel (the pacer's own
    signals are not API errors, so they are reported as no error)."""
    return None if isinstance(exc, (WindowClosedError, StoppedError)) else exc
