"""The transition service: permission, gates, history, audit, notifications; and the other writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import services
from onboarding.models import MouAlternative, Roundtable, RoundtableParticipant, StageChange
from tests.onboarding.factories import (
    AgreementFactory,
    CountryAssessmentFactory,
    OrganisationFactory,
    ParticipantFactory,
    RoundtableFactory,
    admission_decided,
    checklist_without_open_items,
    country,
    quality_assurance_passed,
    ready_for_exploring,
)

pytestmark = pytest.mark.django_db
Stage = Hotline.Stage


def move(hotline, name, user, **kwargs):
    kwargs.setdefault("reason", "Agreed at the weekly pipeline meeting.")
    kwargs.setdefault("expected_stage", hotline.stage)
    return services.hotline_transition(hotline=hotline, transition=name, acting_user=user, **kwargs)


def test_staff_move_records_history_updates_stage_audits_and_notifies(
    network_staff, candidate_hotline, candidate_user, make_user, django_capture_on_commit_callbacks
):
    lead = make_user(Role.NETWORK_STAFF, email="lead@example.org")
    candidate_hotline.lead_staff = lead
    candidate_hotline.save()
    ready_for_exploring(candidate_hotline)
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        change = move(candidate_hotline, "start_exploring", network_staff)

    candidate_hotline.refresh_from_db()
    assert candidate_hotline.stage == Stage.EXPLORING
    assert candidate_hotline.stage_entered_at >= before
    assert (change.from_stage, change.to_stage, change.changed_by, change.transition) == (
        Stage.IDENTIFIED,
        Stage.EXPLORING,
        network_staff,
        "start_exploring",
    )
    assert change.reason == "Agreed at the weekly pipeline meeting."
    entry = ModelLogEntry.objects.get(action="onboarding.stage_change")
    assert entry.user_id == network_staff.pk and entry.data["to"] == Stage.EXPLORING
    recipients = {tuple(message.to) for message in mail.outbox}
    assert recipients == {("kofi@example.org",), ("lead@example.org",)}
    to_candidate = next(m for m in mail.outbox if m.to == ["kofi@example.org"])
    assert "Exploring" in to_candidate.subject
    assert "weekly pipeline meeting" not in to_candidate.body  # staff's reasons stay internal
    to_lead = next(m for m in mail.outbox if m.to == ["lead@example.org"])
    assert "weekly pipeline meeting" in to_lead.body


def test_unmet_gates_are_listed_and_nothing_is_written(network_staff, candidate_hotline):
    with pytest.raises(ValidationError) as refused:
        move(candidate_hotline, "start_exploring", network_staff)
    assert len(refused.value.messages) == 2
    assert "first interaction" in " ".join(refused.value.messages)
    candidate_hotline.refresh_from_db()
    assert candidate_hotline.stage == Stage.IDENTIFIED
    assert not StageChange.objects.exists()
    assert not ModelLogEntry.objects.filter(action="onboarding.stage_change").exists()


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.CAPACITY, Role.GRANTS, Role.EDITOR])
def test_other_staff_roles_cannot_move_stages(make_user, candidate_hotline, role):
    ready_for_exploring(candidate_hotline)
    with pytest.raises(PermissionDenied):
        move(candidate_hotline, "start_exploring", make_user(role))
    candidate_hotline.refresh_from_db()
    assert candidate_hotline.stage == Stage.IDENTIFIED


def test_a_candidate_user_cannot_move_its_own_stage_forward(candidate_hotline, candidate_user):
    ready_for_exploring(candidate_hotline)
    with pytest.raises(PermissionDenied):
        move(candidate_hotline, "start_exploring", candidate_user)
    with pytest.raises(PermissionDenied):
        move(candidate_hotline, "withdraw", candidate_user)


def _prepared_candidate(hotline):
    hotline.stage = Stage.OPERATIONAL_PREPARATION
    hotline.save()
    AgreementFactory(hotline=hotline, kind="code_of_practice")
    from tests.onboarding.factories import trained_analysts

    trained_analysts(hotline, 2)
    return hotline


def test_the_candidate_submits_its_application_once_the_gates_pass(
    candidate_hotline, candidate_user, django_capture_on_commit_callbacks
):
    _prepared_candidate(candidate_hotline)
    with pytest.raises(ValidationError) as refused:
        move(candidate_hotline, "submit_application", candidate_user)
    assert "not recorded yet" in " ".join(refused.value.messages)  # no checklist yet: never faked as met

    checklist_without_open_items(candidate_hotline)
    with django_capture_on_commit_callbacks(execute=True):
        change = move(candidate_hotline, "submit_application", candidate_user, reason="Ready.")
    assert change.changed_by == candidate_user
    candidate_hotline.refresh_from_db()
    assert candidate_hotline.stage == Stage.APPLICATION_SUBMITTED
    assert not any(m.to == ["kofi@example.org"] for m in mail.outbox)  # the actor is not told what they did


def test_a_user_of_another_organisation_cannot_submit(candidate_hotline, make_user):
    from accounts.services import affiliation_set

    _prepared_candidate(candidate_hotline)
    checklist_without_open_items(candidate_hotline)
    outsider = make_user(email="other@example.org")
    affiliation_set(user=outsider, target=OrganisationFactory(), acting_user=None)
    with pytest.raises(PermissionDenied):
        move(candidate_hotline, "submit_application", outsider)


def test_a_stale_stage_is_refused_as_changed_meanwhile(network_staff, candidate_hotline):
    ready_for_exploring(candidate_hotline)
    move(candidate_hotline, "start_exploring", network_staff)
    stale = Hotline.objects.get(pk=candidate_hotline.pk)
    with pytest.raises(services.StageChangedMeanwhile) as refused:
        services.hotline_transition(
            hotline=stale,
            transition="withdraw",
            reason="Second click.",
            expected_stage=Stage.IDENTIFIED,
            acting_user=network_staff,
        )
    assert "changed meanwhile" in refused.value.messages[0]
    assert StageChange.objects.count() == 1


def test_on_hold_and_resume_through_the_service(network_staff, candidate_hotline):
    candidate_hotline.stage = Stage.STAKEHOLDER_ENGAGEMENT
    candidate_hotline.save()
    review = timezone.localdate() + timedelta(days=45)
    move(candidate_hotline, "put_on_hold", network_staff, review_date=review, reason="Elections.")
    candidate_hotline.refresh_from_db()
    assert (candidate_hotline.stage, candidate_hotline.paused_stage) == (Stage.ON_HOLD, Stage.STAKEHOLDER_ENGAGEMENT)
    assert StageChange.objects.get(to_stage=Stage.ON_HOLD).review_date == review
    move(candidate_hotline, "resume", network_staff, reason="New government in place.")
    candidate_hotline.refresh_from_db()
    assert (candidate_hotline.stage, candidate_hotline.paused_stage) == (Stage.STAKEHOLDER_ENGAGEMENT, "")


def test_admission_and_full_membership_set_the_registry_dates(network_staff, candidate_hotline):
    candidate_hotline.stage = Stage.DECISION_PENDING
    candidate_hotline.save()
    checklist_without_open_items(candidate_hotline)
    admission_decided(candidate_hotline)
    quality_assurance_passed(candidate_hotline)
    move(candidate_hotline, "admit_provisional_member", network_staff)
    candidate_hotline.refresh_from_db()
    assert candidate_hotline.joined_on == timezone.localdate() and candidate_hotline.full_member_on is None
    from tests.onboarding.factories import trained_analysts

    trained_analysts(candidate_hotline, 2, content=True)
    move(candidate_hotline, "confirm_full_membership", network_staff)
    candidate_hotline.refresh_from_db()
    assert candidate_hotline.full_member_on == timezone.localdate()


def test_roundtable_gate_uses_held_roundtables_with_attendance(network_staff, candidate_hotline):
    candidate_hotline.stage = Stage.STAKEHOLDER_ENGAGEMENT
    candidate_hotline.save()
    checklist_without_open_items(candidate_hotline, accepted=(rules.GATE_FACT_LEGAL_REVIEW,))
    AgreementFactory(hotline=candidate_hotline, kind="le_mou")
    AgreementFactory(hotline=candidate_hotline, kind="letter_of_support")
    AgreementFactory(hotline=candidate_hotline, kind="funding", covers_first_operating_year=True)
    roundtable = RoundtableFactory(hotline=candidate_hotline)
    ParticipantFactory(roundtable=roundtable, sector="law_enforcement")
    ParticipantFactory(roundtable=roundtable, sector="government")
    ParticipantFactory(roundtable=roundtable, sector="industry_isp", status=RoundtableParticipant.Status.ABSENT)
    with pytest.raises(ValidationError) as refused:
        move(candidate_hotline, "start_operational_preparation", network_staff)
    [message] = refused.value.messages
    assert message.startswith("No roundtable yet had law enforcement, government and industry all attending")
    assert message.endswith("(the closest one lacked: industry).")
    ParticipantFactory(roundtable=roundtable, sector="industry_hosting")
    move(candidate_hotline, "start_operational_preparation", network_staff)


def test_expired_agreements_do_not_count(network_staff, candidate_hotline):
    candidate_hotline.stage = Stage.FEASIBILITY_REVIEW
    candidate_hotline.save()
    CountryAssessmentFactory(country=country("GH"))
    checklist_without_open_items(candidate_hotline, accepted=(rules.GATE_FACT_HOST_DUE_DILIGENCE,))
    move(candidate_hotline, "start_stakeholder_engagement", network_staff)
    from onboarding.selectors import gate_facts

    AgreementFactory(
        hotline=candidate_hotline,
        kind="le_mou",
        expires_on=timezone.localdate() - timedelta(days=1),
        signed_on=timezone.localdate() - timedelta(days=400),
    )
    assert gate_facts(hotline=candidate_hotline).le_mou_signed is False


def test_mou_alternative_needs_a_second_staff_member(network_staff, make_user, candidate_hotline):
    alternative = services.mou_alternative_propose(
        hotline=candidate_hotline,
        arrangement="Referral protocol with the cybercrime unit",
        why_no_mou="Police cannot sign MoUs with NGOs under national law",
        upload=None,
        acting_user=network_staff,
    )
    with pytest.raises(ValidationError, match="Another staff member"):
        services.mou_alternative_decide(alternative=alternative, approve=True, note="", acting_user=network_staff)
    with pytest.raises(PermissionDenied):
        services.mou_alternative_decide(
            alternative=alternative, approve=True, note="", acting_user=make_user(Role.REVIEWER)
        )
    second = make_user(Role.NETWORK_STAFF)
    decided = services.mou_alternative_decide(alternative=alternative, approve=True, note="Fine.", acting_user=second)
    assert decided.status == MouAlternative.Status.APPROVED and decided.decided_by == second
    from onboarding.selectors import gate_facts

    assert gate_facts(hotline=candidate_hotline).le_mou_alternative_approved
    with pytest.raises(ValidationError, match="already decided"):
        services.mou_alternative_decide(alternative=alternative, approve=False, note="x", acting_user=second)


def test_attendance_is_marked_in_bulk_and_the_roundtable_becomes_held(network_staff):
    roundtable = RoundtableFactory(status=Roundtable.Status.PLANNED)
    came = ParticipantFactory(roundtable=roundtable, status="invited")
    stayed_away = ParticipantFactory(roundtable=roundtable, status="invited", sector="government")
    summary = services.roundtable_record_attendance(
        roundtable=roundtable, attended_ids={came.pk}, committed_ids={came.pk}, acting_user=network_staff
    )
    assert summary == {"attended": 1, "absent": 1, "committed": 1}
    came.refresh_from_db()
    stayed_away.refresh_from_db()
    assert (came.status, came.committed, stayed_away.status) == ("attended", True, "absent")
    roundtable.refresh_from_db()
    assert roundtable.status == Roundtable.Status.HELD
    other = ParticipantFactory()
    with pytest.raises(ValidationError, match="not invited"):
        services.roundtable_record_attendance(
            roundtable=roundtable, attended_ids={other.pk}, committed_ids=set(), acting_user=network_staff
        )


def test_attendance_cannot_be_recorded_before_the_roundtable(network_staff):
    roundtable = RoundtableFactory(status=Roundtable.Status.PLANNED, starts_at=timezone.now() + timedelta(days=3))
    with pytest.raises(ValidationError, match="once the roundtable has started"):
        services.roundtable_record_attendance(
            roundtable=roundtable, attended_ids=set(), committed_ids=set(), acting_user=network_staff
        )


def test_candidate_create_with_a_new_host(network_staff):
    hotline = services.candidate_create(
        brand_name="Report Safe Nepal",
        country=country("NP"),
        new_host_name="Digital Rights Nepal Forum",
        identified_on=timezone.localdate(),
        source="outreach",
        lead_staff=network_staff,
        acting_user=network_staff,
    )
    assert hotline.stage == Stage.IDENTIFIED
    assert hotline.host_organisation.country_id == "NP"
    assert list(hotline.countries_served.values_list("pk", flat=True)) == ["NP"]
    assert StageChange.objects.get(hotline=hotline).to_stage == Stage.IDENTIFIED
    with pytest.raises(ValidationError):
        services.candidate_create(
            brand_name="Report Safe Nepal",
            country=country("NP"),
            host_organisation=hotline.host_organisation,
            identified_on=timezone.localdate(),
            source="outreach",
            lead_staff=None,
            acting_user=network_staff,
        )


def test_calendar_tokens_are_stored_hashed_and_revocable(network_staff, make_user):
    token = services.calendar_token_create(acting_user=network_staff)
    assert services.calendar_token_user(token) == network_staff
    assert token not in str(list(network_staff.calendar_feed_token.__dict__.values()))
    second = services.calendar_token_create(acting_user=network_staff)
    assert services.calendar_token_user(token) is None
    assert services.calendar_token_revoke(acting_user=network_staff)
    assert services.calendar_token_user(second) is None
    with pytest.raises(PermissionDenied):
        services.calendar_token_create(acting_user=make_user())
