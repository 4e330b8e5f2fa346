"""A training event's roster in the admin: who has a place, and bulk work on it.

- the roster page (`network_event:roster`): every participant with a checkbox; mark the chosen ones
  confirmed, completed or did not complete, or issue their certificates, after a confirmation
  that lists each change;
- adding analysts (`network_event:roster_add`): choose hotlines, see which of their working analysts
  would get a place, confirm.

The rules and the writes are `network.roster`'s services; these views only read the forms.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from accounts.access import may
from core.admin import TitledPageMixin
from core.confirm import ConfirmFirstMixin, spelled_date
from core.forms import DateField
from network import roster
from network.models import Analyst, Hotline, ProgrammeRegion, TrainingEvent, TrainingParticipation

CERTIFY = "certify"
ACTIONS = [
    (TrainingParticipation.Status.CONFIRMED.value, gettext_lazy("Mark as confirmed")),
    (TrainingParticipation.Status.COMPLETED.value, gettext_lazy("Mark as completed")),
    (TrainingParticipation.Status.NOT_COMPLETED.value, gettext_lazy("Mark as did not complete")),
    (CERTIFY, gettext_lazy("Issue certificates")),
]


class RosterActionForm(forms.Form):
    participations = forms.ModelMultipleChoiceField(
        queryset=TrainingParticipation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Participants"),
        error_messages={"required": gettext_lazy("Tick at least one participant.")},
    )
    action = forms.ChoiceField(choices=ACTIONS, label=gettext_lazy("Action"))
    certified_on = DateField(
        required=False,
        label=gettext_lazy("Certificates dated"),
        help_text=gettext_lazy("Only for “Issue certificates”: the day they were awarded."),
    )

    def __init__(self, *args: Any, event: TrainingEvent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participations"].queryset = event.participations.select_related("analyst__hotline")
        self.fields["participations"].label_from_instance = lambda p: p.participant_label

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == CERTIFY and not data.get("certified_on"):
            self.add_error("certified_on", _("Give the date the certificates were awarded."))
        return data


class RosterMixin(TitledPageMixin, WagtailAdminTemplateMixin):
    header_icon = "tick"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm("network.view_trainingparticipation"):
            raise PermissionDenied
        self.event = get_object_or_404(
            TrainingEvent.objects.visible_to(request.user).select_related("course", "country"), pk=kwargs["pk"]
        )
        if request.method != "GET" and not may(request.user, roster.ROSTER_ACTION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("network_event:index"), "label": _("Training events")},
            {"url": reverse("network_event:inspect", args=[self.event.pk]), "label": str(self.event)},
            {"url": "", "label": self.get_page_title()},
        ]

    def roster_url(self) -> str:
        return reverse("network_event:roster", args=[self.event.pk])


class EventRosterView(RosterMixin, ConfirmFirstMixin, FormView):
    """The roster (GET, for every reader of training); its form posts to `EventRosterUpdateView`."""

    http_method_names = ["get", "head", "options"]
    template_name = "network/admin/event_roster.html"
    form_class = RosterActionForm
    page_title = gettext_lazy("Roster")

    def get_page_subtitle(self) -> str:
        return str(self.event)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "event": self.event}

    def get_initial(self) -> dict[str, Any]:
        return {"certified_on": min(self.event.ends_on or self.event.starts_on, timezone.localdate())}

    def participations(self) -> QuerySet:
        return self.event.participations.select_related("analyst__hotline__country", "organisation").order_by(
            "analyst__hotline__brand_name", "analyst__code", "reference", "pk"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = list(self.participations())
        form = context["form"]
        chosen = {str(pk) for pk in (form["participations"].value() or [])}
        counts = {status: 0 for status, _label in TrainingParticipation.Status.choices}
        for row in rows:
            counts[row.status] += 1
        context.update(
            event=self.event,
            rows=rows,
            chosen=chosen,
            counts=[(label, counts[status]) for status, label in TrainingParticipation.Status.choices],
            certified=sum(1 for row in rows if row.certified_on),
            can_edit=may(self.request.user, roster.ROSTER_ACTION),
            add_url=reverse("network_event:roster_add", args=[self.event.pk]),
            update_url=reverse("network_event:roster_update", args=[self.event.pk]),
            list_url=reverse("network_participation:index") + f"?event={self.event.pk}",
        )
        return context

    def consequences(self, form: forms.Form) -> list[str]:
        chosen = sorted(form.cleaned_data["participations"], key=lambda p: p.participant_label)
        action = form.cleaned_data["action"]
        if action == CERTIFY:
            day = form.cleaned_data["certified_on"]
            expiry = self.event.course.certificate_expiry(day)
            until = spelled_date(expiry) if expiry else _("does not expire")
            return [
                _("%(who)s: certificate dated %(day)s, valid until %(until)s")
                % {"who": p.participant_label, "day": spelled_date(day), "until": until}
                for p in chosen
            ]
        label = TrainingParticipation.Status(action).label
        return [
            _("%(who)s: %(before)s → %(after)s")
            % {"who": p.participant_label, "before": p.get_status_display(), "after": label}
            for p in chosen
        ]

    @property
    def confirm_label(self) -> str:
        return _("Apply to the chosen participants")

    def confirmed_valid(self, form: forms.Form) -> HttpResponse:
        chosen = list(form.cleaned_data["participations"])
        action = form.cleaned_data["action"]
        try:
            if action == CERTIFY:
                rows = roster.roster_certify(
                    event=self.event,
                    participations=chosen,
                    certified_on=form.cleaned_data["certified_on"],
                    acting_user=self.request.user,
                )
                done = ngettext("%(count)s certificate issued.", "%(count)s certificates issued.", len(rows))
            else:
                rows = roster.roster_set_status(
                    event=self.event, participations=chosen, status=action, acting_user=self.request.user
                )
                done = ngettext("%(count)s participant updated.", "%(count)s participants updated.", len(rows))
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, done % {"count": len(rows)})
        return redirect(self.roster_url())


class EventRosterUpdateView(EventRosterView):
    """The roster's bulk action (capacity staff): confirm, then apply; errors show on the roster."""

    http_method_names = ["post"]


class RosterAddForm(forms.Form):
    hotlines = forms.ModelMultipleChoiceField(
        queryset=Hotline.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Hotlines"),
        help_text=gettext_lazy(
            "Each chosen hotline's analysts who are working (on the event's first day, or today for an event "
            "still to come) and have no place yet get a confirmed place."
        ),
        error_messages={"required": gettext_lazy("Tick at least one hotline.")},
    )

    def __init__(self, *args: Any, event: TrainingEvent, hotlines: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["hotlines"].queryset = hotlines
        self.fields["hotlines"].label_from_instance = lambda h: (
            ngettext(
                "%(name)s (%(country)s): %(count)s analyst without a place",
                "%(name)s (%(country)s): %(count)s analysts without a place",
                h.available,
            )
            % {"name": h.brand_name, "country": h.country.name, "count": h.available}
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("hotlines"):
            data["analysts"] = roster.roster_candidates(event=self.event, hotlines=data["hotlines"])
            if not data["analysts"]:
                self.add_error("hotlines", _("These hotlines have no working analyst without a place at this event."))
        return data


class EventRosterAddView(RosterMixin, ConfirmFirstMixin, FormView):
    template_name = "network/admin/event_roster_add.html"
    form_class = RosterAddForm
    page_title = gettext_lazy("Add analysts to the roster")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may(request.user, roster.ROSTER_ACTION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def region(self) -> str:
        value = self.request.GET.get("region", "")
        return value if value in ProgrammeRegion.values else ""

    def hotlines(self) -> QuerySet:
        day = roster.roster_day(self.event)
        available = Q(analysts__in=Analyst.objects.working_on(day).exclude(participations__event=self.event))
        hotlines = Hotline.objects.visible_to(self.request.user).select_related("country")
        if self.region():
            hotlines = hotlines.filter(country__programme_region=self.region())
        return (
            hotlines.annotate(available=Count("analysts", filter=available, distinct=True))
            .filter(available__gt=0)
            .order_by("brand_name")
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "event": self.event, "hotlines": self.hotlines()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            event=self.event,
            region=self.region(),
            regions=ProgrammeRegion.choices,
            roster_url=self.roster_url(),
        )
        return context

    def consequences(self, form: forms.Form) -> list[str]:
        analysts = form.cleaned_data["analysts"]
        lines = [
            ngettext(
                "%(count)s analyst gets a confirmed place at %(event)s:",
                "%(count)s analysts get a confirmed place at %(event)s:",
                len(analysts),
            )
            % {"count": len(analysts), "event": self.event}
        ]
        lines += [f"{analyst.hotline.brand_name}: {analyst.code}" for analyst in analysts]
        return lines

    @property
    def confirm_label(self) -> str:
        return _("Add them to the roster")

    def confirmed_valid(self, form: forms.Form) -> HttpResponse:
        try:
            added = roster.roster_add(
                event=self.event, analysts=form.cleaned_data["analysts"], acting_user=self.request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext("%(count)s analyst added to the roster.", "%(count)s analysts added to the roster.", len(added))
            % {"count": len(added)},
        )
        return redirect(self.roster_url())
