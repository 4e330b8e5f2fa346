"""The donor report PDF's charts: indicators' progress from baseline to target, and the budget by
category, planned against actual.

A chart is a `BarChart` flowable: a caption that states the scale, a legend, one row per label
(the label on the left, a pair of bars, each value printed at the end of its bar, a zero value shown
as a thin mark) and an axis with formatted values. It splits between rows like a table (the caption,
legend and axis repeated), so a long chart fills the rest of a page instead of leaving it blank.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from reports.donor import report_data as rd
from reports.donor.pdf.layout import (
    ACHIEVED_COLOUR,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    RULE,
    TARGET_COLOUR,
    WIDTH,
    fit,
    money,
    number,
    shaped,
)
from reports.donor.report_data import DonorReportData

LABEL_WIDTH = 62 * mm
VALUE_ROOM = 16 * mm
BAR = 7.0
ROW_GAP = 5.0
CAPTION_HEIGHT = 24.0
AXIS_HEIGHT = 16.0
MIN_ROWS_ON_A_PAGE = 3
# Progress above this share is drawn to it (and printed as it is).
PROGRESS_CAP = 200.0


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[float | None, ...]


def nice_step(largest: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that divides 0..largest in about `ticks`."""
    if largest <= 0:
        return 1.0
    raw = largest / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


class BarChart(Flowable):
    """Horizontal grouped bars, one group per row; see the module's docstring."""

    def __init__(
        self,
        rows: Sequence[Row],
        names: Sequence[str],
        colours: Sequence[colors.Color],
        *,
        caption: str,
        scale: str,
        value_text: Callable[[float], str],
        axis_max: float | None = None,
        reference: tuple[float, str] | None = None,
        missing: str = "—",
        continued: bool = False,
    ) -> None:
        super().__init__()
        self.rows = list(rows)
        self.names = list(names)
        self.colours = list(colours)
        self.caption = caption
        self.scale = scale
        self.value_text = value_text
        largest = max((value or 0.0 for row in self.rows for value in row.values), default=0.0)
        if axis_max is None:
            step = nice_step(largest)
            axis_max = step * max(1, math.ceil(largest / step - 1e-9))
        self.axis_max = axis_max
        self.reference = reference
        self.missing = missing
        self.continued = continued
        self.width = WIDTH

    @property
    def row_height(self) -> float:
        return BAR * len(self.names) + ROW_GAP

    def _height(self, rows: int) -> float:
        return CAPTION_HEIGHT + rows * self.row_height + AXIS_HEIGHT

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.height = self._height(len(self.rows))
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        fits = int((avail_height - CAPTION_HEIGHT - AXIS_HEIGHT) // self.row_height)
        if fits >= len(self.rows) or fits < MIN_ROWS_ON_A_PAGE or len(self.rows) - fits < MIN_ROWS_ON_A_PAGE:
            return []
        return [self._part(self.rows[:fits], self.continued), self._part(self.rows[fits:], True)]

    def _part(self, rows: Sequence[Row], continued: bool) -> BarChart:
        return BarChart(
            rows,
            self.names,
            self.colours,
            caption=self.caption,
            scale=self.scale,
            value_text=self.value_text,
            axis_max=self.axis_max,
            reference=self.reference,
            missing=self.missing,
            continued=continued,
        )

    def draw(self) -> None:
        canvas = self.canv
        top = self.height
        plot_x = LABEL_WIDTH + 3 * mm
        plot_width = self.width - plot_x - VALUE_ROOM
        scale = plot_width / self.axis_max if self.axis_max else 0.0
        canvas.saveState()
        # Legend on the right of the caption's line, the scale on a full line below it.
        x = self.width
        legend = list(zip(self.colours, self.names, strict=True))
        if self.reference is not None:
            name = shaped(self.reference[1])
            x -= stringWidth(name, FONT, 7) + 12
            canvas.setStrokeColor(INK)
            canvas.setDash(2, 1.5)
            canvas.line(x + 3.5, top - 10.5, x + 3.5, top - 1.5)
            canvas.setDash()
            canvas.setFillColor(INK)
            canvas.setFont(FONT, 7)
            canvas.drawString(x + 9, top - 9, name)
            x -= 8
        for colour, name in reversed(legend):
            name = shaped(name)
            x -= stringWidth(name, FONT, 7) + 12
            canvas.setFillColor(colour)
            canvas.rect(x, top - 9.5, 7, 7, stroke=0, fill=1)
            canvas.setFillColor(INK)
            canvas.setFont(FONT, 7)
            canvas.drawString(x + 9, top - 9, name)
            x -= 8
        caption = self.caption + (" " + _("(continued)") if self.continued else "")
        canvas.setFont(FONT_BOLD, 8)
        canvas.setFillColor(INK)
        canvas.drawString(0, top - 9, fit(shaped(caption), FONT_BOLD, 8, x - 4 * mm))
        canvas.setFont(FONT, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(0, top - 18, fit(shaped(self.scale), FONT, 7, self.width))
        # Rows.
        y = top - CAPTION_HEIGHT
        for row in self.rows:
            centre = y - self.row_height / 2
            canvas.setFont(FONT, 7)
            canvas.setFillColor(INK)
            canvas.drawRightString(LABEL_WIDTH, centre - 2.5, fit(shaped(row.label), FONT, 7, LABEL_WIDTH))
            bar_top = y - ROW_GAP / 2
            for index, value in enumerate(row.values):
                bar_y = bar_top - BAR * (index + 1)
                if value is None:
                    # No value (an amount not entered): said in words, never drawn as a zero.
                    canvas.setFont(FONT, 6)
                    canvas.setFillColor(MUTED)
                    canvas.drawString(plot_x + 3, bar_y + 2, self.missing)
                    continue
                drawn = min(max(value, 0.0), self.axis_max) * scale
                canvas.setFillColor(self.colours[index])
                # A zero is a thin mark at the axis, so that it reads as a value and not as missing.
                canvas.rect(plot_x, bar_y + 0.5, max(drawn, 1.2), BAR - 1, stroke=0, fill=1)
                canvas.setFont(FONT, 6)
                canvas.setFillColor(INK)
                canvas.drawString(plot_x + max(drawn, 1.2) + 2, bar_y + 2, self.value_text(value))
            y -= self.row_height
        # Axis: a line, ticks and their values.
        axis_y = y
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(plot_x, axis_y, plot_x + plot_width, axis_y)
        canvas.line(plot_x, axis_y, plot_x, top - CAPTION_HEIGHT)
        if self.reference is not None and self.reference[0] <= self.axis_max:
            reference_x = plot_x + self.reference[0] * scale
            canvas.setStrokeColor(INK)
            canvas.setDash(2, 1.5)
            canvas.line(reference_x, axis_y, reference_x, top - CAPTION_HEIGHT)
            canvas.setDash()
            canvas.setStrokeColor(RULE)
        step = nice_step(self.axis_max)
        canvas.setFont(FONT, 6.5)
        canvas.setFillColor(MUTED)
        tick = 0.0
        while tick <= self.axis_max + 1e-9:
            tick_x = plot_x + tick * scale
            canvas.line(tick_x, axis_y, tick_x, axis_y - 2)
            canvas.drawCentredString(tick_x, axis_y - 9, self.value_text(tick))
            tick += step
        canvas.restoreState()


def indicator_label(line: rd.IndicatorLine) -> str:
    return f"{line.code} {line.title}"


def indicator_chart(data: DonorReportData) -> BarChart | None:
    """Each indicator's progress from its baseline to its target (100 % = target reached), for the
    indicators whose progress is measured and shown, beside the target."""
    lines = [
        line
        for line in data.indicators
        if line.progress is not None and not rd.shown_indicator(line, data.small_count_threshold).progress_hidden
    ]
    if not lines:
        return None
    rows = [Row(indicator_label(line), (line.progress,)) for line in lines]
    largest = max(line.progress or 0.0 for line in lines)
    step = nice_step(largest, 4)
    return BarChart(
        rows,
        [_("Progress")],
        [ACHIEVED_COLOUR],
        caption=_("Indicators: progress from baseline to target"),
        scale=_("Scale: per cent of the way from baseline to target (100 % = target reached)"),
        value_text=lambda value: f"{number(value, 1)} %",
        axis_max=min(max(100.0, step * math.ceil(largest / step)), PROGRESS_CAP),
        reference=(100.0, _("Target (100 %)")),
    )


def budget_chart(data: DonorReportData, *, period: bool) -> BarChart | None:
    """Planned against actual by budget category: the period's amounts (`period`), else the whole
    grant's planned amount against what was spent since its start."""
    totals: dict[str, list[float | None]] = {}
    for line in data.budget_lines:
        planned_actual = totals.setdefault(line.category_text, [None, None])
        pair = (line.period_planned, line.period_actual) if period else (line.planned, line.actual)
        for index, value in enumerate(pair):
            if value is not None:
                planned_actual[index] = (planned_actual[index] or 0.0) + value
    if not totals:
        return None
    rows = [Row(label, tuple(values)) for label, values in totals.items()]
    if period:
        names = [_("Planned for the period"), _("Actual in the period")]
        caption = _("Budget of the period by category (%(currency)s)") % {"currency": data.currency}
    else:
        names = [_("Planned for the grant"), _("Spent since the start")]
        caption = _("Budget since the grant's start by category (%(currency)s)") % {"currency": data.currency}
    return BarChart(
        rows,
        names,
        [TARGET_COLOUR, ACHIEVED_COLOUR],
        caption=caption,
        scale=_("Amounts in %(currency)s") % {"currency": data.currency},
        value_text=money,
        missing=_("not entered"),
    )
