"""The decision path after the Board: the General Assembly's adoption (which then moves the candidate
through `hotline_transition`), the decision letter sent through the portal with its appeal window, an
appeal recorded as an interaction, and the association's answer to it. Atomic and audited; the
candidate's users are emailed after commit, in the letter's language.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit
from core.mail import queue_email
from onboarding import checklist_rules as rules
from onboarding import selectors
from onboarding.models import Decision, Interaction
from onboarding.services.common import Stage, _absolute, _portal_url, _require_actor, _require_network_staff
from onboarding.services.lifecycle import hotline_transition


def _lock(decision: Decision) -> Decision:
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related("assessment__hotline__country", "assessment__hotline__host_organisation")
        .get(pk=decision.pk)
    )


def decision_adopt(
    *,
    decision: Decision,
    adopted_on: date,
    minutes_reference: str,
    votes_for: int,
    votes_against: int,
    votes_abstaining: int,
    acting_user: User,
    now: datetime | None = None,
) -> Decision:
    """Record the General Assembly's adoption of a Board decision (date, minutes, vote) and move the
    candidate as the decision says (decision pending -> provisional member or rejected)."""
    _require_network_staff(acting_user, _("Only network staff record the General Assembly's adoption."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(decision)
        refusal = selectors.adoption_refusal(decision=locked)
        if refusal:
            raise ValidationError(refusal)
        locked.adopted_on = adopted_on
        locked.adoption_minutes_reference = minutes_reference.strip()
        locked.adoption_votes_for, locked.adoption_votes_against = votes_for, votes_against
        locked.adoption_votes_abstaining = votes_abstaining
        locked.adoption_recorded_by = acting_user
        locked.full_clean()
        locked.save()
        audit(
            locked.assessment,
            "onboarding.decision_adopt",
            user=acting_user,
            data={
                "decision": locked.pk,
                "adopted_on": adopted_on.isoformat(),
                "minutes": locked.adoption_minutes_reference,
                "vote": locked.adoption_vote_text,
            },
        )
        hotline_transition(
            hotline=locked.assessment.hotline,
            transition="admit_provisional_member" if locked.outcome == Decision.Outcome.ADMIT else "reject_application",
            reason=_(
                "%(body)s decision of %(decided)s adopted by the General Assembly on %(date)s "
                "(minutes %(minutes)s): %(vote)s."
            )
            % {
                "body": locked.body,
                "decided": locked.decided_on.isoformat(),
                "date": adopted_on.isoformat(),
                "minutes": locked.adoption_minutes_reference,
                "vote": locked.adoption_vote_text,
            },
            expected_stage=Stage.DECISION_PENDING,
            acting_user=acting_user,
            now=now,
        )
    return locked


def decision_send_letter(*, decision: Decision, acting_user: User, now: datetime | None = None) -> Decision:
    """Send the decision letter through the portal, in the candidate's language: the candidate's users
    see and download it on their page, are emailed, and may appeal for `DECISION_APPEAL_DAYS` days."""
    _require_network_staff(acting_user, _("Only network staff send decision letters."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(decision)
        refusal = selectors.letter_refusal(decision=locked)
        if refusal:
            raise ValidationError(refusal)
        hotline = locked.assessment.hotline
        language = selectors.candidate_language(hotline=hotline)
        locked.letter_language = language
        locked.letter_sent_at, locked.letter_sent_by = now, acting_user
        locked.appeal_until = timezone.localdate(now) + timedelta(days=settings.DECISION_APPEAL_DAYS)
        locked.save()
        audit(
            locked.assessment,
            "onboarding.decision_letter",
            user=acting_user,
            data={"decision": locked.pk, "language": language, "appeal_until": locked.appeal_until.isoformat()},
        )
        with translation.override(language):
            queue_email(
                to=selectors.candidate_user_emails(hotline=hotline),
                subject=_("Membership decision: %(hotline)s") % {"hotline": hotline.brand_name},
                template="onboarding/email/decision_letter.txt",
                context={
                    "hotline": hotline,
                    "decision": locked,
                    "url": _portal_url("portal:onboarding_candidate", hotline.pk),
                },
            )
    return locked


def decision_appeal(*, decision: Decision, grounds: str, acting_user: User, now: datetime | None = None) -> Interaction:
    """The candidate appeals within the window: an interaction of kind "appeal" that stays open until
    staff answer it; the lead staff member is told."""
    now = now or timezone.now()
    grounds = grounds.strip()
    if not grounds:
        raise ValidationError(_("State the grounds of your appeal."))
    if len(grounds) > 10_000:
        raise ValidationError(_("The grounds are too long (at most 10,000 characters); attach a document instead."))
    with transaction.atomic():
        locked = _lock(decision)
        hotline = locked.assessment.hotline
        _require_actor(acting_user, hotline, {rules.CANDIDATE}, _("Only the candidate's own users appeal."))
        refusal = selectors.appeal_refusal(decision=locked, today=timezone.localdate(now))
        if refusal:
            raise ValidationError(refusal)
        earlier = Interaction.objects.filter(appeal_of=locked).count()
        appeal = Interaction.objects.create(
            hotline=hotline,
            kind=Interaction.Kind.APPEAL,
            occurred_on=timezone.localdate(now),
            subject=_("Appeal against the decision of %(date)s") % {"date": locked.decided_on.isoformat()}
            + (f" ({earlier + 1})" if earlier else ""),
            summary=grounds,
            appeal_of=locked,
            recorded_by=acting_user,
        )
        audit(
            appeal, "onboarding.decision_appeal", user=acting_user, data={"decision": locked.pk, "hotline": hotline.pk}
        )
        recipients = selectors.lead_staff_emails(hotline=hotline)
        if recipients:
            queue_email(
                to=recipients,
                subject=_("Appeal to answer: %(hotline)s") % {"hotline": hotline.brand_name},
                template="onboarding/email/decision_appeal.txt",
                context={
                    "hotline": hotline,
                    "appeal": appeal,
                    "url": _absolute(reverse("onboarding_admin:assessment", args=[locked.assessment_id])),
                },
            )
    return appeal


def appeal_answer(*, appeal: Interaction, answer: str, acting_user: User, now: datetime | None = None) -> Interaction:
    """Network staff answer an appeal (it is then no longer open); the candidate's users are emailed the
    answer. An appeal that changes the decision is then a decision correction (`decision_correct`),
    which moves the candidate through the lifecycle."""
    _require_network_staff(acting_user, _("Only network staff answer appeals."))
    now = now or timezone.now()
    answer = answer.strip()
    if not answer:
        raise ValidationError(_("Write the answer to the appeal."))
    with transaction.atomic():
        locked = (
            Interaction.objects.select_for_update(of=("self",)).select_related("hotline", "appeal_of").get(pk=appeal.pk)
        )
        if locked.kind != Interaction.Kind.APPEAL or locked.appeal_of_id is None:
            raise ValidationError(_("This interaction is not an appeal."))
        if locked.answered_at is not None:
            raise ValidationError(_("This appeal is answered already."))
        locked.answer, locked.answered_at, locked.answered_by = answer, now, acting_user
        locked.save()
        audit(locked, "onboarding.appeal_answer", user=acting_user, data={"decision": locked.appeal_of_id})
        hotline = locked.hotline
        with translation.override(locked.appeal_of.letter_language or settings.LANGUAGE_CODE):
            queue_email(
                to=selectors.candidate_user_emails(hotline=hotline),
                subject=_("Answer to your appeal: %(hotline)s") % {"hotline": hotline.brand_name},
                template="onboarding/email/appeal_answer.txt",
                context={
                    "hotline": hotline,
                    "appeal": locked,
                    "url": _portal_url("portal:onboarding_candidate", hotline.pk),
                },
            )
    return locked
