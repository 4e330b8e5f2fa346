"""Serve plotly.js from the installed plotly package as `cms/vendor/plotly.min.js`.

The file ships inside the plotly Python package (`plotly/package_data/plotly.min.js`), so it always
matches the pinned plotly version and the repository does not carry a 4.8 MB copy. `collectstatic`
copies it like any other static file; the site never loads plotly from a CDN.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = "cms/vendor/plotly.min.js"
_PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


class _PlotlyStorage(FileSystemStorage):
    """The plotly package data folder, exposing only plotly.min.js under its static name."""

    def __init__(self) -> None:
        super().__init__(location=str(_PACKAGE_DATA))
        self.prefix = "cms/vendor"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.storage = _PlotlyStorage()

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:
        if path == PLOTLY_JS:
            match = str(_PACKAGE_DATA / "plotly.min.js")
            return [match] if find_all else match
        return [] if find_all else ""

    def list(self, ignore_patterns: Any) -> Any:
        yield "plotly.min.js", self.storage
