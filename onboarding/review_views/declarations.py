"""Reviewers' declarations of interest."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from onboarding import services
from onboarding.admin_views import OnboardingAdminMixin, _add_errors
from onboarding.forms import (
    DeclarationForm,
)
from onboarding.models import (
    ReviewerAssignment,
)


class DeclareView(OnboardingAdminMixin, FormView):
    permission_required = "onboarding.change_reviewerassignment"
    template_name = "onboarding/admin/declare.html"
    form_class = DeclarationForm
    page_title = gettext_lazy("Declare conflicts of interest")
    header_icon = "user"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.assignment = get_object_or_404(
            ReviewerAssignment.objects.visible_to(request.user).select_related(
                "hotline__country", "hotline__host_organisation"
            ),
            pk=kwargs["pk"],
            reviewer=request.user,
        )

    def get_page_subtitle(self) -> str:
        return self.assignment.hotline.brand_name

    def get_initial(self) -> dict[str, Any]:
        if self.assignment.declared:
            return {
                "has_conflict": "yes" if self.assignment.has_conflict else "no",
                "statement": self.assignment.coi_statement,
            }
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "assignment": self.assignment}

    def form_valid(self, form: DeclarationForm) -> HttpResponse:
        try:
            services.reviewer_declare(
                assignment=self.assignment,
                has_conflict=form.cleaned_data["has_conflict"],
                statement=form.cleaned_data["statement"],
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        if form.cleaned_data["has_conflict"]:
            messages.success(self.request, _("Conflict declared: the dossier stays closed to you and staff are told."))
            return redirect("onboarding_admin:assignments")
        messages.success(self.request, _("Declaration recorded: the dossier is open to you."))
        return redirect("onboarding_admin:dossier", self.assignment.hotline_id)
