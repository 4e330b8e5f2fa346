"""Independent reviews in the admin: a reviewer's own review of a dossier or an assessment (save a draft,
then submit), and the reviews side by side with where they agree and disagree, where network staff record
the consolidated recommendation. What a user reads is `Review.objects.visible_to` (through
`selectors.review_comparison`); the subject is loaded as the dossier is (404 when not open to the user).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onboarding import checklist_rules as rules
from onboarding import selectors, services
from onboarding.admin_views import AdminPage
from onboarding.forms import ConsolidationForm, IndependentReviewForm
from onboarding.models import Review
from onboarding.review_views.assessments import _assessment_or_404
from onboarding.review_views.common import _dossier_hotline_or_404


class ReviewSubjectMixin:
    """Loads the subject: a dossier (`pk`: the hotline) or an assessment (`assessment`)."""

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        if "assessment" in kwargs:
            self.assessment = _assessment_or_404(request, kwargs["assessment"])
            self.hotline = _dossier_hotline_or_404(request, self.assessment.hotline_id)
        else:
            self.assessment = None
            self.hotline = _dossier_hotline_or_404(request, kwargs["pk"])
        self.actors = selectors.dossier_actors(user=request.user, hotline=self.hotline)

    def get_page_subtitle(self) -> str:
        if self.assessment is not None:
            return f"{self.assessment.reference}: {self.hotline.brand_name}"
        return _("Dossier of %(hotline)s") % {"hotline": self.hotline.brand_name}

    def subject_url(self, name: str) -> str:
        if self.assessment is not None:
            return reverse(f"onboarding_admin:{name}_assessment", args=[self.assessment.pk])
        return reverse(f"onboarding_admin:{name}", args=[self.hotline.pk])


class ReviewsView(ReviewSubjectMixin, AdminPage):
    """The reviews side by side; network staff record the consolidated recommendation here."""

    permission_required = "onboarding.view_review"
    template_name = "onboarding/admin/reviews.html"
    page_title = gettext_lazy("Independent reviews")
    header_icon = "doc-full-inverse"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        comparison = selectors.review_comparison(
            user=self.request.user, hotline=self.hotline, assessment=self.assessment
        )
        may_consolidate = rules.STAFF in self.actors and self.request.user.has_perm(
            "onboarding.add_consolidatedrecommendation"
        )
        consolidated = comparison.consolidated
        context.update(
            comparison=comparison,
            hotline=self.hotline,
            assessment=self.assessment,
            is_reviewer=rules.REVIEWER in self.actors,
            edit_url=self.subject_url("review_edit"),
            consolidation_form=(
                kwargs.get("consolidation_form")
                or ConsolidationForm(
                    initial={"recommendation": consolidated.recommendation, "reasons": consolidated.reasons}
                    if consolidated
                    else None
                )
            )
            if may_consolidate
            else None,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if rules.STAFF not in self.actors or not request.user.has_perm("onboarding.add_consolidatedrecommendation"):
            messages.error(request, _("Only network staff record the consolidated recommendation."))
            return redirect(self.subject_url("reviews"))
        form = ConsolidationForm(request.POST)
        if form.is_valid():
            try:
                services.review_consolidate(
                    hotline=self.hotline,
                    assessment=self.assessment,
                    recommendation=form.cleaned_data["recommendation"],
                    reasons=form.cleaned_data["reasons"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Consolidated recommendation recorded."))
                return redirect(self.subject_url("reviews"))
        return self.render_to_response(self.get_context_data(consolidation_form=form))


class ReviewEditView(ReviewSubjectMixin, AdminPage):
    """The reviewer's own review: a verdict and comment per area, the recommendation with its reasons."""

    permission_required = "onboarding.add_review"
    template_name = "onboarding/admin/review_edit.html"
    page_title = gettext_lazy("Your review")
    header_icon = "edit"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        super().prepare(request, **kwargs)
        if rules.REVIEWER not in self.actors:
            raise Http404
        self.areas = selectors.review_areas(hotline=self.hotline, assessment=self.assessment)
        self.review = (
            Review.objects.visible_to(request.user)
            .of_subject(hotline=self.hotline, assessment=self.assessment)
            .filter(reviewer=request.user)
            .prefetch_related("verdicts")
            .first()
        )

    def initial(self) -> dict[str, Any]:
        if self.review is None:
            return {}
        values: dict[str, Any] = {"recommendation": self.review.recommendation, "reasons": self.review.reasons}
        for verdict in self.review.verdicts.all():
            values[f"verdict_{verdict.area}"] = verdict.verdict
            values[f"comment_{verdict.area}"] = verdict.comment
        return values

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        review = self.review
        problems = []
        if review is not None and not review.is_submitted:
            problems = selectors.review_problems(
                areas=self.areas,
                verdicts=selectors.verdicts_of(review),
                recommendation=review.recommendation,
                reasons=review.reasons,
            )
        context.update(
            review=review,
            hotline=self.hotline,
            assessment=self.assessment,
            form=kwargs.get("form") or IndependentReviewForm(initial=self.initial(), areas=self.areas),
            problems=problems,
            reviews_url=self.subject_url("reviews"),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.review is not None and self.review.is_submitted:
            messages.error(request, _("Your review is submitted: it cannot change any more."))
            return redirect(self.subject_url("reviews"))
        form = IndependentReviewForm(request.POST, areas=self.areas)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            review = services.review_save(
                hotline=self.hotline,
                assessment=self.assessment,
                verdicts=form.verdicts(),
                recommendation=form.cleaned_data["recommendation"],
                reasons=form.cleaned_data["reasons"],
                acting_user=request.user,
            )
            if request.POST.get("action") == "submit":
                services.review_submit(review=review, acting_user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            self.review = (
                Review.objects.of_subject(hotline=self.hotline, assessment=self.assessment)
                .filter(reviewer=request.user)
                .first()
            )
            return self.render_to_response(self.get_context_data(form=form))
        if request.POST.get("action") == "submit":
            messages.success(request, _("Review submitted. You can now read the other reviewers' submitted reviews."))
            return redirect(self.subject_url("reviews"))
        messages.success(request, _("Draft saved. Nobody else reads it until you submit it."))
        return redirect(self.subject_url("review_edit"))
