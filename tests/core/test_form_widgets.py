"""Select options are written by `core.templatetags.form_widgets`, not included one by one: the markup
must stay Django's own, byte for byte, for every kind of select the forms use."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.utils.translation import gettext_lazy

CHOICES = [
    ("", "---------"),
    ("a", "Plain"),
    ("b&c", 'Quotes " and <markup> & ampersands'),
    (3, "A number"),
    ("Region", [("x", "Inside a group"), ("y", "Second in the group")]),
]


class Labelled(forms.Select):
    """An option with attributes of its own (Django adds `selected`; subclasses may add more)."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["attrs"].update({"data-label": "<x>", "hidden": False, "data-on": True})
        return option


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES), "b&c"),
        (forms.Select(choices=CHOICES, attrs={"class": "wide", "required": True}), None),
        (forms.SelectMultiple(choices=CHOICES), ["a", "x", "3"]),
        (forms.NullBooleanSelect(), True),
        (Labelled(choices=CHOICES), "y"),
    ],
)
def test_our_select_markup_is_djangos(widget: forms.Widget, value: object) -> None:
    ours = widget.render("field", value, attrs={"id": "id_field"}, renderer=TemplatesSetting())
    djangos = widget.render("field", value, attrs={"id": "id_field"}, renderer=DjangoTemplates())
    assert "select_options" not in ours
    assert ours == djangos


def test_labels_that_are_not_text_are_written_as_templates_write_them(settings: Any) -> None:
    """Dates, times and numbers as labels: localized (and in local time) as `{{ label }}` writes them."""
    settings.USE_THOUSAND_SEPARATOR = True
    labels = [
        (1, date(2026, 12, 4)),
        (2, datetime(2026, 12, 4, 23, 30, tzinfo=UTC)),
        (3, 12345),
        (4, 1.5),
        (5, gettext_lazy("Translated later")),
    ]
    widget = forms.Select(choices=labels)
    ours = widget.render("field", 3, renderer=TemplatesSetting())
    assert ours == widget.render("field", 3, renderer=DjangoTemplates())
    assert "12,345" in ours


def test_the_forms_use_our_select_template() -> None:
    template = TemplatesSetting().get_template("django/forms/widgets/select.html")
    assert "core/templates" in str(template.origin.name)


def test_an_option_with_a_template_of_its_own_keeps_it() -> None:
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input.html"

    widget = Custom(choices=[("a", "A"), ("b", "<B>")])
    ours = widget.render("field", "a", renderer=TemplatesSetting())
    assert ours == widget.render("field", "a", renderer=DjangoTemplates())
    assert ours.count("<input") == 2
