"""The dashboards' filter form (a plain GET form): period, programme region, UN M49 region, grant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, DatePickerInput
from network.models import ProgrammeRegion
from reports.grants import selectors as grant_selectors
from reports.scope import Period, Scope

# UN M49 regions as stored on countries.
WORLD_REGIONS = (
    ("Africa", _("Africa")),
    ("Americas", _("Americas")),
    ("Asia", _("Asia")),
    ("Europe", _("Europe")),
    ("Oceania", _("Oceania")),
)
EARLIEST = date(1990, 1, 1)


class DashboardFilterForm(forms.Form):
    start = DateField(label=_("From"), required=False, widget=DatePickerInput())
    end = DateField(label=_("To"), required=False, widget=DatePickerInput())
    programme_region = forms.ChoiceField(
        label=_("Programme region"),
        required=False,
        choices=[("", _("All programme regions")), *ProgrammeRegion.choices],
    )
    region = forms.ChoiceField(
        label=_("Region (UN M49)"), required=False, choices=[("", _("All regions")), *WORLD_REGIONS]
    )
    # A grant code, checked in `clean()` against the grants the user may see; the select's options come
    # with the dashboard's cached content (`offer_grants`), so a page load does not query them.
    grant = forms.CharField(label=_("Grant"), required=False, max_length=50, widget=forms.Select)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["grant"].widget.choices = [("", _("All grants"))]

    def offer_grants(self, grants: Sequence[tuple[str, str]]) -> None:
        """The grant filter's options, (code, label) of the grants the user may see, for showing the form
        (after validation: a disabled field ignores what was submitted)."""
        field = self.fields["grant"]
        field.widget.choices = [("", _("All grants")), *grants]
        field.disabled = not grants
        field.help_text = "" if grants else _("No grants are recorded yet.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error(
                "end",
                _("The period ends before it starts: choose an end on or after %(start)s.")
                % {"start": start.isoformat()},
            )
        if start and start < EARLIEST:
            self.add_error("start", _("Choose a start on or after %(day)s.") % {"day": EARLIEST.isoformat()})
        code = data.get("grant")
        if code:
            try:
                data["grant_coverage"] = grant_selectors.grant_coverage(code=code, user=self.user)
            except LookupError:
                self.add_error("grant", _("This grant does not exist or is not visible to you."))
        return data

    def period(self, *, today: date) -> Period | None:
        """The period chosen (an open end runs to today, an open start from the earliest records)."""
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if not start and not end:
            return None
        return Period(start or EARLIEST, end or max(today, start or today))

    def scope(self) -> Scope | None:
        region = self.cleaned_data.get("programme_region") or ""
        world = self.cleaned_data.get("region") or ""
        grant = self.cleaned_data.get("grant_coverage")
        if not (region or world or grant):
            return None
        return Scope.of(regions=[region] if region else [], world_regions=[world] if world else [], grant=grant)

    def active_filters(self) -> dict[str, str]:
        """The filters applied, for links (export) that must keep them."""
        return {
            name: value
            for name in ("start", "end", "programme_region", "region", "grant")
            if (value := self.data.get(name, ""))
        }
