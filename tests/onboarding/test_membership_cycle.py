"""The member cycle after admission: renewal packs (status from the records, grace, lapse, warning, a
proposal to suspend that staff decide through the lifecycle), quality-assurance certificates and joint
visits, the portal's own-member scope and the staff board."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from accounts.services import affiliation_set
from network.models import Contact, Hotline, HotlineAnnualProfile, HotlineStatistics
from network.models.training import add_months
from onboarding import services
from onboarding.models import (
    Assessment,
    CorrectiveAction,
    QaCertificate,
    RenewalPack,
    RenewalStatus,
    StageChange,
    SuspensionProposal,
    renewal_status,
    renewal_year_to_open,
)
from onboarding.selectors import certificate_refusal, renewal_overviews
from tests.onboarding.factories import HotlineFactory, completed_assessment, country

pytestmark = pytest.mark.django_db


# -- the status rule, pure -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("done", "today", "expected"),
    [
        (0, date(2026, 3, 1), RenewalStatus.NOT_STARTED),
        (2, date(2026, 3, 31), RenewalStatus.IN_PROGRESS),
        (4, date(2026, 3, 1), RenewalStatus.COMPLETE),
        (4, date(2027, 1, 1), RenewalStatus.COMPLETE),
        (3, date(2026, 4, 1), RenewalStatus.OVERDUE),
        (0, date(2026, 4, 30), RenewalStatus.OVERDUE),
        (3, date(2026, 5, 1), RenewalStatus.LAPSED),
    ],
)
def test_renewal_status_from_parts_due_date_and_grace(done, today, expected):
    status = renewal_status(
        parts_done=done, parts=4, due_on=date(2026, 3, 31), grace_until=date(2026, 4, 30), today=today
    )
    assert status == expected


# -- fixtures ------------------------------------------------------------------------------------------
@pytest.fixture
def members(db):
    full = HotlineFactory(
        brand_name="Linea Sicura", country=country("KE"), stage=Hotline.Stage.FULL_MEMBER, joined_on=date(2020, 1, 1)
    )
    full.full_member_on = date(2021, 1, 1)
    full.save()
    provisional = HotlineFactory(
        brand_name="Ghana Safe",
        country=country("GH"),
        stage=Hotline.Stage.PROVISIONAL_MEMBER,
        joined_on=date(2025, 2, 1),
    )
    candidate = HotlineFactory(brand_name="Candidate Line", stage=Hotline.Stage.EXPLORING)
    return full, provisional, candidate


@pytest.fixture
def member_user(make_user, members):
    user = make_user(email="manager@linea.example.org")
    affiliation_set(user=user, target=members[0].host_organisation, acting_user=None)
    return user


@pytest.fixture
def other_member_user(make_user, members):
    user = make_user(email="manager@ghana.example.org")
    affiliation_set(user=user, target=members[1].host_organisation, acting_user=None)
    return user


def _pack(hotline: Hotline, *, due: date, grace_days: int = 30) -> RenewalPack:
    return RenewalPack.objects.create(
        hotline=hotline, year=due.year, due_on=due, grace_until=due + timedelta(days=grace_days)
    )


def _point_of_contact(hotline: Hotline) -> Contact:
    contact = Contact.objects.create(
        organisation=hotline.host_organisation,
        name="Amina Otieno",
        role="Hotline manager",
        lawful_basis=Contact.LawfulBasis.CONTRACT,
        retain_until=date(2035, 1, 1),
    )
    hotline.point_of_contact = contact
    hotline.save(update_fields=["point_of_contact"])
    return contact


# -- opening renewals ----------------------------------------------------------------------------------
def test_opening_renewals_gives_every_member_one_pack_once(members, network_staff, member_user, settings):
    settings.RENEWAL_DUE_MONTH_DAY, settings.RENEWAL_GRACE_DAYS = "12-31", 20
    full, provisional, candidate = members
    year = timezone.localdate().year
    opened = services.renewal_open_for_year(year=year, acting_user=network_staff)
    assert {pack.hotline for pack in opened} == {full, provisional}
    pack = RenewalPack.objects.get(hotline=full, year=year)
    assert pack.due_on == date(year, 12, 31) and pack.grace_until == date(year + 1, 1, 20)
    assert ModelLogEntry.objects.filter(action="onboarding.renewal_open", object_id=str(pack.pk)).exists()
    # Idempotent: a second run opens nothing and leaves the packs as they were.
    assert services.renewal_open_for_year(year=year, acting_user=network_staff) == []
    assert RenewalPack.objects.filter(year=year).count() == 2
    assert not RenewalPack.objects.filter(hotline=candidate).exists()


def test_only_network_staff_open_renewals_and_only_for_a_sensible_year(members, make_user, network_staff):
    with pytest.raises(PermissionDenied):
        services.renewal_open_for_year(year=2026, acting_user=make_user(Role.REVIEWER))
    with pytest.raises(ValidationError, match="out of range"):
        services.renewal_open_for_year(year=timezone.localdate().year + 5, acting_user=network_staff)
    assert not RenewalPack.objects.exists()


def test_a_year_whose_renewals_were_due_already_cannot_be_opened(members, network_staff, client_for, settings):
    """Packs opened after their due date would be overdue at once, then lapse into proposals to suspend
    members who were never asked in time: staff are told to open the next year's instead."""
    settings.RENEWAL_DUE_MONTH_DAY = "03-31"
    today = date(2026, 12, 6)
    with pytest.raises(ValidationError, match=r"2026 renewals were due on 31 March 2026.*Open the 2027 renewals"):
        services.renewal_open_for_year(
            year=2026, acting_user=network_staff, now=timezone.make_aware(datetime(2026, 12, 6, 10))
        )
    assert not RenewalPack.objects.exists()
    # Until the due date, this year's; after it, the next year's.
    assert renewal_year_to_open(today) == 2027
    assert renewal_year_to_open(date(2026, 3, 31)) == 2026
    opened = services.renewal_open_for_year(
        year=2027, acting_user=network_staff, now=timezone.make_aware(datetime(2026, 12, 6, 10))
    )
    assert {pack.due_on for pack in opened} == {date(2027, 3, 31)}

    # The staff screens: the form proposes the year that can still be opened; the board says why an
    # earlier year cannot; a posted past year is refused with the reason, nothing opened.
    staff = client_for(network_staff)
    yesterday = timezone.localdate() - timedelta(days=1)
    settings.RENEWAL_DUE_MONTH_DAY = yesterday.strftime("%m-%d")
    form = staff.get(reverse("onboarding_admin:renewals_open"))
    assert re.search(rf'name="year" value="{yesterday.year + 1}"', form.content.decode())
    board = staff.get(reverse("onboarding_admin:member_cycle"), {"year": yesterday.year})
    assert f"no more {yesterday.year} packs can be opened" in board.content.decode()
    refused = staff.post(reverse("onboarding_admin:renewals_open"), {"year": yesterday.year, "confirmed": "yes"})
    assert "which has passed" in refused.content.decode()
    assert not RenewalPack.objects.filter(year=yesterday.year).exists()


# -- parts from the records ----------------------------------------------------------------------------
def test_parts_are_read_from_real_records(members, member_user):
    full = members[0]
    today = timezone.localdate()
    pack = _pack(full, due=today + timedelta(days=30))
    [overview] = renewal_overviews([pack], today=today)
    assert overview.status == RenewalStatus.NOT_STARTED and overview.done_count == 0

    HotlineAnnualProfile.objects.create(hotline=full, year=pack.year, analyst_headcount=3, fte=2)
    HotlineStatistics.objects.create(
        hotline=full,
        period_start=date(pack.year - 1, 10, 1),
        period_end=date(pack.year - 1, 12, 31),
        reports_received=10,
        content_urls_processed=5,
    )
    [overview] = renewal_overviews([pack], today=today)
    assert overview.status == RenewalStatus.IN_PROGRESS
    assert {part.key for part in overview.missing} == {"code_of_practice", "contacts"}

    services.renewal_declare_code(pack=pack, acting_user=member_user)
    with pytest.raises(ValidationError, match="point of contact"):
        services.renewal_confirm_contacts(pack=pack, acting_user=member_user)
    _point_of_contact(full)
    services.renewal_confirm_contacts(pack=pack, acting_user=member_user)
    [overview] = renewal_overviews(RenewalPack.objects.filter(pk=pack.pk), today=today)
    assert overview.status == RenewalStatus.COMPLETE and not overview.missing
    # A profile for another year does not count for this pack.
    other = _pack(full, due=date(pack.year - 1, 3, 31))
    [old] = renewal_overviews([other], today=today)
    assert old.status == RenewalStatus.LAPSED and "annual_profile" in {p.key for p in old.missing}


def test_only_the_members_own_users_record_on_its_pack(members, member_user, other_member_user, network_staff):
    pack = _pack(members[0], due=timezone.localdate() + timedelta(days=10))
    for user in (other_member_user, network_staff):
        with pytest.raises(PermissionDenied):
            services.renewal_declare_code(pack=pack, acting_user=user)
    pack.refresh_from_db()
    assert pack.code_declared_at is None


# -- lapse, warning, proposal, decision --------------------------------------------------------------
@pytest.fixture
def run(django_capture_on_commit_callbacks, capsys):
    def _run(day: date | None = None) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", *([f"--date={day.isoformat()}"] if day else []))
        capsys.readouterr()

    return _run


def test_a_lapse_warns_once_then_proposes_a_suspension_and_never_suspends(
    members, member_user, make_user, run, settings
):
    settings.RENEWAL_PROPOSAL_AFTER_WARNING_DAYS = 14
    lead = make_user(Role.NETWORK_STAFF, email="lead@example.org")
    full = members[0]
    full.lead_staff = lead
    full.save()
    today = timezone.localdate()
    pack = _pack(full, due=today - timedelta(days=40), grace_days=30)  # grace ended 10 days ago

    run()
    pack.refresh_from_db()
    assert pack.warned_on == today
    warnings = [m for m in mail.outbox if "lapsed" in m.subject]
    assert sorted(m.to[0] for m in warnings) == ["lead@example.org", "manager@linea.example.org"]
    assert not SuspensionProposal.objects.exists()

    run()  # the same day again: nothing new
    assert len([m for m in mail.outbox if "lapsed" in m.subject]) == 2

    run(today + timedelta(days=13))
    assert not SuspensionProposal.objects.exists()
    run(today + timedelta(days=14))
    proposal = SuspensionProposal.objects.get()
    assert proposal.pack == pack and proposal.is_open
    assert any("Proposal to suspend" in m.subject and m.to == ["lead@example.org"] for m in mail.outbox)
    run(today + timedelta(days=20))
    assert SuspensionProposal.objects.count() == 1
    full.refresh_from_db()
    assert full.stage == Hotline.Stage.FULL_MEMBER  # never suspended by itself
    assert not StageChange.objects.filter(hotline=full).exists()


def test_a_completed_pack_does_not_lapse(members, member_user, run):
    full = members[0]
    today = timezone.localdate()
    pack = _pack(full, due=today - timedelta(days=40), grace_days=30)
    HotlineAnnualProfile.objects.create(hotline=full, year=pack.year, analyst_headcount=3, fte=2)
    HotlineStatistics.objects.create(
        hotline=full,
        period_start=date(pack.year - 1, 1, 1),
        period_end=date(pack.year - 1, 12, 31),
        reports_received=10,
        content_urls_processed=5,
    )
    _point_of_contact(full)
    services.renewal_declare_code(pack=pack, acting_user=member_user)
    services.renewal_confirm_contacts(pack=pack, acting_user=member_user)
    run()
    pack.refresh_from_db()
    assert pack.warned_on is None


@pytest.fixture
def proposal(members):
    today = timezone.localdate()
    pack = _pack(members[0], due=today - timedelta(days=80), grace_days=30)
    pack.warned_on = today - timedelta(days=30)
    pack.save()
    return SuspensionProposal.objects.create(pack=pack, hotline=members[0], proposed_on=today)


def test_staff_act_on_the_proposal_through_the_lifecycle(proposal, network_staff):
    hotline = proposal.hotline
    with pytest.raises(ValidationError):  # the lifecycle's suspend needs its review date
        services.suspension_proposal_suspend(
            proposal=proposal,
            reason="Renewal lapsed.",
            review_date=None,
            expected_stage=hotline.stage,
            acting_user=network_staff,
        )
    change = services.suspension_proposal_suspend(
        proposal=proposal,
        reason="Renewal lapsed twice; the Board agreed.",
        review_date=timezone.localdate() + timedelta(days=90),
        expected_stage=Hotline.Stage.FULL_MEMBER,
        acting_user=network_staff,
    )
    hotline.refresh_from_db()
    proposal.refresh_from_db()
    assert hotline.stage == Hotline.Stage.SUSPENDED and hotline.paused_stage == Hotline.Stage.FULL_MEMBER
    assert change.transition == "suspend" and proposal.stage_change == change
    assert proposal.status == SuspensionProposal.Status.SUSPENDED and proposal.decided_by == network_staff
    with pytest.raises(ValidationError, match="already decided"):
        services.suspension_proposal_dismiss(proposal=proposal, reason="Too late.", acting_user=network_staff)


def test_a_proposal_is_dismissed_with_a_reason_only_by_network_staff(proposal, network_staff, make_user):
    with pytest.raises(PermissionDenied):
        services.suspension_proposal_dismiss(proposal=proposal, reason="x", acting_user=make_user(Role.REVIEWER))
    with pytest.raises(ValidationError):
        services.suspension_proposal_dismiss(proposal=proposal, reason="  ", acting_user=network_staff)
    services.suspension_proposal_dismiss(
        proposal=proposal, reason="Pack completed late; hardship agreed.", acting_user=network_staff
    )
    proposal.refresh_from_db()
    assert proposal.status == SuspensionProposal.Status.DISMISSED
    assert proposal.hotline.stage == Hotline.Stage.FULL_MEMBER
    entry = ModelLogEntry.objects.get(action="onboarding.suspension_decide", object_id=str(proposal.pk))
    assert entry.data["reason"] == "Pack completed late; hardship agreed."


def test_the_proposal_page_suspends_through_the_lifecycle(proposal, network_staff, client_for):
    client = client_for(network_staff)
    url = reverse("onboarding_admin:suspension_proposal", args=[proposal.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "decision": "suspend",
            "reason": "Renewal lapsed.",
            "review_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
            "expected_stage": "full_member",
        },
    )
    assert response.status_code == 200 and "Check what will happen" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.is_open  # nothing happens before the confirmation
    response = client.post(
        url,
        {
            "decision": "suspend",
            "reason": "Renewal lapsed.",
            "review_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
            "expected_stage": "full_member",
            "confirmed": "yes",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == SuspensionProposal.Status.SUSPENDED


# -- certificates --------------------------------------------------------------------------------------
def test_certificate_rule():
    review = Assessment(kind=Assessment.Kind.QA_REVIEW, status=Assessment.Status.COMPLETED, recommendation="passed")
    assert certificate_refusal(assessment=review, open_actions=0, has_certificate=False) is None
    assert certificate_refusal(assessment=review, open_actions=0, has_certificate=True)
    review.recommendation = "passed_with_actions"
    assert "1 still open" in certificate_refusal(assessment=review, open_actions=1, has_certificate=False)
    assert certificate_refusal(assessment=review, open_actions=0, has_certificate=False) is None
    review.recommendation = "failed"
    assert certificate_refusal(assessment=review, open_actions=0, has_certificate=False)
    review.kind, review.recommendation = Assessment.Kind.PRE_MEMBERSHIP, "admit"
    assert certificate_refusal(assessment=review, open_actions=0, has_certificate=False)


def test_a_review_passed_once_its_actions_are_verified_earns_its_certificate(
    members, network_staff, make_user, settings
):
    settings.QA_CERTIFICATE_VALIDITY_MONTHS = 36
    full = members[0]
    review = completed_assessment(full, Assessment.Kind.QA_REVIEW, Assessment.Recommendation.PASSED_WITH_ACTIONS)
    reporter = make_user(email="analyst.manager@example.org")
    action = CorrectiveAction.objects.create(
        assessment=review,
        title="Welfare policy",
        owner="Hotline manager",
        due_on=timezone.localdate(),
        status=CorrectiveAction.Status.COMPLETED,
        completed_by=reporter,
    )
    assert not QaCertificate.objects.exists()
    services.corrective_action_verify(action=action, acting_user=network_staff)
    certificate = QaCertificate.objects.get(assessment=review)
    today = timezone.localdate()
    assert certificate.valid_from == today
    assert certificate.valid_until == add_months(today, 36) - timedelta(days=1)
    assert certificate.is_valid_on(today) and not certificate.is_valid_on(certificate.valid_until + timedelta(days=1))
    assert list(QaCertificate.objects.valid_on(certificate.valid_until)) == [certificate]
    with pytest.raises(ValidationError, match="already issued"):
        services.qa_certificate_issue(assessment=review, acting_user=network_staff)


def test_a_review_that_settled_on_a_past_day_earns_its_certificate_from_that_day(members, network_staff, make_user):
    """The moment an action is verified is the moment the review settled: the certificate runs from then."""
    review = completed_assessment(members[0], Assessment.Kind.QA_REVIEW, Assessment.Recommendation.PASSED_WITH_ACTIONS)
    action = CorrectiveAction.objects.create(
        assessment=review,
        title="Welfare policy",
        owner="Hotline manager",
        due_on=timezone.localdate(),
        status=CorrectiveAction.Status.COMPLETED,
        completed_by=make_user(email="analyst.manager@example.org"),
    )
    verified = timezone.now() - timedelta(days=40)
    services.corrective_action_verify(action=action, acting_user=network_staff, now=verified)
    action.refresh_from_db()
    assert action.verified_at == verified
    assert QaCertificate.objects.get(assessment=review).valid_from == timezone.localdate(verified)


def test_a_failed_review_earns_no_certificate(members, network_staff):
    review = completed_assessment(members[0], Assessment.Kind.QA_REVIEW, Assessment.Recommendation.FAILED)
    with pytest.raises(ValidationError, match="not passed"):
        services.qa_certificate_issue(assessment=review, acting_user=network_staff)
    assert not QaCertificate.objects.exists()


# -- joint visits --------------------------------------------------------------------------------------
def test_one_visit_plans_a_review_for_each_member(members, network_staff):
    full, provisional, candidate = members
    today = timezone.localdate()
    visit = services.joint_visit_plan(
        reference="JV-2026-EA",
        title="East and West Africa",
        mode=Assessment.Mode.ON_SITE,
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=33),
        hotlines=[full, provisional],
        acting_user=network_staff,
    )
    reviews = Assessment.objects.filter(joint_visit=visit)
    assert {r.hotline for r in reviews} == {full, provisional}
    assert {r.kind for r in reviews} == {Assessment.Kind.QA_REVIEW}
    with pytest.raises(ValidationError, match="members"):
        services.joint_visit_plan(
            reference="JV-2",
            title="x",
            mode="remote",
            starts_on=today,
            ends_on=today,
            hotlines=[full, candidate],
            acting_user=network_staff,
        )
    with pytest.raises(ValidationError, match="at least two"):
        services.joint_visit_plan(
            reference="JV-3",
            title="x",
            mode="remote",
            starts_on=today,
            ends_on=today,
            hotlines=[full],
            acting_user=network_staff,
        )


# -- the portal: only the member's own pack -------------------------------------------------------------
def test_the_portal_shows_the_members_own_pack_with_what_is_missing(
    members, member_user, other_member_user, client_for
):
    full, provisional, _candidate = members
    today = timezone.localdate()
    own = _pack(full, due=today + timedelta(days=20))
    foreign = _pack(provisional, due=today + timedelta(days=20))
    client = client_for(member_user)
    response = client.get(reverse("portal:membership"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:membership_hotline", args=[full.pk])
    page = client.get(reverse("portal:membership_hotline", args=[full.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "Not started" in body
    assert reverse("portal:membership_declare", args=[own.pk]) in body
    assert reverse("portal:network_annual_profile_add", args=[full.pk]) in body
    assert "Ghana Safe" not in body
    for url in (
        reverse("portal:membership_hotline", args=[provisional.pk]),
        reverse("portal:membership_declare", args=[foreign.pk]),
        reverse("portal:membership_contacts", args=[foreign.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("portal:membership_declare", args=[foreign.pk]), {"confirm": "on"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.code_declared_at is None
    # The other member sees its own, not this one.
    assert client_for(other_member_user).get(reverse("portal:membership_hotline", args=[full.pk])).status_code == 404


def test_the_portal_declaration_needs_the_box_ticked(members, member_user, client_for):
    pack = _pack(members[0], due=timezone.localdate() + timedelta(days=20))
    client = client_for(member_user)
    url = reverse("portal:membership_declare", args=[pack.pk])
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"confirm": "on"}).status_code == 302
    pack.refresh_from_db()
    assert pack.code_declared_by == member_user


# -- the staff board -----------------------------------------------------------------------------------
def test_the_staff_board_lists_members_with_status_in_a_fixed_number_of_queries(
    members, network_staff, client_for, django_assert_max_num_queries
):
    today = timezone.localdate()
    _pack(members[0], due=today - timedelta(days=60))
    client = client_for(network_staff)
    url = reverse("onboarding_admin:member_cycle")
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and "Lapsed" in body and "Not opened" in body
    for index in range(8):
        extra = HotlineFactory(brand_name=f"Extra {index}", stage=Hotline.Stage.FULL_MEMBER, joined_on=date(2020, 1, 1))
        _pack(extra, due=today + timedelta(days=10))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    assert client.get(url + "?year=abc").status_code == 200


def test_the_board_and_its_actions_are_for_network_staff(members, make_user, client_for):
    reviewer = client_for(make_user(Role.REVIEWER))
    assert reviewer.get(reverse("onboarding_admin:member_cycle")).status_code in (302, 403)
    assert reviewer.post(reverse("onboarding_admin:renewals_open"), {"year": 2026}).status_code in (302, 403)
    assert not RenewalPack.objects.exists()


# -- reminders -----------------------------------------------------------------------------------------
def test_renewal_reminders_before_at_and_after_each_once(members, member_user, run, settings):
    settings.REMINDER_OFFSETS = {
        **settings.REMINDER_OFFSETS,
        "renewal_pack": {"before": [30], "at": True, "after": [1]},
    }
    today = timezone.localdate()
    pack = _pack(members[0], due=today + timedelta(days=10), grace_days=30)

    def renewal_lines() -> list[str]:
        # Reminders reach a person in one digest a day; the renewal's own line says which moment it is.
        return [m.body for m in mail.outbox if "membership renewal" in m.body]

    run()
    run()
    assert len(renewal_lines()) == 1 and "is due on" in renewal_lines()[0]
    run(pack.due_on)
    run(pack.due_on + timedelta(days=1))
    run(pack.due_on + timedelta(days=2))
    bodies = renewal_lines()
    assert len(bodies) == 3 and "is due today" in bodies[1] and "grace period ends" in bodies[2]


def test_qa_review_reminders_go_to_the_member_and_its_lead(members, member_user, make_user, run, settings):
    settings.QA_REVIEW_CYCLE_MONTHS = 36
    settings.REMINDER_OFFSETS = {**settings.REMINDER_OFFSETS, "qa_review": {"before": [60], "at": True, "after": [1]}}
    lead = make_user(Role.NETWORK_STAFF, email="qa.lead@example.org")
    full = members[0]
    full.lead_staff = lead
    full.save()
    review = completed_assessment(full, Assessment.Kind.QA_REVIEW, Assessment.Recommendation.PASSED)
    review.report_completed_at = timezone.now() - timedelta(days=3 * 365 - 20)
    review.save()
    run()
    run()
    sent = [m for m in mail.outbox if "quality-assurance review" in m.body]
    assert sorted(m.to[0] for m in sent) == ["manager@linea.example.org", "qa.lead@example.org"]


# -- the workbook: Renewals, Suspension proposals, QA certificates, Joint visits ---------------------------
def test_the_member_cycle_round_trips_through_the_workbook(proposal, members, network_staff, member_user):
    from core.workbook import export_workbook, import_workbook
    from tests.core.restore import record_missing_histories
    from tests.onboarding.test_workbook import sheet_rows, wipe

    today = timezone.localdate()
    services.suspension_proposal_suspend(
        proposal=proposal,
        reason="Renewal lapsed.",
        review_date=today + timedelta(days=90),
        expected_stage=Hotline.Stage.FULL_MEMBER,
        acting_user=network_staff,
    )
    open_pack = _pack(members[1], due=today + timedelta(days=5))
    RenewalPack.objects.filter(pk=open_pack.pk).update(code_declared_at=timezone.now(), code_declared_by=member_user)
    review = completed_assessment(members[1], Assessment.Kind.QA_REVIEW, Assessment.Recommendation.PASSED)
    services.qa_certificate_issue(assessment=review, acting_user=network_staff)
    services.joint_visit_plan(
        reference="JV-RT",
        title="Round trip",
        mode=Assessment.Mode.REMOTE,
        starts_on=today + timedelta(days=9),
        ends_on=today + timedelta(days=10),
        hotlines=[members[1], HotlineFactory(stage=Hotline.Stage.FULL_MEMBER, joined_on=date(2019, 1, 1))],
        acting_user=network_staff,
    )
    record_missing_histories()
    first = export_workbook()
    rows = sheet_rows(first)
    for name in ("Joint visits", "Renewals", "Suspension proposals", "QA certificates"):
        assert len(rows[name]) > 1, name
    assert any("suspended" in row for row in rows["Suspension proposals"][1:])
    wipe()
    result = import_workbook(first)
    assert result.ok, result.errors[:5]
    assert sheet_rows(export_workbook()) == rows
    restored = SuspensionProposal.objects.get()
    assert restored.stage_change is not None and restored.stage_change.transition == "suspend"
    assert Assessment.objects.filter(joint_visit__reference="JV-RT").count() == 2
