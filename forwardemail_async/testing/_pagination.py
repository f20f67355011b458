"""Pagination exactly as the server does it, bugs included (contract §2).

:func:`normalize` is koa-ctx-paginate 1.1.0; :func:`domains_and_aliases` is the wrapper the
``/v1/domains*`` routes put in front of it; :func:`pagination_headers` is the server's
``set-pagination-headers`` helper, whose ``Link`` header compares the page size with the page
number, uses the page size as the last page and leaves a stray ``)`` inside two of the URLs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TypeVar

import attrs
from aiohttp import web

from ._qs import qs_parse, qs_stringify
from ._text import js_parse_int

__all__ = ["PageRequest", "domains_and_aliases", "normalize", "pagination_headers"]

T = TypeVar("T")

_MAX_DOMAINS_ALIASES = 1000


@attrs.frozen
class PageRequest:
    """A normalized ``page`` and ``limit``; ``limit`` may be 0 (see :meth:`take`)."""

    page: int
    limit: int

    @property
    def skip(self) -> int:
        """Items before this page."""
        return (self.page - 1) * self.limit

    def take(self, items: Sequence[T], *, zero_limit_takes_all: bool) -> list[T]:
        """This page of ``items``.

        A zero limit means "no limit" to Mongo (``.limit(0)``) but an empty slice to the
        in-memory domain list, so the caller says which backend it imitates.
        """
        if self.limit == 0 and zero_limit_takes_all:
            return list(items[self.skip :])
        return list(items[self.skip : self.skip + self.limit])

    def page_count(self, item_count: int) -> str:
        """``Math.ceil(itemCount / limit)`` as JavaScript prints it (Infinity, NaN)."""
        if self.limit == 0:
            return "Infinity" if item_count else "NaN"
        return str(math.ceil(item_count / self.limit))


def normalize(
    page: object | None, limit: object | None, *, default_limit: int, max_limit: int
) -> PageRequest:
    """koa-ctx-paginate 1.1.0: ``page`` NaN/0/negative → 1; ``limit`` NaN → default, capped at
    ``max_limit``, negative → 0."""
    parsed_page = js_parse_int(page) if page is not None else 1
    if parsed_page is None or parsed_page < 1:
        parsed_page = 1
    parsed_limit = js_parse_int(limit) if limit is not None else default_limit
    if parsed_limit is None:
        parsed_limit = default_limit
    return PageRequest(parsed_page, max(0, min(parsed_limit, max_limit)))


def domains_and_aliases(query: Mapping[str, object]) -> PageRequest:
    """The ``/v1/domains*`` wrapper: ``limit`` defaults to 1000, and an unparseable one to 50."""
    limit = query.get("limit", _MAX_DOMAINS_ALIASES)
    parsed = js_parse_int(limit)
    default_limit = 10 if parsed is not None and parsed < 50 else 50
    return normalize(
        query.get("page"), limit, default_limit=default_limit, max_limit=_MAX_DOMAINS_ALIASES
    )


def pagination_headers(
    request: web.Request, page: PageRequest, *, size: int, item_count: int
) -> dict[str, str]:
    """The headers of set-pagination-headers.js for a page holding ``size`` items."""
    links = []
    if page.page > 1:
        links.append(f'<{_link(request, page.page - 1)}>; rel="prev"')
    if size > page.page:  # the server's bug: compares the page size with the page number
        links.append(f'<{_link(request, page.page + 1)}>; rel="next"')
    links.append(f'<{_link(request, size or 1)})>; rel="last"')
    links.append(f'<{_link(request, 1)})>; rel="first"')
    return {
        "X-Page-Count": page.page_count(item_count),
        "X-Page-Current": str(page.page),
        "X-Page-Size": str(size or 1),
        "X-Item-Count": str(item_count),
        "Link": ", ".join(links),
    }


def _link(request: web.Request, page: int) -> str:
    # The request URL with its query re-parsed by qs, `page` replaced, and re-serialized.
    query = qs_parse(request.rel_url.raw_query_string)
    query["page"] = page
    return f"{request.scheme}://{request.host}{request.rel_url.raw_path}{qs_stringify(query)}"
