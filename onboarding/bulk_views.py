"""Bulk work on onboarding records.

Invite several organisations to a roundtable in one form: the organisations of the roundtable's
country (or another country, for regional and international bodies) not invited yet, narrowed by
name as staff type, each with a suggested sector; a confirmation lists who will be invited.
The rules and the write are `services.roundtable_invite_organisations`'.

Reassign the lead staff member of the candidates ticked in the candidate list, after a confirmation
(`services.candidates_reassign_lead`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView

from core.confirm import ConfirmFirstMixin
from network.models import Country, Sector
from onboarding import selectors, services
from onboarding.admin_views import OnboardingAdminMixin, _roundtable_or_404
from onboarding.forms import ReassignLeadForm
from onboarding.models import Roundtable
from onboarding.selectors import Invitable


class InviteForm(forms.Form):
    """One "invite" box and one sector per organisation offered."""

    def __init__(self, *args: Any, offered: list[Invitable], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered = offered
        for row in offered:
            pk = row.organisation.pk
            self.fields[f"pick_{pk}"] = forms.BooleanField(required=False, label=row.organisation.name)
            self.fields[f"sector_{pk}"] = forms.ChoiceField(
                choices=[("", "—"), *Sector.choices],
                required=False,
                initial=row.suggested_sector,
                label=_("Sector of %(name)s") % {"name": row.organisation.name},
            )

    def rows(self) -> list[tuple[Invitable, forms.BoundField, forms.BoundField]]:
        return [
            (row, self[f"pick_{row.organisation.pk}"], self[f"sector_{row.organisation.pk}"]) for row in self.offered
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        invitations = []
        for row in self.offered:
            pk = row.organisation.pk
            if not data.get(f"pick_{pk}"):
                continue
            if not data.get(f"sector_{pk}"):
                self.add_error(
                    f"sector_{pk}", _("Choose the sector %(name)s takes part as.") % {"name": row.organisation.name}
                )
            invitations.append((row.organisation, data.get(f"sector_{pk}", "")))
        if not invitations:
            raise ValidationError(_("Tick at least one organisation to invite."))
        data["invitations"] = invitations
        return data


class RoundtableInviteView(OnboardingAdminMixin, ConfirmFirstMixin, FormView):
    permission_required = "onboarding.add_roundtableparticipant"
    template_name = "onboarding/admin/roundtable_invite.html"
    form_class = InviteForm
    page_title = gettext_lazy("Invite organisations")
    header_icon = "group"

    @cached_property
    def roundtable(self) -> Roundtable:
        return _roundtable_or_404(self.request, self.kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return self.roundtable.title

    def country(self) -> Country:
        code = (self.request.GET.get("country") or "").upper()
        return Country.objects.filter(code=code).first() or self.roundtable.country

    def query(self) -> str:
        return (self.request.GET.get("q") or "")[:100]

    def get_form_kwargs(self) -> dict[str, Any]:
        offered = selectors.invitable_organisations(
            roundtable=self.roundtable, user=self.request.user, country=self.country(), query=self.query()
        )
        return {**super().get_form_kwargs(), "offered": offered}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            roundtable=self.roundtable,
            country=self.country(),
            countries=Country.objects.order_by("name").only("code", "name"),
            query=self.query(),
            roundtable_url=reverse("onboarding_admin:roundtable", args=[self.roundtable.pk]),
        )
        return context

    def consequences(self, form: forms.Form) -> list[str]:
        invitations = form.cleaned_data["invitations"]
        head = ngettext(
            "%(count)s organisation is invited to %(roundtable)s:",
            "%(count)s organisations are invited to %(roundtable)s:",
            len(invitations),
        ) % {"count": len(invitations), "roundtable": self.roundtable.title}
        return [head, *(f"{org.name}: {Sector(sector).label}" for org, sector in invitations)]

    @property
    def confirm_label(self) -> str:
        return _("Invite them")

    def confirmed_valid(self, form: forms.Form) -> HttpResponse:
        try:
            created = services.roundtable_invite_organisations(
                roundtable=self.roundtable, invitations=form.cleaned_data["invitations"], acting_user=self.request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext("%(count)s organisation invited.", "%(count)s organisations invited.", len(created))
            % {"count": len(created)},
        )
        return redirect("onboarding_admin:roundtable", self.roundtable.pk)


class CandidateReassignView(OnboardingAdminMixin, ConfirmFirstMixin, FormView):
    """From the candidate list: the ticked candidates get a new lead staff member, after a confirmation
    that lists each change (`services.candidates_reassign_lead`)."""

    http_method_names = ["post"]
    permission_required = "onboarding.change_candidateprofile"
    template_name = "onboarding/admin/form.html"
    form_class = ReassignLeadForm
    page_title = gettext_lazy("Reassign the lead staff member")
    header_icon = "user"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def back(self, form: forms.Form) -> str:
        target = form.data.get("next") or ""
        list_url = reverse("onboarding_admin:candidates")
        return target if target.startswith(list_url) else list_url

    def form_valid(self, form: forms.Form) -> HttpResponse:
        if self.request.POST.get("confirmed") == "change":
            return redirect(self.back(form))
        return super().form_valid(form)

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        messages.error(self.request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(self.back(form))

    def consequences(self, form: forms.Form) -> list[str]:
        lead = form.cleaned_data["lead_staff"]
        new = (lead.get_full_name() or lead.email) if lead else _("nobody yet")
        lines = []
        for hotline in sorted(form.cleaned_data["hotlines"], key=lambda h: h.brand_name):
            old = hotline.lead_staff
            before = (old.get_full_name() or old.email) if old else _("nobody yet")
            if old == lead:
                lines.append(_("%(hotline)s: already led by %(lead)s, unchanged") % {"hotline": hotline, "lead": new})
            else:
                lines.append(
                    _("%(hotline)s: %(before)s → %(after)s") % {"hotline": hotline, "before": before, "after": new}
                )
        return lines

    @property
    def confirm_label(self) -> str:
        return _("Reassign")

    def confirmed_valid(self, form: forms.Form) -> HttpResponse:
        try:
            changed = services.candidates_reassign_lead(
                hotlines=list(form.cleaned_data["hotlines"]),
                lead_staff=form.cleaned_data["lead_staff"],
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
            return redirect(self.back(form))
        messages.success(
            self.request,
            ngettext("%(count)s candidate reassigned.", "%(count)s candidates reassigned.", len(changed))
            % {"count": len(changed)},
        )
        return redirect(self.back(form))
