"""The threads of an evidence document (its own staff page) and of an assessment (a section of the
assessment page, posting here). Objects come through `visible_to(user)` (404 otherwise), comments through
`DossierComment.objects.visible_to` (the item comments' visibility rule); writes go to the services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy

from onboarding import services
from onboarding.admin_views import AdminPage
from onboarding.forms import ReviewerCommentForm
from onboarding.models import ChecklistItem, CorrectiveAction, DossierComment, EvidenceDocument
from onboarding.review_views.assessments import AssessmentActionView
from onboarding.review_views.common import comment_added, posted_comment_form, thread_context


def _comment_form(request: HttpRequest, hotline: Any) -> ReviewerCommentForm:
    return posted_comment_form(request, hotline, permission="onboarding.add_dossiercomment")


class EvidenceDetailView(AdminPage):
    """An evidence document as staff and reviewers see it: what it supports, its versions, its thread."""

    permission_required = "onboarding.view_evidencedocument"
    template_name = "onboarding/admin/evidence_detail.html"
    page_title = gettext_lazy("Evidence document")
    header_icon = "doc-full"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.document = get_object_or_404(
            EvidenceDocument.objects.visible_to(request.user).select_related(
                "hotline", "uploaded_by", "removed_by", "replaced_by"
            ),
            pk=kwargs["pk"],
        )

    def get_page_subtitle(self) -> str:
        return f"{self.document.hotline.brand_name}: {self.document.original_name}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user, document = self.request.user, self.document
        context.update(
            document=document,
            hotline=document.hotline,
            items=list(
                ChecklistItem.objects.visible_to(user)
                .filter(evidence_links__document=document)
                .select_related("template_item")
                .order_by("template_item__sort_order", "code")
            ),
            actions=list(
                CorrectiveAction.objects.visible_to(user).filter(evidence=document).select_related("assessment")
            ),
            **thread_context(
                user=user,
                hotline=document.hotline,
                comments=DossierComment.objects.visible_to(user).filter(document=document),
                form=kwargs.get("comment_form"),
            ),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = _comment_form(request, self.document.hotline)
        if form.is_valid():
            try:
                comment = services.evidence_comment(
                    document=self.document,
                    body=form.cleaned_data["body"],
                    visibility=form.cleaned_data["visibility"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                comment_added(request, comment)
                return redirect("onboarding_admin:evidence", self.document.pk)
        return self.render_to_response(self.get_context_data(comment_form=form))


class AssessmentCommentView(AssessmentActionView):
    action_permission = "onboarding.add_dossiercomment"

    def act(self, request: HttpRequest) -> HttpResponse:
        form = _comment_form(request, self.assessment.hotline)
        if form.is_valid():
            try:
                comment = services.assessment_comment(
                    assessment=self.assessment,
                    body=form.cleaned_data["body"],
                    visibility=form.cleaned_data["visibility"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                comment_added(request, comment)
                return self.back()
        return self.render_to_response(self.get_context_data(comment_form=form))
