"""Forms of the onboarding screens: input shapes only; rules live in models, workflow and services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from core.forms import AdminDateInput, DateField, DatePickerInput
from core.uploads import ACCEPT_ATTRIBUTE, accepted_types_text, check_document
from network.forms import time_zone_field
from network.models import Country, Hotline, Organisation, ProgrammeRegion
from onboarding import checklist_rules, workflow
from onboarding.models import (
    Assessment,
    CandidateProfile,
    CommentVisibility,
    Decision,
    Finding,
    Recommendation,
    Verdict,
)
from onboarding.selectors.lifecycle import NO_LEAD, lead_staff_choices


class BoardFilterForm(forms.Form):
    """The pipeline board's filters (GET, kept in the address): lead staff member, region, phase."""

    lead = forms.ChoiceField(label=_("Lead"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    phase = forms.ChoiceField(label=_("Phase"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leads = lead_staff_choices().order_by("first_name", "last_name", "email")
        self.fields["lead"].choices = [
            ("", _("Anyone")),
            (NO_LEAD, _("Nobody yet")),
            *((str(user.pk), user.get_full_name() or user.email) for user in leads),
        ]
        self.leads = {str(user.pk): user for user in leads}
        self.fields["region"].choices = [("", _("All regions")), *ProgrammeRegion.choices]
        self.fields["phase"].choices = [("", _("All phases")), *((phase.key, phase.label) for phase in workflow.PHASES)]

    def clean_lead(self) -> Any:
        value = self.cleaned_data["lead"]
        if value in ("", NO_LEAD):
            return value or None
        return self.leads[value]


class CoverageFilterForm(forms.Form):
    """The stakeholder coverage matrix's filters (GET, kept in the address and in its exports)."""

    candidates_only = forms.BooleanField(label=_("Countries with a candidate only"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions")), *ProgrammeRegion.choices]


class TransitionForm(forms.Form):
    expected_stage = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Recorded in the stage history with your name and the time."),
    )
    review_date = DateField(label=_("Review by"), required=False, widget=AdminDateInput)

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
    identified_on = DateField(label=_("Identified on"), widget=AdminDateInput)
    source = forms.ChoiceField(label=_("How it was identified"), choices=CandidateProfile.Source.choices)
    lead_staff = forms.ModelChoiceField(label=_("Lead staff member"), queryset=User.objects.none(), required=False)
    notes = forms.CharField(label=_("Staff notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_staff"].queryset = lead_staff_choices()

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
        field_classes = {"identified_on": DateField, "host_confirmed_on": DateField, "target_membership_on": DateField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_staff"].queryset = lead_staff_choices()
        if self.instance.pk:
            self.fields["lead_staff"].initial = self.instance.hotline.lead_staff_id


def document_field(label: str) -> forms.FileField:
    """An office document to upload: the accepted types named beside it, checked by content."""
    return forms.FileField(
        label=label, help_text=accepted_types_text, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE})
    )


def valid_until_field() -> DateField:
    return DateField(
        label=_("Valid until (optional)"),
        required=False,
        widget=DatePickerInput,
        help_text=_("For certificates and other documents that expire: the items it supports reopen after this date."),
    )


class DocumentUploadForm(forms.Form):
    document = document_field(_("Document"))

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


# -- Dossier: checklist items and evidence ----------------------------------------------------
class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Explain how you meet this item; attach documents below where evidence is required."),
    )


class EvidenceUploadForm(DocumentUploadForm):
    description = forms.CharField(label=_("Description (optional)"), max_length=300, required=False)
    expires_on = valid_until_field()


class ReplaceDocumentForm(DocumentUploadForm):
    document = document_field(_("New version"))
    expires_on = valid_until_field()


class LinkEvidenceForm(forms.Form):
    document = forms.ModelChoiceField(
        label=_("A document already in your dossier"), queryset=None, empty_label=_("Choose a document")
    )

    def __init__(self, *args: Any, documents: Any, **kwargs: Any) -> None:
        # Its own ids: the upload form on the same page has a "document" field too (one id, one label each).
        kwargs.setdefault("auto_id", "id_link_%s")
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class ReviewerCommentForm(CommentForm):
    """A comment from the association's side: who reads it (staff only is offered to network staff)."""

    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=CommentVisibility.choices,
        initial=CommentVisibility.REVIEWERS,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Only comments shared with the candidate reach the portal and the candidate's emails. "
            "Left empty: reviewers and staff."
        ),
    )

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not staff:
            self.fields["visibility"].choices = [
                choice for choice in CommentVisibility.choices if choice[0] != CommentVisibility.STAFF
            ]


class ReviewForm(forms.Form):
    """One text box shared by the review buttons (accept, request changes, waive, ...)."""

    comment = forms.CharField(
        label=_("Comment or reason"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to request changes (the candidate sees it) and to waive (the reason)."),
    )
    due_on = DateField(
        label=_("Due again on"),
        required=False,
        help_text=_(
            "When requesting changes: the date the candidate should answer by. Empty: the template's period from today."
        ),
        widget=AdminDateInput,
    )


class CorrectiveActionCompleteForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


# -- Dossier: reviewers -----------------------------------------------------------------------
def reviewers() -> Any:
    return User.objects.filter(groups__name=str(Role.REVIEWER), is_active=True, is_superuser=False).distinct()


class ReviewerAssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=User.objects.none())

    def __init__(self, *args: Any, hotline: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers().exclude(review_assignments__hotline=hotline).order_by("email")


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this candidate or its host organisation?"),
        choices=[("no", _("No, I have no conflict of interest")), ("yes", _("Yes, I have a conflict of interest"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=_(
            "For example: you work or worked for the host organisation or a funder of it, a relative works there, "
            "or you advise it. When in doubt, declare it and explain."
        ),
    )
    statement = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you declare a conflict."),
    )


# -- Dossier: assessments and decisions -------------------------------------------------------
class AssessmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Assessment.Kind.choices)
    mode = forms.ChoiceField(label=_("Mode"), choices=Assessment.Mode.choices)
    starts_on = DateField(label=_("Starts on"), widget=AdminDateInput)
    ends_on = DateField(label=_("Ends on"), required=False, widget=AdminDateInput)
    time_zone = time_zone_field(
        label=_("Time zone of the visit"), help_text=_("Empty: the hotline country's main time zone.")
    )


class AssessmentEditForm(AssessmentForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), widget=forms.Textarea(attrs={"rows": 3}))


class FindingsForm(forms.Form):
    """A rating and a finding for each of the 14 areas."""

    def __init__(self, *args: Any, findings: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for area, _label in checklist_rules.AREAS:
            finding = findings.get(area)
            self.fields[f"rating_{area}"] = forms.ChoiceField(
                label=_("Rating: %(area)s") % {"area": checklist_rules.area_label(area)},
                choices=[("", _("Not assessed yet")), *Finding.Rating.choices],
                required=False,
                initial=finding.rating if finding else "",
            )
            self.fields[f"text_{area}"] = forms.CharField(
                label=_("Finding: %(area)s") % {"area": checklist_rules.area_label(area)},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=finding.text if finding else "",
            )

    def areas(self) -> list[tuple[int, str, Any, Any]]:
        return [
            (area, checklist_rules.area_label(area), self[f"rating_{area}"], self[f"text_{area}"])
            for area, _label in checklist_rules.AREAS
        ]

    def findings(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {area: (data[f"rating_{area}"], data[f"text_{area}"]) for area, _label in checklist_rules.AREAS}


class CorrectiveActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    description = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    area = forms.TypedChoiceField(
        label=_("Area"),
        choices=[("", "—"), *checklist_rules.AREAS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    owner = forms.CharField(label=_("Owner"), max_length=200, help_text=_("Who at the hotline does it."))
    due_on = DateField(label=_("Due on"), widget=AdminDateInput)


class ReportForm(forms.Form):
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=())
    summary = forms.CharField(label=_("Report summary"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].choices = [("", "—"), *assessment.recommendation_choices()]


class DecisionForm(forms.Form):
    body = forms.CharField(label=_("Decision-making body"), max_length=200, initial=_("Board"))
    decided_on = DateField(label=_("Decided on"), widget=AdminDateInput)
    minutes_reference = forms.CharField(label=_("Minutes reference"), max_length=200)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0)
    votes_abstaining = forms.IntegerField(label=_("Abstentions"), min_value=0)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionCorrectionForm(DecisionForm):
    """The recorded decision's values to correct, and why (kept with the correction, shown in the history)."""

    reason = forms.CharField(
        label=_("Why is it corrected?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the correction and, when the stage changes, in the stage history."),
    )


class IndependentReviewForm(forms.Form):
    """A reviewer's own review: a verdict and a comment per area, the recommendation and its reasons.
    Saving keeps a draft (anything may be left open); submitting needs it complete (the service says what
    is missing)."""

    recommendation = forms.ChoiceField(
        label=_("Overall recommendation"),
        choices=[("", "—"), *Recommendation.choices],
        required=False,
    )
    reasons = forms.CharField(
        label=_("Reasons"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, areas: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        for area, label in areas:
            self.fields[f"verdict_{area}"] = forms.ChoiceField(
                label=label, choices=[("", "—"), *Verdict.choices], required=False
            )
            self.fields[f"comment_{area}"] = forms.CharField(
                label=_("Comment on %(area)s") % {"area": label},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def area_fields(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(label, self[f"verdict_{area}"], self[f"comment_{area}"]) for area, label in self.areas]

    def verdicts(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            area: (data.get(f"verdict_{area}", ""), data.get(f"comment_{area}", ""))
            for area, _label in self.areas
            if data.get(f"verdict_{area}") or data.get(f"comment_{area}")
        }


class ConsolidationForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Consolidated recommendation"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Say how the reviewers' disagreements were weighed."),
    )


class AdoptionForm(forms.Form):
    adopted_on = DateField(label=_("Adopted by the General Assembly on"), widget=AdminDateInput)
    minutes_reference = forms.CharField(label=_("General Assembly minutes reference"), max_length=200)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0)
    votes_abstaining = forms.IntegerField(label=_("Abstentions"), min_value=0)


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label=_("Grounds of your appeal"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6})
    )


class AppealAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the appeal"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Emailed to the candidate's users. If the decision changes, correct it as well."),
    )


class ReassignLeadForm(forms.Form):
    hotlines = forms.ModelMultipleChoiceField(
        queryset=Hotline.objects.none(),
        label=_("Candidates"),
        error_messages={"required": _("Tick at least one candidate.")},
    )
    lead_staff = forms.ChoiceField(label=_("New lead staff member"))
    next = forms.CharField(required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hotlines"].queryset = Hotline.objects.visible_to(user).select_related("lead_staff")
        leads = lead_staff_choices().order_by("first_name", "last_name", "email")
        self.fields["lead_staff"].choices = [
            (NO_LEAD, _("Nobody yet")),
            *((str(person.pk), person.get_full_name() or person.email) for person in leads),
        ]
        self.leads = {str(person.pk): person for person in leads}

    def clean_lead_staff(self) -> Any:
        value = self.cleaned_data["lead_staff"]
        return None if value == NO_LEAD else self.leads[value]
