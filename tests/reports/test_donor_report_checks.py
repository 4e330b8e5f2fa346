"""Checks before review and four eyes: what blocks a submission, what only warns, who may publish."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import ModelLogEntry

from reports.donor import selectors, services
from reports.models import BudgetLine, BudgetPeriodAmount, DonorReport, WorkPackage
from tests.reports.donor_narrative import second_manager, write_narrative
from tests.reports.donor_report_factories import grants_manager, make_grant

pytestmark = pytest.mark.django_db
PERIOD = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def manager() -> Any:
    return grants_manager()


@pytest.fixture
def grant() -> Any:
    grant = make_grant()
    WorkPackage.objects.create(grant=grant, number=1, title="Coordination")
    WorkPackage.objects.create(grant=grant, number=2, title="Roundtables")
    return grant


def draft(grant: Any, user: Any, capture: Any, period: tuple[date, date] = PERIOD) -> DonorReport:
    with capture(execute=True):
        report = services.donor_report_create(
            grant=grant, period_start=period[0], period_end=period[1], summary="", acting_user=user
        )
    report.refresh_from_db()
    return report


def test_missing_narrative_blocks_the_submission_and_names_each_field(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    report = draft(grant, manager, django_capture_on_commit_callbacks)
    blocking = [check for check in selectors.report_checks(report) if check.blocking]
    messages = [check.message for check in blocking]
    assert any("publishable summary" in m for m in messages)
    assert any("ethical issues" in m for m in messages)
    assert any("dissemination" in m for m in messages)
    assert any("conclusions" in m for m in messages)
    for number in (1, 2):
        assert any(m.startswith(f"WP{number} ") and "work done" in m for m in messages)
        assert any(m.startswith(f"WP{number} ") and "deviations" in m for m in messages)
    assert all(f"/donor-reports/{report.pk}/#" in check.url for check in blocking)
    with pytest.raises(ValidationError) as refused:
        services.donor_report_submit(report=report, acting_user=manager)
    assert set(messages) <= set(refused.value.messages)
    report.refresh_from_db()
    assert report.status == "draft" and report.submitted_by is None


def test_a_complete_narrative_submits_and_records_who(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    report = write_narrative(
        draft(grant, manager, django_capture_on_commit_callbacks), manager, django_capture_on_commit_callbacks
    )
    assert not [check for check in selectors.report_checks(report) if check.blocking]
    services.donor_report_submit(report=report, acting_user=manager)
    report.refresh_from_db()
    assert report.status == "in_review" and report.submitted_by == manager and report.submitted_at


def test_an_indicator_behind_needs_its_explanation(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    report = draft(grant, manager, django_capture_on_commit_callbacks)
    behind = {**report.data, "indicators": [{**report.data["indicators"][0], "status": "behind"}]}
    report.data = behind
    DonorReport.objects.filter(pk=report.pk).update(data=behind)
    assert any("Indicator I1" in check.message and check.blocking for check in selectors.report_checks(report))
    services.donor_report_explain_indicator(
        report=report, indicator=grant.indicators.get(code="I1"), explanation="Late start.", acting_user=manager
    )
    report.data = behind  # as generated again (the explanation queued the generation)
    assert not any("Indicator I1" in check.message for check in selectors.report_checks(report))


def test_a_period_not_ended_warns_or_blocks_by_donor(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    report = draft(grant, manager, django_capture_on_commit_callbacks)
    during = date(2025, 6, 1)
    interim = [c for c in selectors.report_checks(report, today=during) if "interim" in c.message]
    assert interim and not interim[0].blocking
    grant.donor.accepts_interim_reports = False
    grant.donor.save()
    report.grant.donor.refresh_from_db()
    refused = [c for c in selectors.report_checks(report, today=during) if "interim" in c.message]
    assert refused and refused[0].blocking
    assert not [c for c in selectors.report_checks(report, today=date(2026, 1, 2)) if "interim" in c.message]


def test_budget_and_baseline_warnings(grant: Any, manager: Any, django_capture_on_commit_callbacks: Any) -> None:
    line = BudgetLine.objects.create(grant=grant, category="travel", description="Trips", planned=Decimal("1000"))
    other = BudgetLine.objects.create(grant=grant, category="personnel", planned=Decimal("1000"))
    BudgetPeriodAmount.objects.create(
        budget_line=other, period_start=PERIOD[0], period_end=PERIOD[1], planned=Decimal("100"), actual=Decimal("500")
    )
    indicator = grant.indicators.get(code="I1")
    indicator.baseline_measured, indicator.baseline = Decimal("3"), Decimal("5")
    indicator.save()
    report = draft(grant, manager, django_capture_on_commit_callbacks)
    warnings = [c for c in selectors.report_checks(report) if not c.blocking]
    texts = " ".join(c.message for c in warnings)
    assert f"“{line}” has no spending entered" in texts
    assert f"“{other}”: spending differs from the plan" in texts
    assert "Indicator I1: its baseline (5)" in texts
    assert any(c.url.endswith(f"/grants/budget-lines/{line.pk}/periods/") for c in warnings)


def test_four_eyes_creator_and_submitter_are_refused_another_publishes(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    preparer, submitter, publisher = manager, second_manager(), second_manager("third.manager@example.org")
    report = write_narrative(
        draft(grant, preparer, django_capture_on_commit_callbacks), preparer, django_capture_on_commit_callbacks
    )
    services.donor_report_submit(report=report, acting_user=submitter)
    for user in (preparer, submitter):
        with pytest.raises(ValidationError, match="another person publishes it"):
            services.donor_report_publish(report=report, acting_user=user)
        assert selectors.publish_refusal(report=report, user=user)
    report.refresh_from_db()
    assert report.status == "in_review"
    assert selectors.publish_refusal(report=report, user=publisher) == ""
    with django_capture_on_commit_callbacks(execute=True):
        services.donor_report_publish(report=report, acting_user=publisher)
    report.refresh_from_db()
    assert report.status == "published" and report.published_by == publisher
    entries = {
        entry.action: entry
        for entry in ModelLogEntry.objects.filter(
            object_id=str(report.pk),
            action__in=[
                "reports.donor_report.submit",
                "reports.donor_report.publish",
            ],
        )
    }
    assert entries["reports.donor_report.submit"].user == submitter
    assert entries["reports.donor_report.publish"].user == publisher
    assert entries["reports.donor_report.publish"].data["prepared_by"] == preparer.pk
