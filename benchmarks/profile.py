"""Profile this library's side of one workload with pyinstrument (the ``bench`` extra).

``python -m benchmarks.profile list`` (or ``create``) starts the canned server, warms the
client up, then records one run of the workload and prints pyinstrument's call tree; add
``--html PATH`` to save the interactive version. This is how the hot paths named in the README
were found; py-spy (``py-spy record -- python -m benchmarks --only list``) gives the same
picture from outside the process.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from pyinstrument import Profiler

from .clients import LibraryClient
from .runner import DEFAULT
from .server import list_domain, start_server

__all__ = ["main"]


async def _run(url: str, workload: str, profiler: Profiler) -> None:
    sizes = DEFAULT
    client = LibraryClient(url, sizes.create_concurrency)
    try:
        if workload == "create":
            await client.create("example.com", 200, sizes.create_concurrency)
            profiler.start()
            await client.create("example.com", sizes.creates, sizes.create_concurrency)
        else:
            await client.list(list_domain(sizes.page_size), sizes.page_size, 1)
            profiler.start()
            await client.list(list_domain(sizes.list_items), sizes.page_size, 1)
        profiler.stop()
    finally:
        await client.close()


def main() -> None:
    """Parse the arguments, profile, print."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    parser.add_argument("workload", choices=("create", "list"))
    parser.add_argument("--html", type=Path, metavar="PATH", help="also save the HTML profile")
    args = parser.parse_args()
    profiler = Profiler(interval=0.0005, async_mode="disabled")
    with start_server() as server:
        asyncio.run(_run(server.url, args.workload, profiler))
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html is not None:
        args.html.write_text(profiler.output_html())


if __name__ == "__main__":
    main()
