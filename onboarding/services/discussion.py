"""Comment threads on an evidence document and on an assessment (`DossierComment`), with the item
comments' visibility: a candidate's comment is always shared; a reviewer's or staff member's is for the
reviewers and staff unless they choose otherwise; staff only is network staff's. Who is told follows who
reads it: the candidate's users only for a shared comment from the association's side (so a staff-only or
reviewers-and-staff comment never reaches the candidate's mailbox); the reviewers and the lead otherwise
(the lead alone for staff only). Atomic and audited like `item_comment`.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit
from core.mail import queue_email
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import selectors
from onboarding.models import Assessment, CommentVisibility, DossierComment, EvidenceDocument
from onboarding.services.common import _absolute, _portal_url, _require_actor, comment_body, comment_visibility


def evidence_comment(
    *, document: EvidenceDocument, body: str, acting_user: User, visibility: str = "", now: datetime | None = None
) -> DossierComment:
    """Add to an evidence document's thread (see the module's docstring for visibility and who is told)."""
    return _comment(
        hotline=document.hotline,
        subject={"document": document},
        title=document.original_name,
        staff_url=_absolute(reverse("onboarding_admin:evidence", args=[document.pk])),
        portal_url=_portal_url("portal:onboarding_document", document.pk),
        audit_action="onboarding.evidence.comment",
        body=body,
        visibility=visibility,
        acting_user=acting_user,
        now=now,
    )


def assessment_comment(
    *, assessment: Assessment, body: str, acting_user: User, visibility: str = "", now: datetime | None = None
) -> DossierComment:
    """Add to an assessment's thread (see the module's docstring for visibility and who is told)."""
    if assessment.status == Assessment.Status.CANCELLED:
        raise ValidationError(_("A cancelled assessment takes no more comments."))
    return _comment(
        hotline=assessment.hotline,
        subject={"assessment": assessment},
        title=assessment.reference,
        staff_url=_absolute(reverse("onboarding_admin:assessment", args=[assessment.pk])),
        portal_url=_portal_url("portal:onboarding_corrective_actions"),
        audit_action="onboarding.assessment.comment",
        body=body,
        visibility=visibility,
        acting_user=acting_user,
        now=now,
    )


def _comment(
    *,
    hotline: Hotline,
    subject: dict,
    title: str,
    staff_url: str,
    portal_url: str,
    audit_action: str,
    body: str,
    visibility: str,
    acting_user: User,
    now: datetime | None,
) -> DossierComment:
    now = now or timezone.now()
    body = comment_body(body, visibility)
    with transaction.atomic():
        locked = hotline
        actors = _require_actor(
            acting_user,
            locked,
            {rules.CANDIDATE, rules.REVIEWER, rules.STAFF},
            _("You cannot comment on this dossier."),
        )
        visibility = comment_visibility(visibility, actors)
        from_candidate = not actors & {rules.REVIEWER, rules.STAFF}
        comment = DossierComment.objects.create(
            hotline=locked, author=acting_user, body=body, created_at=now, visibility=visibility, **subject
        )
        audit(
            next(iter(subject.values())),
            audit_action,
            user=acting_user,
            data={"hotline": locked.pk, "comment": comment.pk, "visibility": visibility},
            title=f"{locked.brand_name}: {title}",
        )
        if from_candidate or visibility == CommentVisibility.REVIEWERS:
            recipients, url = selectors.association_emails(hotline=locked), staff_url
        elif visibility == CommentVisibility.SHARED:
            recipients, url = selectors.candidate_user_emails(hotline=locked), portal_url
        else:
            recipients, url = selectors.lead_staff_emails(hotline=locked), staff_url
        queue_email(
            to=[e for e in recipients if e != acting_user.email],
            subject=lambda: (
                _("New comment on %(subject)s (%(hotline)s)") % {"subject": title, "hotline": locked.brand_name}
            ),
            template="onboarding/email/dossier_comment.txt",
            context={"hotline": locked, "title": title, "comment": comment, "url": url},
        )
    return comment
