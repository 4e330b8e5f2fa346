"""The pipeline dashboard's sections: the funnel, time in stage against its target, stalled candidates."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from django.utils.translation import gettext as _

from reports import aggregations as agg
from reports import charts, metrics
from reports.dashboards.base import Col, Section, _definition, _json, _stage_labels, table
from reports.metrics import Context


# -- Pipeline -----------------------------------------------------------------------------------------
def pipeline_sections(f: Mapping[str, pd.DataFrame], c: Context) -> list[Section]:
    stage_labels, targets = _stage_labels(), metrics.stage_targets()
    funnel = agg.funnel(f["stage_changes"], f["hotlines"], period=c.period, scope=c.scope, today=c.today)
    times = agg.time_in_stage_table(
        f["stage_changes"], f["hotlines"], period=c.period, scope=c.scope, today=c.today, now=c.now, targets=targets
    )
    stalled = metrics.stalled_table(f, c)
    return [
        Section(
            "funnel",
            _("Funnel by stage"),
            _(
                "For each stage of the track, the hotlines that have reached it (entered it or a later stage), "
                "among those whose lifecycle history starts in the period (all without a period), and those in "
                "it now."
            ),
            table(
                funnel,
                [
                    Col("stage", _("Stage"), "label", stage_labels),
                    Col("reached", _("Reached the stage"), "int"),
                    Col("in_stage_now", _("In the stage now"), "int"),
                ],
            ),
            _json(charts.funnel_chart(funnel, stage_labels=stage_labels)),
        ),
        Section(
            "time_in_stage",
            _("Time in stage against the targets"),
            _definition("median_days_in_stage")
            + " "
            + _(
                "Candidates there now are measured from the day they entered the stage; targets come from the "
                "published hotline-creation timeline."
            ),
            table(
                times,
                [
                    Col("stage", _("Stage"), "label", stage_labels),
                    Col("target_days", _("Target (days)"), "int"),
                    Col("completed_stays", _("Completed stays"), "int"),
                    Col("median_days_completed", _("Median days, completed stays"), "float"),
                    Col("in_stage_now", _("Candidates there now"), "int"),
                    Col("median_days_now", _("Median days so far"), "float"),
                    Col("over_target_now", _("Over target now"), "int"),
                ],
            ),
            _json(charts.time_in_stage_chart(times, stage_labels=stage_labels)),
        ),
        Section(
            "stalled",
            _("Stalled candidates"),
            _definition("stalled_candidates"),
            table(
                stalled,
                [
                    Col("brand_name", _("Candidate")),
                    Col("country", _("Country")),
                    Col("stage", _("Stage"), "label", stage_labels),
                    Col("days_in_stage", _("Days in stage"), "int"),
                    Col("target_days", _("Target (days)"), "int"),
                    Col("days_over", _("Days over target"), "int"),
                ],
            ),
            _json(charts.stalled_chart(stalled)) if len(stalled) else None,
            empty=_("No candidate is over its stage's target."),
        ),
    ]
