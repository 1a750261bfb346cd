"""Tests that keep the house in order: computed with `ast` over src/netlint.

No module over 400 lines, no function over 60, and no import cycle between
netlint's modules: imports inside functions count too, those under
`if TYPE_CHECKING:` (never run) do not, and `import a.b` counts a.b, not the
package a it also runs. The generated loader/model_validator.py is left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "netlint"
GENERATED = {"netlint.loader.model_validator"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _module_name(file: Path) -> str:
    parts = file.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    found = {_module_name(file): file for file in sorted(PACKAGE.rglob("*.py"))}
    return {name: file for name, file in found.items() if name not in GENERATED}


MODULES = _modules()
TREES = {name: ast.parse(file.read_text(encoding="utf-8"), str(file))
         for name, file in MODULES.items()}


def _where(name: str) -> str:
    return str(MODULES[name].relative_to(PACKAGE.parent.parent))


def test_the_walk_finds_the_package():
    assert "netlint" in MODULES and "netlint.api" in MODULES, sorted(MODULES)


def test_no_module_is_over_400_lines():
    long = [f"{_where(name)}: {len(MODULES[name].read_text(encoding='utf-8').splitlines())} "
            "lines" for name in MODULES
            if len(MODULES[name].read_text(encoding="utf-8").splitlines()) > MAX_MODULE_LINES]
    assert not long, f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(long)


def test_no_function_is_over_60_lines():
    long = []
    for name, tree in TREES.items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{_where(name)}:{node.lineno} {node.name}(): {length} lines")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)


def _resolve_from(module: str, node: ast.ImportFrom) -> str:
    """The absolute module an `from ... import` names (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _imports(module: str) -> set[str]:
    """The netlint modules `module` imports, anywhere in it (functions included); a
    `from netlint.x import y` counts netlint.x.y when that is a module, else netlint.x."""
    targets = set()
    for node in _run_nodes(TREES[module]):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_from(module, node)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in MODULES else base)
    return {target for target in targets if target in MODULES and target != module}


def _run_nodes(tree: ast.AST):
    """Every node of `tree` but those under `if TYPE_CHECKING:`."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                todo.extend(child.orelse)
            else:
                todo.append(child)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_graph() -> dict[str, set[str]]:
    return {module: _imports(module) for module in MODULES}


def find_cycle(graph: dict[str, set[str]], within: set[str] | None = None) -> list[str] | None:
    """One cycle (among the modules `within`, all by default), as a path that ends where it
    starts; None when there is none."""
    nodes = set(graph) if within is None else within
    state: dict[str, int] = {}  # 1 on the path, 2 done
    for start in sorted(nodes):
        if state.get(start):
            continue
        path, stack = [start], [iter(sorted(graph[start] & nodes))]
        state[start] = 1
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(step) == 1:
                return path[path.index(step):] + [step]
            elif not state.get(step):
                state[step] = 1
                path.append(step)
                stack.append(iter(sorted(graph[step] & nodes)))
    return None


def tangles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of modules that import each other (strongly connected, two or more)."""
    reach = {node: _reachable(graph, node) for node in graph}
    groups, seen = [], set()
    for node in sorted(graph):
        if node in seen:
            continue
        group = {other for other in reach[node] if node in reach[other]}
        seen |= group | {node}
        if group:
            groups.append(group | {node})
    return groups


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    found, todo = set(), list(graph[start])
    while todo:
        node = todo.pop()
        if node not in found:
            found.add(node)
            todo.extend(graph[node])
    return found


def test_find_cycle_reports_the_path():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


@pytest.mark.parametrize("source, expected", [
    ("import netlint.api", {"netlint.api"}),
    ("from netlint.rules import config", {"netlint.rules.config"}),
    ("from netlint.rules.config import Config", {"netlint.rules.config"}),
    ("def f():\n    from netlint import api", {"netlint.api"}),
    ("from . import engine", {"netlint.rules.engine"}),
    ("from ..model import findings", {"netlint.model.findings"}),
    ("if TYPE_CHECKING:\n    from netlint import api\nelse:\n    import netlint.pipeline",
     {"netlint.pipeline"}),
])
def test_imports_are_read_as_modules(source, expected):
    module = "netlint.rules.cards"
    saved = TREES[module]
    TREES[module] = ast.parse(source)
    try:
        assert _imports(module) == expected
    finally:
        TREES[module] = saved


def test_tangles_are_grouped():
    graph = {"a": {"b"}, "b": {"a", "c"}, "c": set(), "d": {"e"}, "e": {"d"}}
    assert tangles(graph) == [{"a", "b"}, {"d", "e"}]
    assert find_cycle(graph, {"d", "e"}) == ["d", "e", "d"]


def test_no_import_cycle_between_netlint_modules():
    graph = import_graph()
    cycles = [" -> ".join(find_cycle(graph, group))
              + (f" (tangle of {len(group)}: {', '.join(sorted(group))})" if len(group) > 2 else "")
              for group in tangles(graph)]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)
