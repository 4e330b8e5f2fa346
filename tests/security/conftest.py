"""The security world as module fixtures: in the database for the module's tests (built once per run
where data sets are copied, tests/migrated.py), with its uploaded files kept where it stored them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests import migrated
from tests.demo import use_storage
from tests.security.world import World, world_in_database


@pytest.fixture(scope="module")
def world_root(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return migrated.files_root(tmp_path_factory.mktemp("security-world"))


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, world_root: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), world_in_database(world_root) as built:
        yield built


@pytest.fixture
def world_files(settings: Any, world_root: Any) -> None:
    """The world's uploaded files stay where it stored them (the shared fixture moves storage per test)."""
    use_storage(settings, world_root)
