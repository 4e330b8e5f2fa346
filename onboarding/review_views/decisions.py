"""The decision path on the assessment page, after the Board's decision: the General Assembly's adoption,
the decision letter (sent through the portal; staff download the same PDF) and answers to appeals. The
decision is loaded through its assessment (`visible_to`); rules live in `selectors.decisions`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View

from onboarding import letters, selectors, services
from onboarding.admin_views import OnboardingAdminMixin, PermissionRequiredMixin, _add_errors
from onboarding.forms import AdoptionForm, AppealAnswerForm
from onboarding.models import Decision, Interaction
from onboarding.review_views.assessments import _assessment_or_404
from onboarding.review_views.common import _errors


def _decision_or_404(request: HttpRequest, assessment_pk: int) -> Decision:
    assessment = _assessment_or_404(request, assessment_pk)
    return get_object_or_404(
        Decision.objects.visible_to(request.user).select_related("assessment"), assessment=assessment
    )


def letter_response(decision: Decision) -> HttpResponse:
    """The sent letter as a PDF download (the caller loaded `decision` through `visible_to`)."""
    if decision.letter_sent_at is None:
        raise Http404("No letter was sent.")
    data = selectors.decision_letter_data(decision=decision)
    response = HttpResponse(letters.build_decision_letter(data), content_type="application/pdf")
    name = f"{decision.assessment.reference}-decision-{letters.letter_language(data.language)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class DecisionAdoptView(OnboardingAdminMixin, FormView):
    permission_required = "onboarding.change_decision"
    template_name = "onboarding/admin/form.html"
    form_class = AdoptionForm
    page_title = gettext_lazy("Record the General Assembly's adoption")
    header_icon = "success"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.decision = _decision_or_404(request, kwargs["pk"])
        refusal = selectors.adoption_refusal(decision=self.decision)
        if refusal:
            messages.error(request, refusal)
            self.refused = True
        else:
            self.refused = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().dispatch(request, *args, **kwargs)
        return redirect("onboarding_admin:assessment", kwargs["pk"]) if self.refused else response

    def get_page_subtitle(self) -> str:
        return self.decision.assessment.hotline.brand_name

    def get_initial(self) -> dict[str, Any]:
        return {"adopted_on": timezone.localdate()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        d = self.decision
        return {
            **super().get_context_data(**kwargs),
            "intro": _(
                "The Board decided on %(date)s: %(outcome)s (%(vote)s). Once the General Assembly's adoption is "
                "recorded, the decision takes effect and the candidate moves out of “Decision pending”."
            )
            % {"date": d.decided_on.isoformat(), "outcome": d.get_outcome_display(), "vote": d.vote_text},
            "cancel_url": reverse("onboarding_admin:assessment", args=[d.assessment_id]),
        }

    def form_valid(self, form: AdoptionForm) -> HttpResponse:
        try:
            services.decision_adopt(decision=self.decision, acting_user=self.request.user, **form.cleaned_data)
        except services.StageChangedMeanwhile as exc:
            _errors(self.request, exc)
            return redirect("onboarding_admin:assessment", self.decision.assessment_id)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The General Assembly's adoption is recorded; the decision is in effect."))
        return redirect("onboarding_admin:assessment", self.decision.assessment_id)


class DecisionLetterSendView(PermissionRequiredMixin, View):
    permission_required = "onboarding.change_decision"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        decision = _decision_or_404(request, pk)
        try:
            sent = services.decision_send_letter(decision=decision, acting_user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("Decision letter sent through the portal; appeals are accepted until %(date)s.")
                % {"date": sent.appeal_until.isoformat()},
            )
        return redirect("onboarding_admin:assessment", pk)


class DecisionLetterView(PermissionRequiredMixin, View):
    permission_required = "onboarding.view_decision"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return letter_response(_decision_or_404(request, pk))


class AppealAnswerView(PermissionRequiredMixin, View):
    permission_required = "onboarding.change_interaction"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        appeal = get_object_or_404(
            Interaction.objects.visible_to(request.user).filter(appeal_of__isnull=False).select_related("appeal_of"),
            pk=pk,
        )
        # The appeal is answered from its decision's page: the decision must be open to the user too.
        decision = _decision_or_404(request, appeal.appeal_of.assessment_id)
        form = AppealAnswerForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Write the answer to the appeal."))
        else:
            try:
                services.appeal_answer(appeal=appeal, answer=form.cleaned_data["answer"], acting_user=request.user)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("Answer recorded and emailed to the candidate's users."))
        return redirect("onboarding_admin:assessment", decision.assessment_id)
