"""Grant deadlines: the selector, the grants manager's home panel and the reminders."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from reports.grants.selectors import DELIVERABLE, MILESTONE, REPORT, grant_deadlines
from reports.models import Deliverable, DonorReport, Milestone
from tests.reports.donor_report_factories import donor_user, grants_manager, make_grant

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 1)


def deliverable(grant: Any, code: str, due_on: date, **kwargs: Any) -> Deliverable:
    return Deliverable.objects.create(grant=grant, code=code, title=f"Deliverable {code}", due_on=due_on, **kwargs)


def milestone(grant: Any, code: str, due_on: date, **kwargs: Any) -> Milestone:
    return Milestone.objects.create(grant=grant, code=code, title=f"Milestone {code}", due_on=due_on, **kwargs)


def published_report(grant: Any, start: date, end: date, version: int = 1) -> DonorReport:
    report = DonorReport.objects.create(grant=grant, period_start=start, period_end=end, version=version)
    DonorReport.objects.filter(pk=report.pk).update(status=DonorReport.Status.PUBLISHED, pdf_sha256="0" * 64)
    return report


@pytest.fixture
def grant() -> Any:
    # Two yearly periods: 2025 (report due 2026-03-01) and 2026 (due 2027-03-01).
    return make_grant("GF-EXP-2025", report_due_days=60)


def test_deadlines_list_unmet_reports_deliverables_and_milestones_soonest_first(grant: Any) -> None:
    deliverable(grant, "D1.1", date(2026, 2, 1))
    deliverable(grant, "D1.2", date(2026, 2, 1), submitted_on=date(2026, 1, 30))
    milestone(grant, "MS1", date(2026, 3, 20))
    milestone(grant, "MS2", date(2026, 3, 5), achieved_on=date(2026, 3, 1))
    deadlines = grant_deadlines(user=grants_manager(), today=TODAY)
    assert [(d.kind, d.title, d.due_on, d.days) for d in deadlines] == [
        (DELIVERABLE, "D1.1 Deliverable D1.1", date(2026, 2, 1), -28),
        (REPORT, "Report for 2025-01-01 – 2025-12-31", date(2026, 3, 1), 0),
        (MILESTONE, "MS1 Milestone MS1", date(2026, 3, 20), 19),
        (REPORT, "Report for 2026-01-01 – 2026-12-31", date(2027, 3, 1), 365),
    ]
    first = deadlines[0]
    assert first.overdue and first.days_overdue == 28 and first.grant == grant
    assert first.url == reverse("reports_deliverable:edit", args=[first.key.split(":")[1]])
    assert deadlines[1].url == f"{reverse('reports_donor_reports:add')}?grant={grant.pk}"
    assert deadlines[2].url.startswith(reverse("reports_milestone:index"))


def test_a_published_report_meets_its_period_a_draft_does_not(grant: Any) -> None:
    manager = grants_manager()
    draft = DonorReport.objects.create(grant=grant, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31))
    [report_2025, _report_2026] = [d for d in grant_deadlines(user=manager, today=TODAY) if d.kind == REPORT]
    assert report_2025.url == reverse("reports_donor_reports:report", args=[draft.pk])
    published_report(grant, date(2025, 1, 1), date(2025, 12, 31), version=2)
    reports = [d for d in grant_deadlines(user=manager, today=TODAY) if d.kind == REPORT]
    assert [d.period for d in reports] == [(date(2026, 1, 1), date(2026, 12, 31))]


def test_within_days_keeps_overdue_and_the_next_days(grant: Any) -> None:
    deliverable(grant, "D1", TODAY - timedelta(days=400))
    deliverable(grant, "D2", TODAY + timedelta(days=60))
    deliverable(grant, "D3", TODAY + timedelta(days=61))
    titles = [d.title for d in grant_deadlines(user=grants_manager(), today=TODAY, within_days=60)]
    assert titles == ["D1 Deliverable D1", "Report for 2025-01-01 – 2025-12-31", "D2 Deliverable D2"]


def test_deadlines_only_of_visible_grants(grant: Any, make_user: Any) -> None:
    other = make_grant("EU-OG-2025")
    deliverable(grant, "D1", TODAY)
    deliverable(other, "D9", TODAY)
    donor = donor_user(grant.donor, "donor.a@example.org")
    codes = {d.grant.code for d in grant_deadlines(user=donor, today=TODAY)}
    assert codes == {"GF-EXP-2025"}
    assert grant_deadlines(user=make_user(Role.HOTLINE_USER), today=TODAY) == []
    assert grant_deadlines(user=make_user(), today=TODAY) == []


def test_deadlines_take_a_fixed_number_of_queries(django_assert_max_num_queries: Any) -> None:
    for index in range(6):
        grant = make_grant(f"G-{index}")
        deliverable(grant, "D1", TODAY)
        milestone(grant, "MS1", TODAY)
        published_report(grant, date(2025, 1, 1), date(2025, 12, 31))
    user = grants_manager()
    user.role_names  # noqa: B018 (reads the user's roles once, as a request does)
    with django_assert_max_num_queries(4):
        deadlines = grant_deadlines(user=user, today=TODAY)
    assert len(deadlines) == 6 * 3
