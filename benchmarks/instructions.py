"""Instruction counts: the client's user-space CPU instructions per request, per listed alias
and per import, under valgrind (``cachegrind --cache-sim=no``).

Timings on a shared machine drift by up to 2x from one minute to the next; the number of
instructions a process executes barely moves (within ~0.2% at one request in flight, ~3% at
64, where the order in which answers arrive varies). Each figure is the difference of a small
and a large run of the same job in fresh processes, divided by the difference in units, so
start-up, imports, warm-up and connection set-up cancel out.

Run as ``python -m benchmarks --instructions``; the probe side, run under valgrind, is
``python -m benchmarks.instructions CLIENT WORKLOAD URL COUNT CONCURRENCY``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .clients import CLIENTS
from .server import list_domain, start_server

__all__ = ["InstructionRow", "measure", "render_markdown", "valgrind_missing"]

_ROOT = Path(__file__).resolve().parent.parent
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")
LIBRARY, FLOOR = "forwardemail_async", "aiohttp"


@dataclasses.dataclass(frozen=True)
class InstructionRow:
    """One client's instructions per unit for one job, and its ratio to the floor."""

    job: str
    client: str
    unit: str
    per_unit: float
    ratio: float | None = None


@dataclasses.dataclass(frozen=True)
class _Job:
    name: str
    workload: str
    unit: str
    small: int
    large: int
    concurrency: int
    library_concurrency: int | None = None  # max_concurrency of the library, if not the default


# Units per run (small, large): enough for the difference to dwarf the noise, small enough
# that valgrind (~50x slower) takes under a minute per run.
_JOBS = (
    _Job("create at 64 in flight", "create", "request", 300, 1500, 64),
    _Job("create at 64 in flight, max_concurrency=10", "create", "request", 300, 1500, 64, 10),
    _Job("create at 1 in flight", "create", "request", 100, 500, 1),
    _Job("list, pages of 1000", "list", "item", 5000, 25000, 1),
)
_TINY_JOBS = (_Job("create at 4 in flight", "create", "request", 4, 12, 4),)

_IMPORTS = {
    "aiohttp": "import aiohttp",
    "forwardemail_async": "import forwardemail_async",
    "forwardemail_async, first .aliases": (
        "import forwardemail_async\nforwardemail_async.ForwardEmail(api_key='k').aliases"
    ),
}


def valgrind_missing() -> str | None:
    """Why the instruction mode cannot run here, or ``None`` if it can."""
    if shutil.which("valgrind") is None:
        return "valgrind is not installed: instruction counts skipped (apt-get install valgrind)"
    return None


def _count(arguments: Sequence[str]) -> int:
    """The user-space instructions a fresh Python process running ``arguments`` executes."""
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        *arguments,
    ]
    env = {**os.environ, "PYTHONPATH": str(_ROOT), "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        command, cwd=_ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    found = _REFS.search(done.stderr)
    if done.returncode or found is None:
        raise RuntimeError(f"{' '.join(arguments)} failed under valgrind:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def _per_unit(url: str, client: str, job: _Job) -> float:
    def run(units: int) -> int:
        concurrency = str(job.library_concurrency or job.concurrency)
        arguments = ["-m", "benchmarks.instructions", client, job.workload, url, str(units)]
        return _count([*arguments, str(job.concurrency), f"--max-concurrency={concurrency}"])

    return (run(job.large) - run(job.small)) / (job.large - job.small)


def measure(clients: Sequence[str], *, tiny: bool = False) -> list[InstructionRow]:
    """Count every job for the library and the raw aiohttp loop, and the imports."""
    chosen = [name for name in (LIBRARY, FLOOR) if name in clients]
    rows: list[InstructionRow] = []
    floors: dict[tuple[str, int], float] = {}  # the raw loop's count, by workload and in flight
    with start_server(max_seconds=7200) as server:
        for job in _TINY_JOBS if tiny else _JOBS:
            counted = {
                name: _per_unit(server.url, name, job)
                for name in chosen
                if name == LIBRARY or job.library_concurrency is None
            }
            if FLOOR in counted:
                floors[job.workload, job.concurrency] = counted[FLOOR]
            floor = floors.get((job.workload, job.concurrency))
            print(f"instructions: {job.name}: {counted}", file=sys.stderr)
            for name, value in counted.items():
                ratio = value / floor if floor else None
                rows.append(InstructionRow(job.name, name, job.unit, value, ratio))
    if not tiny:
        rows += _imports()
    return rows


def _imports() -> list[InstructionRow]:
    """Instructions of each import statement beyond those of an empty interpreter."""
    empty = _count(["-c", "pass"])
    # The library's .pyc files, as installing it writes them (aiohttp's come from its wheel):
    # with PYTHONDONTWRITEBYTECODE set, every counted import would compile its source anew.
    compile_all = [sys.executable, "-m", "compileall", "-q", str(_ROOT / LIBRARY)]
    subprocess.run(compile_all, cwd=_ROOT, capture_output=True, timeout=900, check=True)
    counted = {name: _count(["-c", code]) - empty for name, code in _IMPORTS.items()}
    return [
        InstructionRow("import", name, "import", value, value / counted["aiohttp"])
        for name, value in counted.items()
    ]


def render_markdown(rows: Sequence[InstructionRow]) -> str:
    """The counts as one Markdown table."""
    lines = [
        "#### instructions (valgrind cachegrind, difference of a small and a large run)",
        "",
        "| job | client | instructions per unit | ÷ aiohttp |",
        "|---|---|---|---|",
    ]
    for row in rows:
        ratio = "-" if row.ratio is None else f"{row.ratio:.3f}"
        per = f"{row.per_unit:,.0f} per {row.unit}"
        lines.append(f"| {row.job} | {row.client} | {per} | {ratio} |")
    return "\n".join([*lines, ""])


async def _probe(
    client_name: str, workload: str, url: str, units: int, concurrency: int, limit: int
) -> None:
    """Warm one client up (connections, caches, generated code), then do ``units`` of work."""
    client = CLIENTS[client_name][0](url, limit)
    try:
        if workload == "create":
            await client.create("example.com", concurrency * 2, concurrency)
            await client.create("example.com", units, concurrency)
        else:
            await client.list(list_domain(2000), 1000, 1)
            await client.list(list_domain(units), 1000, 1)
    finally:
        await client.close()


def main() -> None:
    """The probe: one client, one job, no output (valgrind does the counting)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.instructions")
    parser.add_argument("client", choices=sorted(CLIENTS))
    parser.add_argument("workload", choices=("create", "list"))
    parser.add_argument("url")
    parser.add_argument("units", type=int)
    parser.add_argument("concurrency", type=int)
    parser.add_argument("--max-concurrency", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(
        _probe(
            args.client, args.workload, args.url, args.units, args.concurrency, args.max_concurrency
        )
    )


if __name__ == "__main__":
    main()
