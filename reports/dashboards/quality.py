"""The quality dashboard's sections."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from django.utils.translation import gettext as _

from reports import aggregations as agg
from reports import charts, counted, metrics
from reports.dashboards.base import Col, Section, _definition, _json, _stage_labels, table
from reports.dashboards.capacity import _expiring_section
from reports.metrics import Context


# -- Quality ----------------------------------------------------------------------------------------
def quality_sections(f: Mapping[str, pd.DataFrame], c: Context) -> list[Section]:
    stage_labels = _stage_labels()
    reviews = agg.qa_reviews_by_year(f["assessments"], period=c.period, scope=c.scope, today=c.today)
    due = metrics.qa_due_table(f, c)
    unreviewed = metrics.qa_unreviewed_table(f, c)
    certified = metrics.qa_certified_table(f, c)
    due_states = {"overdue": _("Overdue"), "due": _("Due within 90 days")}
    scheduled = {"True": _("Yes"), "False": _("No")}
    actions = metrics.open_actions_table(f, c)
    action_states = {
        "open": _("Open"),
        "in_progress": _("In progress"),
        "completed": _("Completed, awaiting verification"),
    }
    by_status = {
        state: int((actions["status"] == state).sum()) for state in agg.ACTION_STATUSES if state != agg.VERIFIED
    }
    results = {"passed": _("Passed"), "passed_with_actions": _("Passed with actions"), "failed": _("Not passed")}
    by_year = counted.certificates_by_year(c.user, period=c.period, scope=c.scope, today=c.today)
    return [
        Section(
            "qa_reviews_due",
            _("Quality-assurance reviews due"),
            _definition("qa_reviews_due"),
            table(
                due,
                [
                    Col("brand_name", _("Hotline")),
                    Col("country", _("Country")),
                    Col("stage", _("Stage"), "label", stage_labels),
                    Col("last_review", _("Last review")),
                    Col("due_on", _("Due on")),
                    Col("state", _("Status"), "label", due_states),
                    Col("scheduled", _("Review planned"), "label", scheduled),
                ],
            ),
            empty=_("No quality-assurance review is due within 90 days."),
        ),
        Section(
            "qa_unreviewed",
            _("Members with no review recorded"),
            _definition("qa_unreviewed_members"),
            table(
                unreviewed,
                [
                    Col("brand_name", _("Hotline")),
                    Col("country", _("Country")),
                    Col("stage", _("Stage"), "label", stage_labels),
                    Col("joined_on", _("Member since")),
                    Col("first_due_on", _("First review due")),
                    Col("scheduled", _("Review planned"), "label", scheduled),
                ],
            ),
            empty=_("Every member hotline has a quality-assurance review on record."),
        ),
        Section(
            "qa_certified",
            _("Members with a valid QA certificate"),
            _definition("members_with_valid_qa_certificate"),
            table(
                certified,
                [
                    Col("brand_name", _("Hotline")),
                    Col("country", _("Country")),
                    Col("stage", _("Stage"), "label", stage_labels),
                    Col("certificate", _("Certificate")),
                    Col("valid_from", _("Valid from")),
                    Col("valid_until", _("Valid until")),
                ],
            ),
            empty=_("No member holds a valid quality-assurance certificate."),
        ),
        Section(
            "qa_reviews_done",
            _("Quality-assurance reviews done"),
            _definition("qa_reviews_done"),
            table(
                reviews,
                [Col("year", _("Year")), *(Col(key, label, "int") for key, label in results.items())],
            ),
            _json(charts.qa_reviews_chart(reviews, result_labels=results)),
            empty=_("No quality-assurance review was completed in the period."),
        ),
        Section(
            "corrective_actions",
            _("Open corrective actions"),
            _definition("open_corrective_actions"),
            table(
                actions.assign(overdue=actions["overdue"].map({True: _("Overdue"), False: ""})),
                [
                    Col("due_on", _("Due on")),
                    Col("brand_name", _("Hotline")),
                    Col("assessment", _("Assessment")),
                    Col("title", _("Action")),
                    Col("status", _("Status"), "label", action_states),
                    Col("overdue", _("Overdue")),
                ],
            ),
            _json(
                charts.breakdown_chart(
                    by_status,
                    labels=action_states,
                    title=_("Open corrective actions by status"),
                    x_title=_("Status"),
                    y_title=_("Corrective actions"),
                )
            )
            if len(actions)
            else None,
            empty=_("No corrective action is open."),
        ),
        Section(
            "certificates_by_year",
            _("Certificates issued and expiring"),
            _definition("certificates_issued")
            + " "
            + _("Expiring: certificates whose validity ends in that year, whether or not they were renewed."),
            table(
                by_year,
                [Col("year", _("Year")), Col("issued", _("Issued"), "int"), Col("expiring", _("Expiring"), "int")],
            ),
            _json(charts.certificates_by_year_chart(by_year)),
            empty=_("No certificate in the period."),
        ),
        _expiring_section(c),
    ]
