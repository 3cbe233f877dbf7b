"""The house rules of GUIDE.md §4, checked on the source so that a new app cannot quietly break them.

- no import cycle between modules, counting imports inside functions (they only hide a cycle);
- `core` imports no other Muster app;
- views and API endpoints call selectors and actions: no `Model.objects`, no audit records,
  no transactions there;
- audit action names come from each app's `Audit` enum, never a string typed at the call;
- refusals are the domain's errors (`Forbidden`, `NotFound`, …), not Django's `PermissionDenied`/`Http404`;
- the environment is read in `settings.py` only;
- no module a reader cannot hold (past ~600 lines it becomes a package).

Engines' purity (no Django) has its own test, `test_engines_pure.py`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "muster"
MAX_LINES = 650


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        name = ".".join(rel.with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(name: str, path: Path) -> set[str]:
    """Muster modules `name` imports anywhere in its body, except under `if TYPE_CHECKING:`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            # `from package import module` depends on that module only (the package's `__init__`
            # runs first in any case, as for every import of a submodule); other names come from
            # the package itself.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            targets = []
        for target in targets:
            # `import muster.x.y` names x.y; `from muster.x import y` may name a module or an attribute.
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name and target != "muster":
                found.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules():
    assert _cycles(GRAPH) == [], "modules that import each other (directly or round a loop)"


def test_core_imports_no_other_app():
    outside = {f"{name} -> {target}" for name, targets in GRAPH.items() if name.startswith("muster.core")
               for target in targets if not target.startswith("muster.core")}
    assert outside == set()


def _boundary_modules() -> list[str]:
    return [name for name in MODULES if name == "muster.api" or name.endswith((".views", ".api"))
            or ".views." in name]


def _offences(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            out.append(f"{path.relative_to(root)}:{node.lineno} uses .objects")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
                (node.value.id == "audit" and node.attr == "record") or node.value.id == "transaction"):
            out.append(f"{path.relative_to(root)}:{node.lineno} uses {node.value.id}.{node.attr}")
    return sorted(out, key=lambda o: int(o.split(":")[1].split()[0]))


def test_views_and_api_call_selectors_and_actions_only():
    offences = [o for name in _boundary_modules() for o in _offences(MODULES[name])]
    assert offences == []


def test_boundary_check_catches_orm_in_a_view(tmp_path):
    view = tmp_path / "views.py"
    view.write_text("def page(request):\n    with transaction.atomic():\n        return Need.objects.all()\n")
    assert _offences(view, tmp_path) == ["views.py:2 uses transaction.atomic", "views.py:3 uses .objects"]


# The API's handlers translate Django's own Http404 (raised by ninja itself) into a problem.
DJANGO_ERRORS_ALLOWED = {"muster.core.api"}


def test_refusals_are_domain_errors():
    names = {"PermissionDenied", "Http404", "get_object_or_404", "get_list_or_404"}
    hits = [f"{path.relative_to(ROOT)}:{node.lineno} {node.id}" for name, path in MODULES.items()
            if name not in DJANGO_ERRORS_ALLOWED
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Name) and node.id in names]
    assert hits == []


def _literal_audit_actions(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit"):
            continue
        for kw in node.keywords:
            if kw.arg == "action" and _typed_string(kw.value):
                out.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return out


def _typed_string(expr: ast.expr) -> bool:
    """Whether the expression's value may be a string written at the call ("a.b", f"{x}.export", … if … else "c")."""
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, str)
    if isinstance(expr, ast.JoinedStr):
        return True
    if isinstance(expr, ast.IfExp):
        return _typed_string(expr.body) or _typed_string(expr.orelse)
    if isinstance(expr, ast.BinOp):
        return _typed_string(expr.left) or _typed_string(expr.right)
    return False


def test_the_audit_check_reads_values_not_conditions():
    call = ast.parse('audit.record(action=Audit.IN if verb == "in" else Audit.OUT)').body[0].value
    assert not _typed_string(call.keywords[0].value)
    for src in ('"need.close"', 'f"{what}.export"', 'Audit.A if x else "b"', '"need." + verb'):
        assert _typed_string(ast.parse(src, mode="eval").body), src


def test_audit_action_names_come_from_the_apps_enum():
    assert [hit for path in MODULES.values() for hit in _literal_audit_actions(path)] == []


def _environment_reads(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv"} and isinstance(node.value, ast.Name) \
                and node.value.id == "os":
            out.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return out


# The command line sets the environment up for Django before settings exist; the WSGI entry names the settings.
ENVIRONMENT_ALLOWED = {"muster.settings", "muster.cli", "muster.wsgi", "muster.testenv"}


def test_the_environment_is_read_in_settings_only():
    assert [hit for name, path in MODULES.items() if name not in ENVIRONMENT_ALLOWED
            for hit in _environment_reads(path)] == []


def test_no_module_past_the_size_a_reader_can_hold():
    sizes = {name: path.read_text(encoding="utf-8").count("\n") for name, path in MODULES.items()}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}, "split these by subject into packages"
