"""The workloads, how each is measured, the targets, and the table and JSON reports.

Every figure is taken in this process (the client side) while the canned server runs in its
own process: wall time with ``time.perf_counter``, client CPU with ``time.process_time`` (all
threads of this process, so the ``requests`` thread pool is counted), and the server's CPU
from ``/proc`` to show it was not the bottleneck. Clients are interleaved within each repeat
and the median repeat is kept, so slow drift of the machine hits all of them alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from .clients import CLIENTS, BenchClient, available_clients
from .server import BenchServer, list_domain, start_server

__all__ = [
    "DEFAULT",
    "TINY",
    "WORKLOADS",
    "Row",
    "Sizes",
    "Target",
    "check_targets",
    "machine",
    "render_markdown",
    "run_suite",
    "to_json",
]

_ROOT = Path(__file__).resolve().parent.parent
LIBRARY = "forwardemail_async"
FLOOR = "aiohttp"
# Only the clients the targets compare are repeated; httpx and requests run once (httpx alone
# takes ~15 s for the 3,000 creates).
_REPEATED = frozenset({LIBRARY, FLOOR, "aiohttp+orjson"})
FIRST_SERVICE = f"{LIBRARY}, first .aliases"
"""The import row that counts: the package, a client, and its first service (the package alone
loads names on first use, so it costs almost nothing and says little)."""
WORKLOADS = ("create", "list", "fanout", "memory", "import")
"""Workloads in run order. The bulk-under-a-rate-limit workload is ``benchmarks/bulk_create.py``
(see the README); it runs on its own against the fake server's rate limiter."""


@dataclasses.dataclass(frozen=True)
class Sizes:
    """How much work each workload does; :data:`DEFAULT` is the issue's, :data:`TINY` the
    smoke test's."""

    creates: int = 3000
    create_concurrency: int = 64
    list_items: int = 50_000
    page_size: int = 1000
    fanout_delay_ms: int = 50
    fanout_concurrency: int = 4
    memory_items: int = 200_000
    import_samples: int = 11
    repeats: int = 7


DEFAULT = Sizes()
TINY = Sizes(
    creates=12,
    create_concurrency=4,
    list_items=25,
    page_size=10,
    fanout_delay_ms=1,
    fanout_concurrency=2,
    memory_items=30,
    import_samples=1,
    repeats=1,
)


@dataclasses.dataclass(frozen=True)
class Row:
    """One client's figures for one workload."""

    workload: str
    client: str
    count: int
    unit: str
    wall_s: float
    cpu_s: float
    server_cpu_s: float | None = None
    rss_growth_mb: float | None = None

    @property
    def cpu_per_unit_us(self) -> float:
        """Client CPU per request, item or import, in microseconds."""
        return self.cpu_s / max(self.count, 1) * 1e6


def _median_row(rows: Sequence[Row], key: str = "cpu_s") -> Row:
    """The repeat with the median ``key`` (by default CPU time; its wall time comes with it)."""
    ordered = sorted(rows, key=lambda row: float(getattr(row, key)))
    return ordered[(len(ordered) - 1) // 2]


async def _measure(
    server: BenchServer, workload: str, client: str, unit: str, job: Callable[[], Awaitable[int]]
) -> Row:
    gc.collect()
    server_cpu = server.cpu_seconds()
    cpu, wall = time.process_time(), time.perf_counter()
    count = await job()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    server_after = server.cpu_seconds()
    used = None if server_cpu is None or server_after is None else server_after - server_cpu
    return Row(workload, client, count, unit, wall, cpu, server_cpu_s=used)


async def _network_workloads(
    server: BenchServer, sizes: Sizes, workloads: Sequence[str], clients: Sequence[str]
) -> list[Row]:
    """create, list and fan-out: every client open at once, interleaved within each repeat."""
    concurrency = sizes.create_concurrency
    opened: dict[str, BenchClient] = {}
    rows: list[Row] = []
    try:
        for name in clients:
            opened[name] = CLIENTS[name][0](server.url, concurrency)
        if "create" in workloads:
            rows += await _create(server, sizes, opened)
        if "list" in workloads:
            rows += await _list(server, sizes, opened)
        if "fanout" in workloads:
            rows += await _fanout(server, sizes, opened)
    finally:
        for client in opened.values():
            await client.close()
    return rows


async def _repeated(
    server: BenchServer,
    sizes: Sizes,
    clients: dict[str, BenchClient],
    workload: str,
    unit: str,
    warm_up: Callable[[BenchClient], Awaitable[object]],
    bind: Callable[[BenchClient], Callable[[], Awaitable[int]]],
) -> list[Row]:
    """Warm every client up (connections, caches), then measure ``sizes.repeats`` rounds
    (clients interleaved; only those in ``_REPEATED`` after the first) and keep the median."""
    for client in clients.values():
        await warm_up(client)
    runs: dict[str, list[Row]] = {name: [] for name in clients}
    for repeat in range(sizes.repeats):
        for name, client in clients.items():
            if repeat and name not in _REPEATED:
                continue
            runs[name].append(await _measure(server, workload, name, unit, bind(client)))
    return [_median_row(found) for found in runs.values()]


async def _create(server: BenchServer, sizes: Sizes, clients: dict[str, BenchClient]) -> list[Row]:
    domain, concurrency = "example.com", sizes.create_concurrency
    return await _repeated(
        server,
        sizes,
        clients,
        "create",
        "request",
        lambda client: client.create(domain, min(sizes.creates, concurrency * 2), concurrency),
        lambda client: _bind_create(client, domain, sizes.creates, concurrency),
    )


def _bind_create(
    client: BenchClient, domain: str, count: int, concurrency: int
) -> Callable[[], Awaitable[int]]:
    return lambda: client.create(domain, count, concurrency)


def _bind_list(
    client: BenchClient, domain: str, page_size: int, concurrency: int
) -> Callable[[], Awaitable[int]]:
    return lambda: client.list(domain, page_size, concurrency)


async def _list(server: BenchServer, sizes: Sizes, clients: dict[str, BenchClient]) -> list[Row]:
    domain = list_domain(sizes.list_items)
    return await _repeated(
        server,
        sizes,
        clients,
        "list",
        "item",
        lambda client: client.list(list_domain(sizes.page_size), sizes.page_size, 1),
        lambda client: _bind_list(client, domain, sizes.page_size, 1),
    )


def _label(name: str, concurrency: int) -> str:
    """The client column of a row: the client, with its concurrency unless that is 1."""
    return name if concurrency == 1 else f"{name} concurrency={concurrency}"


async def _fanout(server: BenchServer, sizes: Sizes, clients: dict[str, BenchClient]) -> list[Row]:
    """The sequential loops against this library's concurrent page fetching, once each: the
    wall time is the server's latency, which does not drift."""
    domain = list_domain(sizes.list_items, sizes.fanout_delay_ms)
    rows = []
    plans = [(name, 1) for name in clients if name in (FLOOR, LIBRARY)]
    if LIBRARY in clients:
        plans.append((LIBRARY, sizes.fanout_concurrency))
    for name, concurrency in plans:
        job = _bind_list(clients[name], domain, sizes.page_size, concurrency)
        rows.append(await _measure(server, "fanout", _label(name, concurrency), "item", job))
    return rows


def _memory(server: BenchServer, sizes: Sizes, clients: Sequence[str]) -> list[Row]:
    """Each client streams the long list in a fresh process (see :mod:`benchmarks.memory`)."""
    plans = [(name, 1) for name in clients if name != "aiohttp+orjson"]
    if LIBRARY in clients:
        plans.append((LIBRARY, sizes.fanout_concurrency))
    rows = []
    for name, concurrency in plans:
        command = [
            sys.executable,
            "-m",
            "benchmarks.memory",
            name,
            server.url,
            str(sizes.memory_items),
            f"--page-size={sizes.page_size}",
            f"--concurrency={concurrency}",
        ]
        output = subprocess.run(
            command, cwd=_ROOT, check=True, capture_output=True, text=True, timeout=300
        ).stdout
        result = json.loads(output)
        rows.append(
            Row(
                "memory",
                _label(name, concurrency),
                int(result["items"]),
                "item",
                result["wall_s"],
                result["cpu_s"],
                rss_growth_mb=result["rss_growth_mb"],
            )
        )
    return rows


_IMPORT_PROBE = (
    "import time\n"
    "wall, cpu = time.perf_counter(), time.process_time()\n"
    "{statement}\n"
    "print(time.perf_counter() - wall, time.process_time() - cpu)\n"
)


def _import_statements(clients: Sequence[str]) -> dict[str, str]:
    statements = {
        "aiohttp": "import aiohttp",
        LIBRARY: "import forwardemail_async",
        FIRST_SERVICE: (
            "import forwardemail_async\nforwardemail_async.ForwardEmail(api_key='k').aliases"
        ),
    }
    for name in ("httpx", "requests"):
        if name in clients:
            statements[name] = f"import {name}"
    return statements


def _imports(sizes: Sizes, clients: Sequence[str]) -> list[Row]:
    """Fresh interpreters, interleaved; the median sample of each statement is kept."""
    statements = _import_statements(clients)
    samples: dict[str, list[Row]] = {name: [] for name in statements}
    # The first round writes the bytecode caches, as installing a package does, even where
    # PYTHONDONTWRITEBYTECODE is set: otherwise every round would compile this library's source.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(_ROOT)
    for sample in range(sizes.import_samples + 1):
        for name, statement in statements.items():
            probe = _IMPORT_PROBE.format(statement=statement)
            output = subprocess.run(
                [sys.executable, "-c", probe],
                cwd=_ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout
            wall, cpu = (float(value) for value in output.split())
            if sample:  # the first round only writes the bytecode caches
                samples[name].append(Row("import", name, 1, "import", wall, cpu))
    return [_median_row(found, "wall_s") for found in samples.values()]


def run_suite(
    sizes: Sizes = DEFAULT,
    workloads: Sequence[str] = WORKLOADS,
    clients: Sequence[str] | None = None,
) -> list[Row]:
    """Start the server, run the chosen workloads through the chosen (installed) clients."""
    chosen = list(clients) if clients is not None else available_clients()
    rows: list[Row] = []
    if {"create", "list", "fanout", "memory"} & set(workloads):
        with start_server() as server:
            if {"create", "list", "fanout"} & set(workloads):
                rows += asyncio.run(_network_workloads(server, sizes, workloads, chosen))
            if "memory" in workloads:
                rows += _memory(server, sizes, chosen)
    if "import" in workloads:
        rows += _imports(sizes, chosen)
    return rows


# Targets -----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Target:
    """One target of the issue, and whether this run met it."""

    name: str
    limit: str
    value: float | None
    met: bool | None


def _find(rows: Sequence[Row], workload: str, client: str) -> Row | None:
    return next((r for r in rows if r.workload == workload and r.client == client), None)


def _ratio(rows: Sequence[Row], workload: str, client: str, floor: str, attr: str) -> float | None:
    mine, base = _find(rows, workload, client), _find(rows, workload, floor)
    if mine is None or base is None:
        return None
    base_value = getattr(base, attr)
    return getattr(mine, attr) / base_value if base_value else None


def check_targets(rows: Sequence[Row], sizes: Sizes) -> list[Target]:
    """The issue's targets, evaluated on this run's rows (``None`` when not measured)."""
    fanned = f"{LIBRARY} concurrency={sizes.fanout_concurrency}"
    checks: list[tuple[str, str, float | None, float, bool]] = [
        (
            "create: CPU per request vs aiohttp",
            "<= 1.20x",
            _ratio(rows, "create", LIBRARY, FLOOR, "cpu_per_unit_us"),
            1.2,
            True,
        ),
        (
            "list: CPU per item (typed models) vs aiohttp JSON only",
            "<= 1.30x",
            _ratio(rows, "list", LIBRARY, FLOOR, "cpu_per_unit_us"),
            1.3,
            True,
        ),
        (
            f"fan-out: wall at concurrency {sizes.fanout_concurrency} vs sequential aiohttp",
            "<= 0.35x",
            _ratio(rows, "fanout", fanned, FLOOR, "wall_s"),
            0.35,
            True,
        ),
        (
            "import forwardemail_async + first ForwardEmail(...).aliases vs import aiohttp",
            "<= 1.30x",
            _ratio(rows, "import", FIRST_SERVICE, FLOOR, "wall_s"),
            1.3,
            True,
        ),
    ]
    for label in (LIBRARY, fanned):
        row = _find(rows, "memory", label)
        value = row.rss_growth_mb if row is not None else None
        checks.append((f"memory: peak RSS growth, {label}", "< 60 MB", value, 60.0, False))
    targets = []
    for name, limit, value, bound, inclusive in checks:
        met = None if value is None else (value <= bound if inclusive else value < bound)
        targets.append(Target(name, limit, value, met))
    return targets


# Reports -----------------------------------------------------------------------------------------


def _versions() -> dict[str, str]:
    found = {}
    for name in ("aiohttp", "httpx", "requests", "orjson", "attrs", "cattrs", "yarl"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    return found


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "versions": _versions(),
    }


def to_json(rows: Sequence[Row], sizes: Sizes) -> dict[str, Any]:
    """Everything a run measured, JSON-ready, ratios included."""
    return {
        "machine": machine(),
        "sizes": dataclasses.asdict(sizes),
        "rows": [
            {
                **dataclasses.asdict(row),
                "cpu_per_unit_us": row.cpu_per_unit_us,
                "wall_vs_aiohttp": _ratio(rows, row.workload, row.client, FLOOR, "wall_s"),
                "cpu_per_unit_vs_aiohttp": _ratio(
                    rows, row.workload, row.client, FLOOR, "cpu_per_unit_us"
                ),
            }
            for row in rows
        ],
        "targets": [dataclasses.asdict(target) for target in check_targets(rows, sizes)],
    }


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


_TITLES = {
    "create": "create: {creates} alias creates at concurrency {create_concurrency}",
    "list": "list: {list_items} aliases in pages of {page_size}",
    "fanout": "fan-out list: {list_items} aliases, {fanout_delay_ms} ms of server latency per page",
    "memory": "memory: streaming {memory_items} aliases",
    "import": "import time: median of {import_samples} fresh interpreters",
}


def render_markdown(rows: Sequence[Row], sizes: Sizes) -> str:
    """The results as Markdown tables, one per workload, then the targets."""
    lines: list[str] = []
    for workload in WORKLOADS:
        found = [row for row in rows if row.workload == workload]
        if not found:
            continue
        title = _TITLES[workload].format(**dataclasses.asdict(sizes))
        lines += [f"#### {title}", ""]
        unit = found[0].unit
        scale, per = (1e-3, "ms") if unit == "import" else (1.0, "µs")
        header = [
            "client",
            "wall s",
            "CPU s",
            f"CPU/{unit} {per}",
            "wall ÷ aiohttp",
            f"CPU/{unit} ÷ aiohttp",
        ]
        with_server = workload in ("create", "list", "fanout")
        if with_server:
            header.append("server CPU s")
        if workload == "memory":
            header.append("peak RSS growth MB")
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for row in found:
            cells = [
                row.client,
                _fmt(row.wall_s, 3),
                _fmt(row.cpu_s, 3),
                _fmt(row.cpu_per_unit_us * scale, 1),
                _fmt(_ratio(rows, workload, row.client, FLOOR, "wall_s")),
                _fmt(_ratio(rows, workload, row.client, FLOOR, "cpu_per_unit_us")),
            ]
            if with_server:
                cells.append(_fmt(row.server_cpu_s, 3))
            if workload == "memory":
                cells.append(_fmt(row.rss_growth_mb, 1))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    targets = check_targets(rows, sizes)
    if any(target.value is not None for target in targets):
        lines += ["#### targets", "", "| target | limit | this run | met |", "|---|---|---|---|"]
        for target in targets:
            if target.value is None:
                continue
            met = "yes" if target.met else "NO"
            lines.append(f"| {target.name} | {target.limit} | {_fmt(target.value)} | {met} |")
        lines.append("")
    return "\n".join(lines)
