"""Each indicator's value across a grant's published periods, for the donor area.

Read from the published reports' frozen data (`selectors.frozen_indicators`), one column per period
(the version currently published for it), with values as donors see them: a small count of people is
its text ("fewer than 5"), never a number, and is left out of the sparkline and of the arrows, which
would otherwise give it away. Pure: no queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from reports.donor.selectors import frozen_indicators
from reports.metrics import format_number
from reports.models import DonorReport

SPARK_WIDTH = 96
SPARK_HEIGHT = 24
SPARK_PAD = 3

UP, DOWN, SAME = "up", "down", "same"


@dataclass(frozen=True)
class TrendCell:
    text: str
    value: float | None
    # Against the previous shown value: UP, DOWN, SAME, or "" (nothing to compare with).
    direction: str


@dataclass(frozen=True)
class TrendRow:
    code: str
    title: str
    unit: str
    cells: list[TrendCell]
    # The sparkline: polylines' points ("x,y x,y ...", broken where a value is not shown) and dots.
    lines: list[str]
    dots: list[tuple[float, float]]


@dataclass(frozen=True)
class IndicatorTrends:
    periods: list[tuple[date, date]]
    rows: list[TrendRow]
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT


def indicator_trends(reports: list[DonorReport]) -> IndicatorTrends:
    """The trend table of these reports (those published with data count, oldest period first)."""
    current = sorted(
        (r for r in reports if r.status == DonorReport.Status.PUBLISHED and r.data),
        key=lambda r: (r.period_start, r.period_end),
    )
    periods = [(r.period_start, r.period_end) for r in current]
    columns = [{line.code: line for line in frozen_indicators(r.data)} for r in current]
    order: dict[str, Any] = {}
    for column in reversed(columns):  # the latest title, unit and order of each indicator
        for code, line in column.items():
            order.setdefault(code, line)
    rows = []
    for code, latest in order.items():
        cells = _cells([column.get(code) for column in columns])
        lines, dots = _sparkline([cell.value for cell in cells])
        rows.append(TrendRow(code, latest.title, latest.unit, cells, lines, dots))
    return IndicatorTrends(periods=periods, rows=rows)


def _cells(lines: list[Any]) -> list[TrendCell]:
    cells: list[TrendCell] = []
    previous: float | None = None
    for line in lines:
        if line is None:
            cells.append(TrendCell("—", None, ""))
            previous = None
            continue
        if line.achieved_hidden:
            cells.append(TrendCell(line.achieved_hidden, None, ""))
            previous = None
            continue
        value = None if line.achieved is None else float(line.achieved)
        direction = ""
        if value is not None and previous is not None:
            direction = UP if value > previous else DOWN if value < previous else SAME
        cells.append(TrendCell(format_number(value, 2), value, direction))
        previous = value
    return cells


def _sparkline(values: list[float | None]) -> tuple[list[str], list[tuple[float, float]]]:
    shown = [v for v in values if v is not None]
    if not shown:
        return [], []
    low, high = min(shown), max(shown)
    span = (high - low) or 1.0
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(values) - 1, 1)

    def point(index: int, value: float) -> tuple[float, float]:
        x = SPARK_PAD + index * step if len(values) > 1 else SPARK_WIDTH / 2
        y = SPARK_HEIGHT - SPARK_PAD - (value - low) / span * (SPARK_HEIGHT - 2 * SPARK_PAD)
        return round(x, 1), round(y if high != low else SPARK_HEIGHT / 2, 1)

    lines: list[str] = []
    segment: list[str] = []
    dots = []
    for index, value in enumerate(values):
        if value is None:
            if len(segment) > 1:
                lines.append(" ".join(segment))
            segment = []
            continue
        x, y = point(index, value)
        dots.append((x, y))
        segment.append(f"{x},{y}")
    if len(segment) > 1:
        lines.append(" ".join(segment))
    return lines, dots
