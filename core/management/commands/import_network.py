from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.uploads import inspect_archive
from core.workbook import CHANGED, import_workbook


class Command(BaseCommand):
    help = (
        "Import a network workbook. Every row is validated first; if any is wrong nothing is written "
        "and each problem is listed by sheet, row and column. Changed rows are listed field by field "
        "(old -> new); with -v 2, new rows too."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="Path of the .xlsx file to read.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate and show what would change; write nothing.",
        )

    def handle(self, *args: Any, file: str, dry_run: bool, verbosity: int = 1, **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        data = path.read_bytes()
        try:
            inspect_archive(data, name=path.name)  # refuse an archive that would inflate without bound
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        result = import_workbook(data, dry_run=dry_run)
        if result.errors:
            for error in result.errors:
                self.stderr.write(f"  {error}")
            raise CommandError(f"{len(result.errors)} problem(s) found; nothing was imported.")
        for sheet, changes in result.changes.items():
            self.stdout.write(
                f"  {sheet}: {changes.created} new, {changes.updated} changed, {changes.unchanged} unchanged"
            )
            for row in changes.rows:
                if row.status == CHANGED:
                    self.stdout.write(f"    row {row.row} ({row.key}), changed:")
                    for change in row.fields:
                        self.stdout.write(f"      {change.column}: {change.old or '—'} -> {change.new or '—'}")
                elif verbosity > 1:
                    self.stdout.write(f"    row {row.row} ({row.key}): new")
        if result.invitations_needed:
            self.stdout.write(
                f"  Accounts that need an invitation ({'would be ' if dry_run else ''}created inactive, "
                "without a password):"
            )
            for email in result.invitations_needed:
                self.stdout.write(f"    {email}: needs an invitation")
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb} {file}{' (dry run: nothing written)' if dry_run else ''}."))
