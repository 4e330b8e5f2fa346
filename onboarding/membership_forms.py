"""Forms of the member cycle's screens: input shapes only; the rules live in the models, selectors and
`onboarding.services.membership`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AdminDateInput, DateField
from network.models import Hotline
from onboarding.models import Assessment


class OpenRenewalsForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        help_text=_("Every provisional and full member without a pack for this year gets one."),
    )


class ProposalDecisionForm(forms.Form):
    SUSPEND = "suspend"
    DISMISS = "dismiss"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (SUSPEND, _("Suspend the membership (lifecycle: suspend)")),
            (DISMISS, _("Dismiss the proposal")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Recorded with your name: in the stage history when suspending, on the proposal otherwise."),
    )
    review_date = DateField(
        label=_("Review the suspension by"),
        required=False,
        widget=AdminDateInput,
        help_text=_("Needed to suspend: when the suspension is looked at again."),
    )
    expected_stage = forms.CharField(widget=forms.HiddenInput)


class JointVisitForm(forms.Form):
    reference = forms.SlugField(label=_("Reference"), max_length=40, help_text=_("e.g. JV-2026-BALKANS."))
    title = forms.CharField(label=_("Title"), max_length=200)
    mode = forms.ChoiceField(label=_("Mode"), choices=Assessment.Mode.choices, initial=Assessment.Mode.ON_SITE)
    starts_on = DateField(label=_("Starts on"), widget=AdminDateInput)
    ends_on = DateField(label=_("Ends on"), widget=AdminDateInput)
    hotlines = forms.ModelMultipleChoiceField(
        label=_("Hotlines reviewed"),
        queryset=Hotline.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members only; each gets its own quality-assurance review on the visit's dates."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hotlines"].queryset = members


class PortalDeclareForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("We work by the association's Code of Practice and will keep doing so this year."),
        error_messages={"required": _("Tick the declaration to re-declare.")},
    )


class PortalContactsForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("These contacts and this point of contact are up to date."),
        error_messages={"required": _("Tick the box to confirm the contacts.")},
    )
