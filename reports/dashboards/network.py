"""The network overview dashboard's sections."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from django.utils.translation import gettext as _

from reports import aggregations as agg
from reports import charts, metrics
from reports.dashboards.base import (
    Col,
    Section,
    _definition,
    _json,
    _programme_regions,
    _region_labels,
    _stage_labels,
    table,
)
from reports.metrics import Context


# -- Network overview -----------------------------------------------------------------------------
def network_sections(f: Mapping[str, pd.DataFrame], c: Context) -> list[Section]:
    stage_labels, region_labels = _stage_labels(), _region_labels()
    by_stage = agg.stage_region_table(
        f["hotlines"],
        metrics.history(f, c),
        period=c.period,
        scope=c.scope,
        today=c.today,
        stages=list(stage_labels),
        regions=_programme_regions(),
    )
    stage_columns = [column for column in by_stage.columns if column != "region"]
    by_stage_table = table(
        by_stage.assign(total=by_stage[stage_columns].sum(axis=1) if stage_columns else 0),
        [
            Col("region", _("Programme region"), "label", region_labels),
            *(Col(stage, stage_labels.get(stage, stage), "int") for stage in stage_columns),
            Col("total", _("Total"), "int"),
        ],
    )
    years = agg.new_members_by_year(f["hotlines"], period=c.period, scope=c.scope, today=c.today)
    countries = agg.countries_by_region(metrics.countries_covered_table(f, c), regions=_programme_regions())
    gaps = metrics.coverage_gaps_table(f, c)
    ratings = {
        "favourable": _("Favourable"),
        "conditional": _("Favourable with conditions"),
        "unfavourable": _("Unfavourable"),
    }
    return [
        Section(
            "stage_region",
            _("Hotlines by stage and region"),
            _definition("hotlines_by_stage")
            + " "
            + _("Regions are the programme regions of the hotlines' home countries."),
            by_stage_table,
            _json(charts.stage_region_chart(by_stage, stage_labels=stage_labels, region_labels=region_labels)),
        ),
        Section(
            "new_members",
            _("New members per year"),
            _definition("new_members")
            + " "
            + _("By the year they joined, within the period (every year without one)."),
            table(years, [Col("year", _("Year joined")), Col("new_members", _("New members"), "int")]),
            _json(charts.new_members_chart(years)),
            empty=_("No member joined in the period."),
        ),
        Section(
            "countries",
            _("Countries covered by region"),
            _definition("countries_covered"),
            table(
                countries,
                [Col("region", _("Programme region"), "label", region_labels), Col("countries", _("Countries"), "int")],
            ),
            _json(charts.countries_by_region_chart(countries, region_labels=region_labels)),
        ),
        Section(
            "coverage_gaps",
            _("Target countries without a member hotline"),
            _definition("coverage_gaps"),
            table(
                gaps,
                [
                    Col("country", _("Country")),
                    Col("region", _("Programme region"), "label", region_labels),
                    Col("rating", _("Country assessment"), "label", ratings),
                    Col("candidate_stage", _("Candidate's stage"), "label", stage_labels),
                ],
            ),
            empty=_("Every target country in the scope has a member hotline."),
        ),
    ]
