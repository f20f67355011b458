"""The benchmark suite (``benchmarks/``) still runs: every workload through every installed
client, with tiny sizes. Nothing here looks at a timing: the figures live in
``benchmarks/README.md``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import instructions
from benchmarks.clients import available_clients
from benchmarks.runner import TINY, WORKLOADS, render_markdown, run_suite, to_json
from benchmarks.server import start_server

ROOT = Path(__file__).resolve().parent.parent


def test_every_workload_runs_through_every_installed_client() -> None:
    clients = available_clients()
    assert {"forwardemail_async", "aiohttp", "httpx", "requests"} <= set(clients)

    rows = run_suite(TINY, WORKLOADS, clients)

    by_workload = {workload: [r for r in rows if r.workload == workload] for workload in WORKLOADS}
    assert {r.client for r in by_workload["create"]} == set(clients)
    assert {r.client for r in by_workload["list"]} == set(clients)
    for row in by_workload["create"]:
        assert row.count == TINY.creates
    for workload in ("list", "fanout"):
        for row in by_workload[workload]:
            assert row.count == TINY.list_items, row
    assert {r.client for r in by_workload["fanout"]} == {
        "aiohttp",
        "forwardemail_async",
        f"forwardemail_async concurrency={TINY.fanout_concurrency}",
    }
    for row in by_workload["memory"]:
        assert row.count == TINY.memory_items
        assert row.rss_growth_mb is not None and row.rss_growth_mb >= 0
    imported = {r.client for r in by_workload["import"]}
    assert {"aiohttp", "forwardemail_async", "forwardemail_async, first .aliases"} <= imported

    table = render_markdown(rows, TINY)
    for workload in WORKLOADS:
        assert f"#### {workload}" in table.replace("fan-out list", "fanout").replace(
            "import time", "import"
        )
    report = json.loads(json.dumps(to_json(rows, TINY)))
    assert len(report["rows"]) == len(rows)
    fanned = f"forwardemail_async concurrency={TINY.fanout_concurrency}"
    assert {t["name"]: t["value"] is not None for t in report["targets"]} == {
        "create: CPU per request vs aiohttp": True,
        "list: CPU per item (typed models) vs aiohttp JSON only": True,
        f"fan-out: wall at concurrency {TINY.fanout_concurrency} vs sequential aiohttp": True,
        "import forwardemail_async + first ForwardEmail(...).aliases vs import aiohttp": True,
        "memory: peak RSS growth, forwardemail_async": True,
        f"memory: peak RSS growth, {fanned}": True,
    }
    assert all(t["met"] in (True, False) for t in report["targets"])


def test_the_documented_command_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    command = [sys.executable, "-m", "benchmarks", "--tiny", "--only", "create"]
    command += ["--client", "forwardemail_async", "--client", "aiohttp", "--json", str(out)]

    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)

    assert result.returncode == 0, result.stderr
    assert "| forwardemail_async |" in result.stdout
    rows = json.loads(out.read_text())["rows"]
    assert [row["client"] for row in rows] == ["forwardemail_async", "aiohttp"]


def test_importing_the_package_loads_neither_the_client_nor_the_fake_server() -> None:
    probe = (
        "import sys, forwardemail_async as fe\n"
        "assert not any(m.startswith('forwardemail_async.testing') for m in sys.modules)\n"
        "assert 'forwardemail_async._client' not in sys.modules\n"
        "assert fe.ForwardEmail.__name__ == 'ForwardEmail'\n"
        "assert all(getattr(fe, name) is not None for name in fe.__all__)\n"
        "assert not any(m.startswith('forwardemail_async.testing') for m in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("workload", ["create", "list"])
def test_the_instruction_probe_runs_each_client(workload: str) -> None:
    # The probe is what valgrind runs; here it runs bare, with tiny sizes.
    with start_server() as server:
        for client in ("forwardemail_async", "aiohttp"):
            command = [sys.executable, "-m", "benchmarks.instructions", client, workload]
            command += [server.url, "3", "2", "--max-concurrency=2"]
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
            assert done.returncode == 0, done.stderr


def test_the_instruction_count_is_read_from_valgrind_or_skipped_with_a_reason() -> None:
    missing = instructions.valgrind_missing()
    if missing is not None:
        assert "valgrind is not installed" in missing
        pytest.skip(missing)
    assert instructions._count(["-c", "pass"]) > 1_000_000


def test_the_instruction_table() -> None:
    rows = [
        instructions.InstructionRow("create", "forwardemail_async", "request", 700_000.0, 1.1),
        instructions.InstructionRow("create", "aiohttp", "request", 636_363.6, 1.0),
    ]

    table = instructions.render_markdown(rows)

    assert "| create | forwardemail_async | 700,000 per request | 1.100 |" in table
