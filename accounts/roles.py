"""Roles. Staff roles are groups (created by migration, permissions synced after migrate);
portal roles come from a user's affiliation to an organisation or a donor.

Each app declares what its staff roles may do with `register_role_permissions` in its
AppConfig.ready(); `sync_role_permissions` (run after every migrate) grants what is missing.

`ACTION_RULES` is the one place that says, per action, whether a role, a permission or both are
checked; `accounts.access.may(user, action)` applies it, for the view, the menu entry and the
service alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    NETWORK_STAFF = "Network staff"
    REVIEWER = "Accreditation reviewer"
    CAPACITY = "Capacity staff"
    GRANTS = "Grants manager"
    EDITOR = "Editor"
    MODERATOR = "Moderator"
    # Portal roles: not groups; defined by the invitation's target.
    HOTLINE_USER = "hotline_user"
    DONOR_USER = "donor_user"

    @classmethod
    def invitation_choices(cls) -> list[tuple[str, str]]:
        return [(role.value, ROLE_LABELS[role]) for role in cls]


ROLE_LABELS = {
    Role.NETWORK_STAFF: _("Network staff"),
    Role.REVIEWER: _("Accreditation reviewer"),
    Role.CAPACITY: _("Capacity staff"),
    Role.GRANTS: _("Grants manager"),
    Role.EDITOR: _("Editor"),
    Role.MODERATOR: _("Moderator"),
    Role.HOTLINE_USER: _("Hotline user (portal)"),
    Role.DONOR_USER: _("Donor user (donor area)"),
}

STAFF_ROLES = (
    Role.NETWORK_STAFF,
    Role.REVIEWER,
    Role.CAPACITY,
    Role.GRANTS,
    Role.EDITOR,
    Role.MODERATOR,
)
PORTAL_ROLES = (Role.HOTLINE_USER, Role.DONOR_USER)
# Which affiliation target each portal role needs (app_label.Model).
PORTAL_ROLE_TARGETS = {Role.HOTLINE_USER: "network.Organisation", Role.DONOR_USER: "reports.Donor"}


class PortalRole(models.TextChoices):
    """What a user does in their organisation's portal (stored on their affiliation)."""

    MANAGER = "manager", _("Manager")
    CONTRIBUTOR = "contributor", _("Contributor")
    VIEWER = "viewer", _("Viewer")


# Who edits and submits the organisation's items and returns in the portal (the "portal.edit" rule below);
# viewers only read.
PORTAL_EDITORS = frozenset({PortalRole.MANAGER, PortalRole.CONTRIBUTOR})

PORTAL_ROLE_HELP = {
    PortalRole.MANAGER: _("Edits and submits items, invites colleagues and sets their roles."),
    PortalRole.CONTRIBUTOR: _("Edits and submits items."),
    PortalRole.VIEWER: _("Reads the portal; cannot edit or submit."),
}


@dataclass(frozen=True)
class ActionRule:
    """Who may do an action: holders of `role` (superusers hold every role) and of `permission`; for a
    portal action, users affiliated to an organisation with one of `portal_roles`."""

    role: Role | None = None
    permission: str | None = None
    portal_roles: frozenset[str] | None = None


ACTION_RULES: dict[str, ActionRule] = {
    # Invite people, withdraw invitations, list them.
    "accounts.invitations": ActionRule(role=Role.NETWORK_STAFF),
    # Change a hotline's portal users' roles, remove their access (the hotline's "Portal users" page).
    "accounts.portal_users": ActionRule(role=Role.NETWORK_STAFF),
    # Export the network workbook, preview an import, confirm it.
    "network.workbook": ActionRule(role=Role.NETWORK_STAFF),
    # A training event's roster: add analysts in bulk, record attendance, issue certificates.
    "network.training.roster": ActionRule(permission="network.change_trainingparticipation"),
    # See contacts (a hotline's page lists them; the review lists those past their retention date).
    "network.contacts.view": ActionRule(permission="network.view_contact"),
    # Erase a contact's personal data.
    "network.contacts.erase": ActionRule(role=Role.NETWORK_STAFF, permission="network.erase_contact"),
    # Portal: edit and submit the organisation's items and returns (checklist items, evidence, answers).
    "portal.edit": ActionRule(portal_roles=PORTAL_EDITORS),
    # Portal: invite colleagues of the same organisation, change their roles, remove their access,
    # assign items to them.
    "portal.colleagues": ActionRule(portal_roles=frozenset({PortalRole.MANAGER})),
}

# Which panels of the admin home page each staff role sees: the ones it acts on (superusers see them
# all). Panels are named by their `name`; a panel not listed here is shown to superusers only
# (`accounts.access.shows_home_panel`, applied to every panel by the `construct_homepage_panels` hook
# in accounts/wagtail_hooks.py). Each panel still reads only what its user may see.
_PAGE_PEOPLE = (Role.EDITOR, Role.MODERATOR)
HOME_PANELS: dict[str, tuple[Role, ...]] = {
    # Network staff: the pipeline, their candidates and action items, statistics returns to validate.
    "board_summary": (Role.NETWORK_STAFF,),
    "my_candidates": (Role.NETWORK_STAFF,),
    "statistics_to_validate": (Role.NETWORK_STAFF,),
    "my_action_items": (Role.NETWORK_STAFF, Role.CAPACITY, Role.GRANTS, Role.REVIEWER),
    # Reviewers (and staff, who review items too): the dossiers assigned and the items to review.
    "my_review_assignments": (Role.REVIEWER,),
    "items_awaiting_review": (Role.NETWORK_STAFF, Role.REVIEWER),
    # Capacity building: certificates expiring, training events coming up.
    "certificates_expiring": (Role.CAPACITY, Role.NETWORK_STAFF),
    "upcoming_training_events": (Role.CAPACITY,),
    # Grants managers: deliverables, milestones and report deadlines.
    "grant_deadlines": (Role.GRANTS,),
    # Editors and moderators: Wagtail's own page panels (pages in moderation, their pages, recent edits).
    "workflow_objects_to_moderate": _PAGE_PEOPLE,
    "user_objects_in_workflow_moderation": _PAGE_PEOPLE,
    "recent_edits": _PAGE_PEOPLE,
    "locked_pages": _PAGE_PEOPLE,
    # Moderators act on other people's pages: the site's recent edits, by anyone (cms/home_panels.py).
    "site_recent_edits": (Role.MODERATOR,),
}

_role_permissions: dict[str, set[str]] = defaultdict(set)


def register_role_permissions(grants: dict[Role, list[str]]) -> None:
    """Declare permissions ("app_label.codename") that staff roles hold."""
    for role, permissions in grants.items():
        _role_permissions[str(role)].update(permissions)


def sync_role_permissions(*, sender: object = None, **_kwargs: object) -> None:
    """Create missing role groups and grant the permissions apps declared (never removes any).

    Connected to `post_migrate`, which migrate sends once per app: it does its work once, for the
    last app (when every app's permissions exist), not once per app."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    if sender is not None and sender is not [config for config in apps.get_app_configs() if config.models_module][-1]:
        return

    for role in STAFF_ROLES:
        group, _created = Group.objects.get_or_create(name=str(role))
        wanted = {"wagtailadmin.access_admin"} | _role_permissions.get(str(role), set())
        have = {f"{app}.{code}" for app, code in group.permissions.values_list("content_type__app_label", "codename")}
        missing = wanted - have
        if not missing:
            continue
        for label in sorted(missing):
            app_label, codename = label.split(".", 1)
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                group.permissions.add(permission)
