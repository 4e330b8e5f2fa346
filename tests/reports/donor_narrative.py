"""A donor report's narrative written in full (so it can be submitted), and a second grants manager
(four eyes: the one who prepared a report does not publish it)."""

from __future__ import annotations

from typing import Any

from reports.donor import selectors, services
from reports.models import DonorReport, WorkPackage
from tests.reports.donor_report_factories import grants_manager


def second_manager(email: str = "second.manager@example.org") -> Any:
    return grants_manager(email)


def write_narrative(report: DonorReport, user: Any, capture: Any) -> DonorReport:
    """Every required narrative field of the draft written, its generation run again."""
    with capture(execute=True):
        services.donor_report_update_narrative(
            report=report,
            acting_user=user,
            summary=report.summary or "A year of growth.",
            ethics="None.",
            dissemination="Two newsletters and a webinar.",
            conclusions="The network grew as planned.",
        )
        for package in WorkPackage.objects.filter(grant=report.grant_id):
            services.donor_report_update_work_package(
                report=report,
                work_package=package,
                work_done="<p>Work done as planned.</p>",
                deviations="None",
                corrective_measures="",
                acting_user=user,
            )
    report.refresh_from_db()
    for line in selectors.indicators_needing_explanation(report):
        indicator = report.grant.indicators.get(code=line.code)
        with capture(execute=True):
            services.donor_report_explain_indicator(
                report=report, indicator=indicator, explanation="Started late; catching up.", acting_user=user
            )
    report.refresh_from_db()
    return report
