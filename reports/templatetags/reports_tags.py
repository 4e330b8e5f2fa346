"""Template helpers of the dashboards: table cells as exported, plotly figures as JSON data."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

# As django.utils.html.json_script: the JSON cannot close the script element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def cell(value: Any) -> str:
    """A table cell exactly as the CSV download writes it ("" for nothing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


@register.filter
def figure(value: Any, digits: int = 2) -> str:
    """A number as every report prints it (`metrics.format_number`): 50.6, never 50.60."""
    from reports.metrics import format_number

    return format_number(value, int(digits))


@register.simple_tag
def figure_script(figure_json: str, element_id: str) -> SafeString:
    """A plotly figure (JSON text) in a non-executable script element, read by dashboards.js."""
    return format_html(
        '<script id="{}" type="application/json">{}</script>',
        element_id,
        mark_safe(figure_json.translate(_JSON_ESCAPES)),  # noqa: S308 (escaped above, JSON only)
    )


@register.simple_tag
def data_table(section: Any) -> SafeString:
    """The section's table: a caption, column headers, the first cell of each row as its header.

    Built in Python rather than with template tags: large tables (hundreds of rows) render in a few
    milliseconds, and every cell goes through the same `cell` text as the CSV download."""
    caption = _("%(title)s: the data") % {"title": section.title}
    head = "".join(f'<th scope="col">{escape(heading)}</th>' for heading in section.table.columns)
    rows = []
    for row in section.rows:
        cells = [escape(cell(value)) for value in row]
        rows.append(f'<tr><th scope="row">{cells[0]}</th>{"".join(f"<td>{c}</td>" for c in cells[1:])}</tr>')
    return mark_safe(  # noqa: S308 (every piece escaped above)
        f'<table class="listing rp-table" id="table-{escape(section.key)}"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


@register.filter
def narrative(value: Any) -> SafeString:
    """A donor report's rich-text narrative as HTML: cleaned to its few tags here, on the way out, so
    nothing stored another way (an import, a direct update) is ever shown as markup."""
    from reports.donor.narrative import clean_rich_text

    return mark_safe(clean_rich_text(str(value or "")))  # noqa: S308 (cleaned to p, b, i, lists, text escaped)
