"""The documentation: its examples are collected as tests, its few skips name the real API as
their reason, and the site builds with ``mkdocs build --strict``."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import forwardemail_async as fe

from .docs_harness import DOCUMENTS, ROOT, documents

PAGES = sorted(path for pattern in DOCUMENTS for path in ROOT.glob(pattern))
SKIP = re.compile(r"<!--\s*skip:\s*(?P<rest>.*?)\s*-->", re.DOTALL)
FENCE = re.compile(r"^```(?P<info>\S*)", re.MULTILINE)


def test_every_page_with_python_blocks_has_collected_examples() -> None:
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        fenced = sum(m["info"] == "python" for m in FENCE.finditer(text))
        examples = list(documents.parse(page).examples())
        assert len(examples) >= fenced, page


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_blocks_are_fenced_so_they_run(page: Path) -> None:
    """A ```py or ```python3 block would be shown highlighted but never run."""
    infos = {m["info"] for m in FENCE.finditer(page.read_text(encoding="utf-8"))}
    assert not infos & {"py", "python3", "pycon", "Python", "ipython"}, infos


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_real_api_is_a_reason_to_skip(page: Path) -> None:
    for match in SKIP.finditer(page.read_text(encoding="utf-8")):
        assert re.fullmatch(r'next "requires the real API: [^"]+"', match["rest"]), match[0]


def test_every_page_is_in_the_site_navigation() -> None:
    navigation = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted((ROOT / "docs").rglob("*.md"))
    missing = [
        p for p in pages if f" {p.relative_to(ROOT / 'docs').as_posix()}\n" not in navigation
    ]
    assert missing == []


@pytest.mark.timeout(600)
def test_mkdocs_build_strict(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    client = (tmp_path / "reference" / "client" / "index.html").read_text(encoding="utf-8")
    assert "max_response_size" in client and "BASE_URL" in client
    for page in (tmp_path / "reference").rglob("*.html"):  # Sphinx roles became code spans
        assert not re.search(r":(class|meth|func|attr|mod|exc):", page.read_text("utf-8")), page


def test_getting_started_shows_every_client_option() -> None:
    """The signature block of docs/getting-started.md lists each parameter of the client,
    with its real default, so the page cannot fall behind ``ForwardEmail.__init__``."""
    page = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    block = page[
        page.index("fe.ForwardEmail(\n") : page.index("\n)\n", page.index("fe.ForwardEmail(\n"))
    ]
    shown = dict(re.findall(r"^    (\w+)=(.+?),", block, re.MULTILINE))
    parameters = inspect.signature(fe.ForwardEmail).parameters
    assert list(shown) == list(parameters)
    namespace = {"fe": fe}
    for name, parameter in parameters.items():
        default = eval(shown[name], namespace)
        if not isinstance(default, fe.RetryPolicy):  # shown as RetryPolicy(), defaulted from None
            assert default == parameter.default, name
