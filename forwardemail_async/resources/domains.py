"""``client.domains``: list, create, retrieve, update, delete and verify domains."""

from __future__ import annotations

from collections.abc import Sequence

from forwardemail_async._core.errors import AlreadyExistsError
from forwardemail_async._core.hooks import ReadBack
from forwardemail_async._core.pagination import AsyncPaginator
from forwardemail_async._core.params import (
    check_str,
    required_str,
)
from forwardemail_async._core.reconcile import conflict, create_once, read_back_at
from forwardemail_async._core.requester import Requester, Service
from forwardemail_async._core.routes import Filter, ListRoute
from forwardemail_async._core.urls import domain_segment
from forwardemail_async.models import Domain, Plan

from ._schema.domains import DOMAIN_CREATE_FIELDS, DOMAIN_UPDATE_FIELDS
from .catch_all_passwords import CatchAllPasswordsService
from .domain_lists import DomainListsMixin
from .invites import InvitesService
from .members import MembersService

__all__ = ["DomainsService"]

DomainPlan = Plan

_ONE = "/v1/domains/{domain}"
LIST = ListRoute(
    path="/v1/domains",
    model=Domain,
    default_limit=1000,
    max_limit=1000,
    filters=(Filter("q", check_str), Filter("name", check_str), Filter("sort", check_str)),
)


class DomainsService(DomainListsMixin, Service):
    """Domains on the account. ``domain`` arguments take a domain id or its name.

    The allowlist, denylist and S3 methods come from :class:`DomainListsMixin`.
    """

    __slots__ = ("catch_all_passwords", "invites", "members")

    def __init__(self, requester: Requester) -> None:
        super().__init__(requester)
        self.catch_all_passwords = CatchAllPasswordsService(requester)
        self.invites = InvitesService(requester)
        self.members = MembersService(requester)

    def list(
        self,
        *,
        q: str | None = None,
        name: str | None = None,
        sort: str | None = None,
        limit: int | None = None,
        page: int = 1,
        concurrency: int = 1,
    ) -> AsyncPaginator[Domain]:
        """Every domain, across all pages.

        ``q``/``name`` filter by a case-insensitive substring of the name (literal text, not a
        regex, whatever the published docs say); ``sort`` is a field name, ``-`` for descending.
        ``limit`` is the page size (1-1000, default 1000).
        """
        return self._requester.paginate(
            LIST, locals(), limit=limit, page=page, concurrency=concurrency
        )

    async def create(
        self,
        domain: str,
        *,
        plan: DomainPlan | None = None,
        team_domain: str | None = None,
        catchall: bool | str | Sequence[str] | None = None,
        has_adult_content_protection: bool | None = None,
        has_phishing_protection: bool | None = None,
        has_executable_protection: bool | None = None,
        has_virus_protection: bool | None = None,
        has_recipient_verification: bool | None = None,
        ignore_mx_check: bool | None = None,
        has_delivery_logs: bool | None = None,
        reconcile: bool = True,
    ) -> Domain:
        """Add a domain to the account.

        ``catchall``: ``False`` creates no catch-all alias, ``True`` (the server's default)
        one to your account email, a list of addresses one to them. ``retention_days``,
        ``bounce_webhook`` and ``max_quota_per_alias`` are ignored by the server on create;
        set them with :meth:`update`.

        The create happens exactly once: after a failure that may or may not have added the
        domain (a 5xx, a lost connection, a timeout), it is read back by name and sent
        again only if absent; one added meanwhile otherwise raises
        :class:`AlreadyExistsError`. ``reconcile=False`` (or the client's
        ``reconcile_creates=False``) turns that off.
        """
        if not isinstance(reconcile, bool):
            raise TypeError("reconcile must be a bool")
        body = {
            "domain": required_str(domain, "domain").lower(),
            **DOMAIN_CREATE_FIELDS.body(locals(), creating=True),
        }
        read_back = _domain_read_back(self._requester, body) if reconcile else None
        return await create_once(self._requester, Domain, "/v1/domains", body, read_back)

    async def retrieve(self, domain: str) -> Domain:
        """One domain, with its members and invites."""
        return await self._requester.model(
            Domain, "GET", _ONE, path_params={"domain": domain_segment(domain)}
        )

    async def update(
        self,
        domain: str,
        *,
        smtp_port: int | str | None = None,
        retention_days: int | None = None,
        bounce_webhook: str | None = None,
        max_quota_per_alias: str | None = None,
        has_adult_content_protection: bool | None = None,
        has_phishing_protection: bool | None = None,
        has_executable_protection: bool | None = None,
        has_virus_protection: bool | None = None,
        has_recipient_verification: bool | None = None,
        ignore_mx_check: bool | None = None,
        has_delivery_logs: bool | None = None,
        require_tls_inbound: bool | None = None,
    ) -> Domain:
        """Change domain settings; only the arguments given are sent.

        ``smtp_port`` is sent as a string (the server silently ignores a JSON number);
        ``max_quota_per_alias`` is a size such as ``"10 GB"``; ``bounce_webhook=""`` clears it.
        """
        payload = DOMAIN_UPDATE_FIELDS.body(locals(), creating=False)
        if not payload:
            raise ValueError("update() needs at least one setting to change")
        return await self._requester.model(
            Domain, "PUT", _ONE, path_params={"domain": domain_segment(domain)}, json=payload
        )

    async def delete(self, domain: str) -> Domain:
        """Remove a domain and all its aliases; returns the domain as it was."""
        return await self._requester.model(
            Domain, "DELETE", _ONE, path_params={"domain": domain_segment(domain)}
        )

    async def verify_records(self, domain: str) -> str:
        """Check the domain's DNS records; returns the server's success text.

        A failed check raises :class:`~forwardemail_async.BadRequestError` whose message lists
        what is wrong.
        """
        return await self._requester.text(
            "GET", _ONE + "/verify-records", path_params={"domain": domain_segment(domain)}
        )

    async def verify_smtp(self, domain: str) -> str:
        """Check the outbound SMTP DNS records (DKIM, return path, DMARC); returns the text."""
        return await self._requester.text(
            "GET", _ONE + "/verify-smtp", path_params={"domain": domain_segment(domain)}
        )


def _domain_read_back(requester: Requester, body: dict[str, object]) -> ReadBack:
    """How a domain create finds its domain again by name after an ambiguous failure."""
    taken = conflict(
        AlreadyExistsError, 400, "Domain already exists on your account.", "/v1/domains"
    )
    return read_back_at(
        requester,
        _ONE,
        lambda: {"domain": domain_segment(body["domain"])},
        Domain,
        body,
        conflict=taken,
    )
