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
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from typing import Any, Generic, Protocol, TypeVar

import attrs
from yarl import URL

from forwardemail_async._decode.converter import iter_structured, structure_list

from .display import page_html
from .errors import ResponseDecodeError
from .headers import PageInfo, parse_link_header, parse_page_info
from .response import Response
from .routes import ListRoute

__all__ = ["AsyncPaginator", "Page", "PageSource"]

T = TypeVar("T")
U = TypeVar("U")


class PageSource(Protocol):
    """What sends the page requests: a :class:`~forwardemail_async._core.requester.Requester`."""

    async def send(
        self,
        method: str,
        route: str,
        *,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
    ) -> Response:
        """Send one request and return the whole answer."""


@attrs.frozen(kw_only=True)
class Page(Generic[T]):
    """One page of a list: its items and what the server said about the whole list.

    ``page_count`` and ``item_count`` come from ``X-Page-Count`` / ``X-Item-Count`` (``None``
    when a proxy dropped them). ``has_next`` follows ``X-Page-Count`` when present, even past
    an empty page (the server filters some items out after paginating); without it, the
    ``Link`` header's ``next`` or, failing that, a full page means "there may be more".
    """

    items: list[T] = attrs.field(repr=False)
    page: int
    page_count: int | None
    item_count: int | None
    limit: int | None
    has_next: bool

    def __len__(self) -> int:
        return len(self.items)

    def _repr_html_(self) -> str:
        """Jupyter's rich display: the page's place in the list and a table of its items."""
        return page_html(self)


def _next_from_link(response: Response, page: int) -> bool:
    links = parse_link_header(response.headers.get("Link"))
    nxt = links.get("next")
    if nxt is None:
        return False
    try:
        raw = URL(nxt).query.get("page", "")
        return raw.isascii() and raw.isdigit() and int(raw) > page
    except ValueError:  # a malformed URL (bad port, open IPv6 bracket) or page number
        return False


class AsyncPaginator(Generic[T]):
    """Every item of a list endpoint, fetched page by page as you iterate.

    ``async for item in paginator`` yields items; ``pages()`` yields :class:`Page` objects;
    ``count()`` reads the total with one small request; ``collect(max_items=...)`` gathers a
    list. Filters given to the list call are sent with every page. With ``concurrency > 1``
    the pages after the first are fetched that many at a time, still yielded in order, and
    each is decoded only when its turn comes; leaving the loop early cancels the fetches in
    flight. ``async for`` builds each item when the loop reaches it, so a long list keeps
    only the current page's JSON alive, not a page of models. Everything about the endpoint
    (path, model, page sizes) comes from its :class:`ListRoute`.
    """

    def __init__(
        self,
        source: PageSource,
        route: ListRoute[T],
        *,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        limit: int | None = None,
        start_page: int = 1,
        concurrency: int = 1,
    ) -> None:
        if route.max_limit is None or route.default_limit is None:
            raise ValueError(f"{route.path} is not paginated")
        if limit is None:
            limit = route.default_limit
        elif isinstance(limit, bool) or not isinstance(limit, int):
            raise TypeError("limit must be an int")
        elif not 1 <= limit <= route.max_limit:
            raise ValueError(f"limit must be between 1 and {route.max_limit}, got {limit}")
        if isinstance(start_page, bool) or not isinstance(start_page, int) or start_page < 1:
            raise ValueError(f"start_page must be an int >= 1, got {start_page!r}")
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValueError(f"concurrency must be an int >= 1, got {concurrency!r}")
        self._source = source
        self._route = route
        self._path_params = path_params
        self._query = dict(query or {})
        self._limit = limit
        self._start_page = start_page
        self._concurrency = concurrency

    def __repr__(self) -> str:
        return (
            f"AsyncPaginator(route={self._route.path!r}, query={self._query!r}, "
            f"limit={self._limit!r}, concurrency={self._concurrency})"
        )

    def _parse(self, response: Response) -> list[T]:
        """A page's items as models, all built at once (for :class:`Page`)."""
        return structure_list(response.json(), self._route.model, what=self._route.what)

    def _decode(self, response: Response) -> list[Any]:
        """A page's JSON array, its items left to be built one at a time by ``async for``."""
        data = response.json()
        if isinstance(data, list):
            return data
        # Not an array: structuring reports the wrong shape as a ResponseDecodeError.
        return structure_list(data, self._route.model, what=self._route.what)

    async def _get_page(self, page: int, *, limit: int | None = None) -> Page[T]:
        return await self._fetch_page(page, limit, self._parse)

    async def _fetch_page(
        self, page: int, limit: int | None, parse: Callable[[Response], list[U]]
    ) -> Page[U]:
        size = limit if limit is not None else self._limit
        return self._make_page(await self._request_page(page, size), page, size, parse)

    async def _request_page(self, page: int, size: int) -> Response:
        query = dict(self._query)
        query["page"] = str(page)
        query["limit"] = str(size)
        return await self._source.send(
            "GET", self._route.path, path_params=self._path_params, query=query
        )

    def _make_page(
        self, response: Response, page: int, size: int, parse: Callable[[Response], list[U]]
    ) -> Page[U]:
        info: PageInfo = parse_page_info(response.headers)
        if info.page is not None and info.page != page:
            # A server that ignores `page` would make us fetch the same page forever.
            raise ResponseDecodeError(
                f"{response.method} {response.route}: asked for page {page} but the server "
                f"answered page {info.page} (X-Page-Current); stopping instead of looping"
            )
        items = parse(response)
        if info.page_count is not None:
            has_next = page < info.page_count
        elif _next_from_link(response, page):
            has_next = bool(items)  # the Link header is a fallback only: an empty page ends it
        else:
            has_next = len(items) >= size
        return Page(
            items=items,
            page=page,
            page_count=info.page_count,
            item_count=info.item_count,
            limit=size,
            has_next=has_next,
        )

    def __await__(self) -> Generator[object, None, Page[T]]:
        """``await paginator`` gives the first page."""
        return self._get_page(self._start_page).__await__()

    async def count(self) -> int:
        """The total number of items (``X-Item-Count``), read with a one-item request."""
        page = await self._get_page(1, limit=1)
        if page.item_count is None:
            raise ResponseDecodeError("the server did not send X-Item-Count for this list")
        return page.item_count

    def pages(self) -> AsyncGenerator[Page[T], None]:
        """Yield each page in order, stopping after the last one."""
        return self._pages(self._parse)

    async def _pages(self, parse: Callable[[Response], list[U]]) -> AsyncGenerator[Page[U], None]:
        # Only the page number and whether there is a next page are kept between pages: a
        # page yielded and let go by the caller is freed before the next one is decoded,
        # which halves the memory of a long read and the garbage collector's work on it.
        page = await self._fetch_page(self._start_page, None, parse)
        number, has_next, page_count = page.page, page.has_next, page.page_count
        yield page
        del page
        if has_next and self._concurrency > 1 and page_count is not None:
            fan_out = self._fan_out(number + 1, page_count, parse)
            async with contextlib.aclosing(fan_out) as rest:
                async for page in rest:
                    number, has_next = page.page, page.has_next
                    yield page
                    del page
        # Sequentially: the whole list, or what was added while the fan-out ran.
        while has_next:
            page = await self._fetch_page(number + 1, None, parse)
            number, has_next = page.page, page.has_next
            yield page
            del page

    async def _fan_out(
        self, start: int, last: int, parse: Callable[[Response], list[U]]
    ) -> AsyncGenerator[Page[U], None]:
        """Fetch pages ``start..last`` with ``concurrency`` requests in flight, in order.

        A page's body is decoded only when its turn comes, so however many requests are in
        flight, one page of JSON is alive; and the next request is sent before a page is
        handed over, so ``concurrency`` stay in flight while the caller works through it.
        """
        pending: deque[tuple[int, asyncio.Task[Response]]] = deque()

        def send(page: int) -> None:
            pending.append((page, asyncio.ensure_future(self._request_page(page, self._limit))))

        next_page = start
        try:
            while pending or next_page <= last:
                while next_page <= last and len(pending) < self._concurrency:
                    send(next_page)
                    next_page += 1
                number, task = pending[0]
                response = await task
                pending.popleft()
                if next_page <= last:
                    send(next_page)
                    next_page += 1
                    # A new task only starts when the loop runs, and handling a page does not
                    # let it run: without this the request would go out only after the caller
                    # is done with the page.
                    await asyncio.sleep(0)
                yield self._make_page(response, number, self._limit, parse)
                del response
        finally:
            for _, task in pending:
                task.cancel()
            for _, task in pending:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def __aiter__(self) -> AsyncGenerator[T, None]:
        # aclosing: leaving the loop early cancels page fetches in flight right away, not
        # whenever the event loop gets round to finalizing the abandoned generators.
        model, what = self._route.model, self._route.what
        async with contextlib.aclosing(self._pages(self._decode)) as raw_pages:
            async for raw_page in raw_pages:
                for item in iter_structured(raw_page.items, model, what=what):
                    yield item
                del raw_page  # let the page's JSON go before the next one arrives

    async def collect(self, *, max_items: int | None = None) -> list[T]:
        """All items in a list, or the first ``max_items`` (fetching no more pages than needed)."""
        if max_items is not None and (isinstance(max_items, bool) or max_items < 0):
            raise ValueError(f"max_items must be >= 0, got {max_items!r}")
        items: list[T] = []
        if max_items == 0:
            return items
        async with contextlib.aclosing(self.pages()) as pages:
            async for page in pages:
                items.extend(page.items)
                if max_items is not None and len(items) >= max_items:
                    return items[:max_items]
        return items
