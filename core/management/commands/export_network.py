from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from core.workbook import export_workbook, registry


class Command(BaseCommand):
    help = "Write the network workbook (one sheet per entity; see docs/data-format.md) to FILE.xlsx."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="Path of the .xlsx file to write.")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        data = export_workbook()
        Path(file).write_bytes(data)
        sheets = ", ".join(sheet.name for sheet in registry().sheets())
        self.stdout.write(self.style.SUCCESS(f"Wrote {file} ({len(data):,} bytes; sheets: {sheets})."))
