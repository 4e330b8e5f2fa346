"""The sheets of the workbook, found in the installed apps: each app that has some declares them in
`<app>/workbook.py` as `SHEETS = [ModelSheet(...), ...]`. Core names no app: the registry looks in
every installed app for that module and orders the sheets by their `order`."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from django.apps import apps
from django.utils.module_loading import module_has_submodule

if TYPE_CHECKING:
    from core.workbook.sheets import Sheet

SHEETS_MODULE = "workbook"


def discover_sheets() -> list[Sheet]:
    """Every `SHEETS` declared in an installed app's `workbook` module."""
    found: list[Sheet] = []
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, SHEETS_MODULE):
            module = import_module(f"{app_config.name}.{SHEETS_MODULE}")
            found.extend(getattr(module, "SHEETS", ()))
    return found


class Registry:
    def __init__(self) -> None:
        self._sheets: dict[str, Sheet] | None = None

    def sheets(self) -> list[Sheet]:
        if self._sheets is None:
            found = discover_sheets()
            names = [s.name for s in found]
            if len(set(names)) != len(names):
                raise ValueError(f"Duplicate sheet names: {names}")
            self._sheets = {s.name: s for s in sorted(found, key=lambda s: s.order)}
        return list(self._sheets.values())

    def get(self, name: str | None) -> Sheet:
        self.sheets()
        assert self._sheets is not None
        return self._sheets[name]


_registry = Registry()


def registry() -> Registry:
    return _registry
