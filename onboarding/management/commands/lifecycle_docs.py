from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from onboarding.docs import lifecycle_markdown

DOC = Path(settings.BASE_DIR) / "docs" / "lifecycle.md"


class Command(BaseCommand):
    help = "Regenerate docs/lifecycle.md (diagram and tables) from onboarding/workflow.py."

    def handle(self, *args: Any, **options: Any) -> None:
        DOC.write_text(lifecycle_markdown(), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {DOC.relative_to(settings.BASE_DIR)}"))
