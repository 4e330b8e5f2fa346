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
