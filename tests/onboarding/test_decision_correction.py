"""A recorded membership decision is corrected by a correction record; a new outcome goes through the lifecycle."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from network.models import Hotline
from onboarding import services
from onboarding.models import Decision, DecisionCorrection, StageChange
from tests.onboarding.dossier import build_dossier
from tests.onboarding.factories import consolidated

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def decided():
    world = build_dossier()
    assessment = services.assessment_create(
        hotline=world.hotline,
        kind="pre_membership",
        mode="remote",
        starts_on=TODAY() - timedelta(days=20),
        ends_on=TODAY() - timedelta(days=18),
        acting_user=world.staff,
    )
    services.assessment_record_findings(
        assessment=assessment,
        findings={area: ("meets", f"Area {area} in place.") for area in range(1, 15)},
        acting_user=world.reviewer,
    )
    services.assessment_complete_report(
        assessment=assessment, recommendation="admit", summary="Ready.", acting_user=world.reviewer
    )
    Hotline.objects.filter(pk=world.hotline.pk).update(stage="decision_pending")
    consolidated(world.hotline)
    world.decision = services.decision_record(
        assessment=assessment,
        body="General Assembly",
        decided_on=TODAY() - timedelta(days=10),
        minutes_reference="GA-1",
        votes_for=20,
        votes_against=3,
        votes_abstaining=1,
        outcome="admit",
        acting_user=world.staff,
    )
    assessment.refresh_from_db()
    world.assessment = assessment
    return world


def values(decision: Decision, **changes: object) -> dict[str, object]:
    return {name: getattr(decision, name) for name in services.DECISION_FIELDS} | changes


def test_a_decision_cannot_come_before_its_assessment(decided):
    # The same assessment awaiting its decision (the check refuses a second decision first).
    Decision.objects.filter(pk=decided.decision.pk).delete()
    Hotline.objects.filter(pk=decided.hotline.pk).update(stage="decision_pending")
    ended = decided.assessment.ends_on
    with pytest.raises(ValidationError) as refused:
        services.decision_check(
            assessment=decided.assessment,
            body="Board",
            decided_on=ended - timedelta(days=2),
            minutes_reference="B-1",
            votes_for=5,
            votes_against=0,
            votes_abstaining=0,
            outcome="admit",
            notes="",
        )
    assert "follows its assessment" in str(refused.value.message_dict["decided_on"])


def test_correcting_the_date_leaves_the_stage_and_keeps_what_why_who(decided):
    decision = decided.decision
    correction = services.decision_correct(
        decision=decision,
        values=values(decision, decided_on=TODAY() - timedelta(days=9)),
        reason="The minutes give the 9th.",
        acting_user=decided.staff2,
    )
    decision.refresh_from_db()
    assert decision.decided_on == TODAY() - timedelta(days=9)
    assert correction.changes == {
        "decided_on": [(TODAY() - timedelta(days=10)).isoformat(), (TODAY() - timedelta(days=9)).isoformat()]
    }
    assert (correction.reason, correction.corrected_by, correction.stage_change) == (
        "The minutes give the 9th.",
        decided.staff2,
        None,
    )
    assert Hotline.objects.get(pk=decided.hotline.pk).stage == "provisional_member"
    entry = ModelLogEntry.objects.for_instance(decided.assessment).get(action="onboarding.decision_correct")
    assert entry.data["reason"] == "The minutes give the 9th." and entry.user == decided.staff2


def test_a_new_outcome_moves_the_hotline_through_the_lifecycle_with_the_reason(decided):
    decision = decided.decision
    correction = services.decision_correct(
        decision=decision,
        values=values(decision, outcome="reject", votes_for=3, votes_against=20),
        reason="The votes were swapped in the minutes.",
        acting_user=decided.staff,
    )
    hotline = Hotline.objects.get(pk=decided.hotline.pk)
    assert (hotline.stage, hotline.joined_on) == ("rejected", None)
    change = StageChange.objects.filter(hotline=hotline).latest("changed_at")
    assert change.transition == "correct_decision_to_reject" and "swapped" in change.reason
    assert correction.stage_change == change
    assert not Hotline.objects.in_directory().filter(pk=hotline.pk).exists()


def test_what_a_correction_cannot_do(decided):
    decision = decided.decision
    with pytest.raises(PermissionDenied):
        services.decision_correct(
            decision=decision, values=values(decision, notes="x"), reason="x", acting_user=decided.reviewer
        )
    with pytest.raises(ValidationError, match="why"):
        services.decision_correct(
            decision=decision, values=values(decision, notes="x"), reason=" ", acting_user=decided.staff
        )
    with pytest.raises(ValidationError, match="Nothing to correct"):
        services.decision_correct(decision=decision, values=values(decision), reason="x", acting_user=decided.staff)
    Hotline.objects.filter(pk=decided.hotline.pk).update(stage="full_member")
    with pytest.raises(ValidationError, match="can no longer be corrected"):
        services.decision_correct(
            decision=decision,
            values=values(decision, outcome="reject", votes_for=3, votes_against=20),
            reason="Late.",
            acting_user=decided.staff,
        )
    assert not DecisionCorrection.objects.exists()
    # The correction's transitions are not the candidate page's to offer or take.
    with pytest.raises(ValidationError):
        services.hotline_transition(
            hotline=Hotline.objects.get(pk=decided.hotline.pk),
            transition="correct_decision_to_reject",
            reason="x",
            expected_stage="full_member",
            acting_user=decided.staff,
        )


def test_the_correction_page_shows_what_will_happen_then_records_it(decided, client_for):
    url = reverse("onboarding_admin:decision_correct", args=[decided.assessment.pk])
    client = client_for(decided.staff)
    form = client.get(url)
    assert form.status_code == 200 and "GA-1" in form.content.decode()
    data = values(decided.decision, outcome="reject", votes_for=3, votes_against=20, reason="Votes swapped.")
    data["decided_on"] = data["decided_on"].isoformat()
    check = client.post(url, data)
    page = check.content.decode()
    assert "Nothing has changed yet" in page and "moves from Provisional member to Rejected" in page
    assert Hotline.objects.get(pk=decided.hotline.pk).stage == "provisional_member"
    assert client.post(url, {**data, "confirmed": "yes"}).status_code == 302
    assert Hotline.objects.get(pk=decided.hotline.pk).stage == "rejected"
    detail = client.get(reverse("onboarding_admin:assessment", args=[decided.assessment.pk])).content.decode()
    assert "Corrections" in detail and "Votes swapped." in detail
    assert client_for(decided.reviewer).get(url).status_code in (302, 403, 404)
    transition = reverse("onboarding_admin:transition", args=[decided.hotline.pk, "correct_decision_to_admit"])
    assert client.get(transition).status_code == 404


def test_corrections_are_part_of_a_complete_restore(decided):
    import io

    from openpyxl import load_workbook

    from core.workbook import export_workbook, import_workbook
    from tests.core.restore import record_missing_histories
    from tests.onboarding.test_workbook import wipe

    decision = decided.decision
    services.decision_correct(
        decision=decision,
        values=values(decision, outcome="reject", votes_for=3, votes_against=20),
        reason="Votes swapped.",
        acting_user=decided.staff,
        now=timezone.now() + timedelta(minutes=5),  # the workbook keys stage changes to the second
    )
    record_missing_histories()
    first = export_workbook()

    def rows(data: bytes) -> dict[str, list[tuple]]:
        book = load_workbook(io.BytesIO(data), read_only=True)
        return {name: [tuple(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames}

    assert len(rows(first)["Decision corrections"]) == 2
    wipe()
    result = import_workbook(first)
    assert result.ok, result.errors[:5]
    assert rows(export_workbook()) == rows(first)
    restored = DecisionCorrection.objects.get()
    assert restored.stage_change.transition == "correct_decision_to_reject"
    assert restored.changes["outcome"] == ["admit", "reject"]
