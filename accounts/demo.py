"""Demo users: one per role, all @example.org, all with the demo password."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role
from core.seeding import DemoContext

# (login name, what the user is for); the first part of the email address.
DEMO_USERS: list[tuple[str, str]] = [
    ("admin", "superuser: everything"),
    ("staff", "network staff: lifecycle, roundtables, registry"),
    ("reviewer", "accreditation reviewer: checklist reviews, assessments"),
    ("capacity", "capacity-building staff: courses, training, analysts"),
    ("grants", "grants manager: donors, grants, donor reports"),
    ("grants2", "second grants manager: publishes the donor reports another prepared"),
    ("editor", "editor: awareness site pages"),
    ("moderator", "moderator: approves and publishes the editors' pages"),
    ("candidate", "user of a prospective hotline (portal)"),
    ("candidate2", "user of another prospective hotline (portal)"),
    ("member", "manager of a member hotline (portal)"),
    ("donor", "user of a donor (donor area)"),
    ("donor2", "user of another donor (donor area)"),
]

_ROLES = {
    "staff": Role.NETWORK_STAFF,
    "reviewer": Role.REVIEWER,
    "capacity": Role.CAPACITY,
    "grants": Role.GRANTS,
    "grants2": Role.GRANTS,
    "editor": Role.EDITOR,
    "moderator": Role.MODERATOR,
}

_NAMES = {
    "admin": ("Ada", "Admin"),
    "staff": ("Samira", "Okafor"),
    "reviewer": ("Ruth", "Lindqvist"),
    "capacity": ("Carlos", "Mendes"),
    "grants": ("Greta", "Novak"),
    "grants2": ("Henrik", "Aalto"),
    "editor": ("Elif", "Demir"),
    "moderator": ("Mateo", "Ferreira"),
    "candidate": ("Kofi", "Asante"),
    "candidate2": ("Lina", "Haddad"),
    "member": ("Marta", "Kowalczyk"),
    "donor": ("Daniel", "Osei"),
    "donor2": ("Dana", "Whitfield"),
}


def demo_users_exist() -> bool:
    return User.objects.filter(email="admin@example.org").exists()


def seed(ctx: DemoContext) -> None:
    for key, _description in DEMO_USERS:
        first, last = _NAMES[key]
        email = f"{key}@example.org"
        if key == "admin":
            user = User.objects.create_superuser(email=email, password=ctx.password, first_name=first, last_name=last)
        else:
            user = User.objects.create_user(
                email=email,
                password=ctx.password,
                first_name=first,
                last_name=last,
                is_staff=key in _ROLES,
            )
        if key in _ROLES:
            user.groups.add(Group.objects.get(name=str(_ROLES[key])))
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        ctx.users[key] = user
    ctx.log(f"{len(DEMO_USERS)} demo users")
