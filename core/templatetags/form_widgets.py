"""`{% select_options %}`: a select's options written directly, not one template include per option.

Django renders every `<option>` of a select by including `select_option.html`: about 80 µs an
option, so an admin form choosing among 455 organisations and 250 countries spent most of its time
there. The override of `django/forms/widgets/select.html` (core/templates) calls this tag instead;
options with a template of their own are still rendered by it. Each value is written as the template
would write it (`render_value_in_context`: local time, localized, escaped), so the markup is Django's,
byte for byte (tests/core/test_form_widgets.py compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

DJANGO_OPTION = "django/forms/widgets/select_option.html"


def attributes(attrs: Mapping[str, Any], context: template.Context) -> str:
    """Django's `attrs.html`: ` name="value"`, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {render_value_in_context(name, context)}")
        if value is not True:
            parts.append(f'="{render_value_in_context(str(value), context)}"')
    return "".join(parts)


@register.simple_tag(takes_context=True)
def select_options(context: template.Context, options: Iterable[dict[str, Any]]) -> SafeString:
    html = []
    for option in options:
        if option["template_name"] == DJANGO_OPTION:
            value = render_value_in_context(str(option["value"]), context)
            label = render_value_in_context(option["label"], context)
            html.append(f'\n  <option value="{value}"{attributes(option["attrs"], context)}>{label}</option>\n')
        else:  # as `{% include option.template_name with widget=option %}` does
            with context.push(widget=option):
                html.append("\n  " + context.template.engine.get_template(option["template_name"]).render(context))
    return mark_safe("".join(html))  # noqa: S308 - every value above is written as the template writes it
