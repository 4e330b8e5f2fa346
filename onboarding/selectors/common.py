"""Reads several onboarding sub-domains share: who is told (a candidate's portal users, the dossier's
reviewers, the association's staff) and who acts on a dossier (`dossier_actors`, the actor roles the
checklist rules and the services check).
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType

from accounts.access import has_role, is_authenticated, may, organisation_id_for
from accounts.models import Affiliation, User
from accounts.roles import Role
from network.models import (
    Hotline,
    Organisation,
)
from onboarding import checklist_rules as rules
from onboarding.models import (
    ReviewerAssignment,
)

Stage = Hotline.Stage


# -- Notifications ----------------------------------------------------------------------------
def candidate_user_emails(*, hotline: Hotline) -> list[str]:
    """Active portal users affiliated to the hotline's host organisation."""
    organisation_type = ContentType.objects.get_for_model(Organisation)
    affiliated = Affiliation.objects.filter(
        content_type=organisation_type, object_id=hotline.host_organisation_id
    ).values("user_id")
    return sorted(User.objects.filter(pk__in=affiliated, is_active=True).values_list("email", flat=True))


def dossier_actors(*, user: Any, hotline: Hotline) -> frozenset[str]:
    """The checklist actors `user` is for `hotline`: network staff, an assigned reviewer (declared,
    no conflict), and/or the candidate's own portal user."""
    if not is_authenticated(user):
        return frozenset()
    actors: set[str] = set()
    if has_role(user, Role.NETWORK_STAFF):
        actors.add(rules.STAFF)
    if has_role(user, Role.REVIEWER) and ReviewerAssignment.objects.open_to(user).filter(hotline=hotline).exists():
        actors.add(rules.REVIEWER)
    # The candidate acts through its managers and contributors; a viewer only reads.
    if organisation_id_for(user) == hotline.host_organisation_id and may(user, "portal.edit"):
        actors.add(rules.CANDIDATE)
    return frozenset(actors)


def reviewer_emails(*, hotline: Hotline) -> list[str]:
    """Active reviewers the dossier is open to (declared, no conflict)."""
    return sorted(
        ReviewerAssignment.objects.filter(
            hotline=hotline, coi_declared_at__isnull=False, has_conflict=False, reviewer__is_active=True
        ).values_list("reviewer__email", flat=True)
    )


def active_lead_staff(*, hotline: Hotline) -> User | None:
    """The hotline's lead staff member, when it has one whose account is active: the staff member told
    about the hotline (nobody is told through a deactivated account)."""
    lead = hotline.lead_staff
    return lead if lead is not None and lead.is_active else None


def lead_staff_emails(*, hotline: Hotline) -> list[str]:
    """The address of `active_lead_staff`, or none."""
    lead = active_lead_staff(hotline=hotline)
    return [lead.email] if lead is not None else []


def association_emails(*, hotline: Hotline) -> list[str]:
    """Who on the association's side hears about a dossier: its reviewers and the lead staff member."""
    return sorted({*reviewer_emails(hotline=hotline), *lead_staff_emails(hotline=hotline)})
