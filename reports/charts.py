"""Plotly figures built from aggregation outputs (DataFrames and breakdowns). No data access.

Each `*_chart` returns a `plotly.graph_objects.Figure` with a title and axis titles in the active
language; the dashboards serialise it (`figure_json`) for plotly.js, served from our own static
files. Figures carry no plotly template (the default one would add kilobytes to every chart):
the few styles we want are set here. Colours come from a palette readable with colour-vision
deficiencies, and every chart has a data table beside it, so nothing depends on colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from django.utils.translation import gettext as _

# Okabe-Ito, without black.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
LEVEL_COLOURS = ("#f2f2f2", "#c6dbef", "#6baed6", "#2171b5", "#08306b")


def _layout(title: str, x_title: str, y_title: str, *, categories: bool = False, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "template": go.layout.Template(),
        "title": {"text": title, "x": 0, "xanchor": "left"},
        "xaxis": {"title": {"text": x_title}, "automargin": True, "gridcolor": "#e5e5e5"},
        "yaxis": {"title": {"text": y_title}, "automargin": True, "gridcolor": "#e5e5e5", "rangemode": "tozero"},
        "colorway": list(PALETTE),
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
        "legend": {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "height": 380,
    }
    if categories:
        # Years, months and bucket labels are names here, not numbers or dates to interpolate.
        layout["xaxis"]["type"] = "category"
    layout.update(extra)
    return layout


def _region_axis(layout: dict[str, Any]) -> dict[str, Any]:
    """Region names are long: slant them so that none is cut."""
    layout["xaxis"]["tickangle"] = -25
    return layout


def figure_json(figure: go.Figure) -> str:
    """The figure as JSON for plotly.js (already validated when built)."""
    return pio.to_json(figure, validate=False, pretty=False)


def _labels(keys: Sequence[Any], labels: Mapping[str, str] | None) -> list[str]:
    labels = labels or {}
    return [labels.get(str(key), str(key)) for key in keys]


def breakdown_chart(
    breakdown: Mapping[str, int | float | None],
    *,
    labels: Mapping[str, str],
    title: str,
    x_title: str,
    y_title: str,
    horizontal: bool = False,
) -> go.Figure:
    """One bar per key of a breakdown (in the breakdown's order)."""
    keys = list(breakdown)
    names = _labels(keys, labels)
    values = [breakdown[key] for key in keys]
    if horizontal:
        bar = go.Bar(x=values, y=names, orientation="h", name=x_title, hovertemplate="%{y}: %{x}<extra></extra>")
        layout = _layout(title, x_title, y_title, height=max(320, 28 * len(keys) + 120))
        layout["yaxis"]["autorange"] = "reversed"
    else:
        bar = go.Bar(x=names, y=values, name=y_title, hovertemplate="%{x}: %{y}<extra></extra>")
        layout = _layout(title, x_title, y_title)
    return go.Figure(data=[bar], layout=layout)


# -- Network ------------------------------------------------------------------------------------
def stage_region_chart(
    table: pd.DataFrame, *, stage_labels: Mapping[str, str], region_labels: Mapping[str, str]
) -> go.Figure:
    """Stacked bars: hotlines per programme region, one trace per stage present."""
    regions = _labels(table["region"], region_labels)
    stages = [column for column in table.columns if column != "region"]
    traces = [
        go.Bar(x=regions, y=table[stage].tolist(), name=stage_labels.get(stage, stage), marker_color=PALETTE[i % 8])
        for i, stage in enumerate(stages)
    ]
    return go.Figure(
        data=traces,
        layout=_region_axis(
            _layout(_("Hotlines by stage and region"), _("Programme region"), _("Hotlines"), barmode="stack")
        ),
    )


def new_members_chart(table: pd.DataFrame) -> go.Figure:
    bar = go.Bar(x=table["year"].astype(str).tolist(), y=table["new_members"].tolist(), name=_("New members"))
    return go.Figure(
        data=[bar], layout=_layout(_("New members per year"), _("Year joined"), _("Hotlines"), categories=True)
    )


def countries_by_region_chart(table: pd.DataFrame, *, region_labels: Mapping[str, str]) -> go.Figure:
    bar = go.Bar(x=_labels(table["region"], region_labels), y=table["countries"].tolist(), name=_("Countries"))
    return go.Figure(
        data=[bar],
        layout=_region_axis(_layout(_("Countries covered by region"), _("Programme region"), _("Countries"))),
    )


# -- Pipeline -----------------------------------------------------------------------------------
def funnel_chart(table: pd.DataFrame, *, stage_labels: Mapping[str, str]) -> go.Figure:
    funnel = go.Funnel(
        y=_labels(table["stage"], stage_labels),
        x=table["reached"].tolist(),
        name=_("Hotlines that reached the stage"),
        textinfo="value+percent initial",
        marker={"color": PALETTE[0]},
    )
    layout = _layout(_("Lifecycle funnel"), _("Hotlines that reached the stage"), _("Stage"), height=460)
    layout["margin"]["l"] = 180
    return go.Figure(data=[funnel], layout=layout)


def time_in_stage_chart(table: pd.DataFrame, *, stage_labels: Mapping[str, str]) -> go.Figure:
    """Median days per stage (completed stays and candidates there now) against the target."""
    stages = _labels(table["stage"], stage_labels)
    return go.Figure(
        data=[
            go.Bar(x=stages, y=table["median_days_completed"].tolist(), name=_("Median, completed stays")),
            go.Bar(x=stages, y=table["median_days_now"].tolist(), name=_("Median, candidates there now")),
            go.Scatter(
                x=stages,
                y=table["target_days"].tolist(),
                name=_("Target"),
                mode="markers",
                marker={"symbol": "line-ew-open", "size": 28, "line": {"width": 3}, "color": "#000000"},
            ),
        ],
        layout=_layout(_("Time in stage against the targets"), _("Stage"), _("Days"), barmode="group"),
    )


def stalled_chart(table: pd.DataFrame, *, limit: int = 20) -> go.Figure:
    shown = table.head(limit)
    bar = go.Bar(
        x=shown["days_over"].tolist(),
        y=shown["brand_name"].tolist(),
        orientation="h",
        name=_("Days over target"),
        marker_color=PALETTE[5],
    )
    layout = _layout(
        _("Stalled candidates (the %(count)s most overdue)") % {"count": len(shown)},
        _("Days over the stage's target"),
        _("Candidate"),
        height=max(300, 28 * len(shown) + 140),
    )
    layout["yaxis"]["autorange"] = "reversed"
    return go.Figure(data=[bar], layout=layout)


# -- Roundtables and agreements -----------------------------------------------------------------
def roundtables_chart(table: pd.DataFrame) -> go.Figure:
    years = table["year"].astype(str).tolist()
    return go.Figure(
        data=[
            go.Bar(x=years, y=table["held"].tolist(), name=_("Held")),
            go.Bar(x=years, y=table["planned"].tolist(), name=_("Planned")),
        ],
        layout=_layout(_("Roundtables per year"), _("Year"), _("Roundtables"), categories=True, barmode="stack"),
    )


def coverage_heatmap(
    matrix: pd.DataFrame, *, sectors: Sequence[str], sector_labels: Mapping[str, str], level_labels: Sequence[str]
) -> go.Figure:
    """Countries x sectors, coloured by the furthest status reached (the level's name in the hover text)."""
    z = matrix[list(sectors)].to_numpy().tolist() if len(matrix) else []
    text = [[level_labels[value] for value in row] for row in z]
    steps = len(LEVEL_COLOURS)
    colourscale = []
    for index, colour in enumerate(LEVEL_COLOURS):
        colourscale += [[index / steps, colour], [(index + 1) / steps, colour]]
    heatmap = go.Heatmap(
        z=z,
        x=_labels(sectors, sector_labels),
        y=matrix["country_name"].tolist(),
        text=text,
        hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
        zmin=-0.5,
        zmax=steps - 0.5,
        colorscale=colourscale,
        xgap=2,
        ygap=2,
        colorbar={"tickvals": list(range(steps)), "ticktext": list(level_labels), "title": {"text": _("Status")}},
        name=_("Stakeholder coverage"),
    )
    layout = _layout(
        _("Stakeholder coverage: country by sector"),
        _("Sector"),
        _("Country"),
        height=max(320, 30 * len(matrix) + 200),
    )
    layout["yaxis"]["autorange"] = "reversed"
    layout["xaxis"]["tickangle"] = -35
    return go.Figure(data=[heatmap], layout=layout)


def mous_chart(table: pd.DataFrame) -> go.Figure:
    countries = table["country"].tolist()
    return go.Figure(
        data=[
            go.Bar(x=countries, y=table["in_force"].tolist(), name=_("In force")),
            go.Bar(x=countries, y=table["pending"].tolist(), name=_("Pending")),
            go.Bar(x=countries, y=table["expiring"].tolist(), name=_("Expiring within 90 days")),
        ],
        layout=_layout(_("Law-enforcement MoUs by country"), _("Country"), _("MoUs"), barmode="group"),
    )


# -- Capacity and quality -----------------------------------------------------------------------
def analysts_distribution_chart(table: pd.DataFrame) -> go.Figure:
    bar = go.Bar(x=table["analysts"].tolist(), y=table["hotlines"].tolist(), name=_("Member hotlines"))
    return go.Figure(
        data=[bar],
        layout=_layout(
            _("Analysts per member hotline"),
            _("Analysts working at the hotline"),
            _("Member hotlines"),
            categories=True,
        ),
    )


def certificate_timeline_chart(table: pd.DataFrame) -> go.Figure:
    bar = go.Bar(x=table["month"].tolist(), y=table["certificates"].tolist(), name=_("Certificates expiring"))
    return go.Figure(
        data=[bar],
        layout=_layout(
            _("Certificates expiring in the next 12 months"), _("Month of expiry"), _("Certificates"), categories=True
        ),
    )


def certificates_by_year_chart(table: pd.DataFrame) -> go.Figure:
    years = table["year"].astype(str).tolist()
    return go.Figure(
        data=[
            go.Bar(x=years, y=table["issued"].tolist(), name=_("Issued")),
            go.Bar(x=years, y=table["expiring"].tolist(), name=_("Expiring")),
        ],
        layout=_layout(
            _("Certificates issued and expiring per year"),
            _("Year"),
            _("Certificates"),
            categories=True,
            barmode="group",
        ),
    )


def qa_reviews_chart(table: pd.DataFrame, *, result_labels: Mapping[str, str]) -> go.Figure:
    years = table["year"].astype(str).tolist()
    colours = {"passed": PALETTE[2], "passed_with_actions": PALETTE[1], "failed": PALETTE[5]}
    return go.Figure(
        data=[
            go.Bar(x=years, y=table[result].tolist(), name=label, marker_color=colours.get(result))
            for result, label in result_labels.items()
        ],
        layout=_layout(
            _("Quality-assurance reviews per year, by result"),
            _("Year the report was completed"),
            _("Reviews"),
            categories=True,
            barmode="stack",
        ),
    )


# -- Operations ---------------------------------------------------------------------------------
def statistics_trend_chart(table: pd.DataFrame) -> go.Figure:
    """Reports and content URLs per year (left axis) and the share removed within 3 days (right axis)."""
    years = table["year"].astype(str).tolist()
    layout = _layout(_("Statistics per year"), _("Year the reporting period ended"), _("Count"), categories=True)
    layout["yaxis2"] = {
        "title": {"text": _("% removed within 3 days")},
        "overlaying": "y",
        "side": "right",
        "range": [0, 100],
        "showgrid": False,
    }
    return go.Figure(
        data=[
            go.Scatter(x=years, y=table["reports_received"].tolist(), name=_("Reports received"), mode="lines+markers"),
            go.Scatter(
                x=years,
                y=table["content_urls_processed"].tolist(),
                name=_("Content URLs processed"),
                mode="lines+markers",
            ),
            go.Scatter(
                x=years,
                y=table["share_removed_within_3_days"].tolist(),
                name=_("% removed within 3 days"),
                mode="lines+markers",
                yaxis="y2",
                line={"dash": "dot"},
            ),
        ],
        layout=layout,
    )


def statistics_region_chart(table: pd.DataFrame, *, region_labels: Mapping[str, str]) -> go.Figure:
    regions = _labels(table["region"], region_labels)
    return go.Figure(
        data=[
            go.Bar(x=regions, y=table["reports_received"].tolist(), name=_("Reports received")),
            go.Bar(x=regions, y=table["content_urls_processed"].tolist(), name=_("Content URLs processed")),
        ],
        layout=_region_axis(_layout(_("Statistics by region"), _("Programme region"), _("Count"), barmode="group")),
    )


# -- Grants ---------------------------------------------------------------------------------------
# Colour of each indicator status (report_data's keys); the legend and the table name them.
STATUS_COLOURS = {"achieved": "#009E73", "on_track": "#0072B2", "at_risk": "#E69F00", "behind": "#D55E00"}


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def indicator_progress_chart(table: pd.DataFrame, *, status_labels: Mapping[str, str], title: str) -> go.Figure:
    """Each indicator's progress from its baseline to its target, in per cent of the way (horizontal bars,
    one trace per status so that the legend names each colour), against the target's line at 100 %."""
    names = [f"{row.code} {_short(row.title)}" for row in table.itertuples(index=False)]
    traces = []
    for status, colour in STATUS_COLOURS.items():
        chosen = (table["status"] == status).to_numpy()
        if not chosen.any():
            continue
        percentages = [None if pd.isna(value) else float(value) for value in table.loc[chosen, "progress"]]
        traces.append(
            go.Bar(
                x=percentages,
                y=[name for name, keep in zip(names, chosen, strict=True) if keep],
                orientation="h",
                name=status_labels.get(status, status),
                marker_color=colour,
                text=[status_labels.get(status, status)] * len(percentages),
                hovertemplate="%{y}: %{x} % · %{text}<extra></extra>",
                textposition="none",
            )
        )
    layout = _layout(
        title,
        _("Progress from baseline to target (%)"),
        _("Indicator"),
        height=max(300, 34 * len(names) + 160),
        barmode="overlay",
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": 100,
                "x1": 100,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#333333", "width": 2, "dash": "dash"},
            }
        ],
        annotations=[
            {
                "x": 100,
                "xref": "x",
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "text": _("Target"),
                "showarrow": False,
            }
        ],
    )
    layout["yaxis"]["autorange"] = "reversed"
    layout["yaxis"]["type"] = "category"
    layout["yaxis"]["categoryorder"] = "array"
    layout["yaxis"]["categoryarray"] = names
    layout["xaxis"]["rangemode"] = "tozero"
    layout["xaxis"]["ticksuffix"] = " %"
    return go.Figure(data=traces, layout=layout)
