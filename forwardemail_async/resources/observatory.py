"""``client.observatory``: the Email Deliverability Observatory.

Reputation scores, DNS blacklist listings, DNS record history and certificate events of any
domain or IP address. ``lookup``, ``blacklists`` and ``dns_history`` are public (no API key is
sent; the server allows 100 calls a day per IP address to each); ``dmarc_summary`` and the
monitor methods use the API key, and adding a monitor needs a paid account.
"""

from __future__ import annotations

from typing import TypeVar

from forwardemail_async._core.hosts import is_fqdn, is_ip
from forwardemail_async._core.params import check_str
from forwardemail_async._core.requester import Service
from forwardemail_async._core.routes import ListRoute
from forwardemail_async._core.urls import domain_segment, id_segment
from forwardemail_async.models import (
    DmarcSummary,
    ObservatoryBlacklists,
    ObservatoryDnsHistory,
    ObservatoryLookup,
    ObservatoryMonitor,
    StatusMessage,
    SubjectType,
)

T = TypeVar("T")

__all__ = ["ObservatoryService"]

_LOOKUP = "/v1/observatory/lookup"
_SUBJECT = _LOOKUP + "/{value}"
_MONITOR = "/v1/observatory/monitor"
MONITORS = ListRoute(path="/v1/observatory/monitors", model=ObservatoryMonitor)


def _subject(value: object) -> str:
    """A domain name or IP address, lowercased and trimmed as the server stores it; in a
    query or body the server says whether it is one (400)."""
    if not isinstance(value, str):
        raise TypeError(f"value must be a str, not {type(value).__name__}")
    return value.strip().lower()


def _subject_segment(value: object) -> str:
    """A subject that goes into the URL path: a domain name or an IP address and nothing
    else, so it cannot change the route."""
    text = _subject(value)
    if not (is_ip(text) or is_fqdn(text)):
        raise ValueError(f"value must be a domain name or an IP address, got {value!r}")
    return id_segment(text, "value")


def _type_query(kind: object) -> dict[str, str]:
    """``?type=`` when given; the server infers it (IP or domain) otherwise."""
    checked = check_str(kind, "type")
    return {} if checked is None else {"type": str(checked)}


class ObservatoryService(Service):
    """Deliverability reputation of domains and IP addresses, and your monitors."""

    async def lookup(self, value: str, *, type: SubjectType | None = None) -> ObservatoryLookup:
        """The reputation of a domain or IP address (public).

        The first lookup of a subject starts tracking it and answers ``status="pending"``
        with no measurements yet. ``type="ip"`` with a domain name is a ``BadRequestError``.
        """
        query = {"q": _subject(value), **_type_query(type)}
        return await self._requester.model(
            ObservatoryLookup, "GET", _LOOKUP, query=query, authenticated=False
        )

    async def blacklists(
        self, value: str, *, type: SubjectType | None = None
    ) -> ObservatoryBlacklists:
        """Blacklist summary and the latest 100 listing events of a subject (public).

        A subject never looked up is a ``NotFoundError``: call :meth:`lookup` first.
        """
        return await self._subject(ObservatoryBlacklists, "/blacklists", value, type)

    async def dns_history(
        self, value: str, *, type: SubjectType | None = None
    ) -> ObservatoryDnsHistory:
        """The current DNS snapshot and the latest 200 record changes of a subject (public).

        A subject never looked up is a ``NotFoundError``: call :meth:`lookup` first.
        """
        return await self._subject(ObservatoryDnsHistory, "/dns-history", value, type)

    async def _subject(self, cls: type[T], suffix: str, value: str, type: SubjectType | None) -> T:
        """A public per-subject report (blacklists, DNS history)."""
        return await self._requester.model(
            cls,
            "GET",
            _SUBJECT + suffix,
            path_params={"value": _subject_segment(value)},
            query=_type_query(type),
            authenticated=False,
        )

    async def dmarc_summary(self, domain: str) -> DmarcSummary:
        """Reputation, DMARC policy and certificate events of one of your domains, by name.

        Any member of the domain may ask; another name is a ``NotFoundError``.
        """
        name = _subject(domain)
        if not is_fqdn(name):
            raise ValueError(f"domain must be one of your domain names, got {domain!r}")
        return await self._requester.model(
            DmarcSummary,
            "GET",
            _SUBJECT + "/dmarc-summary",
            path_params={"value": domain_segment(name)},
        )

    async def add_monitor(
        self, value: str, *, type: SubjectType | None = None
    ) -> ObservatoryMonitor:
        """Start monitoring a domain or IP address (paid accounts); alerts go by email.

        Monitoring a subject twice is a ``ConflictError``. As ``type="domain"`` the value
        must be a domain name (an IP address is refused by the server).
        """
        body = {"value": _subject(value), **_type_query(type)}
        return await self._requester.model(ObservatoryMonitor, "POST", _MONITOR, json=body)

    async def remove_monitor(self, value: str, *, type: SubjectType | None = None) -> StatusMessage:
        """Stop monitoring a subject; a subject you do not monitor is a ``NotFoundError``."""
        return await self._requester.model(
            StatusMessage,
            "DELETE",
            _MONITOR + "/{value}",
            path_params={"value": _subject_segment(value)},
            query=_type_query(type),
        )

    async def monitors(self) -> list[ObservatoryMonitor]:
        """Every subject you monitor, most recently changed first (not paginated)."""
        return await self._requester.list_all(MONITORS, {})
