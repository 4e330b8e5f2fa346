"""Dates people type, and dates people read: one reading per language, and no silent guess.

Typed dates are read as ISO `YYYY-MM-DD` (what the pickers write) or in the active language's
documented format, day first in every language of the toolkit (`DD/MM/YYYY`; `JJ/MM/AAAA` in
French, `DD/MM/AAAA` in Spanish, with `/`, `.` or `-` between the parts). A date whose day and month
could be swapped into another valid date ("04/12/2026": 4 December or 12 April) is refused with both
readings, whatever the language: nobody's date is stored on a guess.

Shown dates use one format per language (`config/formats/<language>/formats.py`: `4 Dec 2026`,
`4 déc. 2026`, `4 dic. 2026`): the month is a word, so no reader can misread them. `natural_date`
words the last few days relatively ("2 days ago") with the date beside it, and shows every other
date, future dates included, as a date.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
# The last days are worded relatively ("yesterday"); older and future dates are shown as dates.
RELATIVE_DAYS = 6


def format_hint() -> str:
    """The hint beside a date field: ISO, or the active language's documented format (translated:
    "AAAA-MM-JJ ou JJ/MM/AAAA" in French)."""
    return gettext("YYYY-MM-DD or DD/MM/YYYY")


def _reading(day: date) -> str:
    """A reading spelled out with the month's name (4 December 2026), to tell two readings apart."""
    return formats.date_format(day, "j F Y")


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_typed_date(text: str) -> date:
    """The date `text` means, or ValidationError saying why it cannot be read (or could be read two ways)."""
    value = text.strip()
    iso = ISO.match(value)
    if iso:
        found = _valid(int(iso[1]), int(iso[2]), int(iso[3]))
        if found is None:
            raise ValidationError(
                gettext("“%(value)s” is not a date: that day does not exist.") % {"value": value}, code="invalid"
            )
        return found
    typed = DAY_MONTH_YEAR.match(value)
    if not typed:
        raise ValidationError(
            gettext("“%(value)s” is not a date. Type it as %(hint)s, or use the calendar.")
            % {"value": value, "hint": format_hint()},
            code="invalid",
        )
    first, second, year = int(typed[1]), int(typed[2]), int(typed[3])
    day_first, month_first = _valid(year, second, first), _valid(year, first, second)
    if day_first is None:
        raise ValidationError(
            gettext("“%(value)s” is not a date in the form %(hint)s.") % {"value": value, "hint": format_hint()},
            code="invalid",
        )
    if month_first is not None and month_first != day_first:
        raise ValidationError(
            gettext(
                "“%(value)s” could be %(day_first)s or %(month_first)s. Type it as %(iso_day_first)s or "
                "%(iso_month_first)s (year-month-day), or use the calendar."
            )
            % {
                "value": value,
                "day_first": _reading(day_first),
                "month_first": _reading(month_first),
                "iso_day_first": day_first.isoformat(),
                "iso_month_first": month_first.isoformat(),
            },
            code="ambiguous",
        )
    return day_first


def natural_date(value: date | datetime | None, *, today: date | None = None) -> str:
    """A date as people read it: "today", "yesterday", "3 days ago (2 Dec 2026)" for the last few
    days, else the date itself (future dates always as dates)."""
    if value is None:
        return ""
    day = timezone.localtime(value).date() if isinstance(value, datetime) else value
    today = today or timezone.localdate()
    shown = formats.date_format(day, "DATE_FORMAT")
    age = (today - day).days
    if age == 0:
        return gettext("today (%(date)s)") % {"date": shown}
    if age == 1:
        return gettext("yesterday (%(date)s)") % {"date": shown}
    if 1 < age <= RELATIVE_DAYS:
        return ngettext("%(days)d day ago (%(date)s)", "%(days)d days ago (%(date)s)", age) % {
            "days": age,
            "date": shown,
        }
    return shown


def past_due_problem(due_on: date | None, *, today: date | None = None) -> str | None:
    """The rule for a new dated obligation (an action item, a corrective action): not due in the past.
    An obligation already recorded may be overdue; a new one cannot start overdue."""
    if due_on is not None and due_on < (today or timezone.localdate()):
        return gettext("A new obligation cannot be due in the past (%(date)s).") % {
            "date": formats.date_format(due_on, "DATE_FORMAT")
        }
    return None
