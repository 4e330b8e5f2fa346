"""The capacity and training dashboard's sections."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from django.utils.translation import gettext as _

from reports import aggregations as agg
from reports import charts, counted, metrics
from reports.dashboards.base import Col, Section, _breakdown_frame, _definition, _json, _region_labels, table
from reports.metrics import Context


# -- Capacity and training ---------------------------------------------------------------------------
def _expiring_section(c: Context) -> Section:
    expiring = metrics.expiring_certificates_counted(c)
    return Section(
        "certificates_expiring",
        _("Certificates expiring within 90 days"),
        _definition("certificates_expiring"),
        table(
            expiring,
            [
                Col("expires_on", _("Expires on")),
                Col("analyst_code", _("Analyst (code)")),
                Col("brand_name", _("Hotline")),
                Col("course", _("Course")),
            ],
        ),
        empty=_("No certificate expires within 90 days."),
    )


def capacity_sections(f: Mapping[str, pd.DataFrame], c: Context) -> list[Section]:
    region_labels = _region_labels()
    kind_labels, type_labels = metrics.course_kind_labels(), metrics.participant_type_labels()
    per_hotline = metrics.analysts_per_hotline_table(f, c)
    distribution = agg.analysts_per_hotline_distribution(per_hotline)
    # Training places are counted in the database (`reports.counted`), never read row by row here.
    trained = counted.analysts_trained_by_kind(
        c.user, period=c.period, scope=c.scope, today=c.today, kinds=list(kind_labels)
    )
    people = counted.people_trained_by_type(
        c.user, period=c.period, scope=c.scope, today=c.today, types=list(type_labels)
    )
    timeline = counted.certificate_expiry_timeline(c.user, scope=c.scope, today=c.today)
    single = metrics.single_analyst_table(f, c)
    return [
        Section(
            "analysts_per_hotline",
            _("Analysts per member hotline"),
            _definition("analysts") + " " + _("Member hotlines counted by how many analysts work there."),
            table(distribution, [Col("analysts", _("Analysts")), Col("hotlines", _("Member hotlines"), "int")]),
            _json(charts.analysts_distribution_chart(distribution)),
        ),
        Section(
            "trained_by_kind",
            _("Analysts trained by course kind"),
            _definition("analysts_trained_by_course_kind"),
            table(
                _breakdown_frame(trained),
                [Col("key", _("Course kind"), "label", kind_labels), Col("value", _("Analysts"), "int")],
            ),
            _json(
                charts.breakdown_chart(
                    trained,
                    labels=kind_labels,
                    title=_("Analysts trained by course kind"),
                    x_title=_("Course kind"),
                    y_title=_("Analysts"),
                )
            ),
        ),
        Section(
            "people_by_type",
            _("People trained by participant type"),
            _definition("people_trained_by_participant_type"),
            table(
                _breakdown_frame(people),
                [Col("key", _("Participant type"), "label", type_labels), Col("value", _("People"), "int")],
            ),
            _json(
                charts.breakdown_chart(
                    people,
                    labels=type_labels,
                    title=_("People trained by participant type"),
                    x_title=_("Participant type"),
                    y_title=_("People"),
                )
            ),
        ),
        Section(
            "expiry_timeline",
            _("Certification expiry timeline"),
            _(
                "Training certificates of analysts still working, by the month they expire, over the next 12 "
                "months (the period filter does not apply: this looks ahead from today)."
            ),
            table(timeline, [Col("month", _("Month")), Col("certificates", _("Certificates expiring"), "int")]),
            _json(charts.certificate_timeline_chart(timeline)),
        ),
        _expiring_section(c),
        Section(
            "single_analyst",
            _("Single-analyst alerts"),
            _definition("single_analyst_hotlines"),
            table(
                single,
                [
                    Col("brand_name", _("Hotline")),
                    Col("country", _("Country")),
                    Col("region", _("Programme region"), "label", region_labels),
                    Col("analysts", _("Analysts"), "int"),
                ],
            ),
            empty=_("No member hotline depends on a single analyst."),
        ),
    ]
