"""Every Python block of docs/webhooks.md runs as written (top-level ``await`` allowed), each
in a fresh namespace; a block after ``<!-- requires: real-api -->`` is skipped."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "webhooks.md"
_BLOCK = re.compile(r"(<!-- requires: real-api -->\s*)?```python\n(.*?)```", re.DOTALL)


def blocks() -> list[tuple[int, str]]:
    text = DOC.read_text()
    return [
        (text.count("\n", 0, match.start(2)) + 1, match.group(2))
        for match in _BLOCK.finditer(text)
        if not match.group(1)
    ]


def test_the_page_has_blocks() -> None:
    assert len(blocks()) >= 6


@pytest.mark.parametrize(("line", "source"), blocks(), ids=[f"line-{n}" for n, _ in blocks()])
async def test_docs_block_runs(line: int, source: str) -> None:
    code = compile(
        "\n" * (line - 1) + source, str(DOC), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    )
    result = eval(code, {"__name__": "docs_webhooks"})
    if inspect.iscoroutine(result):
        await result
