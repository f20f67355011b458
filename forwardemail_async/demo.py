"""The main job, end to end, against the bundled fake server: no API key, no network.

    python -m forwardemail_async.demo [--aliases 250] [--concurrency 32]

It starts :class:`~forwardemail_async.testing.FakeServer` in this process, creates a domain,
provisions aliases concurrently through the real client over HTTP on 127.0.0.1, pages them
back (several pages, fetched concurrently) and prints a short summary.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence

import attrs

from ._client import ForwardEmail
from ._core.errors import ForwardEmailError
from .testing import FakeServer

__all__ = ["DemoSummary", "main", "run_demo"]

DOMAIN = "demo.example"


@attrs.frozen(kw_only=True)
class DemoSummary:
    """What the demo did and measured."""

    domain: str
    requested: int
    created: int
    listed: int
    pages: int
    item_count: int
    create_seconds: float
    list_seconds: float
    rate_limit_remaining: int | None
    failures: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Every requested alias was created once and read back."""
        return not self.failures and self.created == self.listed == self.requested

    def render(self) -> str:
        rate = self.created / self.create_seconds if self.create_seconds else float("inf")
        lines = [
            f"domain        {self.domain}",
            f"created       {self.created}/{self.requested} aliases in "
            f"{self.create_seconds:.2f}s ({rate:.0f}/s)",
            f"listed        {self.listed} aliases in {self.pages} pages in "
            f"{self.list_seconds:.2f}s (X-Item-Count: {self.item_count})",
            f"rate limit    {self.rate_limit_remaining} alias creates left today",
            f"result        {'OK' if self.ok else 'FAILED'}",
        ]
        lines += [f"failure       {failure}" for failure in self.failures]
        return "\n".join(lines)


async def run_demo(
    *, aliases: int = 250, concurrency: int = 32, page_size: int = 50
) -> DemoSummary:
    """Provision ``aliases`` aliases on a fresh fake server and read them back."""
    async with (
        FakeServer() as server,
        ForwardEmail(
            api_key=server.api_key, base_url=server.url, max_concurrency=concurrency
        ) as client,
    ):
        domain = await client.domains.create(DOMAIN, catchall=False)
        names = [f"user{i:05d}" for i in range(aliases)]
        started = time.perf_counter()
        results = await asyncio.gather(
            *(
                client.aliases.create(domain.name, name=name, recipients=[f"{name}@inbox.example"])
                for name in names
            ),
            return_exceptions=True,
        )
        create_seconds = time.perf_counter() - started
        created = sum(1 for result in results if not isinstance(result, BaseException))
        failures = tuple(
            f"{name}: {result!r}"
            for name, result in zip(names, results, strict=True)
            if isinstance(result, BaseException)
        )
        remaining = client.rate_limit.remaining if client.rate_limit else None

        started = time.perf_counter()
        listed: list[str] = []
        pages = 0
        item_count = 0
        paginator = client.aliases.list(domain.name, limit=page_size, concurrency=4)
        async for page in paginator.pages():
            pages += 1
            item_count = page.item_count or 0
            listed.extend(alias.name for alias in page.items)
        list_seconds = time.perf_counter() - started
        missing = sorted(set(names) - set(listed))
        if missing:
            failures += (f"not listed: {', '.join(missing[:5])}",)
        return DemoSummary(
            domain=domain.name,
            requested=aliases,
            created=created,
            listed=len(listed),
            pages=pages,
            item_count=item_count,
            create_seconds=create_seconds,
            list_seconds=list_seconds,
            rate_limit_remaining=remaining,
            failures=failures,
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m forwardemail_async.demo",
        description="Provision aliases concurrently against the bundled fake server.",
    )
    parser.add_argument("--aliases", type=int, default=250, help="how many (default 250)")
    parser.add_argument("--concurrency", type=int, default=32, help="max requests in flight")
    parser.add_argument("--page-size", type=int, default=50, help="page size for reading back")
    args = parser.parse_args(argv)
    if not 1 <= args.aliases <= 300:
        parser.error("--aliases must be 1-300: the server allows 300 alias creates per day")
    try:
        summary = asyncio.run(
            run_demo(aliases=args.aliases, concurrency=args.concurrency, page_size=args.page_size)
        )
    except ForwardEmailError as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1
    print(summary.render())
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
