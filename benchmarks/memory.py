"""Peak RSS growth of one client streaming a long alias list, measured in a fresh process.

Run by the suite as ``python -m benchmarks.memory CLIENT URL ITEMS ...``; prints one JSON
object. A fresh process per client keeps one client's peak from hiding another's. The client
first reads one page (connections, caches and generated code are then in place), the peak is
reset, and the growth is the new peak minus the resident size just before streaming.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import sys
import time
from pathlib import Path

from .clients import CLIENTS
from .server import list_domain

__all__ = ["main"]

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_bytes(field: str) -> int | None:
    """A size field of ``/proc/self/status`` (such as ``VmRSS``) in bytes; ``None`` where
    there is no such file or field (not Linux)."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _rss_bytes() -> int:
    """The current resident set size (Linux), else the peak so far."""
    rss = _status_bytes("VmRSS")
    return rss if rss is not None else _peak_bytes()


def _reset_peak() -> None:
    """Reset the kernel's peak RSS (``VmHWM``) to the current size, where Linux allows it."""
    with contextlib.suppress(OSError):
        _CLEAR_REFS.write_text("5")


def _peak_bytes() -> int:
    """The peak resident set size since the last reset (Linux) or since the process began."""
    peak = _status_bytes("VmHWM")
    if peak is not None:
        return peak
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage if sys.platform == "darwin" else usage * 1024


async def _stream(
    client_name: str, url: str, items: int, page_size: int, concurrency: int
) -> dict[str, float]:
    factory, _ = CLIENTS[client_name]
    client = factory(url, concurrency)
    try:
        await client.list(list_domain(page_size), page_size, 1)
        _reset_peak()
        before = _rss_bytes()
        cpu, wall = time.process_time(), time.perf_counter()
        seen = await client.list(list_domain(items), page_size, concurrency)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        peak = _peak_bytes()
    finally:
        await client.close()
    return {
        "items": seen,
        "wall_s": wall,
        "cpu_s": cpu,
        "rss_before_mb": before / 2**20,
        "rss_growth_mb": max(0, peak - before) / 2**20,
        "pid": os.getpid(),
    }


def main() -> None:
    """Parse the arguments, stream, print the JSON result."""
    parser = argparse.ArgumentParser(description="peak RSS growth while streaming aliases")
    parser.add_argument("client", choices=sorted(CLIENTS))
    parser.add_argument("url")
    parser.add_argument("items", type=int)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    result = asyncio.run(
        _stream(args.client, args.url, args.items, args.page_size, args.concurrency)
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
