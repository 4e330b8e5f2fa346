"""Shared fixtures: users per role, clients signed in as them, a browser for Playwright; how the suite
is shared out between pytest-xdist workers."""

from __future__ import annotations

import gc
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread
from django.utils import translation

from accounts.models import User
from accounts.roles import Role
from tests import migrated
from tests.accounts.factories import UserFactory
from tests.demo import demo_in_database, use_storage

pytest_plugins = ["tests.audit_plugin"]


@pytest.fixture(autouse=True)
def _isolated_state(settings: Any, tmp_path: Path) -> Iterator[None]:
    """Each test gets an empty cache, its own private/media folders, and email through the outbox."""
    use_storage(settings, tmp_path)
    # Django's test set-up points every mailer at locmem; restore the outbox in front of it, so
    # every email in the suite goes through the outbox as deployed (config/settings/test.py).
    settings.MAILERS = {
        "default": {"BACKEND": "core.mail.OutboxBackend"},
        "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo network (`seed_demo`) in the database for the rest of the module's tests: seeded once
    per run where data sets are copied (tests/migrated.py). Yields the folder of its uploaded files: a
    test that reads them points its storage there (`tests.demo.use_storage`)."""
    root = migrated.files_root(tmp_path_factory.mktemp("demo"))
    with django_db_blocker.unblock(), demo_in_database(root):
        yield root


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def _make(role: Role | str | None = None, **kwargs: Any) -> User:
        return UserFactory(role=role, **kwargs)

    return _make


@pytest.fixture
def staff_user(make_user: Callable[..., User]) -> User:
    return make_user(Role.NETWORK_STAFF, email="staff.user@example.org")


@pytest.fixture
def superuser(make_user: Callable[..., User]) -> User:
    return make_user(email="root@example.org", is_superuser=True, is_staff=True)


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    def _client(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return _client


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


class SerialisedWSGIServer(ThreadedWSGIServer):
    """The live server of the browser tests, answering one request at a time.

    Django's live server handles each request in its own thread, and with SQLite in memory every
    request thread shares one connection (the one the test thread had when the server started),
    transaction state included: two requests at once (a click while the previous page still loads
    its scripts) can end or roll back each other's transaction, and a signed-in user then finds
    their session gone. Browsers keep several connections open, so the server stays threaded; only
    the application runs one request at a time.
    """

    def set_app(self, application: Any) -> None:
        lock = threading.Lock()

        def serialised(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
            with lock:
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()

        super().set_app(serialised)


# Python's cyclic garbage collector, tuned for the suite: by default it runs a young collection every 700
# new objects, and migrations (model states) and admin pages (templates, querysets) make millions; what
# is loaded before the first test (Django, the apps) is moved out of its way (`gc.freeze`). Measured on
# the access matrix as two roles, with the migration and the world it needs: about 14 % less time,
# about 470 MB per worker. Nothing else changes: objects are still collected, less often.
GC_THRESHOLDS = (50_000, 20, 100)


def pytest_configure(config: pytest.Config) -> None:
    LiveServerThread.server_class = SerialisedWSGIServer
    migrated.start()  # the controller names the run
    migrated.install()  # a worker migrates once per run (tests/migrated.py)
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def pytest_unconfigure(config: pytest.Config) -> None:
    from pytest_django.plugin import blocking_manager_key

    if blocking_manager_key in config.stash:
        migrated.cleanup(config.stash[blocking_manager_key].unblock)


# The long modules, handed out early under pytest-xdist. The access matrix is split further: each of its
# parametrized tests (one per role) is a unit of work of its own, so that the workers share it out.
LONG_MODULES = ("tests/security/test_access_matrix.py", "tests/security/test_hostile_input.py")
# Browser modules that wait for the security world (tests/security/world.py), which the first worker
# builds after it migrates: the other browser modules go before the long ones, so that a worker done
# with the modules that need no database works on them instead of waiting for the world.
WORLD_BROWSER_MODULES = ("tests/browser/test_stored_script.py",)
SPLIT_BY_TEST = ("tests/security/test_access_matrix.py",)
# The unit handed out first: the access matrix's other tests. Its first test has the worker migrate (for
# the whole run, tests/migrated.py) and build the security world; it holds several tests, so that the
# worker takes no second unit before it is under way.
FIRST_UNIT = "tests/security/test_access_matrix.py"
# Modules that need no database (checked by tests/core/test_architecture.py), handed out next: the other
# workers run them while the first migrates, instead of waiting for the migrated database.
NO_DATABASE_MODULES = (
    "tests/core/test_settings.py",
    "tests/security/test_audit_parallel_run.py",
    "tests/core/test_architecture.py",
    "tests/reports/test_aggregations.py",
    "tests/onboarding/test_workflow.py",
    "tests/onboarding/test_checklist_rules.py",
    "tests/reports/test_charts.py",
    "tests/core/test_spreadsheets.py",
    "tests/core/test_dates.py",
)


def uses_database(item: pytest.Item) -> bool:
    """Whether a test needs the test database (pytest-django sets it up for it)."""
    return bool(item.get_closest_marker("django_db")) or "django_db_setup" in getattr(item, "fixturenames", ())


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadgroup` (the default, pyproject.toml), with tests kept together by file.

    Each worker has its own database (pytest-django names them per worker on PostgreSQL; SQLite's
    test database is in memory, one per process). A test module runs whole on one worker, so its
    module fixtures (the worlds of tests/*/world.py) are built once; the modules of `SPLIT_BY_TEST`
    are split into their parametrized tests. The units of work are handed out in this order: those with a test
    that failed last time (with `--ff`), then `FIRST_UNIT` and the modules that need no database (run
    while the first worker migrates), then the browser tests that need no security world, then the
    long modules (so that no worker is left alone with one at the end), then the other browser tests
    (long too), then the other files, most tests first: the short work comes last and the workers
    finish together. A transactional test leaves its worker's
    database empty; the next ordinary test puts the migrated data back first
    (`_restore_migrated_data`).

    The units are decided here from the test ids, not from `xdist_group` marks: pytest-xdist 3.8
    names a group by editing a test's id, which pytest 9.2 no longer lets it do.
    """
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class FileScheduling(LoadGroupScheduling):
        ordered = False

        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return nodeid if module in SPLIT_BY_TEST and "[" in nodeid else module

        def _assign_work_unit(self, node: Any) -> None:
            if not self.ordered:  # the first call: the queue holds every unit
                self.ordered = True
                lastfailed = getattr(config.pluginmanager.get_plugin("lfplugin"), "lastfailed", {})
                failed = set(lastfailed) if config.getoption("failedfirst", False) else set()

                def order(unit: tuple[str, dict[str, bool]]) -> tuple[bool, int, int]:
                    scope, nodeids = unit
                    module = scope.split("::", 1)[0]
                    if scope == FIRST_UNIT:
                        kind = 0
                    elif module in NO_DATABASE_MODULES:
                        kind = 1
                    elif module.startswith("tests/browser/") and module not in WORLD_BROWSER_MODULES:
                        kind = 2
                    elif module in LONG_MODULES:
                        kind = 3
                    else:
                        kind = 4 if module.startswith("tests/browser/") else 5
                    return (failed.isdisjoint(nodeids), kind, -len(nodeids))

                units = sorted(self.workqueue.items(), key=order)
                self.workqueue.clear()
                self.workqueue.update(units)
            super()._assign_work_unit(node)

    return FileScheduling(config, log)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request to /fr/ or /es/, or a message in a user's language, leaves that language active in
    the thread: every test starts and ends in English, whatever ran before it on the same worker."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _uninstrumented_templates(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Templates render as in production, without the test runner's instrumentation: under test,
    Django sends a signal for every template rendered and the test client keeps a copy of each
    context (for `response.context`), about a quarter of an admin page's time. A test that reads
    `response.context` says so with the `template_context` mark."""
    if request.node.get_closest_marker("template_context"):
        return
    from django.template.base import PartialTemplate, Template

    def render(self: Any, context: Any) -> Any:
        return self.nodelist.render(context)

    monkeypatch.setattr(Template, "_render", render)
    monkeypatch.setattr(PartialTemplate, "_render", render)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (apt-get install -y chromium); .ci/run installs it")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    # `expect(...)` waits as long as the pages' own actions do (`page`'s default timeout).
    expect.set_options(timeout=15_000)

    with sync_playwright() as playwright:
        # This session fixture starts before the first browser test's database set-up: hand the
        # migrated data saved for `serialized_rollback` to the connection objects Playwright's event
        # loop brings, so that set-up restores it even after an earlier transactional test emptied
        # the database.
        _carry_serialized_contents()
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    if request.node.stash.get(_CALL_FAILED, False):
        # Where a failed browser test left the page, and what it said (sign-in and permission
        # messages included), in the failure's report.
        try:
            print(f"The page was at {page.url}:\n{page.locator('body').inner_text(timeout=2_000)[:2_000]}")
        except Exception as exc:  # a diagnostic, never the test's own failure
            print(f"The page was at {page.url} (its text could not be read: {exc})")
    context.close()


def transactional(item: pytest.Item) -> bool:
    """As pytest-django decides which tests run after the others (outside a test transaction)."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    in_marker = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    return in_marker or "transactional_db" in fixtures or "live_server" in fixtures


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run once more when they fail. Transactional tests (browser tests) empty the
    database when they finish; have each one start from the migrated data again (countries, the
    page tree root, locales, role groups, workflow)."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("flaky"):
            # Reported as a rerun in the summary; a second failure fails the suite (docs/decisions.md).
            item.add_marker(pytest.mark.flaky(reruns=1))
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
            item.add_marker(pytest.mark.django_db(*marker.args, **{**marker.kwargs, "serialized_rollback": True}))


_serialized_contents: dict[str, str] = {}


def _carry_serialized_contents() -> None:
    """Once Playwright's event loop runs, tests get a fresh database connection object, without the
    data Django serialized for `serialized_rollback` (restored before a transactional test, and
    the reason its flush afterwards skips post_migrate): carry that data over to it."""
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        if hasattr(connection, "_test_serialized_contents"):
            _serialized_contents[alias] = connection._test_serialized_contents
        elif alias in _serialized_contents:
            connection._test_serialized_contents = _serialized_contents[alias]


# Set when a transactional test has left this process's database empty.
_emptied = {"database": False}


def _restore_migrated_data(item: pytest.Item) -> None:
    """Under pytest-xdist a worker may still be handed an ordinary database test after a transactional
    one emptied its database: put the migrated data back first (outside the test's transaction)."""
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for alias, contents in _serialized_contents.items():
            connections[alias].creation.deserialize_db_from_string(contents)
    _emptied["database"] = False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _carry_serialized_contents()
    if _emptied["database"] and item.get_closest_marker("django_db") and not transactional(item):
        _restore_migrated_data(item)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    _carry_serialized_contents()
    if transactional(item):
        _emptied["database"] = True
