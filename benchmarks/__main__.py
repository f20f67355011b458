"""``python -m benchmarks``: run the suite, print the Markdown tables, optionally save JSON.

See ``benchmarks/README.md`` for what each workload does and the latest results.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import time
from pathlib import Path

from . import instructions
from .clients import CLIENTS, available_clients
from .runner import DEFAULT, TINY, WORKLOADS, machine, render_markdown, run_suite, to_json


def main() -> None:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="forwardemail_async against raw aiohttp, httpx and requests.",
    )
    parser.add_argument(
        "--only",
        metavar="WORKLOAD",
        action="append",
        choices=(*WORKLOADS, "bulk"),
        help=f"run only this workload (repeatable): {', '.join(WORKLOADS)}; 'bulk' runs "
        "benchmarks/bulk_create.py (bulk create under a rate limit, ~25 s) and prints its JSON",
    )
    parser.add_argument(
        "--client",
        metavar="CLIENT",
        action="append",
        choices=sorted(CLIENTS),
        help="run only this client (repeatable; aiohttp is the reference of every ratio)",
    )
    parser.add_argument("--tiny", action="store_true", help="tiny sizes: checks it runs, no more")
    parser.add_argument("--repeats", type=int, help="repeats of create and list (median kept)")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions per request, listed alias and import under valgrind "
        "(cachegrind --cache-sim=no; ~5 min), for this library and the raw aiohttp loop",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results here")
    args = parser.parse_args()

    sizes = TINY if args.tiny else DEFAULT
    if args.repeats is not None:
        sizes = type(sizes)(**{**sizes.__dict__, "repeats": max(1, args.repeats)})
    clients = args.client or available_clients()
    started = time.perf_counter()
    workloads = args.only or WORKLOADS
    rows = run_suite(sizes, [w for w in workloads if w != "bulk"], clients)
    about = machine()
    print(f"{about['date']}, {about['cpu']} x{about['cores']}, {about['python']}")
    print(", ".join(f"{name} {version}" for name, version in about["versions"].items()))
    print()
    print(render_markdown(rows, sizes))
    counted: list[instructions.InstructionRow] = []
    if args.instructions:
        missing = instructions.valgrind_missing()
        if missing is not None:
            print(f"{missing}\n")
        else:
            counted = instructions.measure(clients, tiny=args.tiny)
            print(instructions.render_markdown(counted))
    if "bulk" in workloads:
        print("#### bulk create under a rate limit (python -m benchmarks.bulk_create)\n")
        subprocess.run([sys.executable, "-m", "benchmarks.bulk_create"], check=True, timeout=600)
    print(f"suite ran in {time.perf_counter() - started:.0f} s")
    if args.json is not None:
        report = to_json(rows, sizes)
        report["instructions"] = [dataclasses.asdict(row) for row in counted]
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
