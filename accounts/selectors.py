"""Reads of the accounts app: an organisation's portal users (the colleagues page, who is told)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from accounts.models import Affiliation, Invitation, User
from accounts.roles import PORTAL_ROLE_TARGETS, PortalRole, Role


def _organisation_type() -> ContentType:
    app_label, model = PORTAL_ROLE_TARGETS[Role.HOTLINE_USER].split(".")
    return ContentType.objects.get_by_natural_key(app_label, model.lower())


def organisation_affiliations(*, organisation_ids: Iterable[int], roles: Iterable[str] | None = None) -> QuerySet:
    """Affiliations of active users to these organisations (with one of `roles`, when given)."""
    rows = Affiliation.objects.filter(
        content_type=_organisation_type(), object_id__in=list(organisation_ids), user__is_active=True
    )
    if roles is not None:
        rows = rows.filter(role__in=list(roles))
    return rows


def organisation_user_emails(*, organisation_id: int, roles: Iterable[str] | None = None) -> list[str]:
    """Active portal users of the organisation (with one of `roles`, when given)."""
    affiliated = organisation_affiliations(organisation_ids=[organisation_id], roles=roles).values("user_id")
    return sorted(User.objects.filter(pk__in=affiliated).exclude(email="").values_list("email", flat=True))


def emails_by_organisation(*, organisation_ids: Iterable[int], roles: Iterable[str] | None = None) -> dict[int, list]:
    """{organisation id: sorted emails of its active portal users with one of `roles`}, in one query."""
    found: dict[int, list[str]] = {}
    rows = organisation_affiliations(organisation_ids=organisation_ids, roles=roles).values_list(
        "object_id", "user__email"
    )
    for organisation_id, email in rows.order_by("user__email"):
        if email:
            found.setdefault(organisation_id, []).append(email)
    return found


def colleagues(*, user: Any) -> list[Affiliation]:
    """The portal users of `user`'s organisation (the user included), with their roles."""
    from accounts.access import organisation_id_for

    organisation_id = organisation_id_for(user)
    if organisation_id is None:
        return []
    return list(
        organisation_affiliations(organisation_ids=[organisation_id]).select_related("user").order_by("user__email")
    )


def colleague_of(*, user: Any, pk: int) -> Affiliation | None:
    """The affiliation of user `pk` when they are a portal colleague of `user` (else None: a 404)."""
    return next((affiliation for affiliation in colleagues(user=user) if affiliation.user_id == pk), None)


def pending_invitations(*, user: Any) -> list[Invitation]:
    """Pending invitations `user` may see: an organisation manager's are their organisation's."""
    return list(Invitation.objects.visible_to(user).pending().select_related("created_by").order_by("email"))


def portal_users(*, organisation_id: int) -> list[Affiliation]:
    """Every portal user of the organisation (accounts switched off included), managers first."""
    order = {PortalRole.MANAGER: 0, PortalRole.CONTRIBUTOR: 1, PortalRole.VIEWER: 2}
    rows = Affiliation.objects.filter(content_type=_organisation_type(), object_id=organisation_id).select_related(
        "user"
    )
    return sorted(rows, key=lambda a: (order.get(a.role, 9), a.user.email))


def organisation_invitations(*, organisation_id: int) -> list[Invitation]:
    """The organisation's pending invitations to its portal."""
    return list(
        Invitation.objects.pending()
        .filter(content_type=_organisation_type(), object_id=organisation_id)
        .select_related("created_by")
        .order_by("email")
    )
