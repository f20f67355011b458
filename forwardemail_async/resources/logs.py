"""``client.logs``: ask for a delivery-log report, which the server emails as a CSV."""

from __future__ import annotations

from collections.abc import Sequence

from forwardemail_async._core.params import check_bool, check_int, check_str, query_bool
from forwardemail_async._core.requester import Service
from forwardemail_async._core.urls import normalize_domain_name

__all__ = ["LogsService"]


class LogsService(Service):
    """Delivery logs of your paid domains (the server caps requests at 20 a day)."""

    async def download(
        self,
        *,
        domain: str | None = None,
        domains: Sequence[str] | str | None = None,
        q: str | None = None,
        bounce_category: str | None = None,
        response_code: int | None = None,
        response_codes: Sequence[int] | None = None,
        show_errors: bool | None = None,
    ) -> str:
        """Queue a report of the matching logs; returns the server's confirmation text.

        The report itself is emailed to you, nothing else comes back. ``q`` is an address,
        domain, IP, date (``M/D/YY``) or subject text. Without ``domain``/``domains`` every
        paid domain is included; a 400 "No results were found." means none of your domains
        qualifies. ``domain`` and ``domains``, ``response_code`` and ``response_codes`` are
        merged into one comma-separated list each, which the server reads the same way.
        """
        names: list[str] = []
        if domain is not None:
            names.append(_domain(domain, "domain"))
        if isinstance(domains, str):
            domains = [part for part in domains.split(",") if part.strip()]
        if domains is not None:
            names += [_domain(name, "domains") for name in domains]
        query: dict[str, str] = {}
        if names:
            query["domains"] = ",".join(dict.fromkeys(names))
        for key, value in (("q", q), ("bounce_category", bounce_category)):
            text = check_str(value, key)
            if text is not None:
                query[key] = text
        codes = [] if response_code is None else [response_code]
        codes += list(response_codes or [])
        if codes:
            # The server ignores codes outside 200-599 (its rule, not the client's).
            checked = [check_int(code, "response_code") for code in codes]
            query["response_codes"] = ",".join(dict.fromkeys(str(code) for code in checked))
        if check_bool(show_errors, "show_errors") is not None:
            query["show_errors"] = query_bool(bool(show_errors))
        return await self._requester.text("GET", "/v1/logs/download", query=query)


def _domain(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be domain names (str), not {type(value).__name__}")
    return normalize_domain_name(value.strip(), what)
