"""What a dashboard is (`Dashboard`, its `Section`s and `Headline`s, the `DashboardData` built for it)
and the helpers its sections share: tables with the labels shown (`Col`, `table`), definitions,
labels of regions and stages, figures as JSON."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from django.utils.functional import Promise

from reports import charts, metrics
from reports.metrics import Context


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: str
    unit: str
    definition: str


# A dashboard page shows at most this many rows of a table (its first ones, in the table's order: the
# most urgent or the largest first); the CSV and XLSX downloads hold every row. The page's size does not
# grow with the data.
ROWS_SHOWN = 20


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    definition: str
    table: pd.DataFrame
    figure: str | None = None  # plotly JSON
    empty: str = ""  # said instead of the table when it has no rows

    @property
    def rows(self) -> list[list[Any]]:
        """Every row of the table, as the downloads write them."""
        return _rows(self.table)

    @property
    def row_count(self) -> int:
        return len(self.table)

    @property
    def truncated(self) -> bool:
        """Whether the page shows only the first `ROWS_SHOWN` rows of the table."""
        return len(self.table) > ROWS_SHOWN

    @property
    def shown(self) -> Section:
        """The section as the page shows it: its table's first `ROWS_SHOWN` rows."""
        if not self.truncated:
            return self
        return replace(self, table=self.table.head(ROWS_SHOWN))


def _rows(frame: pd.DataFrame) -> list[list[Any]]:
    return frame.astype(object).where(frame.notna(), None).to_numpy().tolist()


@dataclass(frozen=True)
class DashboardData:
    headlines: list[Headline] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)


SectionBuilder = Callable[[Mapping[str, pd.DataFrame], Context], list[Section]]


@dataclass(frozen=True)
class Dashboard:
    slug: str
    title: str | Promise
    description: str | Promise
    icon: str
    frames: tuple[str, ...]
    headlines: tuple[str, ...]
    sections: SectionBuilder
    notices: Callable[[], list[str]] = lambda: []

    @property
    def permission_codename(self) -> str:
        return f"view_{self.slug}_dashboard"

    @property
    def permission(self) -> str:
        return f"reports.{self.permission_codename}"


# -- Tables ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Col:
    """A table column: the source column, its heading, and how cells are shown."""

    source: str
    label: str
    kind: str = "text"  # text, int, float, or "label" (mapped through `labels`)
    labels: Mapping[str, str] | None = None


def table(frame: pd.DataFrame, columns: Sequence[Col]) -> pd.DataFrame:
    """The frame's chosen columns under their headings, with cells as shown (labels, rounding)."""
    out: dict[str, Any] = {}
    for column in columns:
        values = frame[column.source] if column.source in frame.columns else pd.Series([], dtype=object)
        if column.kind == "int":
            out[column.label] = pd.array(pd.to_numeric(values, errors="coerce").round(), dtype="Int64")
        elif column.kind == "float":
            out[column.label] = pd.to_numeric(values, errors="coerce").astype("float64").round(1)
        elif column.kind == "label":
            labels = column.labels or {}
            out[column.label] = [labels.get(str(value), str(value)) if value != "" else "" for value in values]
        else:
            out[column.label] = [
                ("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))
                for value in values
            ]
    return pd.DataFrame(out, columns=[column.label for column in columns])


def _breakdown_frame(breakdown: Mapping[str, Any], key_name: str = "key", value_name: str = "value") -> pd.DataFrame:
    return pd.DataFrame({key_name: list(breakdown), value_name: list(breakdown.values())})


def _definition(*keys: str) -> str:
    return " ".join(str(metrics.get(key).definition) for key in keys)


def _region_labels() -> dict[str, str]:
    return metrics.region_labels()


def _programme_regions() -> list[str]:
    return [key for key in metrics.region_labels() if key != "unassigned"]


def _stage_labels() -> dict[str, str]:
    return metrics.stage_labels()


def _json(figure: Any) -> str:
    return charts.figure_json(figure)
