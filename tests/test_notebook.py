"""examples/quickstart.ipynb, executed cell by cell in a real Jupyter kernel.

The notebook must run without an error or any output on stderr (a leak warning, a tqdm
fallback warning), show the rich HTML of a user, a domain, a page and a bulk summary, and draw
the bulk progress bar as a widget. The cell that makes the client is run a second time, as a
user re-running it would, and then everything unreachable is collected: aiohttp must have no
unclosed session or connector to report.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK = Path(__file__).parent.parent / "examples" / "quickstart.ipynb"
KERNEL = "forwardemail-async-tests"

# Run after the client cell's second run: collect the replaced client now rather than at some
# later collection, and let the loop run the callbacks that brings.
COLLECT = """\
import asyncio, gc
gc.collect()
for _ in range(10):
    await asyncio.sleep(0)
"""


def _tagged(notebook: Any, tag: str) -> int:
    return next(i for i, cell in enumerate(notebook.cells) if tag in cell.metadata.get("tags", []))


def _texts(outputs: list[Any], kind: str) -> list[str]:
    return [
        output["data"][kind]
        for output in outputs
        if output["output_type"] in ("display_data", "execute_result") and kind in output["data"]
    ]


def _stderr(outputs: list[Any]) -> str:
    return "".join(
        output["text"]
        for output in outputs
        if output["output_type"] == "stream" and output["name"] == "stderr"
    )


@pytest.mark.timeout(600)
def test_the_quickstart_notebook_runs_in_a_kernel_with_rich_output_and_no_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # A kernel of this very interpreter, whatever "python3" kernels the machine has.
    spec = tmp_path / "share" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": KERNEL, "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share"))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client_cell = _tagged(notebook, "client")
    cleanup_cell = _tagged(notebook, "cleanup")
    collect = nbformat.v4.new_code_cell(COLLECT)
    runner = nbclient.NotebookClient(
        notebook,
        kernel_name=KERNEL,
        timeout=300,  # per cell; a loaded machine is slow, not wrong
        startup_timeout=300,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    first_run_outputs: list[Any] = []
    with runner.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if index == cleanup_cell:  # nbclient files the extra cell under this index
                runner.execute_cell(collect, index)
            runner.execute_cell(cell, index)
            if index == client_cell:
                first_run_outputs = list(cell.outputs)
                runner.execute_cell(cell, index)  # the user runs the cell again

    outputs = [
        output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
    ]
    outputs += first_run_outputs + list(collect.outputs)
    assert [o for o in outputs if o["output_type"] == "error"] == []
    assert _stderr(outputs) == ""
    html = "\n".join(_texts(outputs, "text/html"))
    assert html.count("<strong>User</strong>") == 2  # both runs of the client cell
    assert "<strong>Domain</strong>" in html and ">example.com<" in html
    assert "<strong>Page 1 of 2</strong>: 2 items here, 4 items in all" in html
    assert "<strong>Bulk create</strong>: ok, 200 items" in html
    assert ">created<" in html and ">200<" in html
    assert "<strong>Alias</strong>" in html and ">user007<" in html
    bulk = notebook.cells[_tagged(notebook, "bulk")]
    assert _texts(bulk.outputs, "application/vnd.jupyter.widget-view+json")  # the tqdm widget
    printed = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert "sales ['team@example.net']" in printed
    assert "Unclosed" not in printed
    kernel_stderr = capfd.readouterr().err  # the kernel's own stderr, shutdown included
    assert "Unclosed" not in kernel_stderr and "Traceback" not in kernel_stderr, kernel_stderr
