"""Forms of the member portal and the staff import page. Validation rules live on the models;
these forms only choose the fields, scope the choices to the user's hotline and word the help."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.forms import CountryMultiSelect, DateField, DatePickerInput
from network.models import (
    Analyst,
    Contact,
    Country,
    Hotline,
    HotlineAnnualProfile,
    HotlineStatistics,
    TrainingEvent,
)
from network.services import ANALYST_FIELDS, ANNUAL_PROFILE_FIELDS, PROFILE_FIELDS, STATISTICS_FIELDS

DateInput = DatePickerInput


def time_zone_field(**kwargs: Any) -> forms.ChoiceField:
    """A choice of the tz database's zones (empty: the default the help text names)."""
    from network.time_zones import zone_choices

    return forms.ChoiceField(choices=[("", "—"), *zone_choices()], required=False, **kwargs)


def _percentage_widget() -> forms.NumberInput:
    return forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.01", "inputmode": "decimal"})


class PublicProfileForm(forms.ModelForm):
    class Meta:
        model = Hotline
        fields = PROFILE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6, "maxlength": 2000}),
            "countries_served": CountryMultiSelect,
        }
        help_texts = {
            "public_reporting_url": _("The page where the public reports to your hotline (https://...)."),
            "description": _("Shown in the public “where to report” directory. Up to 2,000 characters."),
            "point_of_contact": _("The person the association writes to about your hotline."),
            "reporting_languages": _(
                "The languages people can report to you in, as ISO 639-1 codes separated by commas (e.g. en, fr). "
                "Shown in the public directory."
            ),
            "anonymous_reports": _("Shown in the public directory, so people know before they report."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hotline: Hotline = self.instance
        self.fields["countries_served"].queryset = Country.objects.order_by("name")
        # Django shows help text as HTML: stored names in it are escaped.
        self.fields["countries_served"].help_text = format_html(
            _("Every country you take reports for. Your home country ({country}) is always included."),
            country=str(hotline.country),
        )
        self.fields["point_of_contact"].queryset = Contact.objects.not_erased().filter(
            organisation_id=hotline.host_organisation_id
        )


class AnnualProfileForm(forms.ModelForm):
    class Meta:
        model = HotlineAnnualProfile
        fields = ANNUAL_PROFILE_FIELDS
        widgets = {
            "welfare_policy_reviewed_on": DateInput(),
            "fte": forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
        }
        field_classes = {"welfare_policy_reviewed_on": DateField}
        help_texts = {
            "analyst_headcount": _("People who assess reports, whatever their working hours."),
            "fte": _("Full-time equivalents of those people, e.g. 2.5. Cannot exceed the headcount."),
            "le_mou_in_force": _("A signed memorandum of understanding with law enforcement is in force."),
        }


class StatisticsForm(forms.ModelForm):
    class Meta:
        model = HotlineStatistics
        fields = STATISTICS_FIELDS
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "reports_received": forms.NumberInput(attrs={"min": 0}),
            "content_urls_processed": forms.NumberInput(attrs={"min": 0}),
            "share_assessed_illegal": _percentage_widget(),
            "share_removed_within_3_days": _percentage_widget(),
            "share_referred_le_within_3_days": _percentage_widget(),
        }
        field_classes = {"period_start": DateField, "period_end": DateField}
        help_texts = {
            "period_start": _("Usually 1 January of the year you report on."),
            "period_end": _("Usually 31 December. The period must have ended."),
            "reports_received": _("Reports from the public and others in the period. A count, 0 or more."),
            "content_urls_processed": _("Content URLs your analysts assessed in the period. A count, 0 or more."),
            "share_assessed_illegal": _("Percentage (0-100) of the processed URLs assessed illegal."),
            "share_removed_within_3_days": _(
                "Percentage (0-100) of the processed URLs removed within 3 working days; "
                "not more than the share assessed illegal."
            ),
            "share_referred_le_within_3_days": _(
                "Percentage (0-100) of the processed URLs referred to law enforcement within 3 working days; "
                "not more than the share assessed illegal."
            ),
        }


class StatisticsAnswerForm(StatisticsForm):
    """A queried return: the figures, corrected if needed, and the answer to the association's query."""

    answer = forms.CharField(
        label=_("Your answer to the association's query"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say what you checked or corrected; the association sees it with the resubmitted return."),
    )

    field_order = ["answer"]


class AnalystForm(forms.ModelForm):
    class Meta:
        model = Analyst
        fields = ANALYST_FIELDS
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}
        field_classes = {"started_on": DateField, "ended_on": DateField}
        help_texts = {
            "code": _(
                "The pseudonymous code your hotline uses for this person: 2-20 capital letters, digits, - or _, "
                "with at least one digit (e.g. AN-07). Never a name."
            ),
            "ended_on": _("Fill in when the person leaves; their training record stays."),
        }

    def clean_code(self) -> str:
        code = (self.cleaned_data.get("code") or "").strip().upper()
        clash = Analyst.objects.filter(hotline_id=self.instance.hotline_id, code=code).exclude(pk=self.instance.pk)
        if code and clash.exists():
            raise forms.ValidationError(
                _("Your hotline already has an analyst with the code %(code)s.") % {"code": code}
            )
        return code


class NominationForm(forms.Form):
    analysts = forms.ModelMultipleChoiceField(
        label=_("Analysts to nominate"),
        queryset=Analyst.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Active analysts of your hotline who do not have a place at this event yet."),
    )

    def __init__(self, *args: Any, hotline: Hotline, event: TrainingEvent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["analysts"].queryset = (
            Analyst.objects.filter(hotline=hotline).working_on().exclude(participations__event=event).order_by("code")
        )
        self.fields["analysts"].label_from_instance = lambda analyst: f"{analyst.code} ({analyst.get_role_display()})"


class WorkbookUploadForm(forms.Form):
    workbook = forms.FileField(
        label=_("Network workbook (.xlsx)"),
        help_text=_("A workbook exported from this toolkit, or one laid out as docs/data-format.md describes."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_workbook(self) -> Any:
        from core.uploads import check_document

        upload = self.cleaned_data["workbook"]
        checked = check_document(upload)
        if checked.kind.key != "xlsx":
            raise forms.ValidationError(
                _("Upload an XLSX workbook; this file is a %(kind)s.") % {"kind": checked.kind.label}
            )
        return upload
