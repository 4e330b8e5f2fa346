"""The demo network (`seed_demo`) for tests that need it whole: seeded once per parallel run on
SQLite and copied after that (`tests/migrated.py`), since seeding takes seconds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.test.utils import override_settings

from tests import migrated

# The password of every demo user in tests.
DEMO_PASSWORD = "demo-password-for-tests-2026"


def seed_demo(settings: Any) -> None:
    """Put the demo into the database, in a transactional test (see `migrated.data_set`); the test's
    storage (pytest-django's `settings`) keeps the demo's files where they were stored."""
    use_storage(settings, migrated.files_root(Path(settings.PRIVATE_ROOT).parent))
    seed_demo_data()


def seed_demo_data() -> None:
    """The demo's rows, with its files stored under the storage settings in force: those of
    `storage_settings(migrated.files_root(...))` where data sets are copied."""
    migrated.data_set("demo", _seed)


@contextmanager
def demo_in_database(root: Path) -> Iterator[None]:
    """The demo in the database, with uploaded files under `root`, until the context ends (see
    `migrated.database_with`)."""
    with override_settings(**storage_settings(root)), migrated.database_with("demo", _seed):
        yield


def _seed() -> None:
    call_command("seed_demo", "--force", password=DEMO_PASSWORD, stdout=StringIO())


def use_storage(settings: Any, root: Path) -> None:
    """Uploaded files under `root` for this test (pytest-django's `settings` puts them back after)."""
    for name, value in storage_settings(root).items():
        setattr(settings, name, value)


def storage_settings(root: Path) -> dict[str, Any]:
    """Uploaded files (public media and private documents) under `root`."""
    from django.conf import settings

    return {
        "PRIVATE_ROOT": root / "private",
        "MEDIA_ROOT": root / "media",
        "STORAGES": {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": root / "media"},
            },
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": root / "private", "base_url": None},
            },
        },
    }
