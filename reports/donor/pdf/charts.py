"""The donor report PDF's charts (reportlab drawings): indicators achieved against target, budget
execution."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from reports.donor import report_data as rd
from reports.donor.pdf.layout import ACHIEVED_COLOUR, FONT, MUTED, TARGET_COLOUR, WIDTH, shaped
from reports.donor.report_data import DonorReportData


# -- Charts ---------------------------------------------------------------------------------------
def bar_chart(
    labels: Sequence[str],
    series: Sequence[Sequence[float]],
    names: Sequence[str],
    colours: Sequence[colors.Color],
    *,
    caption: str,
    value_format: str = "%.0f",
) -> Drawing:
    """Horizontal grouped bars (one group per label), a legend and a caption, in DejaVu Sans."""
    bar_room = 7 * len(series) + 6
    height = max(60.0, bar_room * len(labels)) + 40
    drawing = Drawing(WIDTH, height)
    drawing.initialFontName = FONT  # the renderer's starting font (else Helvetica joins the PDF's fonts)
    chart = HorizontalBarChart()
    chart.x, chart.y = 110, 26
    chart.width, chart.height = WIDTH - 130, height - 40
    chart.data = [list(values) for values in series]
    chart.categoryAxis.categoryNames = [shaped(label) for label in labels]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.reverseDirection = 1
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = value_format
    chart.barSpacing = 1
    chart.groupSpacing = 5
    for index, colour in enumerate(colours):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.fontName = FONT
    legend.fontSize = 7
    legend.x, legend.y = 110, 10
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 90
    legend.dx = legend.dy = 6
    legend.colorNamePairs = [(colour, shaped(name)) for colour, name in zip(colours, names, strict=True)]
    drawing.add(legend)
    drawing.add(String(0, height - 10, shaped(caption), fontName=FONT, fontSize=8, fillColor=MUTED))
    return drawing


def indicator_chart(data: DonorReportData) -> Drawing | None:
    """Each indicator's progress from its baseline to its target (100 % = target reached), for the
    indicators whose progress is measured and shown."""
    lines = [
        line
        for line in data.indicators
        if line.progress is not None and not rd.shown_indicator(line, data.small_count_threshold).progress_hidden
    ]
    if not lines:
        return None
    labels = [line.code for line in lines]
    progress = [min(max(line.progress or 0.0, 0.0), 200.0) for line in lines]
    return bar_chart(
        labels,
        [[100.0] * len(lines), progress],
        [_("Target (100 %)"), _("Progress from baseline to target")],
        [TARGET_COLOUR, ACHIEVED_COLOUR],
        caption=_("Progress from each indicator's baseline to its target, per cent of the way"),
    )


def budget_chart(data: DonorReportData) -> Drawing | None:
    totals: dict[str, list[float]] = {}
    for line in data.budget_lines:
        planned_actual = totals.setdefault(line.category_text, [0.0, 0.0])
        planned_actual[0] += line.planned
        planned_actual[1] += line.actual
    if not totals:
        return None
    labels = list(totals)
    return bar_chart(
        labels,
        [[totals[label][0] for label in labels], [totals[label][1] for label in labels]],
        [_("Planned"), _("Actual")],
        [TARGET_COLOUR, ACHIEVED_COLOUR],
        caption=_("Budget by category (%(currency)s)") % {"currency": data.currency},
    )
