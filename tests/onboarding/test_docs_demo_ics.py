"""Generated lifecycle docs, demo data, calendar files, coverage matrix and model rules."""

from __future__ import annotations

import io
import itertools
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.seeding import DemoContext
from network import demo as network_demo
from network.models import Hotline
from onboarding import demo, ics, selectors
from onboarding.docs import lifecycle_markdown
from onboarding.models import ActionItem, Agreement, Roundtable, RoundtableParticipant, StageChange
from tests.onboarding.factories import (
    AgreementFactory,
    HotlineFactory,
    OrganisationFactory,
    ParticipantFactory,
    RoundtableFactory,
    add_party,
    country,
)


def test_committed_lifecycle_doc_is_current():
    committed = (Path(settings.BASE_DIR) / "docs" / "lifecycle.md").read_text(encoding="utf-8")
    assert committed == lifecycle_markdown(), "docs/lifecycle.md is out of date: run `manage.py lifecycle_docs`"
    assert "```mermaid" in committed and "submit_application" in committed


# -- Calendar files ---------------------------------------------------------------------------
def test_ics_escapes_and_folds_long_lines():
    assert ics.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "é" * 100
    folded = ics.fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_ics_calendar_has_events_in_utc_and_all_day_items():
    events = [
        selectors.CalendarEvent(
            uid="roundtable-1@onboarding",
            summary="Roundtable: Accra, Ghana",
            start=datetime(2026, 3, 12, 9, tzinfo=UTC),
            end=datetime(2026, 3, 12, 13, tzinfo=UTC),
            location="Hall; room 2",
        ),
        selectors.CalendarEvent(
            uid="action-item-2@onboarding",
            summary="Due",
            start=date(2026, 3, 20),
            end=date(2026, 3, 21),
            cancelled=True,
        ),
    ]
    body = ics.calendar(events, name="Onboarding", now=datetime(2026, 3, 1, tzinfo=UTC))
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20260312T090000Z" in body and "SUMMARY:Roundtable: Accra\\, Ghana" in body
    assert "LOCATION:Hall\\; room 2" in body
    assert "DTSTART;VALUE=DATE:20260320" in body and "STATUS:CANCELLED" in body


# -- Coverage matrix --------------------------------------------------------------------------
@pytest.mark.django_db
def test_coverage_counts_distinct_organisations_per_sector_and_flags_gaps(staff_user):
    hotline = HotlineFactory(country=country("GH"))
    police = OrganisationFactory(country=country("GH"))
    first = RoundtableFactory(hotline=hotline)
    second = RoundtableFactory(hotline=hotline, starts_at=timezone.now() - timedelta(days=2))
    ParticipantFactory(roundtable=first, organisation=police, sector="law_enforcement", committed=True)
    ParticipantFactory(roundtable=second, organisation=police, sector="law_enforcement")
    ParticipantFactory(roundtable=first, sector="industry_isp", status=RoundtableParticipant.Status.ABSENT)
    RoundtableFactory(hotline=hotline, status=Roundtable.Status.CANCELLED)
    mou = AgreementFactory(hotline=hotline)
    add_party(mou, police, "law_enforcement")

    [ghana] = selectors.coverage(user=staff_user, country=country("GH"))
    cells = {cell.sector: cell for cell in ghana.cells}
    le = cells["law_enforcement"]
    assert (le.invited, le.attended, le.committed, le.agreement_signed, le.level, le.gap) == (
        1,
        1,
        1,
        1,
        "agreement_signed",
        False,
    )
    isp = cells["industry_isp"]
    assert (isp.invited, isp.attended, isp.level, isp.gap) == (1, 0, "invited", True)
    assert cells["government"].gap and not cells["academia"].gap  # academia is optional
    overview = selectors.coverage(user=staff_user)
    assert [c.country.pk for c in overview] == ["GH"]


@pytest.mark.django_db
def test_coverage_is_empty_for_users_who_see_nothing(make_user):
    RoundtableFactory(hotline=HotlineFactory(country=country("GH")))
    assert selectors.coverage(user=make_user()) == []


# -- Model rules ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_model_rules_name_what_is_wrong():
    hotline = HotlineFactory(country=country("GH"))
    roundtable = Roundtable(
        title="x",
        country=country("KE"),
        hotline=hotline,
        starts_at=timezone.now() + timedelta(days=1),
        status="held",
        format="in_person",
        venue="",
    )
    with pytest.raises(ValidationError) as wrong:
        roundtable.full_clean()
    assert set(wrong.value.message_dict) == {"hotline", "status", "venue"}
    agreement = Agreement(
        kind="letter_of_support", title="x", country=country("GH"), status="signed", covers_first_operating_year=True
    )
    with pytest.raises(ValidationError) as wrong:
        agreement.full_clean()
    assert {"signed_on", "covers_first_operating_year"} <= set(wrong.value.message_dict)
    item = ActionItem(roundtable=RoundtableFactory(), title="x", due_on=timezone.localdate())
    with pytest.raises(ValidationError, match="Give the owner"):
        item.full_clean()
    assert Roundtable.next_code("GH", timezone.now()).startswith("RT-GH-")


@pytest.mark.django_db
def test_references_are_generated_and_unique():
    first = AgreementFactory(reference="")
    second = AgreementFactory(reference="", hotline=first.hotline)
    assert first.reference == "AG-KE-LE-MOU-1" and second.reference == "AG-KE-LE-MOU-2"
    day = timezone.now() - timedelta(days=3)
    one, two = RoundtableFactory(starts_at=day), RoundtableFactory(starts_at=day)
    assert two.code == one.code + "-2"


# -- Demo -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_demo_candidates_histories_and_users(make_user):
    ctx = DemoContext(
        rng=random.Random(5), seed=5, scale=None, password="x", today=timezone.localdate(), stdout=io.StringIO()
    )
    from accounts.roles import Role

    for key in ("candidate", "candidate2", "member"):
        ctx.users[key] = make_user(email=f"{key}@example.org")
    ctx.users["admin"] = make_user(email="admin@example.org", is_superuser=True, is_staff=True)  # as seeded
    # As the demo's staff user is: the demo opens renewals through the service, as staff would.
    ctx.users["staff"] = make_user(Role.NETWORK_STAFF, email="staff@example.org")
    ctx.users["reviewer"] = make_user(Role.REVIEWER, email="reviewer@example.org")
    network_demo.seed(ctx)
    member_countries = set(Hotline.objects.members().values_list("country_id", flat=True))
    demo.seed(ctx)

    candidates = list(Hotline.objects.filter(candidate_profile__isnull=False))
    assert len(candidates) >= 8
    assert len({h.stage for h in candidates}) >= 8
    assert not member_countries & {h.country_id for h in candidates}
    stages = set(Hotline.objects.values_list("stage", flat=True))
    assert {"suspended", "ceased", "on_hold", "not_feasible"} <= stages

    # Every hotline's history ends where the registry says it is, and chains without gaps.
    for hotline in Hotline.objects.all():
        history = list(StageChange.objects.filter(hotline=hotline).order_by("changed_at"))
        assert history and history[0].from_stage == "" and history[0].to_stage == "identified", hotline
        assert (history[-1].to_stage, history[-1].changed_at) == (hotline.stage, hotline.stage_entered_at), hotline
        assert all(a.to_stage == b.from_stage for a, b in itertools.pairwise(history)), hotline
        if hotline.joined_on:
            admitted = next(c for c in history if c.to_stage == "provisional_member")
            assert timezone.localdate(admitted.changed_at) == hotline.joined_on

    first, second = (ctx.users[k].affiliation_or_none.object_id for k in ("candidate", "candidate2"))
    assert first != second
    assert {first, second} <= {h.host_organisation_id for h in candidates}

    # Dossiers: checklists in states that follow the stage, evidence, threads, reviewers, assessments.
    from wagtail.models import ModelLogEntry

    from core.uploads import private_storage
    from onboarding import checklist_rules as rules
    from onboarding.models import (
        Assessment,
        ChecklistItem,
        CorrectiveAction,
        Decision,
        EvidenceDocument,
        ItemComment,
        ReviewerAssignment,
    )

    assert all(hasattr(h, "checklist") for h in candidates)

    def accepted_share(hotline: Hotline) -> float:
        states = list(ChecklistItem.objects.filter(checklist__hotline=hotline).values_list("state", flat=True))
        return sum(s == rules.ACCEPTED for s in states) / len(states)

    by_stage = {h.stage: h for h in candidates}
    assert (
        accepted_share(by_stage["under_assessment"])
        > accepted_share(by_stage["operational_preparation"])
        > accepted_share(by_stage["identified"])
    )
    ghana = ChecklistItem.objects.filter(checklist__hotline__host_organisation_id=first)
    assert {"accepted", "submitted", "changes_requested", "in_progress", "not_started"} <= set(
        ghana.values_list("state", flat=True)
    )
    document = EvidenceDocument.objects.filter(links__isnull=False).first()
    with private_storage().open(document.stored_name) as handle:
        assert handle.read(5) == b"%PDF-"
    assert EvidenceDocument.objects.filter(expires_on__lt=ctx.today).exists()
    assert ItemComment.objects.count() >= 3
    declared = ReviewerAssignment.objects.filter(reviewer=ctx.users["reviewer"], coi_declared_at__isnull=False)
    assert declared.filter(hotline__in=candidates).count() == 3
    assert Assessment.objects.visible_to(ctx.users["reviewer"]).count() == 3  # every demo assessment
    under = by_stage["under_assessment"]
    assert Assessment.objects.get(hotline=under).status == "in_progress"
    facts = selectors.gate_facts(hotline=under)
    # The reviewer and the second reviewer (onboarding/demo_reviews.py), both declared.
    assert (facts.reviewers_assigned, facts.reviewers_without_coi_declaration) == (2, 0)
    assert selectors.gate_facts(hotline=by_stage["application_submitted"]).application_items_open == ()
    decision = Decision.objects.get()
    assert decision.assessment.hotline.stage == "provisional_member" and decision.outcome == "admit"
    # Two reviewers who disagree on the dossier under assessment, their consolidation, the decision letter.
    from onboarding.models import ConsolidatedRecommendation, Review

    reviews = Review.objects.filter(hotline=under).submitted()
    assert reviews.count() == 2 and len({r.recommendation for r in reviews}) == 2
    comparison = selectors.review_comparison(user=ctx.users["reviewer"], hotline=under, assessment=None)
    assert comparison.disagreeing_areas == 2 and comparison.overall.agreement is False
    assert ConsolidatedRecommendation.objects.filter(hotline=under).exists()
    assert decision.letter_sent_at is not None and decision.appeal_until is not None

    # All through the services, by the person who acts: each step's audit entry carries its author and its day.
    def audited(action: str, **data) -> set[tuple[int, datetime]]:
        entries = ModelLogEntry.objects.filter(action=action, **{f"data__{k}": v for k, v in data.items()})
        return set(entries.values_list("user_id", "timestamp"))

    reviewer2 = ctx.users["reviewer2"]
    assignment = ReviewerAssignment.objects.get(hotline=under, reviewer=reviewer2)
    assert audited("onboarding.reviewer_assign", reviewer=reviewer2.email) == {
        (assignment.assigned_by_id, assignment.assigned_at)
    }
    assert audited("onboarding.reviewer_declare", reviewer=reviewer2.email) == {
        (reviewer2.pk, assignment.coi_declared_at)
    }
    assert audited("onboarding.review_submit", hotline=under.pk) == {(r.reviewer_id, r.submitted_at) for r in reviews}
    consolidated = ConsolidatedRecommendation.objects.get(hotline=under, assessment=None)
    assert audited("onboarding.review_consolidate", hotline=under.pk) == {
        (consolidated.recorded_by_id, consolidated.recorded_at)
    }
    thread = ItemComment.objects.filter(item__checklist__hotline=under, item__template_item__area=8)
    assert set(thread.values_list("visibility", flat=True)) == {"staff", "reviewers", "shared"}
    for comment in thread:
        assert audited("onboarding.item.comment", comment=comment.pk) == {(comment.author_id, comment.created_at)}
    assert audited("onboarding.decision_letter", decision=decision.pk) == {
        (decision.letter_sent_by_id, decision.letter_sent_at)
    }
    assert CorrectiveAction.objects.visible_to(ctx.users["member"]).open().exists()
    transitions = StageChange.objects.exclude(from_stage="").count()
    assert ModelLogEntry.objects.filter(action="onboarding.stage_change").count() == transitions
    entry = ModelLogEntry.objects.filter(action="onboarding.stage_change", object_id=str(under.pk)).latest("timestamp")
    assert (entry.data["to"], entry.timestamp) == ("under_assessment", under.stage_entered_at)

    # The approved alternative to an MoU went through its services: proposed by staff, decided by
    # another staff member before the candidate's operational preparation, each step audited.
    from onboarding.models import MouAlternative

    alternative = MouAlternative.objects.get()
    assert alternative.status == MouAlternative.Status.APPROVED
    assert (alternative.proposed_by, alternative.decided_by) == (ctx.users["staff"], ctx.users["admin"])
    assert alternative.proposed_at < alternative.decided_at < alternative.hotline.stage_entered_at
    audited = ModelLogEntry.objects.filter(object_id=str(alternative.hotline_id), action__startswith="onboarding.mou_")
    assert set(audited.values_list("action", flat=True)) == {
        "onboarding.mou_alternative_propose",
        "onboarding.mou_alternative_decide",
    }

    # The dossiers went through the services: nobody reviewed what they submitted, the reviewer only
    # dossiers open to them (assigned, no conflict declared) and only from then on, a second staff member
    # approved the waiver, and each step's audit entry carries the day of the step.
    from django.db.models import F

    from onboarding.models import ItemEvent

    items = ChecklistItem.objects.filter(checklist__hotline__in=candidates)
    assert not items.filter(reviewed_by=F("submitted_by")).exists()
    by_reviewer = items.filter(reviewed_by=ctx.users["reviewer"]).select_related("checklist")
    assert by_reviewer.exists()
    for item in by_reviewer:
        opened = declared.get(hotline=item.checklist.hotline_id).coi_declared_at
        assert opened <= item.reviewed_at, item
    waived = items.get(state="waived")
    assert waived.waiver_approved_by not in (None, waived.waived_by)
    expired = items.get(state="expired")
    assert list(expired.events.order_by("at", "pk").values_list("action", flat=True)) == [
        "created",
        "evidence_add",
        "submit",
        "accept",
        "expire",
    ]
    for action in ("submit", "accept", "request_changes"):
        stamped = ModelLogEntry.objects.filter(action=f"onboarding.item.{action}").values_list("timestamp", flat=True)
        assert sorted(stamped) == sorted(ItemEvent.objects.filter(action=action).values_list("at", flat=True))

    sectors = set(RoundtableParticipant.objects.values_list("sector", flat=True))
    assert {"law_enforcement", "government", "industry_isp", "ngo", "host_candidate"} <= sectors
    assert ActionItem.objects.overdue().exists() and ActionItem.objects.due_within(7).exists()
    assert Agreement.objects.expiring(within_days=90).exists()
