"""Staff and reviewer screens of members' self-assessments: asking a member for one (from the member
cycle board or a planned review; confirm, then act) and reading it (network staff, and the reviewers
assigned to the hotline). Every object is read through `visible_to(user)`; a foreign one answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from core.confirm import ConfirmFirstMixin, spelled_date
from network.models import Hotline
from onboarding import selectors, services
from onboarding.admin_views import AdminPage, OnboardingAdminMixin, _add_errors
from onboarding.models import SelfAssessment
from onboarding.selfassessment_forms import SelfAssessmentRequestForm
from onboarding.services.selfassessment import default_due_on


class SelfAssessmentRequestView(ConfirmFirstMixin, OnboardingAdminMixin, FormView):
    permission_required = "onboarding.add_selfassessment"
    template_name = "onboarding/admin/form.html"
    form_class = SelfAssessmentRequestForm
    page_title = gettext_lazy("Ask for the self-assessment")
    header_icon = "clipboard-list"
    confirm_label = gettext_lazy("Ask for it")

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.hotline = get_object_or_404(Hotline.objects.visible_to(request.user).members(), pk=kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return self.hotline.brand_name

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "hotline": self.hotline}

    def get_initial(self) -> dict[str, Any]:
        review = self.request.GET.get("review", "")
        return {"review": int(review)} if review.isdigit() else {}

    def _due_on(self, form: SelfAssessmentRequestForm) -> Any:
        review = form.cleaned_data.get("review")
        if form.cleaned_data.get("due_on"):
            return form.cleaned_data["due_on"]
        return default_due_on(review, today=timezone.localdate()) if review else None

    def consequences(self, form: SelfAssessmentRequestForm) -> list[str]:
        review = form.cleaned_data.get("review")
        due_on = self._due_on(form)
        lines = [
            _("%(hotline)s's portal users are emailed and answer it in the portal.")
            % {"hotline": self.hotline.brand_name},
            _("Due on %(date)s.") % {"date": spelled_date(due_on)} if due_on else _("A due date is needed."),
        ]
        if review:
            lines.append(
                _("It prepares the review %(reference)s starting %(date)s; its reviewers read it once submitted.")
                % {"reference": review.reference, "date": spelled_date(review.starts_on)}
            )
        return lines

    def confirmed_valid(self, form: SelfAssessmentRequestForm) -> HttpResponse:
        try:
            created = services.self_assessment_request(
                hotline=self.hotline,
                review=form.cleaned_data.get("review"),
                due_on=form.cleaned_data.get("due_on"),
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Self-assessment asked of %(hotline)s, due %(date)s.")
            % {"hotline": self.hotline.brand_name, "date": spelled_date(created.due_on)},
        )
        return redirect("onboarding_admin:self_assessment", created.pk)


class SelfAssessmentView(AdminPage):
    """A member's self-assessment as staff and the assigned reviewers read it."""

    permission_required = "onboarding.view_selfassessment"
    template_name = "onboarding/admin/self_assessment.html"
    page_title = gettext_lazy("Self-assessment")
    header_icon = "clipboard-list"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.object = get_object_or_404(
            SelfAssessment.objects.visible_to(request.user).select_related(
                "hotline__country", "review", "template", "requested_by", "submitted_by"
            ),
            pk=kwargs["pk"],
        )

    def get_page_subtitle(self) -> str:
        return self.object.hotline.brand_name

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "page": selectors.self_assessment_page(user=self.request.user, self_assessment=self.object),
            "today": timezone.localdate(),
        }
