"""``client.domains``: list, create, retrieve, update, delete and verify domains."""

from __future__ import annotations

from collections.abc import Sequence
from typing import get_args

from forwardemail_async._core.pagination import AsyncPaginator
from forwardemail_async._core.params import (
    check_bool,
    check_choice,
    check_int,
    check_size,
    check_str,
    check_str_list,
    drop_none,
    query_params,
)
from forwardemail_async._core.requester import Requester, Service
from forwardemail_async._core.urls import domain_segment
from forwardemail_async.models import Domain, Plan

from .catch_all_passwords import CatchAllPasswordsService
from .domain_lists import DomainListsMixin
from .invites import InvitesService
from .members import MembersService

__all__ = ["DomainsService"]

DomainPlan = Plan

_ONE = "/v1/domains/{domain}"
_PROTECTION_FLAGS = (
    "has_adult_content_protection",
    "has_phishing_protection",
    "has_executable_protection",
    "has_virus_protection",
    "has_recipient_verification",
    "ignore_mx_check",
    "has_delivery_logs",
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
        query = query_params(
            {
                "q": check_str(q, "q"),
                "name": check_str(name, "name"),
                "sort": check_str(sort, "sort"),
            }
        )
        return self._requester.paginate(
            Domain,
            "/v1/domains",
            query=query,
            limit=limit,
            default_limit=1000,
            max_limit=1000,
            start_page=page,
            concurrency=concurrency,
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
    ) -> Domain:
        """Add a domain to the account.

        ``catchall``: ``False`` creates no catch-all alias, ``True`` (the server's default)
        one to your account email, a list of addresses one to them. ``retention_days``,
        ``bounce_webhook`` and ``max_quota_per_alias`` are ignored by the server on create;
        set them with :meth:`update`.
        """
        arguments = locals()
        domain_segment(domain)  # the same type and syntax checks as for paths
        body: dict[str, object] = {"domain": domain.lower()}
        body["plan"] = check_choice(plan, "plan", get_args(Plan))
        if team_domain is not None:
            body["team_domain"] = check_str(team_domain, "team_domain")
        if catchall is not None:
            if isinstance(catchall, bool):
                body["catchall"] = catchall
            else:
                body["catchall"] = ",".join(check_str_list(catchall, "catchall") or [])
        body.update(_flags(arguments, _PROTECTION_FLAGS))
        return await self._requester.model(Domain, "POST", "/v1/domains", json=drop_none(body))

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
        arguments = locals()
        body: dict[str, object] = {}
        if smtp_port is not None:
            if isinstance(smtp_port, bool) or not isinstance(smtp_port, (int, str)):
                raise TypeError("smtp_port must be an int or a str")
            port = int(smtp_port) if str(smtp_port).isdigit() else -1
            if not 1 <= port <= 65535:
                raise ValueError(f"smtp_port must be a port number (1-65535), got {smtp_port!r}")
            body["smtp_port"] = str(port)
        body["retention_days"] = check_int(retention_days, "retention_days", minimum=0, maximum=30)
        body["bounce_webhook"] = check_str(bounce_webhook, "bounce_webhook")
        body["max_quota_per_alias"] = check_size(max_quota_per_alias, "max_quota_per_alias")
        body.update(_flags(arguments, (*_PROTECTION_FLAGS, "require_tls_inbound")))
        payload = drop_none(body)
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


def _flags(arguments: dict[str, object], names: tuple[str, ...]) -> dict[str, object]:
    """The boolean settings among a method's ``locals()``, checked to be real bools."""
    return {name: check_bool(arguments[name], name) for name in names}
