"""One home per rule: where a rule has a QuerySet form (for screens and services) and a pure form over
frames (for dashboards, exports and PDFs), both are run on the same rows on several days and must agree.
The rules and their homes are listed in docs/architecture.md ("One home per rule")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from accounts.roles import Role
from network import home_panels
from network.models import Analyst, Hotline, TrainingParticipation
from onboarding import selectors as onboarding_selectors
from onboarding.models import Agreement
from reports import aggregations as agg
from reports import selectors
from tests.reports.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    built = build_world()
    today = built.today
    hotline = built.hotlines["FR"]
    # Analysts who start later, left long ago, or start and leave on the days looked at.
    Analyst.objects.create(hotline=hotline, code="FR-2", started_on=today + timedelta(days=3))
    Analyst.objects.create(hotline=hotline, code="FR-3", ended_on=date(2020, 1, 1))
    Analyst.objects.create(hotline=hotline, code="FR-4", started_on=today, ended_on=today + timedelta(days=40))
    return built


def days(world) -> list[date]:
    today = world.today
    return [
        today,
        today - timedelta(days=1),
        today + timedelta(days=3),
        today + timedelta(days=40),
        today + timedelta(days=41),
        date(2023, 3, 3),
        date(2020, 1, 1),
    ]


def test_an_analyst_working_on_a_day(world):
    analysts = selectors.analysts_frame()
    for day in days(world):
        frame_ids = set(analysts.loc[agg.working_on(analysts["started_on"], analysts["ended_on"], day), "analyst_id"])
        queryset_ids = set(Analyst.objects.working_on(day).values_list("pk", flat=True))
        instance_ids = {analyst.pk for analyst in Analyst.objects.all() if analyst.is_working_on(day)}
        assert frame_ids == queryset_ids == instance_ids, day


def test_a_certificate_valid_and_expiring_on_a_day(world):
    places = selectors.Frames()["training_places"]
    for day in days(world):
        valid = agg.valid_certificates_on(places, day=day, scope=None)
        queryset = TrainingParticipation.objects.certificates_valid(on=day)
        assert set(valid["participation_id"]) == set(queryset.values_list("pk", flat=True)), day
        expiring = agg.certificates_expiring(places, period=None, scope=None, today=day)
        listed = TrainingParticipation.objects.certificates_expiring(within_days=90, on=day)
        assert sorted(expiring["analyst_code"]) == sorted(listed.values_list("analyst__code", flat=True)), day


def test_the_admin_home_panel_lists_the_capacity_dashboards_expiring_certificates(world, make_user):
    staff = make_user(Role.NETWORK_STAFF)
    panel = home_panels.certificates_expiring(user=staff, today=world.today)
    places = selectors.Frames(user=staff)["training_places"]
    table = agg.certificates_expiring(places, period=None, scope=None, today=world.today)
    assert panel.total == len(table) == 1
    assert [row.analyst.code for row in panel.first] == table["analyst_code"].tolist()


def test_an_agreement_in_force_and_expiring_on_a_day(world):
    agreements = selectors.agreements_frame()
    for day in days(world):
        in_force = agg.in_force_on(agreements["status"], agreements["signed_on"], agreements["expires_on"], day)
        assert set(agreements.loc[in_force, "agreement_id"]) == set(
            Agreement.objects.in_force(day).values_list("pk", flat=True)
        ), day
        assert {agreement.pk for agreement in Agreement.objects.all() if agreement.is_in_force(day)} == set(
            agreements.loc[in_force, "agreement_id"]
        ), day
        expiring = agg.in_force_on(
            agreements["status"], agreements["signed_on"], agreements["expires_on"], day
        ) & agg.expires_within(agreements["expires_on"], day, 90)
        assert set(agreements.loc[expiring, "agreement_id"]) == set(
            Agreement.objects.expiring(within_days=90, on=day).values_list("pk", flat=True)
        ), day


def test_members_today_are_the_directorys_hotlines(world):
    frames = selectors.Frames()
    for_today = agg.member_ids_on(frames["hotlines"], frames["stage_changes"], day=world.today, today=world.today)
    assert set(for_today) == set(Hotline.objects.in_directory().values_list("pk", flat=True))


def test_the_stakeholder_coverage_screen_and_dashboard_show_the_same_cells(world, make_user):
    staff = make_user(Role.NETWORK_STAFF)
    screen = onboarding_selectors.coverage(user=staff, today=world.today)
    frames = selectors.Frames(user=staff)
    rows = agg.coverage_countries(
        frames["roundtables"],
        frames["agreement_parties"],
        frames["hotlines"],
        frames["stage_changes"],
        day=world.today,
        today=world.today,
        scope=None,
    )
    assert [country.pk for country in (row.country for row in screen)] == rows["country"].tolist()
    cells = agg.coverage_cells(
        frames["roundtables"],
        frames["roundtable_participants"],
        frames["agreement_parties"],
        day=world.today,
        today=world.today,
        scope=None,
    )
    from_frames = {
        (row.country, row.sector): (row.invited, row.attended, row.committed, row.agreement_signed)
        for row in cells.itertuples(index=False)
    }
    from_screen = {
        (row.country.pk, cell.sector): (cell.invited, cell.attended, cell.committed, cell.agreement_signed)
        for row in screen
        for cell in row.cells
        if cell.invited or cell.attended or cell.committed or cell.agreement_signed
    }
    assert from_screen == from_frames
    assert from_frames  # the world has some


def test_a_quality_assurance_review_due_date(world, settings):
    """The member cycle's next review (`qa_schedules`, the portal and staff board) and the Quality
    dashboard's `qa_reviews_due` give every member the same due date, on several days and cycles:
    members with a review on record, and members with none (their first review after joining; none
    without a joining date)."""
    from onboarding.models import qa_schedules
    from tests.reports.world import hotline

    undated = hotline("Undated line", "NP", "full_member", joined_on=None)
    never_reviewed = {world.hotlines["KE"].pk}

    for cycle, first in ((36, 12), (24, 6)):
        settings.QA_REVIEW_CYCLE_MONTHS, settings.QA_FIRST_REVIEW_MONTHS = cycle, first
        frames = selectors.Frames()
        for day in (world.today, world.today + timedelta(days=40), date(2027, 6, 1)):
            due = agg.qa_reviews_due(
                frames["hotlines"],
                frames["stage_changes"],
                frames["assessments"],
                period=None,
                scope=None,
                today=day,
                cycle_months=cycle,
                first_review_months=first,
                window_days=100_000,
            )
            from_frames = dict(zip(due["hotline_id"], due["due_on"], strict=True))
            from_queryset = {
                pk: schedule.due_on.isoformat()
                for pk, schedule in qa_schedules(Hotline.objects.members(), on=day).items()
                if schedule.due_on is not None
            }
            assert from_frames == from_queryset, (cycle, day)
            assert set(from_frames) - never_reviewed, "the world has members with a review on record"
            assert never_reviewed <= set(from_frames), "Kenya's first review is due after joining"
            assert undated.pk not in from_frames


def test_a_qa_certificate_valid_on_a_day(world):
    from onboarding.models import Assessment, QaCertificate

    passed = Assessment.objects.filter(kind="qa_review", status="completed", certificate__isnull=True).order_by("pk")
    for index, review in enumerate(passed):
        start = world.today - timedelta(days=400 * (index + 2))
        QaCertificate.objects.create(
            assessment=review,
            hotline=review.hotline,
            reference=f"QA-{review.pk}",
            valid_from=start,
            valid_until=start + timedelta(days=364),
        )
    certificates = selectors.qa_certificates_frame()
    assert len(certificates) >= 2
    for day in [*days(world), world.today + timedelta(days=364), world.today + timedelta(days=365)]:
        frame_ids = set(agg.qa_certificates_valid_on(certificates, day)["certificate_id"])
        queryset_ids = set(QaCertificate.objects.valid_on(day).values_list("pk", flat=True))
        instance_ids = {c.pk for c in QaCertificate.objects.all() if c.is_valid_on(day)}
        assert frame_ids == queryset_ids == instance_ids, day
