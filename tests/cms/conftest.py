"""Fixtures of the public site's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import migrated
from tests.cms.site import SiteTree, load_site_tree, site_tree_in_database


@pytest.fixture(scope="module")
def site_tree_pages(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[dict[str, int], Path]]:
    """The site tree in the database for the rest of the module's tests (built once per run where data
    sets are copied), with the folder of its files."""
    root = migrated.files_root(tmp_path_factory.mktemp("site-tree"))
    with django_db_blocker.unblock(), site_tree_in_database(root) as pages:
        yield pages, root


@pytest.fixture
def site_tree(db: None, site_tree_pages: tuple[dict[str, int], Path]) -> SiteTree:
    pages, root = site_tree_pages
    return load_site_tree(pages, root)


class CacheReads:
    """The reads of the shared cache during a test: every key read (`keys`) and the round trips
    (`trips`: each `get` and each `get_many`; the local-memory backend's `get_many` calls `get` for
    each key, one trip)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from django.core.cache import caches

        backend = type(caches["default"])
        get, get_many = backend.get, backend.get_many
        self.keys: list[str] = []
        self.trips = 0
        inside: list[bool] = []

        def counted_get(cache: Any, key: str, *args: Any, **kwargs: Any) -> Any:
            if not inside:
                self.keys.append(key)
                self.trips += 1
            return get(cache, key, *args, **kwargs)

        def counted_get_many(cache: Any, keys: Any, *args: Any, **kwargs: Any) -> Any:
            self.keys.extend(keys)
            self.trips += 1
            inside.append(True)
            try:
                return get_many(cache, keys, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(backend, "get", counted_get)
        monkeypatch.setattr(backend, "get_many", counted_get_many)

    def during(self, request: Any) -> tuple[Any, int]:
        """What `request()` returned, and the round trips it took."""
        self.keys, self.trips = [], 0
        return request(), self.trips


@pytest.fixture
def cache_reads(monkeypatch: pytest.MonkeyPatch) -> CacheReads:
    return CacheReads(monkeypatch)
