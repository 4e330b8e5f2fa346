"""Independent reviews: a reviewer saves their own review of a dossier or an assessment as a draft, then
submits it (frozen from then on); network staff (the candidate's lead) record the consolidated
recommendation once reviews are in. Each service is atomic and audited; the lead staff member is told
when a review is submitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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
    Assessment,
    ConsolidatedRecommendation,
    Recommendation,
    Review,
    ReviewVerdict,
    Verdict,
)
from onboarding.services.common import _absolute, _require_actor, _require_network_staff


def _subject_check(hotline: Hotline, assessment: Assessment | None) -> None:
    if assessment is not None and assessment.hotline_id != hotline.pk:
        raise ValidationError(_("This assessment is not one of %(hotline)s.") % {"hotline": hotline.brand_name})
    if assessment is not None and assessment.status == Assessment.Status.CANCELLED:
        raise ValidationError(_("A cancelled assessment is not reviewed."))


def _reviews_url(hotline: Hotline, assessment: Assessment | None) -> str:
    if assessment is not None:
        return _absolute(reverse("onboarding_admin:reviews_assessment", args=[assessment.pk]))
    return _absolute(reverse("onboarding_admin:reviews", args=[hotline.pk]))


def review_save(
    *,
    hotline: Hotline,
    assessment: Assessment | None = None,
    verdicts: Mapping[int, tuple[str, str]],
    recommendation: str,
    reasons: str,
    acting_user: User,
    now: datetime | None = None,
) -> Review:
    """Save the acting reviewer's own review as a draft (started on the first save). `verdicts` maps an
    area to (verdict, comment); an empty verdict leaves the area open. A submitted review is frozen."""
    now = now or timezone.now()
    _require_actor(acting_user, hotline, {rules.REVIEWER}, _("Only a reviewer assigned to this dossier reviews it."))
    _subject_check(hotline, assessment)
    areas = dict(selectors.review_areas(hotline=hotline, assessment=assessment))
    unknown = sorted(set(verdicts) - set(areas))
    if unknown:
        raise ValidationError(_("Not an area of this review: %(areas)s.") % {"areas": ", ".join(map(str, unknown))})
    if any(verdict and verdict not in Verdict.values for verdict, _comment in verdicts.values()):
        raise ValidationError(_("Choose meets, partly meets or does not meet."))
    if recommendation and recommendation not in Recommendation.values:
        raise ValidationError(_("Choose admit, admit with conditions, defer or refuse."))
    with transaction.atomic():
        review, created = Review.objects.select_for_update(of=("self",)).get_or_create(
            hotline=hotline,
            assessment=assessment,
            reviewer=acting_user,
            defaults={"created_at": now},
        )
        if review.is_submitted:
            raise ValidationError(_("Your review is submitted: it cannot change any more."))
        review.recommendation, review.reasons, review.updated_at = recommendation, reasons.strip(), now
        review.save()
        ReviewVerdict.objects.filter(review=review).delete()
        ReviewVerdict.objects.bulk_create(
            ReviewVerdict(review=review, area=area, verdict=verdict, comment=comment.strip())
            for area, (verdict, comment) in sorted(verdicts.items())
            if verdict
        )
        dataversion.bump(ReviewVerdict)  # bulk writes send no signals
        audit(
            review,
            "onboarding.review_save",
            user=acting_user,
            data={"hotline": hotline.pk, "subject": review.subject_reference, "started": created},
            title=str(review),
        )
    return review


def review_submit(*, review: Review, acting_user: User, now: datetime | None = None) -> Review:
    """Submit one's own complete review (`selectors.review_problems` names what is missing); it is frozen,
    the other reviewers' submitted reviews open to its author, and the lead staff member is told."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Review.objects.select_for_update(of=("self",)).select_related("hotline", "assessment").get(pk=review.pk)
        )
        if locked.reviewer_id != acting_user.pk:
            raise PermissionDenied(_("Only its author submits a review."))
        hotline = locked.hotline
        _require_actor(
            acting_user, hotline, {rules.REVIEWER}, _("Only a reviewer assigned to this dossier reviews it.")
        )
        if locked.is_submitted:
            raise ValidationError(_("This review is submitted already."))
        problems = selectors.review_problems(
            areas=selectors.review_areas(hotline=hotline, assessment=locked.assessment),
            verdicts=selectors.verdicts_of(locked),
            recommendation=locked.recommendation,
            reasons=locked.reasons,
        )
        if problems:
            raise ValidationError(problems)
        locked.status, locked.submitted_at = Review.Status.SUBMITTED, now
        locked.save()
        audit(
            locked,
            "onboarding.review_submit",
            user=acting_user,
            data={"hotline": hotline.pk, "subject": locked.subject_reference, "recommendation": locked.recommendation},
            title=str(locked),
        )
        lead = selectors.active_lead_staff(hotline=hotline)
        if lead is not None:
            queue_email(
                to=[lead.email],
                subject=_("Review submitted: %(hotline)s") % {"hotline": hotline.brand_name},
                template="onboarding/email/review_submitted.txt",
                context={
                    "review": locked,
                    "hotline": hotline,
                    "url": _reviews_url(hotline, locked.assessment),
                },
            )
    return locked


def review_consolidate(
    *,
    hotline: Hotline,
    assessment: Assessment | None = None,
    recommendation: str,
    reasons: str,
    acting_user: User,
    now: datetime | None = None,
) -> ConsolidatedRecommendation:
    """Record (or revise) the consolidated recommendation on a dossier or an assessment, once at least one
    review is submitted; network staff only."""
    _require_network_staff(acting_user, _("Only network staff record the consolidated recommendation."))
    _subject_check(hotline, assessment)
    now = now or timezone.now()
    problems = []
    if recommendation not in Recommendation.values:
        problems.append(_("Choose the consolidated recommendation."))
    if not reasons.strip():
        problems.append(_("Give the reasons, in particular where the reviewers disagree."))
    submitted = Review.objects.of_subject(hotline=hotline, assessment=assessment).submitted().count()
    if not submitted:
        problems.append(_("No review is submitted yet: the recommendation consolidates the reviewers' own."))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        existing = (
            ConsolidatedRecommendation.objects.select_for_update(of=("self",))
            .filter(hotline=hotline, assessment=assessment)
            .first()
        )
        before = (existing.recommendation, existing.reasons) if existing else None
        consolidated = existing or ConsolidatedRecommendation(hotline=hotline, assessment=assessment)
        consolidated.recommendation, consolidated.reasons = recommendation, reasons.strip()
        consolidated.reviews_considered = submitted
        consolidated.recorded_by, consolidated.recorded_at = acting_user, now
        consolidated.save()
        audit(
            consolidated,
            "onboarding.review_consolidate",
            user=acting_user,
            data={
                "hotline": hotline.pk,
                "subject": assessment.reference if assessment else "dossier",
                "recommendation": recommendation,
                "reviews": submitted,
                "before": list(before) if before else None,
            },
            title=str(consolidated),
        )
    return consolidated
