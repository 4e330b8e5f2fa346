"""Confirm, then act: form views whose action moves a hotline's stage or publishes something.

A valid form is not applied at once: the page shows what will happen, with the values as they were
read (dates spelled out with the month's name, so a misread day shows), and the same values are
posted again with `confirmed=yes` to apply them, or with `confirmed=change` to edit them again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import formats
from django.utils.translation import gettext_lazy


def spelled_date(day: date) -> str:
    """4 December 2026 (2026-12-04): the reading and the stored value side by side."""
    return f"{formats.date_format(day, 'j F Y')} ({day.isoformat()})"


class ConfirmFirstMixin:
    confirm_template_name = "core/admin/confirm.html"
    confirm_label: Any = gettext_lazy("Confirm")

    def consequences(self, form: forms.Form) -> list[str]:
        """What applying the form will do, one line each."""
        raise NotImplementedError

    def confirmed_valid(self, form: forms.Form) -> HttpResponse:
        """Apply the form (the view's former `form_valid`)."""
        raise NotImplementedError

    def form_valid(self, form: forms.Form) -> HttpResponse:
        choice = self.request.POST.get("confirmed")
        if choice == "yes":
            return self.confirmed_valid(form)
        if choice == "change":
            return self.render_to_response(self.get_context_data(form=form))
        context = self.get_context_data(form=form)
        context.update(consequences=self.consequences(form), confirm_label=self.confirm_label)
        return TemplateResponse(self.request, self.confirm_template_name, context)
