"""Bulk create at the rate limit: wall time against the theoretical minimum, and duplicates.

    python -m benchmarks.bulk_create [--aliases 600] [--limit 100] [--window 5] [--faults]

Starts the bundled fake server in a subprocess (``forwardemail fake-server``) with the
create-alias limit scaled down to ``--limit`` per ``--window`` seconds, runs
``client.aliases.create_many`` on real time, then lists the domain to check that every alias
is there exactly once. The fake's windows are fixed (they start at the first request), so
the true lower bound is ``(ceil(N / limit) - 1) * window`` (the last window's opening) plus
the time to send the last burst; ``N / (limit / window)`` is also reported, as the issue
defines the minimum.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import sys
import time

import forwardemail_async as fe

_URL_RE = re.compile(r"at (http://\S+)")
_KEY_RE = re.compile(r"FORWARD_EMAIL_API_KEY=(\S+)")


async def _start_fake(args: argparse.Namespace) -> tuple[asyncio.subprocess.Process, str, str]:
    command = [
        sys.executable,
        "-m",
        "forwardemail_async",
        "fake-server",
        "--port",
        "0",
        "--domain",
        "bench.example",
        "--create-alias-max",
        str(args.limit),
        "--route-window",
        str(args.window),
    ]
    if args.faults:
        command += ["--rate-503", "0.05", "--rate-reset", "0.02", "--rate-commit-then-drop", "0.01"]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL
    )
    assert process.stdout is not None
    url = key = None
    while url is None or key is None:
        line = (await process.stdout.readline()).decode()
        if not line:
            raise RuntimeError("the fake server exited before it was ready")
        url = url or (m.group(1) if (m := _URL_RE.search(line)) else None)
        key = key or (m.group(1) if (m := _KEY_RE.search(line)) else None)
    return process, url, key


async def bench(args: argparse.Namespace) -> dict[str, object]:
    """Run one bulk create and measure it."""
    process, url, key = await _start_fake(args)
    try:
        async with fe.ForwardEmail(api_key=key, base_url=url, max_concurrency=32) as client:
            specs = (
                {"name": f"bench{i:06d}", "recipients": [f"bench{i}@inbox.example"]}
                for i in range(args.aliases)
            )
            batch = client.aliases.create_many(
                "bench.example", specs, concurrency=args.concurrency, max_wait=3 * args.window
            )
            started = time.perf_counter()
            summary = await batch.run()
            wall = time.perf_counter() - started
            names = [alias.name async for alias in client.aliases.list("bench.example")]
    finally:
        process.terminate()
        await process.wait()
    wanted = {f"bench{i:06d}" for i in range(args.aliases)}
    windows = math.ceil(args.aliases / args.limit)
    lower_bound = (windows - 1) * args.window
    per_rate = args.aliases / (args.limit / args.window)
    return {
        "aliases": args.aliases,
        "limit": f"{args.limit} per {args.window:g} s",
        "faults": args.faults,
        "wall_s": round(wall, 3),
        "fixed_window_minimum_s": lower_bound,
        "ratio_to_fixed_window_minimum": round(wall / lower_bound, 4) if lower_bound else None,
        "requests_over_rate_s": per_rate,
        "ratio_to_requests_over_rate": round(wall / per_rate, 4),
        "created": summary.counts.created,
        "requests": summary.requests,
        "duplicates": len(names) - len(set(names)),
        "missing": len(wanted - set(names)),
        "unexpected": len(set(names) - wanted),
        "ok": summary.ok,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aliases", type=int, default=600)
    parser.add_argument("--limit", type=int, default=100, help="creates per window")
    parser.add_argument("--window", type=int, default=5, help="window length, whole seconds")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--faults", action="store_true", help="5%% 503, 2%% resets, 1%% drops")
    result = asyncio.run(bench(parser.parse_args()))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
