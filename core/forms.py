"""Form fields and widgets shared by every area: dates read without guessing (`core.dates`), and the
searchable multiple choice of countries (`CountryMultiSelect`).

`DateField` reads ISO `YYYY-MM-DD` or the language's documented day-first format, refuses a date
that reads differently day-first and month-first, and shows the accepted forms as a hint beside the
field. Its default widget is the browser's own date picker (`<input type="date">`, which writes
ISO); the admin gives it Wagtail's date chooser (`AdminDateInput`, told not to rewrite typed
text). `DateTimeField` reads the date part the same way. `core.apps` makes every date and
date-time field of the Wagtail admin's generated forms use them.

`RelatedLabelsChoiceField` is the admin's choice of a related record: where a model's label names
another record ("Name (Organisation)", a roundtable's date on its country's clock), the model lists
those relations in `label_related` and the choices read them in the same query, not one per option.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin import widgets

from core.dates import format_hint, parse_typed_date

ISO_DATE = "%Y-%m-%d"
TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


class DatePickerInput(forms.DateInput):
    """The browser's date picker; writes and shows the value as ISO."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs=attrs, format=format or ISO_DATE)


class AdminDateInput(widgets.AdminDateInput):
    """Wagtail's date chooser, except that it never rewrites what was typed when the field loses focus
    (its default turns an unreadable "04/12/2026" into another date, silently): the server reads it."""

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs=attrs, format=format or ISO_DATE)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "validateOnBlur": False}


class AdminDateTimeInput(widgets.AdminDateTimeInput):
    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "validateOnBlur": False}


def _with_hint(help_text: Any) -> str:
    hint = gettext("Format: %(hint)s.") % {"hint": format_hint()}
    return f"{help_text} {hint}" if help_text else hint


class RelatedLabelsChoiceField(forms.ModelChoiceField):
    """A choice of records labelled by `__str__`: the relations the label reads (the model's
    `label_related`) come in the choices' one query. `core.apps` makes every foreign key of the Wagtail
    admin's generated forms use it (choosers of pages, images and snippets keep their own)."""

    def _set_queryset(self, queryset: Any) -> None:
        related = getattr(getattr(queryset, "model", None), "label_related", ())
        super()._set_queryset(queryset.select_related(*related) if queryset is not None and related else queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


class DateField(forms.DateField):
    widget = DatePickerInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help_text = _with_hint(self.help_text)

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return parse_typed_date(str(value))


class DateTimeField(forms.DateTimeField):
    """A date and a time (HH:MM) in the current time zone; the date part is read as `DateField` reads it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help_text = _with_hint(self.help_text)

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return from_current_timezone(value)
        if isinstance(value, date):
            return from_current_timezone(datetime.combine(value, time()))
        text = " ".join(str(value).replace("T", " ").split())
        day_text, _space, time_text = text.partition(" ")
        day = parse_typed_date(day_text)
        clock = TIME.match(time_text) if time_text else None
        if time_text and clock is None:
            raise ValidationError(gettext("“%(value)s” is not a time (use HH:MM).") % {"value": time_text})
        hours, minutes, seconds = (int(clock[1]), int(clock[2]), int(clock[3] or 0)) if clock else (0, 0, 0)
        if hours > 23 or minutes > 59 or seconds > 59:
            raise ValidationError(gettext("“%(value)s” is not a time (use HH:MM).") % {"value": time_text})
        return from_current_timezone(datetime.combine(day, time(hours, minutes, seconds)))


def from_current_timezone(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class CountryMultiSelect(forms.SelectMultiple):
    """Every multiple choice of countries (a hotline's countries served, a grant's countries, list
    filters): a plain `<select multiple>` that works without JavaScript, enhanced by
    `core/js/country-picker.js` into a type-to-search field with the chosen countries listed as
    removable buttons (an ARIA combobox with a listbox; keyboard: arrows, Enter, Escape). No
    third-party code: Wagtail 8.0 ships no searchable multi-select."""

    class Media:
        css = {"all": ["core/css/country-picker.css"]}
        js = ["core/js/country-picker.js"]

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        texts = {
            "data-placeholder": gettext_lazy("Type a country's name…"),
            "data-hint": gettext_lazy(
                "Type to search, then press Enter or click to add. Arrow keys move through the matches."
            ),
            "data-chosen-label": gettext_lazy("chosen"),
            "data-remove-label": gettext_lazy("Remove"),
            "data-added-label": gettext_lazy("Added"),
            "data-removed-label": gettext_lazy("Removed"),
        }
        super().__init__(attrs={"data-country-picker": "", "size": 8, **texts, **(attrs or {})}, choices=choices)
