"""The roundtables and stakeholder coverage dashboard's sections."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from django.utils.translation import gettext as _

from reports import aggregations as agg
from reports import charts, metrics
from reports.dashboards.base import Col, Section, _breakdown_frame, _definition, _json, table
from reports.metrics import Context


# -- Roundtables and stakeholder coverage ---------------------------------------------------------------
def roundtable_sections(f: Mapping[str, pd.DataFrame], c: Context) -> list[Section]:
    sector_labels = metrics.sector_labels()
    sectors = list(sector_labels)
    per_year = agg.roundtables_by_year(f["roundtables"], period=c.period, scope=c.scope, today=c.today)
    mix = agg.roundtable_sector_coverage(
        f["roundtable_participants"], period=c.period, scope=c.scope, today=c.today, sectors=sectors
    )
    matrix = agg.coverage_matrix(
        f["roundtables"],
        f["roundtable_participants"],
        f["agreement_parties"],
        f["hotlines"],
        metrics.history(f, c),
        period=c.period,
        scope=c.scope,
        today=c.today,
        sectors=sectors,
    )
    level_labels = [_("None yet"), _("Invited"), _("Attended"), _("Committed"), _("Agreement signed")]
    levels = {str(index): label for index, label in enumerate(level_labels)}
    mous = agg.mous_by_country(f["agreements"], period=c.period, scope=c.scope, today=c.today)
    return [
        Section(
            "roundtables_per_year",
            _("Roundtables per year"),
            _definition("roundtables_held") + " " + _("Planned roundtables (not cancelled) are shown beside them."),
            table(
                per_year, [Col("year", _("Year")), Col("held", _("Held"), "int"), Col("planned", _("Planned"), "int")]
            ),
            _json(charts.roundtables_chart(per_year)),
            empty=_("No roundtable in the period."),
        ),
        Section(
            "sector_mix",
            _("Sector mix of roundtables"),
            _definition("roundtable_sector_coverage"),
            table(
                _breakdown_frame(mix),
                [Col("key", _("Sector"), "label", sector_labels), Col("value", _("Roundtables attended"), "int")],
            ),
            _json(
                charts.breakdown_chart(
                    mix,
                    labels=sector_labels,
                    title=_("Roundtables attended by each sector"),
                    x_title=_("Roundtables held"),
                    y_title=_("Sector"),
                    horizontal=True,
                )
            ),
        ),
        Section(
            "coverage",
            _("Stakeholder coverage: country by sector"),
            _(
                "For each country with a roundtable (not cancelled), an agreement in force or a candidate in the "
                "lifecycle on the day (today, or the period's last day), the furthest status any organisation of "
                "each sector had reached: invited, attended, committed to cooperate, or party to an agreement in "
                "force. Roundtables count from their date on, planned ones too when the day is today; the "
                "onboarding coverage screen shows the same cells with the organisations counted."
            ),
            table(
                matrix,
                [
                    Col("country_name", _("Country")),
                    *(Col(sector, sector_labels[sector], "label", levels) for sector in sectors),
                ],
            )
            if len(matrix)
            else table(matrix, [Col("country_name", _("Country"))]),
            _json(
                charts.coverage_heatmap(matrix, sectors=sectors, sector_labels=sector_labels, level_labels=level_labels)
            )
            if len(matrix)
            else None,
            empty=_("No roundtables, agreements or candidates in the scope."),
        ),
        Section(
            "mous",
            _("Law-enforcement MoUs"),
            _definition("mous_signed", "mous_pending", "mous_expiring"),
            table(
                mous,
                [
                    Col("country", _("Country")),
                    Col("signed_in_period", _("Signed in the period"), "int"),
                    Col("in_force", _("In force"), "int"),
                    Col("pending", _("Pending"), "int"),
                    Col("expiring", _("Expiring within 90 days"), "int"),
                ],
            ),
            _json(charts.mous_chart(mous)) if len(mous) else None,
            empty=_("No law-enforcement MoU in the scope."),
        ),
    ]
