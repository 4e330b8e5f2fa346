"""Fixtures of the public site's tests."""

from __future__ import annotations

import pytest

from tests.cms.site import SiteTree, build_site_tree


@pytest.fixture
def site_tree(db: None) -> SiteTree:
    return build_site_tree()
