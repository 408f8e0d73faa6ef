"""The suite's own layout (issue #18): tests name the roles they act as, and
what modules share is defined once.

- No module under tests/ imports from a test module (test_*.py). Fixtures that
  several modules use live in tests/conftest.py and the plugins it loads
  (``pytest_plugins``: tests/roles.py, …); plain helpers live in helper
  modules (factories.py, tests/selection/ladder.py, tests/clock.py, …).
- No test module or other conftest defines a fixture named like a shared one,
  and none imports a shared fixture: a local variant has a name that says
  how it differs (``importing_officer``, ``chiang_mai_officer``, …) or uses
  the shared one's marker (``officer_tambon``).

Read with ``ast``, nothing is imported or run.
"""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
ROOT_CONFTEST = TESTS / "conftest.py"

# The roles every module shares (tests/roles.py); checked to be there so that
# the checks below cannot pass by finding no shared fixture at all.
ROLES = {
    "anonymous",
    "central_staff",
    "publisher",
    "officer_tambon",
    "officer",
    "importing_officer",
    *(
        f"{tier}_{who}"
        for tier in ("district", "provincial", "central")
        for who in ("board", "chair", "secretary", "member")
    ),
}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def python_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "artifacts" not in p.parts)


def is_test_module(name: str) -> bool:
    return name.rsplit(".", 1)[-1].startswith("test_")


def imports(tree: ast.Module, name: str) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) for every import in the module ``name``,
    relative imports resolved; ``import a.b`` has no names."""
    package = name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0]
                base = f"{parent}.{base}" if base else parent
            names = [alias.name for alias in node.names]
            found.append((node.lineno, base, names))
            # ``from tests.registry import test_search`` imports a module too.
            found += [(node.lineno, f"{base}.{n}", []) for n in names]
    return found


def _is_fixture_decorator(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute):
        return target.attr == "fixture"
    return isinstance(target, ast.Name) and target.id == "fixture"


def _fixture_name(call: ast.expr, default: str) -> str:
    """A fixture's ``name=`` if given, else its function's (or variable's)."""
    for keyword in call.keywords if isinstance(call, ast.Call) else ():
        if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
            return keyword.value.value
    return default


def fixtures(tree: ast.Module) -> dict[str, int]:
    """Fixture name: line, for the fixtures a module defines: decorated
    functions, and ``x = pytest.fixture(function, name="x")``."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _is_fixture_decorator(node.value):
            target = node.targets[0]
            default = target.id if isinstance(target, ast.Name) else ""
            found[_fixture_name(node.value, default)] = node.lineno
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            if _is_fixture_decorator(decorator):
                found[_fixture_name(decorator, node.name)] = node.lineno
    return found


def plugin_modules() -> list[str]:
    """The modules tests/conftest.py loads with ``pytest_plugins``."""
    for node in parse(ROOT_CONFTEST).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in node.targets
        ):
            return list(ast.literal_eval(node.value))
    return []


def path_of(module: str) -> Path:
    return ROOT.joinpath(*module.split(".")).with_suffix(".py")


def shared_fixtures() -> dict[str, str]:
    """Fixture name: the module sharing it (tests/conftest.py or a plugin)."""
    shared = {}
    for module in ["tests.conftest", *plugin_modules()]:
        for name in fixtures(parse(path_of(module))):
            shared[name] = module
    return shared


def local_modules() -> list[Path]:
    """Test modules and conftests other than tests/conftest.py: where a
    shared fixture must not be defined again."""
    return [
        path
        for path in python_files()
        if path != ROOT_CONFTEST
        and (path.name == "conftest.py" or path.name.startswith("test_"))
    ]


# The checks -------------------------------------------------------------------


def test_no_module_imports_from_a_test_module():
    offenders = []
    for path in python_files():
        name = module_name(path)
        for line, module, _names in imports(parse(path), name):
            if module.startswith("tests.") and is_test_module(module):
                offenders.append(f"{path.relative_to(ROOT)}:{line} imports {module}")

    assert offenders == [], (
        "Test modules import from other test modules; move shared fixtures to "
        "tests/conftest.py or a plugin it loads, helpers to a helper module:\n"
        + "\n".join(offenders)
    )


def test_the_roles_are_fixtures_every_module_shares():
    shared = shared_fixtures()

    assert "tests.roles" in plugin_modules()
    assert {name: shared.get(name) for name in ROLES} == dict.fromkeys(
        ROLES, "tests.roles"
    )


def test_no_test_module_defines_a_shared_fixture_again():
    shared = shared_fixtures()
    offenders = [
        f"{path.relative_to(ROOT)}:{line} defines {name!r}, shared by {shared[name]}"
        for path in local_modules()
        for name, line in fixtures(parse(path)).items()
        if name in shared
    ]

    assert offenders == [], (
        "Use the shared fixture, or give the local one a name that says how it "
        "differs:\n" + "\n".join(offenders)
    )


def test_no_module_imports_a_shared_fixture():
    shared = shared_fixtures()
    offenders = []
    for path in python_files():
        if path == ROOT_CONFTEST or module_name(path) in plugin_modules():
            continue
        for line, module, names in imports(parse(path), module_name(path)):
            if module == "tests.conftest" or module in plugin_modules():
                offenders += [
                    f"{path.relative_to(ROOT)}:{line} imports fixture {n!r}"
                    for n in names
                    if shared.get(n) == module
                ]

    assert offenders == [], (
        "Shared fixtures reach every module through tests/conftest.py; "
        "importing one shadows it:\n" + "\n".join(offenders)
    )


# The readers the checks rely on ---------------------------------------------------

SAMPLE = """
import pytest
from pytest import fixture
from tests.registry.test_publishing import awarded
from tests.selection import ladder, test_ranking
from . import test_search
from .ladder import make_round

@pytest.fixture
def officer(): ...

@pytest.fixture(name="central_staff")
def _central(): ...

@fixture(scope="module")
def world(): ...

def _seat(request): ...

district_chair = pytest.fixture(_seat, name="district_chair")
helper_result = helper(name="not_a_fixture")

def helper(): ...
"""


def test_the_readers_find_fixtures_and_test_module_imports():
    tree = ast.parse(SAMPLE)
    modules = {module for _line, module, _n in imports(tree, "tests.selection.x")}

    assert set(fixtures(tree)) == {
        "officer",
        "central_staff",
        "world",
        "district_chair",
    }
    assert {m for m in modules if is_test_module(m)} == {
        "tests.registry.test_publishing",
        "tests.selection.test_ranking",
        "tests.selection.test_search",
    }
    assert "tests.selection.ladder" in modules


@pytest.mark.parametrize("module", ["tests.roles", "tests.registry.fixtures"])
def test_every_plugin_exists_and_defines_fixtures(module):
    assert module in plugin_modules()
    assert fixtures(parse(path_of(module)))
