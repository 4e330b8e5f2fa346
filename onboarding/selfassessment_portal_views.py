"""The member's self-assessment in the portal: one page with every question by area (answers and cited
documents saved together), a document upload cited on one answer, and the submission. The page starts
from `SelfAssessment.objects.visible_to(request.user)` narrowed to the user's own member hotlines:
another member's self-assessment answers 404. A viewer reads it; managers and contributors answer it
(the services check again)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.access import portal_user_required
from onboarding import selectors, services
from onboarding.models import SelfAssessment
from onboarding.selfassessment_forms import SelfAssessmentAnswersForm, SelfAssessmentUploadForm


def _errors(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    for message in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, message)


@portal_user_required
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        SelfAssessment.objects.visible_to(request.user)
        .filter(hotline__in=selectors.portal_members(user=request.user))
        .select_related("hotline", "review"),
        pk=pk,
    )
    page = selectors.self_assessment_page(user=request.user, self_assessment=item)
    answers = [answer for area in page.areas for answer in area.answers]
    bound = request.method == "POST" and page.may_answer
    action = request.POST.get("action") if bound else None
    answers_form = SelfAssessmentAnswersForm(
        request.POST if action == "save" else None, answers=answers, documents=page.documents
    )
    upload_form = SelfAssessmentUploadForm(
        request.POST if action == "upload" else None, request.FILES if action == "upload" else None, answers=answers
    )
    if request.method == "POST" and not page.may_answer:
        raise PermissionDenied(_("Only the member's managers and contributors answer its self-assessment."))
    try:
        if action == "save" and answers_form.is_valid():
            services.self_assessment_save(
                self_assessment=item,
                answers=answers_form.answers_by_code(),
                documents=answers_form.documents_by_code(),
                acting_user=request.user,
            )
            messages.success(request, _("Your answers are saved."))
            return redirect("portal:self_assessment", item.pk)
        if action == "upload" and upload_form.is_valid():
            document = services.self_assessment_add_evidence(
                self_assessment=item,
                code=upload_form.cleaned_data["code"],
                upload=upload_form.cleaned_data["file"],
                description=upload_form.cleaned_data["description"],
                acting_user=request.user,
            )
            messages.success(
                request,
                _("“%(name)s” is in your dossier and cited on %(code)s.")
                % {"name": document.original_name, "code": upload_form.cleaned_data["code"]},
            )
            return redirect("portal:self_assessment", item.pk)
        if action == "submit":
            services.self_assessment_submit(self_assessment=item, acting_user=request.user)
            messages.success(request, _("Your self-assessment is submitted. Thank you."))
            return redirect("portal:self_assessment", item.pk)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    fields = answers_form
    form_areas = [
        (area.label, [(a, fields.answer_field(a.code), fields.documents_field(a.code)) for a in area.answers])
        for area in page.areas
    ]
    return render(
        request,
        "onboarding/portal/selfassessment/page.html",
        {
            "hotline": item.hotline,
            "page": page,
            "form_areas": form_areas,
            "answers_form": answers_form,
            "upload_form": upload_form,
        },
        status=400 if action and (answers_form.errors or upload_form.errors) else 200,
    )
