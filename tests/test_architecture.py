"""The shape of the package: no import cycles, a light start-up, the library API as documented.

The import graph is built from the source (every ``import`` statement, including those inside
functions, which is where cycles hide; imports under ``if TYPE_CHECKING:`` are for the type
checker only and left out). ``from . import x`` where ``x`` is a module is an edge to ``x``
only, as Python needs nothing else of the package's ``__init__`` once it is loaded.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SEED

PACKAGE = ROOT / "xlsxperf"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}

    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]

        def edges(node: ast.AST, name: str = name, package: str = package) -> None:
            if isinstance(node, ast.If) and _type_checking(node.test):
                for child in node.orelse:
                    edges(child)
                return
            if isinstance(node, ast.Import):
                graph[name].update(a.name for a in node.names if a.name in modules)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules]
                graph[name].update(subs)
                if len(subs) < len(node.names) and target in modules:
                    graph[name].add(target)
            for child in ast.iter_child_nodes(node):
                edges(child)

        edges(ast.parse(path.read_text(encoding="utf-8")))
        graph[name].discard(name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_package_has_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_lower_layers_never_import_upper_ones() -> None:
    """The pipeline flows one way: schema and model at the bottom, cli at the top."""
    graph = import_graph()
    below_rules = {"xlsxperf.schema", "xlsxperf.model", "xlsxperf.values", "xlsxperf.config",
                   "xlsxperf.scoring", "xlsxperf.metrics", "xlsxperf.calc", "xlsxperf.context",
                   "xlsxperf.files", "xlsxperf.messages"}

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for w in graph[todo.pop()]:
                if w not in seen:
                    seen.add(w)
                    todo.append(w)
        return seen

    for low in below_rules:
        upper = {m for m in reach(low) if m.startswith(("xlsxperf.rules", "xlsxperf.read",
                                                        "xlsxperf.report", "xlsxperf.cli",
                                                        "xlsxperf.evaluation", "xlsxperf.batch"))}
        assert upper == set(), (low, upper)


def test_library_api_evaluates_a_path_without_importing_the_cli() -> None:
    code = ("import sys, xlsxperf; ev = xlsxperf.evaluate(sys.argv[1]); "
            "print(ev.status, ev.metrics['income.total'], len(ev.findings) > 0, "
            "len(ev.projects), len(ev.indicators), 'click' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(SEED)], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[:3] == ["ok", "414.31", "True"]
    assert int(out[3]) > 0 and int(out[4]) > 0
    assert out[5] == "False"


def test_import_xlsxperf_is_light() -> None:
    code = ("import sys, xlsxperf; print(sorted(m for m in ('openpyxl', 'xlsxwriter', 'click', "
            "'xlrd', 'defusedxml', 'xlsxperf.rules') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
