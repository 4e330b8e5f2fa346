"""Who handles a checklist item on the candidate's side: a portal manager assigns an item to a
colleague of the SAME organisation (any portal role but viewer: a viewer cannot edit) with a due
date, or clears the assignment. The change is an item event (the item's history shows it), audited,
and the colleague is told by email. Network staff may assign too (on the organisation's behalf).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_role, may, organisation_id_for
from accounts.models import User
from accounts.roles import PORTAL_EDITORS, Role
from accounts.selectors import organisation_affiliations
from core.mail import queue_email
from onboarding.models import ChecklistItem
from onboarding.services.checklists import _record
from onboarding.services.common import _portal_url


def _may_assign(user: User, item: ChecklistItem) -> bool:
    hotline = item.checklist.hotline
    if has_role(user, Role.NETWORK_STAFF):
        return True
    return may(user, "portal.colleagues") and organisation_id_for(user) == hotline.host_organisation_id


def item_assign(*, item: ChecklistItem, assignee: User | None, due_on: date | None, acting_user: User) -> ChecklistItem:
    """Assign `item` to `assignee` (None: nobody) with `due_on` (None keeps no date)."""
    with transaction.atomic():
        item = (
            ChecklistItem.objects.select_for_update()
            .select_related("checklist__hotline", "template_item")
            .get(pk=item.pk)
        )
        if not _may_assign(acting_user, item):
            raise PermissionDenied(_("Only your organisation's portal managers can assign items."))
        if item.removed_at is not None:
            raise ValidationError(_("This item is no longer in the checklist."))
        organisation_id = item.checklist.hotline.host_organisation_id
        if assignee is not None:
            editors = organisation_affiliations(organisation_ids=[organisation_id], roles=PORTAL_EDITORS)
            if not editors.filter(user=assignee).exists():
                raise ValidationError(
                    {"assignee": _("Choose a manager or contributor of your organisation (viewers cannot edit).")}
                )
        if due_on is not None and due_on < timezone.localdate() and due_on != item.due_on:
            raise ValidationError({"due_on": _("The due date is in the past; choose today or a later day.")})
        before = (item.assigned_to_id, item.due_on)
        if before == (getattr(assignee, "pk", None), due_on):
            return item
        item.assigned_to, item.due_on = assignee, due_on
        item.save(update_fields=["assigned_to", "due_on", "updated_at"])
        _record(
            item,
            "assign",
            source=item.state,
            acting_user=acting_user,
            now=timezone.now(),
            data={
                "assignee": assignee.email if assignee else None,
                "due_on": due_on.isoformat() if due_on else None,
            },
        )
        if assignee is not None and assignee.pk != acting_user.pk:
            queue_email(
                to=[assignee.email],
                subject=_("Assigned to you: %(code)s %(title)s") % {"code": item.code, "title": item.title},
                template="onboarding/email/item_assigned.txt",
                context={
                    "item": item,
                    "assigner": acting_user,
                    "url": _portal_url("portal:onboarding_checklist_item", item.pk),
                },
            )
    return item
