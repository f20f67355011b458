"""Page-numbered pagination over the ``X-Page-*`` headers, sequential or fanned out.

The server's ``X-Page-Count``, ``X-Page-Current`` and ``X-Item-Count`` are authoritative.
Its ``Link`` header is not trusted: ``next`` compares the page size with the page number and
``last``/``first`` carry a stray ``)``. It is read only when the page headers are missing
(say, a proxy dropped them), and as a last resort a full page means "try the next one".
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Mapping
from typing import Generic, TypeVar

import attrs
from yarl import URL

from ._headers import PageInfo, parse_link_header, parse_page_info
from ._response import Response

__all__ = ["AsyncPaginator", "Page"]

T = TypeVar("T")

FetchPage = Callable[[Mapping[str, str]], Awaitable[Response]]
ParseItems = Callable[[Response], list[T]]


@attrs.frozen(kw_only=True)
class Page(Generic[T]):
    """One page of a list: its items and what the server said about the whole list."""

    items: list[T] = attrs.field(repr=False)
    page: int
    page_count: int | None
    item_count: int | None
    limit: int | None

    @property
    def has_next(self) -> bool:
        """Whether the server reports pages after this one."""
        if self.page_count is not None:
            return self.page < self.page_count
        return bool(self.items) and self.limit is not None and len(self.items) >= self.limit

    def __len__(self) -> int:
        return len(self.items)


def _next_from_link(response: Response, page: int) -> bool:
    links = parse_link_header(response.headers.get("Link"))
    nxt = links.get("next")
    if nxt is None:
        return False
    raw = URL(nxt).query.get("page", "")
    return raw.isdigit() and int(raw) > page


class AsyncPaginator(Generic[T]):
    """Every item of a list endpoint, fetched page by page as you iterate.

    ``async for item in paginator`` yields items; ``pages()`` yields :class:`Page` objects;
    ``count()`` reads the total with one small request; ``collect(max_items=...)`` gathers a
    list. Filters given to the list call are sent with every page. With ``concurrency > 1``
    the pages after the first are fetched that many at a time, still yielded in order; leaving
    the loop early cancels the fetches in flight.
    """

    def __init__(
        self,
        fetch: FetchPage,
        parse: ParseItems[T],
        *,
        query: Mapping[str, str] | None = None,
        limit: int | None = None,
        start_page: int = 1,
        concurrency: int = 1,
        max_limit: int | None = None,
    ) -> None:
        if limit is not None:
            if isinstance(limit, bool) or not isinstance(limit, int):
                raise TypeError("limit must be an int")
            if limit < 1 or (max_limit is not None and limit > max_limit):
                upper = f" and {max_limit}" if max_limit is not None else ""
                raise ValueError(f"limit must be between 1{upper}, got {limit}")
        if isinstance(start_page, bool) or not isinstance(start_page, int) or start_page < 1:
            raise ValueError(f"start_page must be an int >= 1, got {start_page!r}")
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValueError(f"concurrency must be an int >= 1, got {concurrency!r}")
        self._fetch = fetch
        self._parse = parse
        self._query = dict(query or {})
        self._limit = limit
        self._start_page = start_page
        self._concurrency = concurrency

    def __repr__(self) -> str:
        return (
            f"AsyncPaginator(query={self._query!r}, limit={self._limit!r}, "
            f"concurrency={self._concurrency})"
        )

    async def _get_page(self, page: int, *, limit: int | None = None) -> Page[T]:
        query = dict(self._query)
        query["page"] = str(page)
        size = limit if limit is not None else self._limit
        if size is not None:
            query["limit"] = str(size)
        response = await self._fetch(query)
        info: PageInfo = parse_page_info(response.headers)
        items = self._parse(response)
        page_count = info.page_count
        if page_count is None and _next_from_link(response, page):
            page_count = page + 1  # at least one more page, per the (untrusted) Link header
        return Page(
            items=items,
            page=info.page if info.page is not None else page,
            page_count=page_count,
            item_count=info.item_count,
            limit=size,
        )

    def __await__(self) -> Generator[object, None, Page[T]]:
        """``await paginator`` gives the first page."""
        return self._get_page(self._start_page).__await__()

    async def count(self) -> int:
        """The total number of items (``X-Item-Count``), read with a one-item request."""
        page = await self._get_page(1, limit=1)
        if page.item_count is None:
            raise ValueError("the server did not send X-Item-Count for this list")
        return page.item_count

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Yield each page in order, stopping after the last one."""
        first = await self._get_page(self._start_page)
        yield first
        if not first.items or not first.has_next:
            return
        if self._concurrency == 1 or first.page_count is None:
            page = first
            while page.items and page.has_next:
                page = await self._get_page(page.page + 1)
                yield page
            return
        async for page in self._fan_out(first.page + 1, first.page_count):
            yield page

    async def _fan_out(self, start: int, last: int) -> AsyncIterator[Page[T]]:
        """Fetch pages ``start..last`` with at most ``concurrency`` in flight, in order."""
        pending: deque[asyncio.Task[Page[T]]] = deque()
        next_page = start
        try:
            while pending or next_page <= last:
                while next_page <= last and len(pending) < self._concurrency:
                    pending.append(asyncio.ensure_future(self._get_page(next_page)))
                    next_page += 1
                page = await pending.popleft()
                yield page
                if not page.items:
                    # The list shrank while we read it: later pages are empty too.
                    return
        finally:
            for task in pending:
                task.cancel()
            for task in pending:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def __aiter__(self) -> AsyncIterator[T]:
        pages = self.pages()
        try:
            async for page in pages:
                for item in page.items:
                    yield item
        finally:
            await pages.aclose()  # type: ignore[attr-defined]

    async def collect(self, *, max_items: int | None = None) -> list[T]:
        """All items in a list, or the first ``max_items`` (fetching no more pages than needed)."""
        if max_items is not None and (isinstance(max_items, bool) or max_items < 0):
            raise ValueError(f"max_items must be >= 0, got {max_items!r}")
        items: list[T] = []
        if max_items == 0:
            return items
        pages = self.pages()
        try:
            async for page in pages:
                items.extend(page.items)
                if max_items is not None and len(items) >= max_items:
                    return items[:max_items]
        finally:
            await pages.aclose()  # type: ignore[attr-defined]
        return items
