"""The Accounts sheet of the network workbook: the people other sheets name by email.

One row per account: email (the natural key, any case), name, staff roles, superuser, the
organisation or donor a portal user belongs to, and whether the account is in use. Never a
password, a two-factor secret or a session: those are not the workbook's to carry.

An import creates a missing account **inactive and without a password**, with its roles and
affiliation, and lists it in the import summary as needing an invitation; accepting that invitation
sets the password and activates it (`accounts.services.invitation_accept`). Until then the
account's `awaiting_invitation` flag says it was in use when exported, so the `active` column of the
next export is the same (a restore round trip gives an identical workbook). Accounts that exist
are changed in the admin (roles, affiliation, deactivation), never by an import: only their names
may be updated. A superuser account is created only by a superuser's import or from the command line.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from accounts.roles import STAFF_ROLES, PortalRole
from core.workbook import NEW, CellError, Column, ImportContext, ModelSheet, registry

# affiliation_type -> (model label, sheet naming it by its key)
AFFILIATION_TYPES = {"organisation": ("network.Organisation", "Organisations"), "donor": ("reports.Donor", "Donors")}
STAFF_ROLE_NAMES = [str(role) for role in STAFF_ROLES]
# Columns an import may set on an account that exists (the others change in the admin only).
UPDATABLE = {"email", "first_name", "last_name", "language"}


def _users() -> Any:
    return (
        apps.get_model("accounts", "User")
        .objects.select_related("affiliation__content_type")
        .prefetch_related("groups", "affiliation__target")
        .order_by("email")
    )


def _affiliation(user: Any) -> Any:
    try:
        return user.affiliation
    except apps.get_model("accounts", "Affiliation").DoesNotExist:
        return None


def _export_affiliation_type(user: Any) -> str | None:
    affiliation = _affiliation(user)
    if affiliation is None:
        return None
    label = f"{affiliation.content_type.app_label}.{affiliation.content_type.model}"
    return next((kind for kind, (model, _sheet) in AFFILIATION_TYPES.items() if model.lower() == label), None)


def _export_affiliation(user: Any) -> str | None:
    affiliation = _affiliation(user)
    target = affiliation.target if affiliation is not None else None
    return getattr(target, "name", None)


def _export_portal_role(user: Any) -> str | None:
    affiliation = _affiliation(user)
    return affiliation.role if affiliation is not None and _export_affiliation_type(user) == "organisation" else None


def _export_roles(user: Any) -> str:
    return "; ".join(sorted(group.name for group in user.groups.all()))


def _roles_of(values: dict[str, Any]) -> list[str]:
    return [part.strip() for part in str(values.get("roles") or "").split(";") if part.strip()]


def _apply_account(user: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    """The email, and for a new account what it gets from its row (an existing one keeps the rest)."""
    user.email = str(values.get("email") or "").strip().lower()
    if user.pk is not None:
        return
    user.is_active = False
    user.awaiting_invitation = bool(values.get("active", True))
    user.is_superuser = bool(values.get("superuser"))
    user.is_staff = user.is_superuser or bool(_roles_of(values))
    user.set_unusable_password()


class AccountSheet(ModelSheet):
    audit_action = "accounts.import"

    def new_object(self) -> Any:
        user = self.model(is_active=False)
        user.set_unusable_password()
        return user

    def accounts_to_invite(self, ctx: ImportContext) -> list[str]:
        return sorted(
            plan.obj.email
            for plan in ctx.plans.get(self.name, [])
            if plan.status == NEW and plan.obj.awaiting_invitation
        )

    def key_of(self, values: dict[str, Any]) -> tuple:
        email = values.get("email")
        return (email.strip().lower() if isinstance(email, str) else email,)

    def row_checks(self, plan: Any, ctx: ImportContext) -> dict[str, list[str]]:
        values = plan.values
        problems: dict[str, list[str]] = {}
        if plan.status != NEW:
            for header in plan.headers:
                if header not in UPDATABLE:
                    problems[header] = [
                        _(
                            "%(email)s has an account already: its roles, affiliation and status are changed in "
                            "the admin (Users), not by an import."
                        )
                        % {"email": values.get("email")}
                    ]
            return problems
        unknown = [role for role in _roles_of(values) if role not in STAFF_ROLE_NAMES]
        if unknown:
            problems["roles"] = [
                _("Not staff roles: %(roles)s. Use: %(known)s.")
                % {"roles": ", ".join(unknown), "known": "; ".join(STAFF_ROLE_NAMES)}
            ]
        kind = values.get("affiliation_type") or ""
        if kind and kind not in AFFILIATION_TYPES:
            problems["affiliation_type"] = [_("Use organisation or donor.")]
        if bool(kind) != bool(values.get("affiliation")):
            problems["affiliation"] = [_("Give both the affiliation's type and its name, or neither.")]
        portal_role = values.get("portal_role") or ""
        if portal_role and portal_role not in PortalRole.values:
            problems["portal_role"] = [_("Use manager, contributor or viewer.")]
        elif portal_role and kind != "organisation":
            problems["portal_role"] = [_("Only a user of an organisation (hotline portal) has a portal role.")]
        if kind and (_roles_of(values) or values.get("superuser")):
            problems["affiliation"] = [_("Staff accounts are not tied to an organisation or a donor.")]
        acting = ctx.acting_user
        if values.get("superuser") and acting is not None and not getattr(acting, "is_superuser", False):
            problems["superuser"] = [_("Only a superuser can restore a superuser account.")]
        return problems

    def finish_checks(self, ctx: ImportContext) -> list[CellError]:
        """Affiliations name organisations and donors, whose sheets come later: checked once all are read."""
        errors = []
        for plan in ctx.plans.get(self.name, []):
            if plan.status != NEW or not plan.values.get("affiliation_type"):
                continue
            _model, sheet_name = AFFILIATION_TYPES[plan.values["affiliation_type"]]
            name = plan.values.get("affiliation")
            if ctx.resolve(registry().get(sheet_name), (name,)) is None:
                errors.append(
                    CellError(
                        self.name,
                        plan.row,
                        "affiliation",
                        _("“%(name)s” is not in the %(sheet)s sheet nor already recorded.")
                        % {"name": name, "sheet": sheet_name},
                    )
                )
        return errors

    def after_write(self, ctx: ImportContext) -> None:
        """Roles and affiliations of the accounts the import created (their targets exist by now)."""
        user_model = apps.get_model("accounts", "User")
        affiliation_model = apps.get_model("accounts", "Affiliation")
        groups = {group.name: group for group in Group.objects.filter(name__in=STAFF_ROLE_NAMES)}
        for name in STAFF_ROLE_NAMES:
            if name not in groups:
                groups[name] = Group.objects.create(name=name)
        memberships, affiliations = [], []
        creator = ctx.acting_user if getattr(ctx.acting_user, "pk", None) else None
        for plan in ctx.plans.get(self.name, []):
            if plan.status != NEW:
                continue
            user, values = plan.obj, plan.values
            memberships += [
                user_model.groups.through(user_id=user.pk, group_id=groups[role].pk) for role in _roles_of(values)
            ]
            kind = values.get("affiliation_type")
            if kind:
                model, sheet_name = AFFILIATION_TYPES[kind]
                target = ctx.resolve(registry().get(sheet_name), (values.get("affiliation"),))
                affiliations.append(
                    affiliation_model(
                        user=user,
                        content_type=ContentType.objects.get_for_model(apps.get_model(model)),
                        object_id=target.pk,
                        role=values.get("portal_role") or PortalRole.MANAGER,
                        created_by=creator,
                    )
                )
        user_model.groups.through.objects.bulk_create(memberships)
        affiliation_model.objects.bulk_create(affiliations)

    def audit_title(self, obj: Any) -> str:
        return obj.email


SHEETS = [
    AccountSheet(
        name="Accounts",
        model="accounts.User",
        order=5,
        description=(
            "The accounts other sheets name by email. Never passwords, two-factor secrets or sessions: an import "
            "creates a missing account inactive and without a password, lists it as needing an invitation, and "
            "the person sets a password by accepting that invitation. An account that exists keeps its roles, "
            "affiliation and status (change them in the admin); only its name and language may be updated."
        ),
        key_headers=["email"],
        queryset=_users,
        columns=[
            Column(
                "email",
                None,
                required=True,
                export=lambda u: u.email,
                apply=_apply_account,
                help="Email address (the login).",
            ),
            Column("first_name", "first_name", help="First name."),
            Column("last_name", "last_name", help="Last name."),
            Column(
                "language",
                "language",
                kind="choice",
                help="Language of the person's emails (en, fr, es); empty: the site's default language.",
            ),
            Column(
                "roles",
                None,
                export=_export_roles,
                help="Staff roles, separated by “; ”: " + "; ".join(STAFF_ROLE_NAMES) + ".",
            ),
            Column("superuser", None, kind="bool", export=lambda u: u.is_superuser, help="TRUE for a superuser."),
            Column(
                "affiliation_type",
                None,
                export=_export_affiliation_type,
                help="For a portal user: `organisation` (hotline portal) or `donor` (donor area).",
            ),
            Column(
                "affiliation",
                None,
                export=_export_affiliation,
                help="Name of that organisation (Organisations sheet) or donor (Donors sheet).",
            ),
            Column(
                "portal_role",
                None,
                export=_export_portal_role,
                help="For a hotline portal user: manager, contributor or viewer (empty: manager).",
            ),
            Column(
                "active",
                None,
                kind="bool",
                export=lambda u: u.is_active or u.awaiting_invitation,
                help="TRUE for an account in use (or restored and waiting for its invitation); FALSE when deactivated.",
            ),
        ],
    ),
]
