"""The portal's item assignment page: a manager assigns a checklist item to a colleague of their
organisation with a due date (`onboarding.services.item_assign` checks the rule again)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import may, portal_user_required
from accounts.models import User
from accounts.roles import PORTAL_EDITORS
from accounts.selectors import organisation_affiliations
from core.forms import DateField, DatePickerInput
from onboarding import services
from onboarding.models import ChecklistItem


class ItemAssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assigned to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("Nobody"),
        help_text=gettext_lazy("A manager or contributor of your organisation."),
    )
    due_on = DateField(label=gettext_lazy("Due on"), required=False, widget=DatePickerInput)

    def __init__(self, *args: object, organisation_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        editors = organisation_affiliations(organisation_ids=[organisation_id], roles=PORTAL_EDITORS).values("user_id")
        self.fields["assignee"].queryset = User.objects.filter(pk__in=editors).order_by("email")


@portal_user_required
def item_assign(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        ChecklistItem.objects.visible_to(request.user)
        .active()
        .select_related("template_item", "checklist__hotline", "assigned_to"),
        pk=pk,
    )
    if not may(request.user, "portal.colleagues"):
        raise PermissionDenied(_("Only your organisation's portal managers can assign items."))
    hotline = item.checklist.hotline
    form = ItemAssignForm(
        request.POST if request.method == "POST" else None,
        organisation_id=hotline.host_organisation_id,
        initial={"assignee": item.assigned_to_id, "due_on": item.due_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.item_assign(
                item=item,
                assignee=form.cleaned_data["assignee"],
                due_on=form.cleaned_data["due_on"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Assignment of %(code)s saved.") % {"code": item.code})
            return redirect("portal:onboarding_checklist", hotline.pk)
    return render(
        request,
        "onboarding/portal/item_assign.html",
        {"item": item, "hotline": hotline, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
