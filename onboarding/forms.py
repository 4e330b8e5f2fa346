"""Forms of the onboarding screens: input shapes only; rules live in models, workflow and services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from accounts.models import User
from accounts.roles import Role
from core.uploads import ACCEPT_ATTRIBUTE, accepted_types_text, check_document
from network.models import Country, Organisation
from onboarding import workflow
from onboarding.models import CandidateProfile


def staff_members() -> Any:
    return User.objects.filter(
        Q(groups__name=str(Role.NETWORK_STAFF)) | Q(is_superuser=True), is_active=True
    ).distinct()


class TransitionForm(forms.Form):
    expected_stage = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Recorded in the stage history with your name and the time."),
    )
    review_date = forms.DateField(label=_("Review by"), required=False, widget=AdminDateInput)

    def __init__(self, *args: Any, transition: workflow.Transition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.needs_review_date:
            self.fields["review_date"].required = True
            self.fields["review_date"].help_text = _("When to look at this candidate again.")
        else:
            del self.fields["review_date"]


class PortalSubmitForm(forms.Form):
    expected_stage = forms.CharField(widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("Message to the association (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class CandidateCreateForm(forms.Form):
    brand_name = forms.CharField(
        label=_("Working name of the hotline"), max_length=200, help_text=_("Can be changed later.")
    )
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all())
    host_organisation = forms.ModelChoiceField(
        label=_("Host organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("An organisation already in the registry, or give a new one below."),
    )
    new_host_name = forms.CharField(label=_("…or a new organisation's name"), max_length=200, required=False)
    new_host_type = forms.ChoiceField(
        label=_("New organisation's type"), choices=Organisation.Type.choices, initial=Organisation.Type.NGO
    )
    identified_on = forms.DateField(label=_("Identified on"), widget=AdminDateInput)
    source = forms.ChoiceField(label=_("How it was identified"), choices=CandidateProfile.Source.choices)
    lead_staff = forms.ModelChoiceField(label=_("Lead staff member"), queryset=User.objects.none(), required=False)
    notes = forms.CharField(label=_("Staff notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_staff"].queryset = staff_members()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        existing, new_name = data.get("host_organisation"), (data.get("new_host_name") or "").strip()
        if existing and new_name:
            raise ValidationError(_("Choose an existing host organisation or name a new one, not both."))
        if not existing and not new_name:
            raise ValidationError(_("Choose the host organisation, or give the name of a new one."))
        if new_name and Organisation.objects.filter(name__iexact=new_name).exists():
            self.add_error("new_host_name", _("An organisation with this name exists; choose it above."))
        return data


class CandidateProfileForm(forms.ModelForm):
    lead_staff = forms.ModelChoiceField(label=_("Lead staff member"), queryset=User.objects.none(), required=False)

    class Meta:
        model = CandidateProfile
        fields = ["identified_on", "source", "host_confirmed_on", "target_membership_on", "notes"]
        widgets = {
            "identified_on": AdminDateInput,
            "host_confirmed_on": AdminDateInput,
            "target_membership_on": AdminDateInput,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_staff"].queryset = staff_members()
        if self.instance.pk:
            self.fields["lead_staff"].initial = self.instance.hotline.lead_staff_id


class DocumentUploadForm(forms.Form):
    document = forms.FileField(
        label=_("Document"),
        help_text=accepted_types_text,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def clean_document(self) -> Any:
        upload = self.cleaned_data["document"]
        check_document(upload)  # raises ValidationError naming what is wrong
        return upload


class MouAlternativeForm(forms.Form):
    arrangement = forms.CharField(
        label=_("Arrangement"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How the hotline and law enforcement will cooperate instead of an MoU."),
    )
    why_no_mou = forms.CharField(label=_("Why no MoU is possible"), widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.FileField(
        label=_("Supporting document (optional)"),
        required=False,
        help_text=accepted_types_text,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def clean_document(self) -> Any:
        upload = self.cleaned_data.get("document")
        if upload:
            check_document(upload)
        return upload


class MouDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when declining."),
    )
