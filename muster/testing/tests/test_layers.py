"""The testing app's modules import each other in one direction: no cycle, function-level imports counted.

Imports under `if TYPE_CHECKING:` do not run and are left out. Rules both the actions and the
selectors need live below both (permissions, parsing, audits).
"""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1]
PREFIX = "muster.testing"


def _modules() -> dict[str, Path]:
    out = {}
    for path in APP.rglob("*.py"):
        rel = path.relative_to(APP)
        if rel.parts[0] in ("tests", "migrations", "planning"):
            continue
        parts = rel.with_suffix("").parts
        name = ".".join((PREFIX, *parts[:-1])) if parts[-1] == "__init__" else ".".join((PREFIX, *parts))
        out[name] = path
    return out


def _imports(path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text())
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
               for n in ast.walk(node)}
    names = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return {n for n in names if n in known}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(node, path):
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt, path + [nxt])):
                return found
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node, [node])):
            return found
    return None


def test_no_import_cycle_among_testing_modules():
    modules = _modules()
    graph = {name: _imports(path, set(modules)) - {name} for name, path in modules.items()}
    # `from muster.testing import actions` names the app's package, whose __init__ is empty: the
    # edge that matters is the one to `muster.testing.actions`.
    graph = {name: deps - {PREFIX} for name, deps in graph.items()}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))
    assert not any(m.startswith("muster.testing.actions") for m in graph["muster.testing.selectors"])
