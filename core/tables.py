"""Admin listing columns for dates: a date is shown as a date, in the language's one format.

Wagtail's `DateColumn` words every value relatively, so a certificate expiring next year reads
"just now". `DayColumn` shows `core.dates.natural_date`: relative wording only for the last few
days (with the date beside it), every other date, future ones included, as the date itself.
"""

from __future__ import annotations

from typing import Any

from wagtail.admin.ui.tables import Column

from core.dates import natural_date


class DayColumn(Column):
    def get_value(self, instance: Any) -> str:
        return natural_date(super().get_value(instance)) or "—"
