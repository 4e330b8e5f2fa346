"""Demo: the candidate's side works as a team. candidate@example.org manages SafeNet Ghana's portal
(every affiliated user is a manager unless given another role); a contributor colleague joins and
has a checklist item assigned with a due date (shown under "My items" and reminded)."""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from accounts.models import User
from accounts.roles import PortalRole
from accounts.services import affiliation_set
from core.seeding import DemoContext
from onboarding import checklist_rules as rules
from onboarding.models import ChecklistItem

COLLEAGUE = ("ama.boateng@example.org", "Ama", "Boateng")


def demo_password(ctx: DemoContext) -> str:
    """The demo password as stored: every demo user has it (accounts/demo.py), so a user the onboarding
    demo adds takes the stored hash of one of them rather than hashing it again (about half a second
    each with the production hasher)."""
    seeded = ctx.users.get("staff")
    return seeded.password if seeded is not None else make_password(ctx.password)


def seed(ctx: DemoContext) -> None:
    manager = ctx.users.get("candidate")
    affiliation = manager.affiliation_or_none if manager else None
    if affiliation is None:
        return
    from onboarding import services

    email, first, last = COLLEAGUE
    colleague = User.objects.create(email=email, password=demo_password(ctx), first_name=first, last_name=last)
    EmailAddress.objects.create(user=colleague, email=email, verified=True, primary=True)
    affiliation_set(user=colleague, target=affiliation.target, acting_user=manager, role=PortalRole.CONTRIBUTOR)
    item = (
        ChecklistItem.objects.active()
        .filter(checklist__hotline__host_organisation_id=affiliation.object_id, state__in=rules.CANDIDATE_TURN)
        .order_by("template_item__sort_order", "code")
        .first()
    )
    if item is not None:
        services.item_assign(item=item, assignee=colleague, due_on=ctx.today + timedelta(days=10), acting_user=manager)
    ctx.log(
        f"1 contributor colleague ({email}) of candidate@example.org" + (f", item {item.code} assigned" if item else "")
    )
