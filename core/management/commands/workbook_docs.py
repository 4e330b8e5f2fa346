from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from core.workbook import workbook_markdown

DOC = Path(settings.BASE_DIR) / "docs" / "data-format.md"


class Command(BaseCommand):
    help = "Regenerate docs/data-format.md from the workbook sheet declarations."

    def handle(self, *args: Any, **options: Any) -> None:
        DOC.write_text(workbook_markdown(), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {DOC.relative_to(settings.BASE_DIR)}"))
