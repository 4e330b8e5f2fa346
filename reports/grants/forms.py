"""Forms of the Grants menu: the donor's form with its report profile and logo, countries by region,
the metric choice of an indicator, the forms of a grant's rows (opened pre-filled with the grant),
and the activity links shown on roundtable and training event pages (contributed fields)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.contributed_fields import ContributedField
from core.uploads import private_storage
from network.models import Country, ProgrammeRegion, TrainingEvent
from onboarding.models import Roundtable
from reports import metrics, selectors
from reports.donor import profiles
from reports.grants import services as grant_services
from reports.models import (
    Activity,
    Donor,
    Grant,
    Indicator,
    WorkPackage,
)


# -- forms ------------------------------------------------------------------------------------------------
class CurrentLogo:
    """The donor's stored logo as the logo field's initial value: where the admin shows it."""

    def __init__(self, donor: Donor) -> None:
        self.url = reverse("reports_donor:logo", args=[donor.pk])
        self.name = donor.logo_name

    def __str__(self) -> str:
        return _("Current logo")


class LogoInput(forms.ClearableFileInput):
    """A file input showing the current logo (served by a permission-checked view) and a remove box."""

    template_name = "reports/grants/logo_input.html"
    clear_checkbox_label = gettext_lazy("Remove the logo")
    accept = "image/png,image/jpeg"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"accept": self.accept, **(attrs or {})})


class DonorForm(forms.ModelForm):
    """The donor with how its reports acknowledge it. The logo is not a model field: an upload is
    checked and re-encoded as a PNG (`profiles.clean_logo`), stored privately (`profiles.store_logo`)
    and its stored name kept in `logo_name`; removing it clears the name."""

    logo = forms.FileField(
        label=gettext_lazy("Logo"),
        required=False,
        widget=LogoInput,
        help_text=gettext_lazy(
            "For another donor: a PNG or JPEG of at most %(size)s KB and %(pixels)s pixels a side, shown on its "
            "reports' cover. The European Union's reports carry the EU emblem instead."
        )
        % {"size": profiles.LOGO_MAX_BYTES // 1024, "pixels": profiles.LOGO_MAX_PIXELS},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.logo_name:
            self.fields["logo"].initial = CurrentLogo(self.instance)
        if "acknowledgement" in self.fields:
            self.fields["acknowledgement"].help_text = _(
                "For another donor: the sentence its reports carry, e.g. “This work is supported by …”. Not "
                "required, as some donors ask for none; left empty, a report of a donor with the “Other donor” "
                "profile acknowledges nobody, so check the grant agreement first."
            )
        self._new_logo: bytes | None = None
        self._remove_logo = False

    def clean_logo(self) -> Any:
        value = self.cleaned_data.get("logo")
        if isinstance(value, UploadedFile):
            self._new_logo = profiles.clean_logo(value)
        elif value is False:
            self._remove_logo = True
        return value

    def save(self, commit: bool = True) -> Donor:
        donor = super().save(commit=False)
        old = donor.logo_name if (self._new_logo is not None or self._remove_logo) else ""
        if self._new_logo is not None:
            donor.logo_name = profiles.store_logo(self._new_logo)
        elif self._remove_logo:
            donor.logo_name = ""
        if commit:
            donor.save()
            self.save_m2m()
        if old and old != donor.logo_name:
            # Published reports carry their logo in their frozen data: the old file is no longer read.
            transaction.on_commit(lambda: private_storage().delete(old))
        return donor


class CountriesByRegionIterator(ModelChoiceIterator):
    """Countries grouped under their programme region (the checkboxes read like an atlas)."""

    def __iter__(self) -> Any:
        groups: dict[str, list[Any]] = {}
        for country in self.queryset.order_by("programme_region", "name"):
            groups.setdefault(country.programme_region or "", []).append(self.choice(country))
        labels = dict(ProgrammeRegion.choices)
        for region, choices in groups.items():
            yield (labels.get(region, _("No programme region")), choices)


class CountriesField(forms.ModelMultipleChoiceField):
    iterator = CountriesByRegionIterator

    def label_from_instance(self, obj: Country) -> str:
        return obj.name


def single_number_metrics() -> list[metrics.Metric]:
    """The registry's metrics an indicator can use: one number each (counts, shares, days)."""
    return [m for m in metrics.all_metrics() if m.kind in (metrics.COUNT, metrics.PERCENT, metrics.DAYS)]


def metric_choices() -> list[tuple[str, str]]:
    return [("", _("— none: a manual value —")), *((m.key, str(m.label)) for m in single_number_metrics())]


class MetricSelect(forms.Select):
    """A select of the registry's metrics with each one's definition listed beneath it."""

    template_name = "reports/grants/metric_select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["definitions"] = [(str(m.label), str(m.definition), str(m.unit)) for m in single_number_metrics()]
        return context


class GrantChildForm(forms.ModelForm):
    """A row of a grant: its work package (if any) is one of the same grant's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grant_id = self._grant_id()
        for name in ("work_package",):
            if name in self.fields and grant_id:
                self.fields[name].queryset = WorkPackage.objects.filter(grant_id=grant_id)

    def _grant_id(self) -> str | int | None:
        if self.is_bound:
            value = self.data.get(self.add_prefix("grant"))
            return value if value and str(value).isdigit() else None
        if self.instance.grant_id:
            return self.instance.grant_id
        value = self.initial.get("grant")
        return value if value and str(value).isdigit() else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        grant, package = cleaned.get("grant"), cleaned.get("work_package")
        if grant and package and package.grant_id != grant.pk:
            self.add_error("work_package", _("Choose a work package of the same grant."))
        return cleaned


class ActivityForm(GrantChildForm):
    """Roundtables of the grant's countries (and those already linked); training events during the grant."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grant = Grant.objects.filter(pk=self._grant_id()).first() if self._grant_id() else None
        linked_roundtables = self.instance.roundtables.all() if self.instance.pk else Roundtable.objects.none()
        linked_events = self.instance.training_events.all() if self.instance.pk else TrainingEvent.objects.none()
        roundtables = Roundtable.objects.select_related("country").order_by("-starts_at")
        events = TrainingEvent.objects.select_related("course").order_by("-starts_on")
        if grant is not None:
            countries = grant.countries.all()
            if countries.exists():
                roundtables = roundtables.filter(Q(country__in=countries) | Q(pk__in=linked_roundtables.values("pk")))
            events = events.filter(
                Q(starts_on__range=(grant.starts_on, grant.ends_on)) | Q(pk__in=linked_events.values("pk"))
            )
        self.fields["roundtables"].queryset = roundtables.distinct()
        self.fields["training_events"].queryset = events.distinct()
        self.fields["roundtables"].label_from_instance = _roundtable_label
        self.fields["training_events"].label_from_instance = _event_label


class IndicatorForm(GrantChildForm):
    """A metric's baseline is measured on the indicator's scope and baseline day when the indicator is
    made (or its metric, scope or baseline day changes) and kept after that; the baseline field may be
    left empty to take it. Another value needs the justification the model asks for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "baseline" in self.fields:
            self.fields["baseline"].required = False
        self._saved = Indicator.objects.filter(pk=self.instance.pk).select_related("grant").first()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        grant, metric_key = cleaned.get("grant"), cleaned.get("metric_key") or ""
        indicator = self.instance
        indicator.grant = grant
        indicator.metric_key = metric_key
        indicator.scope = cleaned.get("scope") or Indicator.Scope.GRANT
        indicator.baseline_on = cleaned.get("baseline_on")
        if grant is None or self.errors:
            return cleaned
        if not metric_key:
            indicator.baseline_measured = None
            if cleaned.get("baseline") is None:
                cleaned["baseline"] = Decimal(0)
            return cleaned
        if not indicator.measures_like(self._saved) or self._saved.baseline_measured is None:
            try:
                measured = selectors.measured_baseline(indicator)
            except KeyError:
                return cleaned  # the model's clean names the unknown metric
            indicator.baseline_measured = None if measured is None else Decimal(str(round(measured, 2)))
        else:
            indicator.baseline_measured = self._saved.baseline_measured
        if cleaned.get("baseline") is None:
            cleaned["baseline"] = indicator.baseline_measured if indicator.baseline_measured is not None else Decimal(0)
        return cleaned


def grant_activity_fields(model: type, instance: Any) -> list[ContributedField]:
    """The "Grant activities" field of the roundtable and training event forms (`core.contributed_fields`): the
    activities of the grants that funded the event, so that their figures count it."""
    if model is Roundtable:
        field_name = "roundtables"
    elif model is TrainingEvent:
        field_name = "training_events"
    else:
        return []
    activities = Activity.objects.select_related("grant").order_by("-grant__starts_on", "grant__code", "planned_start")
    initial = list(activities.filter(**{field_name: instance})) if instance is not None and instance.pk else []
    field = forms.ModelMultipleChoiceField(
        queryset=activities,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Grant activities"),
        help_text=_(
            "The grant activities that funded this event. A grant that links events counts only the ones it "
            "links in its figures; its page lists the events in its countries and period that none links."
        ),
    )
    field.label_from_instance = _activity_label

    def save(event: Any, value: Any, user: Any) -> None:
        grant_services.event_grant_activities_set(event=event, activities=value or [], acting_user=user)

    return [ContributedField("grant_activities", field, initial, save)]


def _activity_label(activity: Activity) -> str:
    return f"{activity.grant.code} · {activity.title} ({activity.planned_start:%Y-%m-%d})"


def _roundtable_label(roundtable: Roundtable) -> str:
    return f"{timezone.localtime(roundtable.starts_at):%Y-%m-%d} · {roundtable.country.name} · {roundtable.title}"


def _event_label(event: TrainingEvent) -> str:
    return f"{event.starts_on:%Y-%m-%d} · {event.title or event.course.title}"
