"""Fixtures of the public site's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation

from tests.cms.site import SiteTree, build_site_tree


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Requests to /fr/ or /es/ leave their language active in the thread: start and end in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def site_tree(db: None) -> SiteTree:
    return build_site_tree()
