"""Template helpers of the dashboards: table cells as exported, plotly figures as JSON data."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# As django.utils.html.json_script: the JSON cannot close the script element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def cell(value: Any) -> str:
    """A table cell exactly as the CSV download writes it ("" for nothing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


@register.simple_tag
def figure_script(figure_json: str, element_id: str) -> SafeString:
    """A plotly figure (JSON text) in a non-executable script element, read by dashboards.js."""
    return format_html(
        '<script id="{}" type="application/json">{}</script>',
        element_id,
        mark_safe(figure_json.translate(_JSON_ESCAPES)),  # noqa: S308 (escaped above, JSON only)
    )
