"""The package's import graph: no circle anywhere, and every module imports on its own.

The graph is read from the source (every ``import``, including those under
``TYPE_CHECKING`` and inside functions), so a circle hidden behind a type-hint import or a
deferred import counts too.
"""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
import textwrap
from pathlib import Path

import forwardemail_async

PACKAGE = "forwardemail_async"
ROOT = Path(forwardemail_async.__file__).parent


def _modules() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports, wherever in the file the import is."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], *filter(None, [base])])
            # `from . import x` imports the submodule x; `from .m import f` imports m.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            # `import a.b.c` runs a, a.b and a.b.c: the deepest module of the package counts.
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target.startswith(PACKAGE) and target != name:
                found.add(target)
    return found


@functools.cache
def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    return circles


def test_the_graph_sees_type_checking_and_function_level_imports() -> None:
    graph = _graph()
    # Imported only under TYPE_CHECKING in the package's __init__ (the rest is lazy).
    assert f"{PACKAGE}._client" in graph[PACKAGE]
    # Inside a function: the CLI's fake-server command loads the fake only when it runs.
    assert any(target.startswith(f"{PACKAGE}.testing") for target in graph[f"{PACKAGE}.cli._fake"])
    # Several modules in one `from . import a, b`.
    assert {f"{PACKAGE}.testing._account", f"{PACKAGE}.testing._teams"} <= graph[
        f"{PACKAGE}.testing._app"
    ]
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_the_fake_server_has_no_import_circle() -> None:
    testing = f"{PACKAGE}.testing"
    graph = {
        name: {target for target in targets if target.startswith(testing)}
        for name, targets in _graph().items()
        if name.startswith(testing)
    }
    assert _circles(graph) == []


def test_the_package_has_no_import_circle() -> None:
    assert _circles(_graph()) == []


def test_every_module_imports_on_its_own() -> None:
    # The package's modules are forgotten before each import, so each module must import
    # from a cold start. Importing P.X cold runs the __init__ of every package above it
    # first, so when P's __init__ has loaded P.X, importing P.X cold is importing P cold:
    # those modules are covered by P's own run and not imported again.
    script = textwrap.dedent(
        """
        import importlib, sys, traceback
        covered, failures = set(), []
        for name in sys.argv[1:]:  # a package before its modules
            if name in covered:
                continue
            for loaded in [m for m in sys.modules if m.split(".")[0] == "forwardemail_async"]:
                del sys.modules[loaded]
            try:
                importlib.import_module(name)
            except Exception:
                failures.append(name + ": " + traceback.format_exc(limit=-3))
                continue
            covered.add(name)
            if hasattr(sys.modules[name], "__path__"):  # a package
                covered.update(m for m in sys.modules if m.startswith(name + "."))
        print("\\n".join(failures))
        """
    )
    # A __main__ module runs its program when imported; the graph tests cover its imports.
    modules = {name: path for name, path in _modules().items() if not name.endswith(".__main__")}
    # Two interpreters side by side, each given whole subpackages so the covering works.
    halves: tuple[list[str], list[str]] = ([], [])
    for index, group in enumerate(sorted({name.split(".")[1] for name in modules if "." in name})):
        halves[index % 2].extend(name for name in modules if name.split(".")[1:2] == [group])
    halves[0].append(PACKAGE)
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, *sorted(half)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for half in halves
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outputs]
    assert [out.strip() for out, _ in outputs] == ["", ""]
    assert sorted(halves[0] + halves[1]) == sorted(modules)
    assert len(modules) > 100  # the walk found the package
