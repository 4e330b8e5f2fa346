"""`{% select_options %}`: a select's options written directly, not one template include per option.

Django renders every `<option>` of a select by including `select_option.html`: about 80 µs an
option, so an admin form choosing among 455 organisations and 250 countries spent most of its time
there. The override of `django/forms/widgets/select.html` (core/templates) calls this tag instead;
options with a template of their own are still rendered by it. The markup is Django's, byte for
byte (tests/core/test_form_widgets.py compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

DJANGO_OPTION = "django/forms/widgets/select_option.html"


def attributes(attrs: Mapping[str, Any]) -> str:
    """Django's `attrs.html`: ` name="value"`, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if value is not True:
            parts.append(f'="{conditional_escape(str(value))}"')
    return "".join(parts)


@register.simple_tag
def select_options(options: Iterable[dict[str, Any]]) -> SafeString:
    html = []
    for option in options:
        if option["template_name"] == DJANGO_OPTION:
            value, label = conditional_escape(str(option["value"])), conditional_escape(option["label"])
            html.append(f'\n  <option value="{value}"{attributes(option["attrs"])}>{label}</option>\n')
        else:
            html.append("\n  " + render_to_string(option["template_name"], {"widget": option}))
    return mark_safe("".join(html))  # noqa: S308 - every part above is escaped
