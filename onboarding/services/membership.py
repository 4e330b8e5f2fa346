"""Writes of the member cycle: renewal packs opened for a year, what members record on them, the daily
step that warns about a lapsed pack and then proposes a suspension, the staff decision on a proposal
(through the lifecycle's `suspend` transition, never by itself), joint visits, and the certificate a
passed quality-assurance review earns.

Every service is atomic and audited (on the pack, proposal, visit or certificate); emails are queued
in the transaction and leave after commit (`core.mail.queue_email`). The certificate is issued when the
accreditation services announce that a review settled (`qa_review_settled`: its report completed, or a
corrective action verified), so accreditation does not depend on this module.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.access import has_role
from accounts.models import User
from accounts.roles import Role
from core.audit import audit
from core.mail import queue_email
from network.models import Hotline
from network.models.training import add_months
from onboarding import selectors
from onboarding.models import (
    Assessment,
    JointVisit,
    QaCertificate,
    RenewalPack,
    StageChange,
    SuspensionProposal,
    renewal_due_on,
    renewal_grace_until,
    renewal_year_can_open,
    renewal_year_in_range,
    renewal_year_to_open,
)
from onboarding.selectors import membership as cycle
from onboarding.services.accreditation import assessment_create, qa_review_settled
from onboarding.services.common import _absolute, _require_network_staff
from onboarding.services.lifecycle import hotline_transition


def _network_staff_emails(hotline: Hotline) -> list[str]:
    """The hotline's lead staff member; without one, every active network staff member."""
    lead = selectors.lead_staff_emails(hotline=hotline)
    if lead:
        return lead
    return sorted(
        User.objects.filter(is_active=True, groups__name=Role.NETWORK_STAFF.value).values_list("email", flat=True)
    )


# -- Annual renewal ----------------------------------------------------------------------------------
def renewal_open_for_year(*, year: int, acting_user: User, now: datetime | None = None) -> list[RenewalPack]:
    """Open the year's renewal pack for every member (provisional or full) that has none yet; returns
    the packs opened (none on a second run). Due date and grace from the settings of the day."""
    _require_network_staff(acting_user, _("Only network staff open renewals."))
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not renewal_year_in_range(year, today):
        raise ValidationError(
            _("Renewals open for this year or the next one: %(year)s is out of range.") % {"year": year}
        )
    due_on = renewal_due_on(year)
    if not renewal_year_can_open(year, today):
        # Packs opened after their due date would be overdue from the start, then lapse into
        # proposals to suspend members who were never asked in time.
        raise ValidationError(
            _(
                "The %(year)s renewals were due on %(due)s, which has passed: packs opened now would be "
                "overdue from the start. Open the %(next)s renewals instead."
            )
            % {"year": year, "due": date_format(due_on, "j F Y"), "next": renewal_year_to_open(today)}
        )
    grace_until = renewal_grace_until(due_on)
    opened = []
    with transaction.atomic():
        members = list(
            Hotline.objects.members().select_for_update(of=("self",)).exclude(renewal_packs__year=year).order_by("pk")
        )
        for hotline in members:
            pack = RenewalPack.objects.create(
                hotline=hotline, year=year, due_on=due_on, grace_until=grace_until, opened_at=now, opened_by=acting_user
            )
            audit(
                pack,
                "onboarding.renewal_open",
                user=acting_user,
                data={"hotline": hotline.pk, "year": year, "due_on": due_on.isoformat()},
            )
            queue_email(
                to=selectors.candidate_user_emails(hotline=hotline),
                subject=_("Your %(year)s membership renewal is open") % {"year": year},
                template="onboarding/email/renewal_opened.txt",
                context={
                    "pack": pack,
                    "hotline": hotline,
                    "url": _absolute(reverse("portal:membership_hotline", args=[hotline.pk])),
                },
                dedupe_key=f"onboarding:renewal-opened:{pack.pk}",
            )
            opened.append(pack)
    return opened


def _own_pack(pack: RenewalPack, acting_user: User) -> RenewalPack:
    """The pack, locked, when `acting_user` may record on it: the member's own portal users."""
    locked = RenewalPack.objects.select_for_update(of=("self",)).select_related("hotline").get(pk=pack.pk)
    if not RenewalPack.objects.visible_to(acting_user).filter(pk=locked.pk).exists() or has_role(
        acting_user, Role.NETWORK_STAFF
    ):
        raise PermissionDenied(_("Only the member's own users record its renewal."))
    return locked


def renewal_declare_code(*, pack: RenewalPack, acting_user: User, now: datetime | None = None) -> RenewalPack:
    """The member re-declares that it works by the Code of Practice for the pack's year."""
    with transaction.atomic():
        locked = _own_pack(pack, acting_user)
        if locked.code_declared_at is not None:
            raise ValidationError(
                _("The Code of Practice is already re-declared for %(year)s.") % {"year": locked.year}
            )
        locked.code_declared_at, locked.code_declared_by = now or timezone.now(), acting_user
        locked.save(update_fields=["code_declared_at", "code_declared_by"])
        audit(locked, "onboarding.renewal_declare", user=acting_user, data={"year": locked.year})
    return locked


def renewal_confirm_contacts(*, pack: RenewalPack, acting_user: User, now: datetime | None = None) -> RenewalPack:
    """The member confirms its contacts and point of contact are up to date (it needs a point of
    contact: one of its organisation's contacts)."""
    with transaction.atomic():
        locked = _own_pack(pack, acting_user)
        if locked.contacts_confirmed_at is not None:
            raise ValidationError(_("The contacts are already confirmed for %(year)s.") % {"year": locked.year})
        if locked.hotline.point_of_contact_id is None:
            raise ValidationError(
                _("Name your point of contact first (ask the association to record it among your contacts).")
            )
        locked.contacts_confirmed_at, locked.contacts_confirmed_by = now or timezone.now(), acting_user
        locked.save(update_fields=["contacts_confirmed_at", "contacts_confirmed_by"])
        audit(
            locked,
            "onboarding.renewal_contacts",
            user=acting_user,
            data={"year": locked.year, "point_of_contact": locked.hotline.point_of_contact_id},
        )
    return locked


def renewal_lapses_apply(*, today: date) -> tuple[list[RenewalPack], list[SuspensionProposal]]:
    """The daily step (`send_reminders`): each pack lapsed incomplete is warned about once (the
    member's users and staff); `RENEWAL_PROPOSAL_AFTER_WARNING_DAYS` after its warning, still lapsed,
    it gets a proposal to suspend for staff to decide. Nothing is suspended here."""
    warned: list[RenewalPack] = []
    proposed: list[SuspensionProposal] = []
    wait = timedelta(days=int(settings.RENEWAL_PROPOSAL_AFTER_WARNING_DAYS))
    for overview in cycle.lapsed_packs(today=today):
        with transaction.atomic():
            pack = (
                RenewalPack.objects.select_for_update(of=("self",))
                .select_related("hotline__lead_staff")
                .get(pk=overview.pack.pk)
            )
            hotline = pack.hotline
            missing = [str(part.label) for part in overview.missing]
            if pack.warned_on is None:
                pack.warned_on = today
                pack.save(update_fields=["warned_on"])
                audit(pack, "onboarding.renewal_warn", data={"year": pack.year, "missing": missing})
                context = {"pack": pack, "hotline": hotline, "missing": missing}
                subject = _("Membership renewal %(year)s lapsed: %(hotline)s") % {
                    "year": pack.year,
                    "hotline": hotline.brand_name,
                }
                queue_email(
                    to=selectors.candidate_user_emails(hotline=hotline),
                    subject=subject,
                    template="onboarding/email/renewal_lapsed.txt",
                    context={**context, "url": _absolute(reverse("portal:membership_hotline", args=[hotline.pk]))},
                    dedupe_key=f"onboarding:renewal-lapsed:{pack.pk}:member",
                )
                queue_email(
                    to=_network_staff_emails(hotline),
                    subject=subject,
                    template="onboarding/email/renewal_lapsed.txt",
                    context={**context, "staff": True, "url": _absolute(reverse("onboarding_admin:member_cycle"))},
                    dedupe_key=f"onboarding:renewal-lapsed:{pack.pk}:staff",
                )
                warned.append(pack)
            elif today >= pack.warned_on + wait and not SuspensionProposal.objects.filter(pack=pack).exists():
                proposal = SuspensionProposal.objects.create(pack=pack, hotline=hotline, proposed_on=today)
                audit(proposal, "onboarding.suspension_propose", data={"year": pack.year, "missing": missing})
                queue_email(
                    to=_network_staff_emails(hotline),
                    subject=_("Proposal to suspend %(hotline)s: renewal %(year)s lapsed")
                    % {"hotline": hotline.brand_name, "year": pack.year},
                    template="onboarding/email/suspension_proposed.txt",
                    context={
                        "proposal": proposal,
                        "pack": pack,
                        "hotline": hotline,
                        "missing": missing,
                        "url": _absolute(reverse("onboarding_admin:suspension_proposal", args=[proposal.pk])),
                    },
                    dedupe_key=f"onboarding:suspension-proposed:{proposal.pk}",
                )
                proposed.append(proposal)
    return warned, proposed


def _open_proposal(proposal: SuspensionProposal, acting_user: User) -> SuspensionProposal:
    _require_network_staff(acting_user, _("Only network staff decide on a proposal to suspend."))
    locked = SuspensionProposal.objects.select_for_update(of=("self",)).select_related("hotline").get(pk=proposal.pk)
    if not locked.is_open:
        raise ValidationError(
            _("This proposal was already decided: %(status)s.") % {"status": locked.get_status_display()}
        )
    return locked


def suspension_proposal_suspend(
    *,
    proposal: SuspensionProposal,
    reason: str,
    review_date: date | None,
    expected_stage: str,
    acting_user: User,
    now: datetime | None = None,
) -> StageChange:
    """Staff act on the proposal: the member is suspended through the lifecycle (`suspend`, with its
    role check, review date and stage record); the proposal records the stage change."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _open_proposal(proposal, acting_user)
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the member is suspended.")})
        change = hotline_transition(
            hotline=locked.hotline,
            transition="suspend",
            reason=reason,
            expected_stage=expected_stage,
            review_date=review_date,
            acting_user=acting_user,
            now=now,
        )
        locked.status = SuspensionProposal.Status.SUSPENDED
        locked.reason, locked.decided_at, locked.decided_by = reason.strip(), now, acting_user
        locked.stage_change = change
        locked.save()
        audit(
            locked,
            "onboarding.suspension_decide",
            user=acting_user,
            data={"status": locked.status, "reason": locked.reason, "stage_change": change.pk},
        )
    return change


def suspension_proposal_dismiss(
    *, proposal: SuspensionProposal, reason: str, acting_user: User, now: datetime | None = None
) -> SuspensionProposal:
    """Staff dismiss the proposal, saying why (e.g. the pack was completed late, a hardship agreed)."""
    with transaction.atomic():
        locked = _open_proposal(proposal, acting_user)
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the proposal is dismissed.")})
        locked.status = SuspensionProposal.Status.DISMISSED
        locked.reason, locked.decided_at, locked.decided_by = reason.strip(), now or timezone.now(), acting_user
        locked.save()
        audit(
            locked,
            "onboarding.suspension_decide",
            user=acting_user,
            data={"status": locked.status, "reason": locked.reason},
        )
    return locked


# -- Quality-assurance reviews -----------------------------------------------------------------------
def joint_visit_plan(
    *,
    reference: str,
    title: str,
    mode: str,
    starts_on: date,
    ends_on: date,
    hotlines: list[Hotline],
    acting_user: User,
    notes: str = "",
) -> JointVisit:
    """Plan one visit that reviews several members: the visit and one quality-assurance review per
    hotline on its dates (each audited as any planned assessment)."""
    _require_network_staff(acting_user, _("Only network staff plan visits."))
    chosen = sorted({h.pk: h for h in hotlines}.values(), key=lambda h: h.pk)
    problems = []
    if len(chosen) < 2:
        problems.append(_("A joint visit covers at least two hotlines; plan a single review otherwise."))
    outsiders = [h.brand_name for h in chosen if h.stage not in Hotline.MEMBER_STAGES]
    if outsiders:
        problems.append(
            _("Quality-assurance reviews are for members; not members: %(names)s.") % {"names": ", ".join(outsiders)}
        )
    visit = JointVisit(
        reference=reference.strip(),
        title=title.strip(),
        mode=mode,
        starts_on=starts_on,
        ends_on=ends_on,
        notes=notes.strip(),
        created_by=acting_user,
    )
    try:
        visit.full_clean()
    except ValidationError as exc:
        problems.extend(exc.messages)
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            visit.save()
            audit(visit, "onboarding.joint_visit_plan", user=acting_user, data={"hotlines": [h.pk for h in chosen]})
            for hotline in chosen:
                assessment = assessment_create(
                    hotline=hotline,
                    kind=Assessment.Kind.QA_REVIEW,
                    mode=mode,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    acting_user=acting_user,
                )
                assessment.joint_visit = visit
                assessment.save(update_fields=["joint_visit", "updated_at"])
    except IntegrityError as exc:
        raise ValidationError(_("A visit with this reference exists already.")) from exc
    return visit


def _validity_until(valid_from: date) -> date:
    return add_months(valid_from, int(settings.QA_CERTIFICATE_VALIDITY_MONTHS)) - timedelta(days=1)


def qa_certificate_issue(
    *, assessment: Assessment, acting_user: User | None, now: datetime | None = None
) -> QaCertificate:
    """Issue the certificate a passed review earns (`selectors.certificate_refusal` says when): valid
    from the day the review settled for `QA_CERTIFICATE_VALIDITY_MONTHS`."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Assessment.objects.select_for_update(of=("self",)).select_related("hotline").get(pk=assessment.pk)
        refusal = cycle.certificate_refusal_for(locked)
        if refusal:
            raise ValidationError(refusal)
        valid_from = timezone.localdate(now)
        certificate = QaCertificate.objects.create(
            assessment=locked,
            hotline=locked.hotline,
            reference=f"QA-{locked.reference}"[:40],
            valid_from=valid_from,
            valid_until=_validity_until(valid_from),
            issued_at=now,
            issued_by=acting_user,
        )
        audit(
            certificate,
            "onboarding.qa_certificate_issue",
            user=acting_user,
            data={"assessment": locked.pk, "valid_until": certificate.valid_until.isoformat()},
        )
        queue_email(
            to=selectors.candidate_user_emails(hotline=locked.hotline),
            subject=_("Quality-assurance certificate issued: %(hotline)s") % {"hotline": locked.hotline.brand_name},
            template="onboarding/email/qa_certificate.txt",
            context={
                "certificate": certificate,
                "hotline": locked.hotline,
                "url": _absolute(reverse("portal:membership_hotline", args=[locked.hotline_id])),
            },
            dedupe_key=f"onboarding:qa-certificate:{certificate.pk}",
        )
    return certificate


def _issue_when_earned(
    sender: Any, *, assessment: Assessment, acting_user: User | None, now: datetime | None = None, **kwargs: Any
) -> None:
    if cycle.certificate_refusal_for(assessment) is None:
        qa_certificate_issue(assessment=assessment, acting_user=acting_user, now=now)


qa_review_settled.connect(_issue_when_earned, dispatch_uid="onboarding.membership.certificate")
