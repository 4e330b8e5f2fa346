"""Writes of a member's self-assessment before a quality-assurance review: network staff ask for it
(usually for a planned review, due `QA_SELF_ASSESSMENT_DAYS_BEFORE` days before it), the member's portal
users answer it, cite or upload evidence, and submit it once `submission_problems` finds nothing missing.

Every service is atomic, locks the self-assessment row, is audited on it, and queues its emails in the
transaction (they leave after commit, each recipient in their own language: `core.mail.queue_email`).
Who may answer is the dossier's actor rule (`dossier_actors`: the member's managers and contributors);
one open self-assessment per hotline is a database constraint, checked first for a clear message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import dataversion
from core.audit import audit
from core.mail import queue_email
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import selectors
from onboarding.models import (
    AnswerFacts,
    Assessment,
    ChecklistTemplate,
    EvidenceDocument,
    SelfAssessment,
    SelfAssessmentAnswer,
    submission_problems,
)
from onboarding.services.common import _absolute, _require_actor, _require_network_staff
from onboarding.services.evidence import evidence_upload
from onboarding.services.membership import _network_staff_emails


def default_due_on(review: Assessment, *, today: date) -> date:
    """`QA_SELF_ASSESSMENT_DAYS_BEFORE` days before the review starts, never before today."""
    return max(review.starts_on - timedelta(days=int(settings.QA_SELF_ASSESSMENT_DAYS_BEFORE)), today)


def self_assessment_request(
    *,
    hotline: Hotline,
    acting_user: User,
    review: Assessment | None = None,
    due_on: date | None = None,
    now: datetime | None = None,
) -> SelfAssessment:
    """Ask a member for its self-assessment on the published self-assessment template, for `review` (a
    planned quality-assurance review of the hotline) when given; due `due_on`, by default
    `default_due_on(review)`. The member's portal users are emailed."""
    _require_network_staff(acting_user, _("Only network staff ask for a self-assessment."))
    now = now or timezone.now()
    today = timezone.localdate(now)
    if hotline.stage not in Hotline.MEMBER_STAGES:
        raise ValidationError(_("Only a member hotline is asked for a self-assessment."))
    if review is not None:
        if review.hotline_id != hotline.pk or review.kind != Assessment.Kind.QA_REVIEW:
            raise ValidationError(_("A self-assessment prepares a quality-assurance review of the same hotline."))
        if review.status not in (Assessment.Status.PLANNED, Assessment.Status.IN_PROGRESS):
            raise ValidationError(_("The review is no longer planned: ask for a self-assessment before a review."))
        if SelfAssessment.objects.filter(review=review).exists():
            raise ValidationError(_("A self-assessment was already asked for this review."))
        due_on = due_on or default_due_on(review, today=today)
    if due_on is None:
        raise ValidationError(_("Give the date the self-assessment is due."))
    if due_on < today:
        raise ValidationError(_("The due date %(date)s is in the past.") % {"date": due_on.isoformat()})
    template = ChecklistTemplate.objects.current(ChecklistTemplate.Purpose.QA_SELF_ASSESSMENT)
    if template is None:
        raise ValidationError(_("There is no published self-assessment template: publish one first."))
    if SelfAssessment.objects.filter(hotline=hotline).open().exists():
        raise ValidationError(
            _("%(hotline)s has a self-assessment open already: it is submitted before another is asked for.")
            % {"hotline": hotline.brand_name}
        )
    try:
        with transaction.atomic():
            created = SelfAssessment.objects.create(
                hotline=hotline,
                template=template,
                review=review,
                due_on=due_on,
                requested_at=now,
                requested_by=acting_user,
            )
            SelfAssessmentAnswer.objects.bulk_create(
                [
                    SelfAssessmentAnswer(self_assessment=created, template_item=item, code=item.code)
                    for item in template.items.all()
                ]
            )
            dataversion.bump(SelfAssessmentAnswer)  # a bulk write sends no signals
            audit(
                created,
                "onboarding.self_assessment_request",
                user=acting_user,
                data={
                    "hotline": hotline.pk,
                    "review": review.pk if review else None,
                    "due_on": due_on.isoformat(),
                    "template": template.pk,
                },
            )
            queue_email(
                to=selectors.candidate_user_emails(hotline=hotline),
                subject=lambda: (
                    _("Your self-assessment before the quality-assurance review, due %(date)s")
                    % {"date": due_on.isoformat()}
                ),
                template="onboarding/email/self_assessment_requested.txt",
                context={
                    "hotline": hotline,
                    "self_assessment": created,
                    "review": review,
                    "url": _absolute(reverse("portal:self_assessment", args=[created.pk])),
                },
                dedupe_key=f"onboarding:self-assessment-requested:{created.pk}",
            )
    except IntegrityError as exc:  # asked twice at once: the constraint keeps one open
        raise ValidationError(
            _("%(hotline)s has a self-assessment open already.") % {"hotline": hotline.brand_name}
        ) from exc
    return created


def _own_open(self_assessment: SelfAssessment, acting_user: User) -> SelfAssessment:
    """The self-assessment, locked, when `acting_user` answers for the member and it is still open."""
    locked = SelfAssessment.objects.select_for_update(of=("self",)).select_related("hotline").get(pk=self_assessment.pk)
    actors = _require_actor(
        acting_user, locked.hotline, {rules.CANDIDATE}, _("Only the member's own users answer its self-assessment.")
    )
    if rules.CANDIDATE not in actors:
        raise PermissionDenied(_("Only the member's own users answer its self-assessment."))
    if not locked.is_open:
        raise ValidationError(_("The self-assessment is submitted: it can no longer change."))
    return locked


def self_assessment_save(
    *,
    self_assessment: SelfAssessment,
    answers: Mapping[str, str],
    documents: Mapping[str, Sequence[EvidenceDocument]] | None = None,
    acting_user: User,
    now: datetime | None = None,
) -> SelfAssessment:
    """Save the member's answers (by question code) and the dossier documents each cites (replacing the
    ones cited before, when given). Changes nothing once submitted."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _own_open(self_assessment, acting_user)
        locked_rows = SelfAssessmentAnswer.objects.select_for_update().filter(self_assessment=locked)
        rows = {row.code: row for row in locked_rows}
        unknown = sorted(set(answers) - set(rows) | set(documents or {}) - set(rows))
        if unknown:
            raise ValidationError(_("No such question: %(codes)s.") % {"codes": ", ".join(unknown)})
        changed = []
        for code, text in answers.items():
            row = rows[code]
            text = (text or "").strip()
            if text != row.answer:
                row.answer, row.updated_at, row.updated_by = text, now, acting_user
                changed.append(row)
        SelfAssessmentAnswer.objects.bulk_update(changed, ["answer", "updated_at", "updated_by"])
        dataversion.bump(SelfAssessmentAnswer)  # bulk writes send no signals
        cited: dict[str, list[int]] = {}
        for code, chosen in (documents or {}).items():
            if any(document.hotline_id != locked.hotline_id or not document.is_current for document in chosen):
                raise ValidationError(_("Cite documents of your own dossier only."))
            rows[code].documents.set(chosen)
            cited[code] = sorted(document.pk for document in chosen)
        if locked.status == SelfAssessment.Status.REQUESTED and (changed or cited):
            locked.status = SelfAssessment.Status.IN_PROGRESS
            locked.save(update_fields=["status"])
        audit(
            locked,
            "onboarding.self_assessment_save",
            user=acting_user,
            data={"answers": sorted(row.code for row in changed), "documents": cited},
        )
    return locked


def self_assessment_add_evidence(
    *,
    self_assessment: SelfAssessment,
    code: str,
    upload: File,
    acting_user: User,
    description: str = "",
    now: datetime | None = None,
) -> EvidenceDocument:
    """Upload a document to the member's dossier (`evidence_upload`: checked by content, stored privately)
    and cite it on the answer `code`."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _own_open(self_assessment, acting_user)
        answer = SelfAssessmentAnswer.objects.filter(self_assessment=locked, code=code).first()
        if answer is None:
            raise ValidationError(_("No such question: %(codes)s.") % {"codes": code})
        document = evidence_upload(
            hotline=locked.hotline, upload=upload, acting_user=acting_user, description=description, now=now
        )
        answer.documents.add(document)
        if locked.status == SelfAssessment.Status.REQUESTED:
            locked.status = SelfAssessment.Status.IN_PROGRESS
            locked.save(update_fields=["status"])
        audit(
            locked,
            "onboarding.self_assessment_evidence",
            user=acting_user,
            data={"code": code, "document": document.pk, "file": document.original_name},
        )
    return document


def answer_facts(self_assessment: SelfAssessment) -> list[AnswerFacts]:
    """What `submission_problems` reads, in one query."""
    return [
        AnswerFacts(
            code=row.code,
            answered=bool(row.answer.strip()),
            evidence_required=row.template_item.evidence_required,
            has_evidence=row.cited > 0,
        )
        for row in selectors.self_assessment_answers(self_assessment)
    ]


def self_assessment_submit(
    *, self_assessment: SelfAssessment, acting_user: User, now: datetime | None = None
) -> SelfAssessment:
    """Submit the self-assessment (refused with `submission_problems`); it is frozen from then on, and the
    hotline's lead staff member (else network staff) and the review's assigned reviewers are emailed."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _own_open(self_assessment, acting_user)
        problems = submission_problems(answer_facts(locked))
        if problems:
            raise ValidationError(problems)
        locked.status, locked.submitted_at, locked.submitted_by = SelfAssessment.Status.SUBMITTED, now, acting_user
        locked.save(update_fields=["status", "submitted_at", "submitted_by"])
        audit(locked, "onboarding.self_assessment_submit", user=acting_user, data={"hotline": locked.hotline_id})
        hotline = Hotline.objects.select_related("lead_staff").get(pk=locked.hotline_id)
        queue_email(
            to=[*_network_staff_emails(hotline), *selectors.reviewer_emails(hotline=hotline)],
            subject=lambda: _("%(hotline)s submitted its self-assessment") % {"hotline": hotline.brand_name},
            template="onboarding/email/self_assessment_submitted.txt",
            context={
                "hotline": hotline,
                "self_assessment": locked,
                "url": _absolute(reverse("onboarding_admin:self_assessment", args=[locked.pk])),
            },
            dedupe_key=f"onboarding:self-assessment-submitted:{locked.pk}",
        )
    return locked
