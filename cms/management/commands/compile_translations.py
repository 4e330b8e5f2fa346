"""Compile locale/*/LC_MESSAGES/*.po into .mo files with polib: pure Python, no GNU gettext needed.

`--check` compiles nothing and fails when a .mo file is missing or differs from its .po (the .mo
files are committed, so a fresh clone and a deployment need no compile step).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogue_files() -> list[Path]:
    return sorted(path for folder in settings.LOCALE_PATHS for path in Path(folder).glob("*/LC_MESSAGES/*.po"))


def _messages(catalogue: Any) -> dict[tuple[str | None, str], Any]:
    result = {}
    for entry in catalogue:
        # A .mo holds translated entries only; a .po also untranslated, fuzzy and obsolete ones.
        if getattr(entry, "obsolete", False) or (hasattr(entry, "translated") and not entry.translated()):
            continue
        plural = {int(index): text for index, text in entry.msgstr_plural.items()}
        value = tuple(sorted(plural.items())) if entry.msgid_plural else entry.msgstr
        result[(entry.msgctxt, entry.msgid)] = value
    return result


def stale_catalogues() -> list[str]:
    """The .po files whose compiled .mo is missing or does not hold exactly their translations."""
    import polib

    problems = []
    for po_path in catalogue_files():
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists():
            problems.append(f"{mo_path} is missing")
            continue
        po, mo = polib.pofile(str(po_path)), polib.mofile(str(mo_path))
        if _messages(po) != _messages(mo) or po.metadata.get("Plural-Forms") != mo.metadata.get("Plural-Forms"):
            problems.append(f"{mo_path} is out of date")
    return problems


class Command(BaseCommand):
    help = "Compile the project's .po translation catalogues to .mo files (pure Python)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="Only check that every .mo file is current.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            import polib
        except ImportError as exc:  # pragma: no cover - polib is a dev dependency
            raise CommandError("polib is needed: pip install -r requirements/dev.txt") from exc
        if options["check"]:
            problems = stale_catalogues()
            if problems:
                raise CommandError("Run `make messages`: " + "; ".join(problems))
            self.stdout.write("Compiled translations are current.")
            return
        for po_path in catalogue_files():
            polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
            self.stdout.write(f"compiled {po_path.with_suffix('.mo')}")
