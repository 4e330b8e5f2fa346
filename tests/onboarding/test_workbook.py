"""Onboarding sheets in the network workbook: export, import into an empty database, export again."""

from __future__ import annotations

import io
import random

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from accounts.roles import Role
from core.seeding import DemoContext
from core.workbook import export_workbook, import_workbook, registry
from network import demo as network_demo
from network.models import (
    Analyst,
    Contact,
    Hotline,
    HotlineAnnualProfile,
    HotlineStatistics,
    Organisation,
    TrainingCourse,
    TrainingEvent,
    TrainingParticipation,
)
from onboarding import demo as onboarding_demo
from onboarding import models as m
from tests.core.restore import record_missing_histories, wipe_accounts
from tests.onboarding.factories import consolidated
from tests.onboarding.world import build_world

pytestmark = pytest.mark.django_db

ONBOARDING_SHEETS = [
    s.name for s in registry().sheets() if getattr(s, "model", None) and s.model._meta.app_label == "onboarding"
]
DOSSIER_SHEETS = ONBOARDING_SHEETS[ONBOARDING_SHEETS.index("Checklist templates") :]
LIFECYCLE_SHEETS = ONBOARDING_SHEETS[: ONBOARDING_SHEETS.index("Checklist templates")]


def sheet_rows(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {name: [tuple(row) for row in book[name].iter_rows(values_only=True)] for name in ONBOARDING_SHEETS}


def wipe() -> None:
    """Every onboarding and registry row and every account: an empty database but the reference data."""
    for model in (
        m.DossierComment,
        m.SelfAssessmentAnswer,
        m.SelfAssessment,
        m.SuspensionProposal,
        m.RenewalPack,
        m.QaCertificate,
        m.ReviewVerdict,
        m.Review,
        m.ConsolidatedRecommendation,
        m.Interaction,
        m.Decision,
        m.Finding,
        m.CorrectiveAction,
        m.Assessment,
        m.JointVisit,
        m.ReviewerAssignment,
        m.EvidenceDownload,
        m.EvidenceLink,
        m.EvidenceDocument,
        m.ItemComment,
        m.ItemEvent,
        m.ChecklistItem,
        m.Checklist,
        m.ChecklistTemplateItem,
        m.ChecklistTemplate,
        m.AgreementParty,
        m.Agreement,
        m.ActionItem,
        m.RoundtableParticipant,
        m.Roundtable,
        m.Interaction,
        m.MouAlternative,
        m.StageChange,
        m.CandidateProfile,
        m.CountryAssessment,
        m.PrivateDocument,
        TrainingParticipation,
        TrainingEvent,
        TrainingCourse,
        HotlineStatistics,
        HotlineAnnualProfile,
        Analyst,
        Hotline,
        Contact,
        Organisation,
    ):
        model._base_manager.all().delete()
    wipe_accounts()


def test_sheets_come_after_the_registrys():
    orders = {s.name: s.order for s in registry().sheets()}
    assert min(orders[name] for name in ONBOARDING_SHEETS) > orders["Hotlines"]
    assert ONBOARDING_SHEETS == [
        "Candidate profiles",
        "Stage history",
        "Country assessments",
        "Interactions",
        "Roundtables",
        "Roundtable participants",
        "Action items",
        "Agreements",
        "Agreement parties",
        "MoU alternatives",
        "Message templates",
        "Checklist templates",
        "Checklist template items",
        "Checklists",
        "Checklist items",
        "Checklist comments",
        "Evidence documents",
        "Evidence links",
        "Reviewer assignments",
        "Joint visits",
        "Assessments",
        "Findings",
        "Corrective actions",
        "Decisions",
        "Decision corrections",
        "Appeals",
        "Reviews",
        "Review verdicts",
        "Consolidated recommendations",
        "Evidence & assessment comments",
        "Renewals",
        "Suspension proposals",
        "QA certificates",
        "Self-assessments",
        "Self-assessment answers",
    ]


def test_round_trip_into_an_empty_database_loses_nothing(make_user):
    from datetime import timedelta

    from accounts.roles import Role
    from onboarding import services

    world = build_world()
    services.hotline_transition(
        hotline=world.hotline2,
        transition="put_on_hold",
        reason="Elections",
        review_date=timezone.localdate() + timedelta(days=50),
        expected_stage=world.hotline2.stage,
        acting_user=world.staff,
    )
    services.mou_alternative_decide(
        alternative=world.alternative, approve=True, note="Fine", acting_user=make_user(Role.NETWORK_STAFF)
    )
    record_missing_histories()
    first = export_workbook()
    rows = sheet_rows(first)
    assert all(len(rows[name]) > 1 for name in LIFECYCLE_SHEETS), {k: len(v) for k, v in rows.items()}
    wipe()
    result = import_workbook(first)
    assert result.ok, result.errors[:5]
    assert sheet_rows(export_workbook()) == rows
    change = m.StageChange.objects.get(to_stage="on_hold")
    assert (change.changed_by.email, change.reason) == (world.staff.email, "Elections")
    assert change.review_date == timezone.localdate() + timedelta(days=50)
    restored = Hotline.objects.get(brand_name=world.hotline2.brand_name)
    assert (restored.stage, restored.paused_stage) == ("on_hold", "stakeholder_engagement")
    assert m.MouAlternative.objects.get().status == "approved"
    again = import_workbook(first)
    assert again.ok
    assert all(again.changes[name].created == again.changes[name].updated == 0 for name in ONBOARDING_SHEETS)


def test_demo_onboarding_round_trips(make_user):
    ctx = DemoContext(
        rng=random.Random(3), seed=3, scale=12, password="x", today=timezone.localdate(), stdout=io.StringIO()
    )
    ctx.users["staff"] = make_user(Role.NETWORK_STAFF, email="staff.demo@example.org")
    network_demo.seed(ctx)
    onboarding_demo.seed(ctx)
    first = export_workbook()
    assert len(sheet_rows(first)["Self-assessment answers"]) > 1
    wipe()
    result = import_workbook(first)
    assert result.ok, result.errors[:5]
    assert sheet_rows(export_workbook()) == sheet_rows(first)
    assert m.StageChange.objects.filter(changed_by__email="staff.demo@example.org").exists()


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_bad_rows_are_named_and_nothing_is_written():
    world = build_world()
    before = m.Roundtable.objects.count(), m.Agreement.objects.count()
    data = _workbook(
        {
            "Roundtables": [
                ["code", "title", "country", "hotline", "status", "starts_at", "format", "venue"],
                ["RT-GH-NEW", "Fine", "GH", world.hotline.brand_name, "planned", "2030-01-01 09:00", "online", ""],
                [
                    "RT-GH-BAD",
                    "Wrong country",
                    "KE",
                    world.hotline.brand_name,
                    "planned",
                    "2030-01-01 09:00",
                    "online",
                    "",
                ],
                ["RT-GH-FUT", "Held in future", "GH", "", "held", "2030-01-01 09:00", "in_person", "Hall"],
            ],
            "Agreements": [
                ["reference", "kind", "title", "country", "status", "signed_on"],
                ["AG-X-1", "le_mou", "Unsigned signed", "GH", "signed", ""],
            ],
        }
    )
    result = import_workbook(data)
    problems = {(e.sheet, e.row, e.column) for e in result.errors}
    assert ("Roundtables", 3, "hotline") in problems
    assert ("Roundtables", 4, "status") in problems
    assert ("Agreements", 2, "signed_on") in problems
    assert (m.Roundtable.objects.count(), m.Agreement.objects.count()) == before


def test_the_dossier_round_trips_into_an_empty_database(make_user):
    from datetime import timedelta

    from onboarding import services
    from tests.onboarding.dossier import build_dossier, pdf, submitted

    world = build_dossier()
    accepted = submitted(world, "2.1")
    services.item_accept(item=accepted, acting_user=world.reviewer, comment="Statutes and accounts are in order.")
    services.item_comment(item=accepted, body="Thank you.", acting_user=world.candidate)
    waived = services.item_waive(item=world.item("13.2"), reason="Ministry campaign.", acting_user=world.staff)
    services.item_approve_waiver(item=waived, acting_user=world.staff2)
    services.evidence_link(document=accepted.evidence.get(), item=world.item("2.3"), acting_user=world.candidate)
    assessment = services.assessment_create(
        hotline=world.hotline,
        kind="pre_membership",
        mode="remote",
        starts_on=timezone.localdate() - timedelta(days=5),
        ends_on=timezone.localdate() - timedelta(days=4),
        acting_user=world.staff,
    )
    services.assessment_record_findings(
        assessment=assessment,
        findings={area: ("meets", f"Area {area} in place.") for area in range(1, 15)},
        acting_user=world.reviewer,
    )
    action = services.corrective_action_create(
        assessment=assessment,
        title="Publish the retention schedule",
        owner="Hotline manager",
        due_on=timezone.localdate() + timedelta(days=60),
        area=11,
        acting_user=world.reviewer,
    )
    services.evidence_upload(
        hotline=world.hotline,
        upload=pdf("retention.pdf"),
        corrective_actions=[action],
        expires_on=timezone.localdate() + timedelta(days=400),
        acting_user=world.candidate,
    )
    services.assessment_complete_report(
        assessment=assessment, recommendation="admit_with_actions", summary="Ready.", acting_user=world.reviewer
    )
    Hotline.objects.filter(pk=world.hotline.pk).update(stage="decision_pending")
    consolidated(world.hotline, assessment)
    services.decision_record(
        assessment=assessment,
        body="General Assembly",
        decided_on=timezone.localdate(),
        minutes_reference="GA-2026-2",
        votes_for=30,
        votes_against=1,
        votes_abstaining=2,
        outcome="admit",
        acting_user=world.staff,
    )
    # Independent reviews, their consolidation, the letter and an answered appeal.
    review = services.review_save(
        hotline=world.hotline,
        verdicts=dict.fromkeys(range(1, 15), ("meets", "")) | {11: ("partly_meets", "DPIA pending.")},
        recommendation="admit_with_conditions",
        reasons="Data protection to finish.",
        acting_user=world.reviewer,
    )
    services.review_submit(review=review, acting_user=world.reviewer)
    services.review_consolidate(
        hotline=world.hotline, recommendation="admit_with_conditions", reasons="As reviewed.", acting_user=world.staff
    )
    decision = services.decision_send_letter(decision=m.Decision.objects.get(), acting_user=world.staff)
    appeal = services.decision_appeal(decision=decision, grounds="The DPIA is done.", acting_user=world.candidate)
    services.appeal_answer(appeal=appeal, answer="Noted; the condition is lifted.", acting_user=world.staff)
    services.item_comment(item=accepted, body="Lead's note.", visibility="staff", acting_user=world.staff)
    services.evidence_comment(
        document=accepted.evidence.get(), body="Scan is faint.", visibility="staff", acting_user=world.staff
    )
    services.evidence_comment(
        document=accepted.evidence.get(), body="A better scan follows.", acting_user=world.candidate
    )
    services.assessment_comment(
        assessment=assessment, body="Please send the schedule.", visibility="shared", acting_user=world.reviewer
    )
    record_missing_histories()
    first = export_workbook()
    rows = sheet_rows(first)
    # Decision corrections: test_decision_correction.py; the member cycle: test_membership_cycle.py and
    # (self-assessments) test_demo_onboarding_round_trips.
    elsewhere = {
        "Decision corrections",
        "Joint visits",
        "Renewals",
        "Suspension proposals",
        "QA certificates",
        "Self-assessments",
        "Self-assessment answers",
    }
    filled = [name for name in DOSSIER_SHEETS if name not in elsewhere]
    assert all(len(rows[name]) > 1 for name in filled), {k: len(rows[k]) for k in filled}
    wipe()
    result = import_workbook(first)
    assert result.ok, result.errors[:5]
    assert sheet_rows(export_workbook()) == rows
    item = m.ChecklistItem.objects.get(checklist__hotline__brand_name="SafeNet Ghana", code="2.1")
    assert (item.state, item.reviewed_by.email, item.submitted_by.email) == (
        "accepted",
        world.reviewer.email,
        world.candidate.email,
    )
    # The people came back from the Accounts sheet: inactive, without a password, to be invited.
    assert world.reviewer.email in result.invitations_needed
    assert not item.reviewed_by.is_active and not item.reviewed_by.has_usable_password()
    assert m.ChecklistItem.objects.get(checklist__hotline__brand_name="SafeNet Ghana", code="13.2").is_done
    assert m.ChecklistTemplate.objects.onboarding().published().get().items.count() > 30
    assert m.Decision.objects.get().assessment.reference == assessment.reference
    assert m.CorrectiveAction.objects.get().evidence.get().original_name == "retention.pdf"
    restored = m.Review.objects.get()
    assert restored.is_submitted and restored.verdicts.get(area=11).comment == "DPIA pending."
    assert m.Interaction.objects.awaiting_answer().count() == 0
    assert m.Interaction.objects.get(kind="appeal").appeal_of.letter_language == "en"
    assert m.ItemComment.objects.get(body="Lead's note.").visibility == "staff"
    restored_comments = {c.body: c for c in m.DossierComment.objects.select_related("document", "assessment")}
    assert restored_comments["Scan is faint."].visibility == "staff"
    assert restored_comments["A better scan follows."].document.original_name == "2.1.pdf"
    assert restored_comments["A better scan follows."].visibility == "shared"
    assert restored_comments["Please send the schedule."].assessment.reference == assessment.reference
    again = import_workbook(first)
    assert again.ok
    assert all(again.changes[name].created == 0 for name in DOSSIER_SHEETS)


def test_bad_dossier_rows_are_named_and_nothing_is_written():
    from tests.onboarding.dossier import build_dossier

    world = build_dossier()
    before = m.ChecklistItem.objects.filter(state="accepted").count()
    data = _workbook(
        {
            "Checklist items": [
                ["hotline", "code", "state"],
                [world.hotline.brand_name, "2.1", "accepted"],
                [world.hotline.brand_name, "99.9", "accepted"],
                ["Unknown hotline", "2.1", "accepted"],
                [world.hotline.brand_name, "2.2", "approved"],
            ],
            "Findings": [["assessment", "area", "rating", "text"], ["AS-XX-1", 3, "meets", "Fine"]],
        }
    )
    result = import_workbook(data)
    problems = {(e.sheet, e.row, e.column) for e in result.errors}
    assert ("Checklist items", 3, "hotline") in problems  # no item 99.9 in the checklist's version
    assert ("Checklist items", 4, "hotline") in problems
    assert ("Checklist items", 5, "state") in problems
    assert ("Findings", 2, "assessment") in problems
    assert m.ChecklistItem.objects.filter(state="accepted").count() == before
