"""Audit completeness, enforced while the whole suite runs.

Every public function of every app's `services.py` (or of the modules of its `services/` package) is
found by introspection and wrapped for the test session. Each call that writes to the database (INSERT,
UPDATE or DELETE on a table other than the bookkeeping tables below) must also write an audit entry (a
Wagtail log entry) before it returns.
`tests/security/test_audit_completeness.py` runs last and fails on any call that did not, naming the
service; in a whole-suite run it also fails on any service no test ever called.

Under pytest-xdist each worker sees only its share of the calls: every worker sends what it saw
(services found, services called, violations) to the controller through `workeroutput`, and the
controller runs the same two checks over all workers together when the session ends, reporting a
failure as the test `tests/audit_plugin.py::audit completeness across workers`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from functools import wraps
from typing import Any

import pytest

# What a worker sends to the controller, and the name the controller reports its checks under.
WORKER_OUTPUT_KEY = "audit"
ACROSS_WORKERS = "tests/audit_plugin.py::audit completeness across workers"

SERVICE_APPS = ["accounts", "network", "onboarding", "reports", "cms", "core"]
OUR_PACKAGES = (*SERVICE_APPS, "config", "tests")
AUDIT_TABLES = {"wagtailcore_modellogentry", "wagtailcore_pagelogentry"}
# Download records are audit records themselves: who took which file, and when.
DOWNLOAD_LOG_TABLES = {"onboarding_evidencedownload", "reports_donorreportdownload"}
# Services whose writes are not state changes, and why.
EXEMPT = {
    "onboarding.services.calendar_token_user": "stamps the feed token's last use; reading a feed changes nothing",
}
# Writes that are not state changes users care about: sessions, caches, queues, search indexes, and
# the mail outbox (the email is the notification of an audited change, not a change itself).
BOOKKEEPING_TABLES = {
    "django_session",
    "core_cache",
    "core_outgoingemail",
    "core_outgoingattachment",
    "django_tasks_db_dbtaskresult",
    # A background workbook import's job record (its queue state, progress and result, with who started
    # it); every registry row the import writes is audited by the import itself.
    "core_workbookimport",
    "usersessions_usersession",
    "wagtailsearch_indexentry",
    "wagtailcore_referenceindex",
    "wagtailcore_modellogentry",
    "wagtailcore_pagelogentry",
}
# Test directories whose presence makes a session a whole-suite run.
SUITE_DIRS = ("accounts", "core", "network", "onboarding", "cms", "reports")

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)

services: dict[str, Callable[..., Any]] = {}
called: set[str] = set()
violations: dict[str, list[str]] = defaultdict(list)
state = {"whole_suite": False, "installed": False, "checks": False}


def written_tables(sql: str) -> str | None:
    match = _WRITE.match(sql)
    return match.group(1).lower() if match else None


def _wrap(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(function)
    def audited_call(*args: Any, **kwargs: Any) -> Any:
        from django.db import connection

        tables: list[str] = []

        def watch(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            table = written_tables(sql)
            if table:
                tables.append(table)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(watch):
            result = function(*args, **kwargs)
        called.add(name)
        changed = sorted({t for t in tables if t not in BOOKKEEPING_TABLES})
        if changed and not (AUDIT_TABLES | DOWNLOAD_LOG_TABLES) & set(tables) and name not in EXEMPT:
            violations[name].append(f"wrote {', '.join(changed)} without an audit entry")
        return result

    audited_call.__audit_wrapped__ = function
    return audited_call


def discover_services() -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for app in SERVICE_APPS:
        try:
            module = importlib.import_module(f"{app}.services")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.services":
                raise
            continue
        # A services package: its own public functions and its submodules' (named by the package,
        # as `from <app>.services import X` calls them); and functions re-exported from a sub-domain's
        # services module (`reports.donor.services`).
        modules = [module]
        if hasattr(module, "__path__"):
            modules += [
                importlib.import_module(info.name)
                for info in pkgutil.iter_modules(module.__path__, f"{module.__name__}.")
            ]
        for part in modules:
            for attr, value in vars(part).items():
                if attr.startswith("_") or not inspect.isfunction(value):
                    continue
                original = getattr(value, "__audit_wrapped__", value)
                if _defined_for(original, app=app, services=module.__name__):
                    found[f"{module.__name__}.{attr}"] = original
    return found


def _defined_for(function: Callable[..., Any], *, app: str, services: str) -> bool:
    """Defined in the app's services module, or re-exported there from one of its own: a module of a
    services package, or a sub-domain's `services` module (`reports.donor.services`)."""
    where = function.__module__
    return (
        where == services
        or where.startswith(f"{services}.")
        or (where.startswith(f"{app}.") and where.endswith(".services"))
    )


def install() -> None:
    if state["installed"]:
        return
    services.update(discover_services())
    wrapped = {id(function): _wrap(name, function) for name, function in services.items()}
    for module_name, module in list(sys.modules.items()):
        if module is None or not module_name.startswith(OUR_PACKAGES):
            continue
        for attr, value in list(vars(module).items()):
            replacement = wrapped.get(id(value))
            if replacement is not None:
                setattr(module, attr, replacement)
    state["installed"] = True


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    dirs = {item.nodeid.split("/")[1] for item in items if item.nodeid.startswith("tests/") and "/" in item.nodeid}
    state["whole_suite"] = all(d in dirs for d in SUITE_DIRS)
    # The completeness check runs after everything else.
    last = [item for item in items if "test_audit_completeness" in item.nodeid]
    items[:] = [item for item in items if item not in last] + last
    state["checks"] = bool(last)


@pytest.fixture(scope="session", autouse=True)
def _audit_services() -> None:
    install()


# -- pytest-xdist: the whole-suite checks over every worker's calls ---------------------------------------
def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def worker_output() -> dict[str, Any]:
    """What this process saw, in a form execnet can send (lists and dicts of strings)."""
    return {
        "services": sorted(services),
        "called": sorted(called),
        "violations": {name: list(reasons) for name, reasons in violations.items()},
        "whole_suite": state["whole_suite"],
        "checks": state["checks"],
    }


def problems(outputs: list[dict[str, Any]]) -> list[str]:
    """The two whole-suite checks of tests/security/test_audit_completeness.py over every worker's
    output: calls that changed data without an audit entry, and (in a whole-suite run) services that
    no worker ever called."""
    found: list[str] = []
    merged: dict[str, set[str]] = defaultdict(set)
    for output in outputs:
        for name, reasons in output["violations"].items():
            merged[name].update(reasons)
    if merged:
        found.append(
            "services that changed data without an audit entry: "
            + "; ".join(f"{name} ({', '.join(sorted(reasons))})" for name, reasons in sorted(merged.items()))
        )
    if outputs and all(output["whole_suite"] for output in outputs):
        known = set().union(*(output["services"] for output in outputs))
        ever = set().union(*(output["called"] for output in outputs))
        never = sorted(known - ever)
        if never:
            found.append("services no test calls (so their audit entry is unchecked): " + ", ".join(never))
    return found


_OUTPUTS = pytest.StashKey[list[dict[str, Any]]]()
_CRASHED = pytest.StashKey[bool]()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if is_worker(config):
        config.workeroutput[WORKER_OUTPUT_KEY] = worker_output()
        return
    outputs = config.stash.get(_OUTPUTS, [])
    # Only a finished xdist session whose workers ran the completeness module is checked (as the module
    # itself runs only when collected, and a serial run stopped by -x never reaches it); a crashed
    # worker already fails the run, and took its calls with it.
    if not outputs or not any(output["checks"] for output in outputs) or session.shouldstop or session.shouldfail:
        return
    if config.stash.get(_CRASHED, False) or exitstatus == pytest.ExitCode.INTERRUPTED:
        return
    found = problems(outputs)
    if found:
        report = pytest.TestReport(
            nodeid=ACROSS_WORKERS,
            location=("tests/audit_plugin.py", None, "audit completeness across workers"),
            keywords={},
            outcome="failed",
            longrepr="\n".join(found),
            when="call",
        )
        # Counted and shown with the session's failures (not as a progress dot: no test item ran it).
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.stats.setdefault("failed", []).append(report)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """On the controller: keep each worker's output (a worker that crashed sends none)."""
    output = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY)
    if error is not None or output is None:
        node.config.stash[_CRASHED] = True
    else:
        node.config.stash.setdefault(_OUTPUTS, []).append(output)
