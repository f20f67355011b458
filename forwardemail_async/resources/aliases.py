"""``client.aliases``: the aliases of one domain, and their generated IMAP/SMTP passwords."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Mapping, Sequence
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Literal, get_args, overload

from forwardemail_async._core.pagination import AsyncPaginator
from forwardemail_async._core.params import (
    check_bool,
    check_choice,
    check_str,
    drop_none,
)
from forwardemail_async._core.requester import Requester, Service
from forwardemail_async._core.routes import Filter, ListRoute
from forwardemail_async._core.urls import alias_path, domain_segment
from forwardemail_async.models import Alias, AliasCredentials, ErrorCodeIfDisabled

from ._alias_readback import create_alias_once
from ._schema.aliases import ALIAS_FIELDS, ALIAS_PATH, ALIASES_PATH

if TYPE_CHECKING:  # imported where first used: bulk runs and Sieve scripts are rarer than aliases
    from forwardemail_async._bulk import AliasSpec, BulkBatch, OnExists, ProgressArg

    from .sieve import AliasSieveScriptsService

__all__ = ["AliasSort", "AliasesService", "SearchFilter"]

SearchFilter = Literal["everything", "name", "recipients"]
AliasSort = Literal[
    "name",
    "-name",
    "description",
    "-description",
    "is_enabled",
    "-is_enabled",
    "created_at",
    "-created_at",
]

LIST = ListRoute(
    path=ALIASES_PATH,
    model=Alias,
    default_limit=1000,
    max_limit=1000,
    filters=(
        Filter("q", check_str),
        Filter("search_filter", partial(check_choice, choices=get_args(SearchFilter))),
        Filter("name", check_str),
        Filter("recipient", check_str),
        Filter("sort", check_str),
    ),
)


class AliasesService(Service):
    """Aliases of a domain. ``domain`` takes a domain id or name; ``alias`` an id or name.

    ``sieve_scripts`` manages an alias's Sieve filters with the API key.
    """

    __slots__ = ("_sieve_scripts",)

    def __init__(self, requester: Requester) -> None:
        super().__init__(requester)
        self._sieve_scripts: AliasSieveScriptsService | None = None

    @property
    def sieve_scripts(self) -> AliasSieveScriptsService:
        """An alias's Sieve filters, managed with the API key (created on first access)."""
        if self._sieve_scripts is None:
            from .sieve import AliasSieveScriptsService

            self._sieve_scripts = AliasSieveScriptsService(self._requester)
        return self._sieve_scripts

    def list(
        self,
        domain: str,
        *,
        q: str | None = None,
        search_filter: SearchFilter | None = None,
        name: str | None = None,
        recipient: str | None = None,
        sort: AliasSort | None = None,
        limit: int | None = None,
        page: int = 1,
        concurrency: int = 1,
    ) -> AsyncPaginator[Alias]:
        """Every alias of ``domain``, across all pages (1000 per page unless ``limit``).

        ``q`` searches names, recipients, labels and descriptions (``search_filter`` narrows
        it) as a literal substring; ``name`` and ``recipient`` filter on one of those.
        ``concurrency`` > 1 fetches that many pages at once after the first.
        """
        return self._requester.paginate(
            LIST,
            locals(),
            path_params={"domain": domain_segment(domain)},
            limit=limit,
            page=page,
            concurrency=concurrency,
        )

    async def create(
        self,
        domain: str,
        *,
        name: str | None = None,
        recipients: Sequence[str] | str | None = None,
        description: str | None = None,
        labels: Sequence[str] | str | None = None,
        is_enabled: bool | None = None,
        has_recipient_verification: bool | None = None,
        has_imap: bool | None = None,
        has_pgp: bool | None = None,
        public_key: str | None = None,
        max_quota: str | None = None,
        error_code_if_disabled: ErrorCodeIfDisabled | None = None,
        vacation_responder_is_enabled: bool | None = None,
        vacation_responder_start_date: date | str | None = None,
        vacation_responder_end_date: date | str | None = None,
        vacation_responder_subject: str | None = None,
        vacation_responder_message: str | None = None,
        reconcile: bool = True,
    ) -> Alias:
        """Create an alias. Without ``name`` the server picks a random one.

        Without ``recipients`` the server forwards to your account's email address; an empty
        list is refused here for that reason. Only argument types are checked here: the
        server's own rules (allowed names, lengths, recipient forms) come back as
        :class:`BadRequestError` with its message. With a ``name`` it happens exactly once
        (after an ambiguous failure it is read back by name: ``docs/reliability.md``);
        ``reconcile=False`` (or the client's ``reconcile_creates=False``) turns that off.
        """
        body = ALIAS_FIELDS.body(locals(), creating=True)
        routes = (ALIASES_PATH, ALIAS_PATH)
        return await create_alias_once(self._requester, routes, domain, name, body, reconcile)

    async def retrieve(self, domain: str, alias: str) -> Alias:
        """One alias, by id or name."""
        return await self._requester.model(
            Alias, "GET", ALIAS_PATH, path_params=alias_path(domain, alias)
        )

    async def update(
        self,
        domain: str,
        alias: str,
        *,
        name: str | None = None,
        recipients: Sequence[str] | str | None = None,
        description: str | None = None,
        labels: Sequence[str] | str | None = None,
        is_enabled: bool | None = None,
        has_recipient_verification: bool | None = None,
        has_imap: bool | None = None,
        has_pgp: bool | None = None,
        public_key: str | None = None,
        max_quota: str | None = None,
        error_code_if_disabled: ErrorCodeIfDisabled | None = None,
        vacation_responder_is_enabled: bool | None = None,
        vacation_responder_start_date: date | str | None = None,
        vacation_responder_end_date: date | str | None = None,
        vacation_responder_subject: str | None = None,
        vacation_responder_message: str | None = None,
        keep_unsent: bool = True,
    ) -> Alias:
        """Change an alias; the arguments left as ``None`` keep their current values.

        The real server resets ``description`` and ``labels`` (and, on older versions,
        ``recipients``) when an update leaves them out. So unless all three are given, the
        client first reads the alias and re-sends their current values: two requests, and a
        change made by someone else between them to those fields is overwritten. Pass
        ``keep_unsent=False`` to send only your fields (the server then resets the others).
        ``recipients=[]`` makes an IMAP-only alias that forwards nowhere.

        The answer's ``user`` and ``domain`` may be bare ids (some server versions do not
        populate them on update); :attr:`Alias.domain_id` works either way.
        """
        body = ALIAS_FIELDS.body(locals(), creating=False)
        if not body:
            raise ValueError("update() needs at least one field to change")
        if not isinstance(keep_unsent, bool):
            raise TypeError("keep_unsent must be a bool")
        unsent = [field for field in ALIAS_FIELDS.reset_by_update if field not in body]
        if keep_unsent and unsent:
            current = await self.retrieve(domain, alias)
            body = {**ALIAS_FIELDS.current_values(current, unsent), **body}
        return await self._requester.model(
            Alias, "PUT", ALIAS_PATH, path_params=alias_path(domain, alias), json=body
        )

    async def delete(self, domain: str, alias: str) -> Alias:
        """Delete an alias; returns it as it was."""
        return await self._requester.model(
            Alias, "DELETE", ALIAS_PATH, path_params=alias_path(domain, alias)
        )

    def create_many(
        self,
        domain: str,
        specs: Iterable[AliasSpec | Mapping[str, object]]
        | AsyncIterable[AliasSpec | Mapping[str, object]],
        *,
        concurrency: int = 8,
        on_exists: OnExists = "skip",
        max_wait: float | None = None,
        max_attempts: int = 5,
        progress: ProgressArg = None,
    ) -> BulkBatch:
        """Create many aliases, each exactly once, paced to the server's rate limits.

        ``specs`` (dicts or :class:`AliasSpec`, each with a ``name``) is read lazily. Iterate
        the returned batch for one result per spec in input order, or ``await batch.run()``
        for the summary. ``on_exists``: ``"skip"`` reports an existing alias as ``exists``,
        ``"update"`` changes it to match, ``"fail"`` reports it as failed. When a rate-limit
        window is spent the whole client pauses until it reopens, unless that is more than
        ``max_wait`` seconds away (default: the retry policy's ``max_retry_after``): then the
        rest is reported ``not_attempted`` with the time it could be done. ``progress``: a
        callback taking a :class:`BulkProgress`, or ``True`` for a tqdm bar. See docs/bulk.md.
        """
        from forwardemail_async._bulk import create_many

        return create_many(
            self._requester,
            domain,
            specs,
            concurrency=concurrency,
            on_exists=on_exists,
            max_wait=max_wait,
            max_attempts=max_attempts,
            progress=progress,
        )

    def update_many(
        self,
        domain: str,
        specs: Iterable[AliasSpec | Mapping[str, object]]
        | AsyncIterable[AliasSpec | Mapping[str, object]],
        *,
        concurrency: int = 8,
        max_wait: float | None = None,
        max_attempts: int = 5,
        progress: ProgressArg = None,
    ) -> BulkBatch:
        """Update many aliases, each named by its spec's ``name``, like :meth:`create_many`.

        Fields left out keep their values (as with :meth:`update`); an absent alias is a
        ``failed`` result carrying the :class:`NotFoundError`.
        """
        from forwardemail_async._bulk import update_many

        return update_many(
            self._requester,
            domain,
            specs,
            concurrency=concurrency,
            max_wait=max_wait,
            max_attempts=max_attempts,
            progress=progress,
        )

    def delete_many(
        self,
        domain: str,
        aliases: Iterable[str | Alias] | AsyncIterable[str | Alias],
        *,
        concurrency: int = 8,
        max_wait: float | None = None,
        max_attempts: int = 5,
        progress: ProgressArg = None,
    ) -> BulkBatch:
        """Delete many aliases (ids, names or :class:`Alias` objects), like
        :meth:`create_many`; an alias that is already gone is reported ``not_found``."""
        from forwardemail_async._bulk import delete_many

        return delete_many(
            self._requester,
            domain,
            aliases,
            concurrency=concurrency,
            max_wait=max_wait,
            max_attempts=max_attempts,
            progress=progress,
        )

    @overload
    async def generate_password(
        self,
        domain: str,
        alias: str,
        *,
        new_password: str | None = ...,
        password: str | None = ...,
        is_override: bool | None = ...,
        emailed_instructions: None = ...,
    ) -> AliasCredentials: ...

    @overload
    async def generate_password(
        self,
        domain: str,
        alias: str,
        *,
        new_password: str | None = ...,
        password: str | None = ...,
        is_override: bool | None = ...,
        emailed_instructions: str,
    ) -> str: ...

    async def generate_password(
        self,
        domain: str,
        alias: str,
        *,
        new_password: str | None = None,
        password: str | None = None,
        is_override: bool | None = None,
        emailed_instructions: str | None = None,
    ) -> AliasCredentials | str:
        """Generate (or set, with ``new_password``) the alias's IMAP/SMTP password.

        Returns the credentials, or, with ``emailed_instructions=<address>``, the server's
        confirmation text (the password is then emailed, not returned). An alias that already
        has a password needs its current ``password`` (keeps the mailbox) or
        ``is_override=True`` (wipes it), not both; the server refuses weak passwords and
        quotes in them (:class:`BadRequestError`).
        """
        body = drop_none(
            {
                "new_password": check_str(new_password, "new_password"),
                "password": check_str(password, "password"),
                "is_override": check_bool(is_override, "is_override"),
                "emailed_instructions": check_str(emailed_instructions, "emailed_instructions"),
            }
        )
        path_params = alias_path(domain, alias)
        route = ALIAS_PATH + "/generate-password"
        if emailed_instructions is not None:
            return await self._requester.text("POST", route, path_params=path_params, json=body)
        return await self._requester.model(
            AliasCredentials, "POST", route, path_params=path_params, json=body
        )
