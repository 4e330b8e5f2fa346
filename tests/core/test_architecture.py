"""The shape of the code stays livable: no application module grows past `MAX_LINES` (migrations and
demo data aside), and within an app no module imports, at module level, a module that imports it back
(directly or round a circle). Imports inside functions are the deliberate late ones and do not count."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

APPS = ("accounts", "cms", "core", "network", "onboarding", "reports")
MAX_LINES = 800
ROOT = Path(settings.BASE_DIR)


def application_modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the project's apps except migrations."""
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.relative_to(ROOT).parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported(node: ast.Import | ast.ImportFrom, module: str, path: Path, known: dict[str, Path]) -> list[str]:
    """The project modules an import statement loads (a name imported from a package may be a module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join([*base, *([node.module] if node.module else [])])
    else:
        source = node.module or ""
    return [source, *(f"{source}.{alias.name}" for alias in node.names if f"{source}.{alias.name}" in known)]


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of the same app it imports at module level."""
    known = application_modules()
    graph: dict[str, set[str]] = {}
    for module, path in known.items():
        app = module.split(".")[0]
        edges: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                edges |= {
                    target
                    for target in imported(node, module, path, known)
                    if target in known and target != module and target.split(".")[0] == app
                }
        graph[module] = edges
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_application_module_is_over_the_limit() -> None:
    long = {
        module: count
        for module, path in application_modules().items()
        if not path.name.startswith("demo")
        and (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines (split them along their sub-domains): {long}"


def test_no_import_circle_within_an_app() -> None:
    assert not circles(import_graph())


def test_the_circle_check_finds_a_circle_and_the_graph_reads_the_apps() -> None:
    graph = import_graph()
    assert "onboarding.models" in graph["onboarding.selectors.membership"]
    assert "onboarding.selectors.membership" in graph["onboarding.selectors"]  # a package's re-exports
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_modules_run_while_a_worker_migrates_need_no_database(request: pytest.FixtureRequest) -> None:
    """The scheduler hands `NO_DATABASE_MODULES` out first (tests/conftest.py), to run while the first
    worker migrates: none of their tests may need the database."""
    from tests.conftest import NO_DATABASE_MODULES, uses_database

    assert [module for module in NO_DATABASE_MODULES if not (ROOT / module).is_file()] == []
    collected = request.session.items
    listed = [item for item in collected if item.nodeid.split("::")[0] in NO_DATABASE_MODULES]
    assert listed and [item.nodeid for item in listed if uses_database(item)] == []
    marked = [item for item in collected if item.get_closest_marker("django_db")]
    assert all(uses_database(item) for item in marked)  # the check sees the database where it is used


def test_the_browser_modules_that_wait_for_the_security_world_are_handed_out_after_it() -> None:
    """The scheduler hands the browser modules out before the long ones, except those that use the
    security world (`WORLD_BROWSER_MODULES`, tests/conftest.py): the list names exactly them."""
    from tests.conftest import WORLD_BROWSER_MODULES

    using = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests" / "browser").glob("test_*.py")
        if "tests.security.world" in path.read_text(encoding="utf-8")
    )
    assert using == sorted(WORLD_BROWSER_MODULES)
