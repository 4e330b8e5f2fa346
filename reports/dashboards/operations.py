"""The operations dashboard's sections (the hotlines' aggregate statistics)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from django.utils.translation import gettext as _

from reports import aggregations as agg
from reports import charts
from reports.dashboards.base import Col, Section, _definition, _json, _programme_regions, _region_labels, table
from reports.metrics import Context


# -- Operations -------------------------------------------------------------------------------------
def operations_sections(f: Mapping[str, pd.DataFrame], c: Context) -> list[Section]:
    region_labels = _region_labels()
    by_year = agg.statistics_by_year(f["statistics"], period=c.period, scope=c.scope, today=c.today)
    by_region = agg.statistics_by_region(
        f["statistics"], period=c.period, scope=c.scope, today=c.today, regions=_programme_regions()
    )
    common = [
        Col("returns", _("Returns"), "int"),
        Col("reports_received", _("Reports received"), "int"),
        Col("content_urls_processed", _("Content URLs processed"), "int"),
        Col("share_removed_within_3_days", _("% removed within 3 days"), "float"),
    ]
    definition = _definition("reports_received", "content_urls_processed", "share_removed_within_3_days")
    return [
        Section(
            "statistics_by_year",
            _("Statistics trends"),
            definition + " " + _("Years are those in which the returns' reporting periods ended."),
            table(by_year, [Col("year", _("Year")), *common]),
            _json(charts.statistics_trend_chart(by_year)),
            empty=_("No statistics returns in the period."),
        ),
        Section(
            "statistics_by_region",
            _("Statistics by region"),
            definition + " " + _("Regions are the programme regions of the hotlines' home countries."),
            table(by_region, [Col("region", _("Programme region"), "label", region_labels), *common]),
            _json(charts.statistics_region_chart(by_region, region_labels=region_labels)),
        ),
    ]
