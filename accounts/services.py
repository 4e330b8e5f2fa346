"""Writes of the accounts app: invitations and affiliations.

An invitation is the only way in: staff invite an email address to a role (and, for portal roles,
to an organisation or a donor). The emailed link carries a random token of which only the hash is
stored; it expires after ACCOUNTS_INVITATION_DAYS and works once. Accepting creates the user with
a verified email, the role and the affiliation, in one transaction. An account restored by a
workbook import (inactive, no password, `awaiting_invitation`) is invited the same way: accepting
sets its password and activates it, keeping the roles and affiliation it was restored with. Every
change is audited.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import may
from accounts.models import Affiliation, Invitation, User
from accounts.roles import PORTAL_ROLE_TARGETS, PORTAL_ROLES, ROLE_LABELS, STAFF_ROLES, PortalRole, Role
from core.audit import audit
from core.mail import queue_email


@dataclass(frozen=True)
class CreatedInvitation:
    invitation: Invitation
    url: str


def invitation_url(token: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("accounts:invitation_accept", kwargs={"token": token})


def invitation_create(
    *, email: str, role: str, target: models.Model | None = None, acting_user: User
) -> CreatedInvitation:
    """Invite `email` to `role`; portal roles need the organisation or donor they will belong to."""
    if not may(acting_user, "accounts.invitations"):
        raise PermissionDenied(_("Only network staff can invite people."))
    return _invitation_create(email=email, role=role, target=target, acting_user=acting_user)


def _invitation_create(
    *, email: str, role: str, target: models.Model | None, acting_user: User, portal_role: str = ""
) -> CreatedInvitation:
    email = email.strip().lower()
    role = Role(role)
    if User.objects.filter(email__iexact=email, awaiting_invitation=False).exists():
        raise ValidationError(
            {"email": _("%(email)s already has an account; give them the role in Users instead.") % {"email": email}}
        )
    if role in PORTAL_ROLES:
        expected = PORTAL_ROLE_TARGETS[role]
        if target is None or target._meta.label != expected:
            raise ValidationError(
                _("A %(role)s must be invited to a %(target)s.")
                % {"role": ROLE_LABELS[role], "target": apps.get_model(expected)._meta.verbose_name}
            )
    elif target is not None:
        raise ValidationError(_("Staff roles are not tied to an organisation or a donor."))

    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            role=role,
            content_type=ContentType.objects.get_for_model(target) if target is not None else None,
            object_id=target.pk if target is not None else None,
            portal_role=portal_role,
            token_hash=Invitation.hash_token(token),
            created_by=acting_user,
            expires_at=timezone.now() + timedelta(days=settings.ACCOUNTS_INVITATION_DAYS),
        )
        url = invitation_url(token)
        audit(
            invitation,
            "accounts.invitation.create",
            user=acting_user,
            data={
                "email": email,
                "role": str(role),
                "target": str(target) if target else None,
                **({"portal_role": portal_role} if portal_role else {}),
            },
        )
        queue_email(
            to=[email],
            subject=lambda: _("You are invited to the %(site)s toolkit") % {"site": settings.WAGTAIL_SITE_NAME},
            template="accounts/email/invitation.txt",
            context={
                "invitation": invitation,
                "url": url,
                "role_label": PortalRole(portal_role).label if portal_role else ROLE_LABELS[role],
                "target": target,
                "inviter": acting_user,
                "days": settings.ACCOUNTS_INVITATION_DAYS,
            },
        )
    return CreatedInvitation(invitation=invitation, url=url)


def invitation_for_token(token: str) -> Invitation | None:
    return Invitation.objects.filter(token_hash=Invitation.hash_token(token)).first()


def invitation_accept(
    *, token: str, password: str, first_name: str = "", last_name: str = "", language: str = ""
) -> User:
    """Create the invited user. Raises ValidationError when the link is used, expired or revoked.
    `language` (the one the invitation page was read in) becomes the language of their emails."""
    language = language if language in dict(settings.LANGUAGES) else ""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(token_hash=Invitation.hash_token(token)).first()
        if invitation is None or not invitation.is_usable:
            raise ValidationError(_invalid_message(invitation), code="invitation_unusable")
        restored = User.objects.select_for_update().filter(email__iexact=invitation.email).first()
        if restored is not None and not restored.awaiting_invitation:
            raise ValidationError(_("An account for this address exists already; sign in instead."))
        candidate = restored or User(email=invitation.email)
        candidate.first_name = first_name.strip()[:150] or candidate.first_name
        candidate.last_name = last_name.strip()[:150] or candidate.last_name
        validate_password(password, user=candidate)
        if restored is not None:
            # Restored by a workbook import: it keeps its roles and affiliation and becomes usable.
            user = restored
            user.set_password(password)
            user.is_active, user.awaiting_invitation = True, False
            user.is_staff = user.is_staff or invitation.role in STAFF_ROLES
            user.language = user.language or language
            user.save()
        else:
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                first_name=candidate.first_name,
                last_name=candidate.last_name,
                is_staff=invitation.role in STAFF_ROLES,
                language=language,
            )
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        if invitation.role in STAFF_ROLES:
            user.groups.add(Group.objects.get_or_create(name=invitation.role)[0])
        elif invitation.content_type_id and not Affiliation.objects.filter(user=user).exists():
            Affiliation.objects.create(
                user=user,
                content_type_id=invitation.content_type_id,
                object_id=invitation.object_id,
                role=invitation.portal_role or PortalRole.MANAGER,
                created_by=invitation.created_by,
            )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit(invitation, "accounts.invitation.accept", user=user, data={"email": user.email})
    return user


def user_set_language(*, user: User, language: str, acting_user: User) -> User:
    """The language of `user`'s emails (one of settings.LANGUAGES). A person sets only their own."""
    if acting_user.pk != user.pk:
        raise PermissionDenied
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose one of the site's languages."))
    if user.language != language:
        with transaction.atomic():
            old = user.language
            user.language = language
            user.save(update_fields=["language"])
            audit(user, "accounts.user.language", user=acting_user, data={"changed": {"language": [old, language]}})
    return user


def _invalid_message(invitation: Invitation | None) -> str:
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied the whole link.")
    return {
        Invitation.Status.ACCEPTED: _("This invitation has already been used. Sign in with your email and password."),
        Invitation.Status.EXPIRED: _("This invitation has expired. Ask the person who invited you to send a new one."),
        Invitation.Status.REVOKED: _("This invitation was withdrawn. Ask the association's staff if you need access."),
    }.get(invitation.status, _("This invitation cannot be used."))


def invitation_revoke(*, invitation: Invitation, acting_user: User) -> Invitation:
    """Withdraw a pending invitation: network staff any, an organisation's manager their organisation's."""
    if not Invitation.objects.visible_to(acting_user).filter(pk=invitation.pk).exists():
        raise PermissionDenied(_("Only network staff or the organisation's managers can withdraw invitations."))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != Invitation.Status.PENDING:
            raise ValidationError(_("Only a pending invitation can be withdrawn."))
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit(
            invitation,
            "accounts.invitation.revoke",
            user=acting_user,
            data={"email": invitation.email},
        )
    return invitation


def affiliation_set(
    *, user: User, target: models.Model, acting_user: Any | None, role: str | None = None
) -> Affiliation:
    """Affiliate a non-staff user to an organisation or a donor (replacing any earlier one), with a
    portal role (`PortalRole`; a new affiliation without one is a manager's, an existing one keeps its)."""
    if target._meta.label not in settings.ACCOUNTS_AFFILIATION_TARGETS:
        raise ValidationError(_("Users can only be affiliated to an organisation or a donor."))
    defaults = {
        "content_type": ContentType.objects.get_for_model(target),
        "object_id": target.pk,
        "created_by": acting_user if getattr(acting_user, "pk", None) else None,
    }
    if role is not None:
        defaults["role"] = PortalRole(role)
    with transaction.atomic():
        affiliation, _created = Affiliation.objects.update_or_create(user=user, defaults=defaults)
        audit(
            user,
            "accounts.affiliation.set",
            user=acting_user,
            data={"target": str(target), "role": affiliation.role},
        )
    user.__dict__.pop("affiliation_or_none", None)
    return affiliation


# -- Colleagues: an organisation's managers run their own portal team -----------------------------------------
def _own_organisation(acting_user: User) -> models.Model:
    """The organisation whose colleagues `acting_user` manages (PermissionDenied unless a manager)."""
    if not may(acting_user, "portal.colleagues"):
        raise PermissionDenied(_("Only your organisation's portal managers can manage colleagues."))
    return acting_user.affiliation_or_none.target


def _staff_emails() -> list[str]:
    return sorted(
        User.objects.filter(groups__name=str(Role.NETWORK_STAFF), is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def colleague_invite(*, email: str, role: str, acting_user: User) -> CreatedInvitation:
    """A manager invites a colleague to their OWN organisation's portal with a portal role (never a
    staff role, never another organisation). Audited; network staff are told by email and can
    withdraw it from the admin's invitations screen."""
    organisation = _own_organisation(acting_user)
    if role not in PortalRole.values:
        raise ValidationError({"role": _("Choose manager, contributor or viewer.")})
    with transaction.atomic():
        created = _invitation_create(
            email=email, role=Role.HOTLINE_USER, target=organisation, acting_user=acting_user, portal_role=role
        )
        queue_email(
            to=_staff_emails(),
            subject=_("%(inviter)s invited a colleague to the portal of %(organisation)s")
            % {"inviter": acting_user.display_name, "organisation": organisation},
            template="accounts/email/colleague_invited.txt",
            context={
                "invitation": created.invitation,
                "organisation": organisation,
                "inviter": acting_user,
                "role_label": PortalRole(role).label,
                "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("accounts_admin:invitation_index"),
            },
        )
    return created


def _colleague_affiliation(*, user: User, acting_user: User) -> Affiliation:
    organisation = _own_organisation(acting_user)
    affiliation = (
        Affiliation.objects.select_for_update()
        .filter(
            user=user,
            content_type=ContentType.objects.get_for_model(organisation),
            object_id=organisation.pk,
        )
        .first()
    )
    if affiliation is None:
        raise PermissionDenied(_("This person is not a colleague of your organisation."))
    return affiliation


def _keeps_a_manager(affiliation: Affiliation) -> bool:
    """Whether the organisation has another active manager than this affiliation's user."""
    return (
        Affiliation.objects.filter(
            content_type_id=affiliation.content_type_id,
            object_id=affiliation.object_id,
            role=PortalRole.MANAGER,
            user__is_active=True,
        )
        .exclude(pk=affiliation.pk)
        .exists()
    )


def colleague_set_role(*, user: User, role: str, acting_user: User) -> Affiliation:
    """A manager changes a colleague's portal role; the organisation always keeps a manager."""
    if role not in PortalRole.values:
        raise ValidationError({"role": _("Choose manager, contributor or viewer.")})
    with transaction.atomic():
        affiliation = _colleague_affiliation(user=user, acting_user=acting_user)
        before = affiliation.role
        if before == role:
            return affiliation
        if before == PortalRole.MANAGER and not _keeps_a_manager(affiliation):
            raise ValidationError(_("Your organisation needs at least one manager: name another manager first."))
        affiliation.role = role
        affiliation.save(update_fields=["role"])
        audit(user, "accounts.colleague.role", user=acting_user, data={"from": before, "to": role})
    user.__dict__.pop("affiliation_or_none", None)
    return affiliation


def colleague_remove(*, user: User, acting_user: User) -> None:
    """A manager removes a colleague's access to the organisation's portal (their affiliation); the
    account stays, with no area, until staff give it another. Never oneself, never the last manager."""
    if user.pk == acting_user.pk:
        raise ValidationError(_("You cannot remove your own access; ask another manager."))
    with transaction.atomic():
        affiliation = _colleague_affiliation(user=user, acting_user=acting_user)
        if affiliation.role == PortalRole.MANAGER and not _keeps_a_manager(affiliation):
            raise ValidationError(_("Your organisation needs at least one manager."))
        target = str(affiliation.target)
        affiliation.delete()
        audit(user, "accounts.colleague.remove", user=acting_user, data={"organisation": target})
    user.__dict__.pop("affiliation_or_none", None)


# -- Portal users, on the staff side: network staff change a role or revoke access ----------------------------
def _portal_affiliation(*, user: User, organisation: models.Model, acting_user: User) -> Affiliation:
    """`user`'s affiliation to `organisation`, locked (PermissionDenied unless network staff; 404-like
    ValidationError when they are not one of its portal users)."""
    if not may(acting_user, "accounts.portal_users"):
        raise PermissionDenied(_("Only network staff change a portal user's role or access."))
    affiliation = (
        Affiliation.objects.select_for_update()
        .filter(user=user, content_type=ContentType.objects.get_for_model(organisation), object_id=organisation.pk)
        .first()
    )
    if affiliation is None:
        raise ValidationError(
            _("%(user)s is not a portal user of %(organisation)s.") % {"user": user.email, "organisation": organisation}
        )
    return affiliation


def _tell_portal_user(*, user: User, organisation: models.Model, role: str = "") -> None:
    """Email the user, in their language, what network staff changed: their new `role`, or (none) that
    their access was removed."""
    what = "role" if role else "revoked"
    queue_email(
        to=[user.email],
        subject=lambda: (
            (
                _("Your role in the portal of %(organisation)s changed")
                if what == "role"
                else _("Your access to the portal of %(organisation)s was removed")
            )
            % {"organisation": organisation}
        ),
        template="accounts/email/portal_user_changed.txt",
        context={
            "user": user,
            "organisation": organisation,
            "what": what,
            "role_label": PortalRole(role).label if role else "",
            "portal_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("portal:home"),
        },
    )


def portal_user_set_role(*, user: User, organisation: models.Model, role: str, acting_user: User) -> Affiliation:
    """Network staff change a portal user's role (manager, contributor, viewer) in `organisation`; the
    organisation keeps at least one active manager. Audited; the user is told in their language."""
    if role not in PortalRole.values:
        raise ValidationError({"role": _("Choose manager, contributor or viewer.")})
    with transaction.atomic():
        affiliation = _portal_affiliation(user=user, organisation=organisation, acting_user=acting_user)
        before = affiliation.role
        if before == role:
            raise ValidationError(
                _("%(user)s is already a %(role)s.") % {"user": user.email, "role": PortalRole(role).label.lower()}
            )
        if before == PortalRole.MANAGER and not _keeps_a_manager(affiliation):
            raise ValidationError(
                _("%(organisation)s needs at least one manager: make another of its users a manager first.")
                % {"organisation": organisation}
            )
        affiliation.role = role
        affiliation.save(update_fields=["role"])
        audit(
            user,
            "accounts.portal_user.role",
            user=acting_user,
            data={"organisation": str(organisation), "from": before, "to": role},
        )
        _tell_portal_user(user=user, organisation=organisation, role=role)
    user.__dict__.pop("affiliation_or_none", None)
    return affiliation


def portal_access_revoke(*, user: User, organisation: models.Model, deactivate: bool, acting_user: User) -> None:
    """Network staff remove a user's access to `organisation`'s portal (their affiliation); with
    `deactivate`, the account is switched off too (no sign-in at all). Never the last active manager.
    Audited; the user is told in their language."""
    with transaction.atomic():
        affiliation = _portal_affiliation(user=user, organisation=organisation, acting_user=acting_user)
        if affiliation.role == PortalRole.MANAGER and user.is_active and not _keeps_a_manager(affiliation):
            raise ValidationError(
                _(
                    "%(user)s is the last manager of %(organisation)s: make another of its users a manager "
                    "before removing their access."
                )
                % {"user": user.email, "organisation": organisation}
            )
        affiliation.delete()
        if deactivate and user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        audit(
            user,
            "accounts.portal_user.revoke",
            user=acting_user,
            data={"organisation": str(organisation), "role": affiliation.role, "deactivated": bool(deactivate)},
        )
        _tell_portal_user(user=user, organisation=organisation)
    user.__dict__.pop("affiliation_or_none", None)
