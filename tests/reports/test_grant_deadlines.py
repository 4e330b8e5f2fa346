"""Grant deadlines: the selector, the grants manager's home panel and the reminders."""

from __future__ import annotations

import re
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


# -- reminders ------------------------------------------------------------------------------------------------
@pytest.fixture
def run(django_capture_on_commit_callbacks: Any, capsys: Any) -> Any:
    """Run the command as cron would on `day`: queued emails go out once its transactions commit. Returns
    the items of the day's digest (each grants manager gets the same one: the first manager's)."""

    def _run(day: date) -> list[str]:
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", date=day.isoformat())
        capsys.readouterr()
        digests = [message for message in mail.outbox[before:] if message.to == ["gm1@example.org"]]
        return [line for message in digests for line in digest_items(message.body)]

    return _run


def digest_items(body: str) -> list[str]:
    """The numbered list at the top of a reminder digest."""
    head = body.split("-" * 20)[0]
    return [match.group(1) for match in re.finditer(r"^\d+\. (.+)$", head, re.MULTILINE)]


@pytest.fixture
def managers(make_user: Any) -> list[Any]:
    make_user(Role.GRANTS, email="left@example.org", is_active=False)
    make_user(Role.NETWORK_STAFF, email="staff@example.org")
    return [make_user(Role.GRANTS, email="gm1@example.org"), make_user(Role.GRANTS, email="gm2@example.org")]


def test_a_deadline_is_reminded_before_on_the_day_and_after_each_once(
    grant: Any, managers: Any, run: Any, settings: Any
) -> None:
    settings.REMINDER_OFFSETS = {**settings.REMINDER_OFFSETS, "grant_deadline": {"before": [14], "after": [1]}}
    grant.ends_on = date(2025, 12, 31)  # one period: the 2025 report, due 2026-03-01
    grant.save()
    due = date(2026, 3, 1)
    assert run(due - timedelta(days=15)) == []
    [before] = run(due - timedelta(days=14))
    assert "Due on 2026-03-01: Report for 2025-01-01 – 2025-12-31 (GF-EXP-2025)" in before
    assert run(due - timedelta(days=14)) == [] and run(due - timedelta(days=1)) == []
    [on_the_day] = run(due)
    assert "Due today: Report for 2025-01-01 – 2025-12-31" in on_the_day
    assert run(due) == []
    [after] = run(due + timedelta(days=1))
    assert "Overdue since 2026-03-01" in after
    assert run(due + timedelta(days=1)) == [] and run(due + timedelta(days=30)) == []
    messages = mail.outbox[-2:]
    assert sorted(address for message in messages for address in message.to) == ["gm1@example.org", "gm2@example.org"]
    message = messages[0]
    assert "Overdue since 2026-03-01" in message.subject
    assert f"{reverse('reports_donor_reports:add')}?grant={grant.pk}" in message.body
    assert grant.donor.name in message.body


def test_runs_that_miss_days_still_send_each_moment_once(grant: Any, managers: Any, run: Any, settings: Any) -> None:
    settings.REMINDER_OFFSETS = {**settings.REMINDER_OFFSETS, "grant_deadline": {"before": [14], "after": [1]}}
    item = deliverable(grant, "D2.1", date(2026, 6, 10))
    assert [s for s in run(date(2026, 6, 3)) if "D2.1" in s] == [
        "Due on 2026-06-10: D2.1 Deliverable D2.1 (GF-EXP-2025)"
    ]
    # The command did not run on the due date: the next run sends the overdue reminder only.
    late = [s for s in run(date(2026, 6, 12)) if "D2.1" in s]
    assert late == ["Overdue since 2026-06-10: D2.1 Deliverable D2.1 (GF-EXP-2025)"]
    # A new due date is a new deadline: reminded again.
    item.due_on = date(2026, 7, 1)
    item.save()
    assert [s for s in run(date(2026, 7, 1)) if "D2.1" in s] == ["Due today: D2.1 Deliverable D2.1 (GF-EXP-2025)"]


def test_a_met_deadline_is_not_reminded(grant: Any, managers: Any, run: Any) -> None:
    grant.ends_on = date(2025, 12, 31)
    grant.save()
    published_report(grant, date(2025, 1, 1), date(2025, 12, 31))
    deliverable(grant, "D1", date(2026, 3, 1), submitted_on=date(2026, 2, 20))
    milestone(grant, "MS1", date(2026, 3, 1), achieved_on=date(2026, 2, 20))
    assert run(date(2026, 3, 1)) == [] and run(date(2026, 3, 2)) == []


def test_no_grants_manager_no_email(grant: Any, run: Any) -> None:
    deliverable(grant, "D1", date(2026, 3, 1))
    assert run(date(2026, 3, 1)) == []


# -- the grants manager's admin home --------------------------------------------------------------------------
def test_the_grants_managers_home_lists_overdue_then_the_next_60_days(
    grant: Any, client_for: Any, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    deliverable(grant, "D-LATE", today - timedelta(days=3))
    milestone(grant, "MS-SOON", today + timedelta(days=10))
    deliverable(grant, "D-FAR", today + timedelta(days=61))
    deliverable(grant, "D-DONE", today - timedelta(days=3), submitted_on=today)
    manager = grants_manager()
    html = client_for(manager).get(reverse("wagtailadmin_home")).content.decode()
    assert re.search(r"Reporting deadlines: [1-9]\d* overdue", html)
    assert html.index("D-LATE") < html.index("MS-SOON")
    assert "Overdue by 3 days" in html and "In 10 days" in html
    assert "D-FAR" not in html and "D-DONE" not in html
    assert reverse("reports_milestone:edit", args=[grant.milestones.get().pk]) in html
    # Network staff see the grants but are not their managers: no panel; nor for other staff.
    for role in (Role.NETWORK_STAFF, Role.CAPACITY, Role.REVIEWER):
        html = client_for(make_user(role)).get(reverse("wagtailadmin_home")).content.decode()
        assert "Reporting deadlines" not in html, role
    # More grants: the panel costs the same.
    for index in range(5):
        deliverable(make_grant(f"G-{index}"), "D1", today + timedelta(days=5))
    client = client_for(manager)
    client.get(reverse("wagtailadmin_home"))
    with django_assert_max_num_queries(60) as captured:
        client.get(reverse("wagtailadmin_home"))
    count = len(captured.captured_queries)
    for index in range(5, 10):
        deliverable(make_grant(f"G-{index}"), "D1", today + timedelta(days=5))
    with django_assert_max_num_queries(count):
        client.get(reverse("wagtailadmin_home"))
