"""Every metric of the registry on a small hand-built network in the database: exact numbers today,
for a period, for a period without events, for a scope, and on an empty database."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network.models import Hotline, ProgrammeRegion, Sector, TrainingCourse, TrainingParticipation
from reports import aggregations, metrics, selectors
from reports.metrics import Period, Scope
from tests.reports.world import build_world

pytestmark = pytest.mark.django_db

P2023 = Period(date(2023, 1, 1), date(2023, 12, 31))
P2019 = Period(date(2019, 1, 1), date(2019, 12, 31))
AFRICA = Scope.of(world_regions=["Africa"])


def zeros(keys) -> dict[str, int]:
    return dict.fromkeys((str(key) for key in keys), 0)


REGIONS = zeros(ProgrammeRegion.values)
STAGES = zeros(Hotline.Stage.values)
SECTORS = zeros(Sector.values)
KINDS = zeros(TrainingCourse.Kind.values)
TYPES = zeros(TrainingParticipation.ParticipantType.values)
NO_MEDIANS = dict.fromkeys(aggregations.TRACK[:-1])


@pytest.fixture
def world():
    return build_world()


def expected_today(today: date) -> dict[str, object]:
    return {
        "member_hotlines": 3,
        "full_members": 2,
        "countries_covered": 4,  # DE, FR, LU (served by France), KE
        "analysts": 4,  # DE-1, FR-1, KE-1, KE-2 (DE-2 left yesterday; GH-1 is a candidate's)
        "hotlines_by_region": {**REGIONS, "europe": 2, "sub_saharan_africa": 1},
        "new_members": 1 if today.year == 2024 else 0,  # Kenya joined on 2024-06-20
        "hotlines_by_stage": {
            **STAGES,
            "full_member": 2,
            "provisional_member": 1,
            "stakeholder_engagement": 1,
            "exploring": 1,
            "suspended": 1,
        },
        "coverage_gaps": 2,  # Ghana (where a candidate is being set up) and Zambia
        "active_candidates": 2,
        "stalled_candidates": 1,  # Ghana: 200 days in stakeholder engagement (target 180)
        "median_days_in_stage": {
            **NO_MEDIANS,
            "identified": 30.0,  # Ghana 20, Nepal 30, Kenya 31
            "exploring": 450.0,  # Ghana 30, Kenya 870
            "feasibility_review": 150.0,
        },
        "conversion_exploring_to_member": 33.3,  # Ghana, Nepal, Kenya explored; Kenya joined
        "roundtables_held": 3,
        "roundtable_sector_coverage": {**SECTORS, "law_enforcement": 1, "government": 1, "industry_platform": 1},
        "mous_signed": 2,
        "mous_pending": 1,
        "mous_expiring": 1,
        "analysts_trained_by_course_kind": {**KINDS, "core": 3, "content_assessment": 1},
        "certified_analysts": 2,  # DE-1, FR-1 (KE-1's expired yesterday, DE-2 left)
        "certificates_expiring": 1,  # DE-1 in 45 days
        "certificates_issued": 4,
        "single_analyst_hotlines": 2,  # Germany (DE-1), France (FR-1)
        "training_events_held": 2,
        "people_trained_by_participant_type": {**TYPES, "analyst": 4, "law_enforcement": 1, "ngo": 1},
        "reports_received": 2300,  # the French return is queried
        "content_urls_processed": 1000,
        "share_removed_within_3_days": 68.0,  # (50 x 400 + 80 x 600) / 1000
        "qa_reviews_done": 3,  # Germany twice, France once
        "qa_reviews_due": 2,  # France: reviewed in 2020, due again in 2023; Kenya: first due 2025-06-20
        "qa_unreviewed_members": 1,  # Kenya: no review on record
        "members_with_valid_qa_certificate": 1,  # Germany, from its recent review
        "open_corrective_actions": 4,  # the verified one is closed
    }


EMPTY = {
    "member_hotlines": 0,
    "full_members": 0,
    "countries_covered": 0,
    "analysts": 0,
    "hotlines_by_region": REGIONS,
    "new_members": 0,
    "hotlines_by_stage": STAGES,
    "coverage_gaps": 0,
    "active_candidates": 0,
    "stalled_candidates": 0,
    "median_days_in_stage": NO_MEDIANS,
    "conversion_exploring_to_member": None,
    "roundtables_held": 0,
    "roundtable_sector_coverage": SECTORS,
    "mous_signed": 0,
    "mous_pending": 0,
    "mous_expiring": 0,
    "analysts_trained_by_course_kind": KINDS,
    "certified_analysts": 0,
    "certificates_expiring": 0,
    "certificates_issued": 0,
    "single_analyst_hotlines": 0,
    "training_events_held": 0,
    "people_trained_by_participant_type": TYPES,
    "reports_received": 0,
    "content_urls_processed": 0,
    "share_removed_within_3_days": None,
    "qa_reviews_done": 0,
    "qa_reviews_due": 0,
    "qa_unreviewed_members": 0,
    "members_with_valid_qa_certificate": 0,
    "open_corrective_actions": 0,
}


def test_the_registry_holds_every_indicator_of_the_issue_with_its_definition():
    keys = {metric.key for metric in metrics.all_metrics()}
    assert keys == set(EMPTY)
    for metric in metrics.all_metrics():
        assert metric.label and metric.unit and len(str(metric.definition)) > 40, metric.key
        assert set(metric.frames) <= set(selectors.FRAMES) | set(selectors.DERIVED), metric.key


def test_every_metric_on_an_empty_database():
    for key, value in EMPTY.items():
        assert metrics.compute(key) == value, key


def test_every_metric_today(world):
    for key, value in expected_today(world.today).items():
        assert metrics.compute(key) == value, key


def test_every_metric_for_a_period(world):
    # Figures on 2023-12-31 describe that day: Luxembourg (suspended today, with no history) was a
    # member then, from its joining date; Kenya was exploring (its history).
    expected = {
        "member_hotlines": 3,  # Germany, France, Luxembourg
        "full_members": 2,
        "countries_covered": 3,  # DE, FR, LU
        "analysts": 3,  # DE-1, DE-2 (still there then), FR-1
        "hotlines_by_region": {**REGIONS, "europe": 3},
        "new_members": 0,
        # Without history: Germany and France full members, Luxembourg a provisional member (it has no
        # full-membership date); Kenya exploring from its history; Ghana and Nepal not yet in it.
        "hotlines_by_stage": {**STAGES, "full_member": 2, "provisional_member": 1, "exploring": 1},
        "active_candidates": 1,
        "coverage_gaps": 2,  # Ghana and Zambia
        "roundtables_held": 2,
        "roundtable_sector_coverage": {**SECTORS, "law_enforcement": 1, "government": 1},
        "mous_signed": 0,
        "analysts_trained_by_course_kind": {**KINDS, "core": 3},
        # DE-1 and FR-1 (certified 2023-03-03); DE-2's certificate too: DE-2 was working then.
        "certified_analysts": 3,
        "certificates_issued": 3,
        "training_events_held": 1,
        "people_trained_by_participant_type": {**TYPES, "analyst": 3, "law_enforcement": 1},
        "reports_received": 1300,
        "content_urls_processed": 600,
        "share_removed_within_3_days": 80.0,
        "median_days_in_stage": NO_MEDIANS,
        "conversion_exploring_to_member": None,
        "qa_reviews_done": 0,
        # France's review of 2020 fell due on 2023-06-01; Germany's of 2021 falls due on 2024-03-01,
        # within 90 days of the day. Luxembourg has no review on record: its first fell due in 2011.
        "qa_reviews_due": 3,
        "qa_unreviewed_members": 1,
        "members_with_valid_qa_certificate": 0,  # Germany's certificate starts after 2023
        "open_corrective_actions": 3,  # raised in 2021, one verified then
        "single_analyst_hotlines": 1,  # France (Germany had DE-1 and DE-2; Luxembourg none)
    }
    for key, value in expected.items():
        assert metrics.compute(key, period=P2023) == value, key
    assert metrics.compute("qa_reviews_done", period=Period(date(2021, 1, 1), date(2021, 12, 31))) == 1


def test_a_periods_figures_do_not_move_when_hotlines_change_stage_afterwards(world):
    """Suspend a member, promote a provisional member and cease another after the period, through the
    lifecycle's own records (stage history): the period's figures stay as they were."""
    from onboarding.models import StageChange

    keys = [
        "member_hotlines",
        "full_members",
        "countries_covered",
        "analysts",
        "certified_analysts",
        "hotlines_by_region",
        "hotlines_by_stage",
        "qa_reviews_due",
        "qa_unreviewed_members",
        "single_analyst_hotlines",
        "coverage_gaps",
    ]
    before = {key: metrics.compute(key, period=P2023) for key in keys}
    today_before = metrics.compute("member_hotlines")
    changed_at = timezone.now()

    def move(code: str, stage: str) -> None:
        hotline = world.hotlines[code]
        StageChange.objects.create(
            hotline=hotline, from_stage=hotline.stage, to_stage=stage, reason="test", changed_at=changed_at
        )
        Hotline.objects.filter(pk=hotline.pk).update(stage=stage, stage_entered_at=changed_at)

    move("DE", "suspended")
    move("KE", "full_member")
    move("FR", "ceased")
    assert {key: metrics.compute(key, period=P2023) for key in keys} == before
    assert metrics.compute("member_hotlines") == today_before - 2  # Germany and France left today


def test_a_period_without_events(world):
    for key in (
        "new_members",
        "roundtables_held",
        "mous_signed",
        "certificates_issued",
        "training_events_held",
        "reports_received",
        "content_urls_processed",
        "qa_reviews_done",
        "open_corrective_actions",
    ):
        assert metrics.compute(key, period=P2019) == 0, key
    assert metrics.compute("share_removed_within_3_days", period=P2019) is None
    assert metrics.compute("conversion_exploring_to_member", period=P2019) is None
    assert metrics.compute("median_days_in_stage", period=P2019) == NO_MEDIANS
    assert metrics.compute("people_trained_by_participant_type", period=P2019) == TYPES
    assert metrics.compute("roundtable_sector_coverage", period=P2019) == SECTORS
    # A stay that ended in 2022: Kenya's month as identified.
    assert metrics.compute("median_days_in_stage", period=Period(date(2022, 1, 1), date(2022, 12, 31))) == {
        **NO_MEDIANS,
        "identified": 31.0,
    }


def test_metrics_for_a_scope(world):
    expected = {
        "member_hotlines": 1,
        "countries_covered": 1,
        "analysts": 2,
        "roundtables_held": 3,
        "active_candidates": 1,
        "reports_received": 100,
        "mous_signed": 1,
        "training_events_held": 2,  # the Brussels course had a Kenyan participant
        "single_analyst_hotlines": 0,
        "qa_reviews_due": 1,  # Kenya: its first review, due 2025-06-20, is overdue
        "qa_unreviewed_members": 1,  # Kenya
        "qa_reviews_done": 0,
        "open_corrective_actions": 1,
    }
    for key, value in expected.items():
        assert metrics.compute(key, scope=AFRICA) == value, key
    assert metrics.compute("training_events_held", scope=Scope.of(regions=["europe"])) == 1
    assert metrics.compute("countries_covered", scope=Scope.of(countries=["LU"])) == 1


def test_a_write_changes_the_number(world):
    assert metrics.compute("single_analyst_hotlines") == 2
    world.analysts["KE-2"].ended_on = date(2020, 1, 1)
    world.analysts["KE-2"].save()
    assert metrics.compute("single_analyst_hotlines") == 3


def test_each_metric_runs_one_query_per_frame_whatever_the_data(world, django_assert_max_num_queries):
    def queries(key: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            metrics.compute(key)
        return len(captured.captured_queries)

    small = {metric.key: queries(metric.key) for metric in metrics.all_metrics()}
    for metric in metrics.all_metrics():
        sources = selectors.sources_of(metric.frames)
        # At most one query per frame it reads; today's figures never read the stage history.
        assert small[metric.key] <= len(sources), metric.key
        assert small[metric.key] == len(sources - {"stage_changes"}) or metric.key in (
            "median_days_in_stage",
            "conversion_exploring_to_member",
        ), metric.key
    # A figure for a past period reads the history too, once.
    with CaptureQueriesContext(connection) as captured:
        metrics.compute("member_hotlines", period=P2023)
    assert len(captured.captured_queries) == 2
    build_more = [("DE", 5), ("FR", 7)]
    for code, count in build_more:
        for index in range(count):
            world.hotlines[code].analysts.create(code=f"X{code}-{index}")
    for metric in metrics.all_metrics():
        assert queries(metric.key) == small[metric.key], metric.key


def test_the_vocabulary_of_the_aggregations_is_the_models():
    assert tuple(Hotline.TRACK) == aggregations.TRACK
    assert tuple(Hotline.CANDIDATE_STAGES) == aggregations.CANDIDATE_STAGES
    assert tuple(Hotline.MEMBER_STAGES) == aggregations.MEMBER_STAGES
    assert aggregations.COMPLETED == TrainingParticipation.Status.COMPLETED
    from onboarding.models import Agreement, Roundtable, RoundtableParticipant

    assert aggregations.HELD == Roundtable.Status.HELD and aggregations.CANCELLED == Roundtable.Status.CANCELLED
    assert aggregations.ATTENDED == RoundtableParticipant.Status.ATTENDED
    assert aggregations.LE_MOU == Agreement.Kind.LE_MOU
    assert set(aggregations.PENDING_AGREEMENT_STATUSES) == {Agreement.Status.DRAFT, Agreement.Status.NEGOTIATING}
    assert (aggregations.SIGNED, aggregations.TERMINATED) == (Agreement.Status.SIGNED, Agreement.Status.TERMINATED)


def test_values_as_staff_see_them():
    assert metrics.display_value(metrics.get("reports_received"), 12345) == "12,345"
    assert metrics.display_value(metrics.get("share_removed_within_3_days"), 66.7) == "66.7 %"
    assert metrics.display_value(metrics.get("conversion_exploring_to_member"), None) == "—"
