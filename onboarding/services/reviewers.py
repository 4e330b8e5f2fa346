"""Accreditation reviewers assigned to a dossier and their conflict-of-interest declarations (an
assignment opens the dossier to its reviewer once they declared no conflict).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_role
from accounts.models import User
from accounts.roles import Role
from core.audit import audit
from core.mail import queue_email
from network.models import Hotline
from onboarding import selectors
from onboarding.models import (
    ReviewerAssignment,
)
from onboarding.services.common import _absolute, _require_network_staff


# -- Reviewers --------------------------------------------------------------------------------
def reviewer_assign(
    *, hotline: Hotline, reviewer: User, acting_user: User, now: datetime | None = None
) -> ReviewerAssignment:
    """Assign an accreditation reviewer to a dossier; it opens to them once they declare no conflict."""
    _require_network_staff(acting_user, _("Only network staff can assign reviewers."))
    if not reviewer.is_active or not has_role(reviewer, Role.REVIEWER) or reviewer.is_superuser:
        raise ValidationError(_("%(user)s is not an active accreditation reviewer.") % {"user": reviewer})
    with transaction.atomic():
        if ReviewerAssignment.objects.filter(hotline=hotline, reviewer=reviewer).exists():
            raise ValidationError(_("%(user)s is already assigned to this dossier.") % {"user": reviewer})
        assignment = ReviewerAssignment.objects.create(
            hotline=hotline, reviewer=reviewer, assigned_by=acting_user, assigned_at=now or timezone.now()
        )
        audit(hotline, "onboarding.reviewer_assign", user=acting_user, data={"reviewer": reviewer.email})
        queue_email(
            to=[reviewer.email],
            subject=lambda: (
                _("Assigned to review %(hotline)s: declare any conflict of interest") % {"hotline": hotline.brand_name}
            ),
            template="onboarding/email/reviewer_assigned.txt",
            context={
                "hotline": hotline,
                "assignment": assignment,
                "url": _absolute(reverse("onboarding_admin:assignment_declare", args=[assignment.pk])),
            },
        )
    return assignment


def reviewer_unassign(*, assignment: ReviewerAssignment, acting_user: User) -> None:
    _require_network_staff(acting_user, _("Only network staff can remove reviewers."))
    with transaction.atomic():
        hotline, email = assignment.hotline, assignment.reviewer.email
        assignment.delete()
        audit(hotline, "onboarding.reviewer_unassign", user=acting_user, data={"reviewer": email})


def reviewer_declare(
    *,
    assignment: ReviewerAssignment,
    has_conflict: bool,
    statement: str,
    acting_user: User,
    now: datetime | None = None,
) -> ReviewerAssignment:
    """The assigned reviewer declares whether they have a conflict of interest with the candidate.
    Declaring none opens the dossier to them; declaring one keeps it closed and tells the lead staff."""
    if acting_user.pk != assignment.reviewer_id:
        raise PermissionDenied(_("Only the assigned reviewer can make this declaration."))
    statement = statement.strip()
    if has_conflict and not statement:
        raise ValidationError(_("Describe the conflict of interest."))
    with transaction.atomic():
        locked = (
            ReviewerAssignment.objects.select_for_update(of=("self",))
            .select_related("hotline__lead_staff")
            .get(pk=assignment.pk)
        )
        locked.coi_declared_at = now or timezone.now()
        locked.has_conflict = has_conflict
        locked.coi_statement = statement
        locked.save(update_fields=["coi_declared_at", "has_conflict", "coi_statement"])
        audit(
            locked.hotline,
            "onboarding.reviewer_declare",
            user=acting_user,
            data={"reviewer": acting_user.email, "conflict": has_conflict},
        )
        lead = selectors.active_lead_staff(hotline=locked.hotline)
        if has_conflict and lead is not None:
            queue_email(
                to=[lead.email],
                subject=lambda: (
                    _("Conflict of interest declared for %(hotline)s") % {"hotline": locked.hotline.brand_name}
                ),
                template="onboarding/email/reviewer_conflict.txt",
                context={
                    "assignment": locked,
                    "hotline": locked.hotline,
                    "url": _absolute(reverse("onboarding_admin:dossier", args=[locked.hotline_id])),
                },
            )
    assignment.coi_declared_at, assignment.has_conflict = locked.coi_declared_at, has_conflict
    return locked
