"""Imports flow one way (issue #18, DESIGN.md §2): an app imports only apps
below it, never one above, and no file imports a file that imports it back.

    core ← accounts ← notifications ← communities ← products ← committees
         ← selection ← support, registry ← reports ← devdata   (otop wires all)

Read with ``ast`` from the source, every import counted (also those inside
functions: a late import hides a circle, it does not remove it)."""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    {"core"},
    {"accounts"},
    {"notifications"},
    {"communities"},
    {"products"},
    {"committees"},
    {"selection"},
    {"support", "registry"},
    {"reports"},
    {"devdata"},
    {"otop"},  # settings, URLs, Celery: the wiring sees everything
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}

# Circles between files still to be broken: none left (issue #18 broke the
# last, selection.services ↔ selection.notify, by moving the reads to
# selection.selectors). The list must stay empty: a new circle fails the test,
# and so would a listed one that is gone (so the list stays true).
KNOWN_CIRCLES: set[frozenset[str]] = set()


def _modules():
    for app in LEVEL:
        folder = ROOT / app
        if not folder.is_dir():
            continue
        for path in folder.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts).removesuffix(".__init__")
            yield app, name, path


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.split(".")[0] in LEVEL}


def _graph() -> dict[str, set[str]]:
    edges = {name: _imports(path) for _app, name, path in _modules()}
    return {
        name: {t for t in targets if t in edges and t != name}
        for name, targets in edges.items()
    }


def test_no_app_imports_an_app_above_it():
    upward = defaultdict(set)
    for app, name, path in _modules():
        for target in _imports(path):
            top = target.split(".")[0]
            if LEVEL[top] > LEVEL[app]:
                upward[f"{app} → {top}"].add(name)
    assert not upward, dict(upward)


def _circles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """Strongly connected groups of more than one file (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), set()
    counter = iter(range(10**9))

    def visit(node: str) -> None:
        index[node] = low[node] = next(counter)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.add(frozenset(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_file_imports_one_that_imports_it_back():
    circles = _circles(_graph())
    assert circles - KNOWN_CIRCLES == set(), "new import circle"
    assert KNOWN_CIRCLES - circles == set(), "a listed circle is gone: unlist it"


def test_the_circle_finder_finds_circles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == {frozenset({"a", "b", "c"})}
