"""Forms of the members' self-assessments: staff asking for one (the review it prepares, the due date),
the member's answers and cited documents, an uploaded document. They check input only; the rules are
the services' and `submission_problems`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import AdminDateInput, DateField
from core.uploads import ACCEPT_ATTRIBUTE, accepted_types_text
from network.models import Hotline
from onboarding.models import Assessment, EvidenceDocument, SelfAssessmentAnswer


class SelfAssessmentRequestForm(forms.Form):
    review = forms.ModelChoiceField(
        label=_("Quality-assurance review it prepares"),
        queryset=Assessment.objects.none(),
        required=False,
        empty_label=_("No review planned yet"),
    )
    due_on = DateField(
        label=_("Due on"),
        required=False,
        widget=AdminDateInput,
    )

    def __init__(self, *args: Any, hotline: Hotline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["review"].queryset = Assessment.objects.filter(
            hotline=hotline,
            kind=Assessment.Kind.QA_REVIEW,
            status__in=[Assessment.Status.PLANNED, Assessment.Status.IN_PROGRESS],
            self_assessment__isnull=True,
        ).order_by("starts_on")
        self.fields["due_on"].help_text = _(
            "Left empty: %(days)s days before the review starts (a date is needed without a review)."
        ) % {"days": settings.QA_SELF_ASSESSMENT_DAYS_BEFORE}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("review") and not cleaned.get("due_on"):
            self.add_error("due_on", _("Give the date it is due, or choose the review it prepares."))
        return cleaned


class SelfAssessmentAnswersForm(forms.Form):
    """One answer and one choice of cited documents per question (`answer_<code>`, `documents_<code>`)."""

    def __init__(
        self, *args: Any, answers: list[SelfAssessmentAnswer], documents: list[EvidenceDocument], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.answers = answers
        choices = [(d.pk, d.original_name) for d in documents]
        for answer in answers:
            self.fields[f"answer_{answer.code}"] = forms.CharField(
                label=answer.title, required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
            )
            self.fields[f"documents_{answer.code}"] = forms.TypedMultipleChoiceField(
                label=_("Supporting documents"),
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            if not self.is_bound:
                self.initial[f"answer_{answer.code}"] = answer.answer
                self.initial[f"documents_{answer.code}"] = [d.pk for d in answer.documents.all()]
        self.documents = {d.pk: d for d in documents}

    def answer_field(self, code: str) -> forms.BoundField:
        return self[f"answer_{code}"]

    def documents_field(self, code: str) -> forms.BoundField:
        return self[f"documents_{code}"]

    def answers_by_code(self) -> dict[str, str]:
        return {a.code: self.cleaned_data.get(f"answer_{a.code}", "") for a in self.answers}

    def documents_by_code(self) -> dict[str, list[EvidenceDocument]]:
        return {
            a.code: [self.documents[pk] for pk in self.cleaned_data.get(f"documents_{a.code}", [])]
            for a in self.answers
        }


class SelfAssessmentUploadForm(forms.Form):
    code = forms.ChoiceField(label=_("Question"))
    file = forms.FileField(
        label=_("Document"),
        help_text=accepted_types_text,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=300)

    def __init__(self, *args: Any, answers: list[SelfAssessmentAnswer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(a.code, f"{a.code} {a.title}") for a in answers]
