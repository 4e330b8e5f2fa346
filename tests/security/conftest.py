"""The security world as module fixtures: built once per test module inside a transaction that is
rolled back afterwards, with its uploaded files kept where it stored them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.security.world import World, storage_settings, world_in_transaction


@pytest.fixture(scope="module")
def world_root(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return tmp_path_factory.mktemp("security-world")


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, world_root: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), world_in_transaction(world_root) as built:
        yield built


@pytest.fixture
def world_files(settings: Any, world_root: Any) -> None:
    """The world's uploaded files stay where it stored them (the shared fixture moves storage per test)."""
    for name, value in storage_settings(world_root).items():
        setattr(settings, name, value)
