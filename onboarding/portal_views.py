"""The hotline portal's onboarding pages: a candidate's own users see their stage, progress, what is
missing, upcoming roundtables and agreements, and may submit the application when it is ready;
they work through their checklist (answers, evidence, submission, comments with the reviewers),
and member hotlines follow up the corrective actions of their assessments.
Every page starts from `visible_to(request.user)`; another organisation's candidate answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import portal_user_required
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import selectors, services, workflow
from onboarding.downloads import ics_response
from onboarding.forms import (
    AnswerForm,
    AppealForm,
    CommentForm,
    CorrectiveActionCompleteForm,
    EvidenceUploadForm,
    LinkEvidenceForm,
    PortalSubmitForm,
    ReplaceDocumentForm,
)
from onboarding.models import (
    ActionItem,
    Assessment,
    ChecklistItem,
    CorrectiveAction,
    Decision,
    DossierComment,
    EvidenceDocument,
    Roundtable,
    RoundtableParticipant,
)
from onboarding.review_views import evidence_response, letter_response, report_response


def _own_candidate(request: HttpRequest, pk: int) -> Hotline:
    return get_object_or_404(
        Hotline.objects.visible_to(request.user)
        .in_stage(*selectors.PORTAL_STAGES)
        .select_related("country", "host_organisation"),
        pk=pk,
    )


@portal_user_required
def status(request: HttpRequest) -> HttpResponse:
    candidates = selectors.portal_candidates(user=request.user)
    if len(candidates) == 1:
        return redirect("portal:onboarding_candidate", candidates[0].pk)
    return render(request, "onboarding/portal/status_list.html", {"candidates": candidates})


@portal_user_required
def candidate(request: HttpRequest, pk: int) -> HttpResponse:
    hotline = _own_candidate(request, pk)
    return render(
        request,
        "onboarding/portal/candidate.html",
        {
            "status": selectors.portal_status(user=request.user, hotline=hotline),
            "hotline": hotline,
            "checklist": selectors.checklist_overview(user=request.user, hotline=hotline),
            **_decisions_context(request, hotline),
        },
    )


def _decisions_context(request: HttpRequest, hotline: Hotline, appeal_form: AppealForm | None = None) -> dict[str, Any]:
    decisions = selectors.portal_decisions(user=request.user, hotline=hotline)
    return {
        "decisions": decisions,
        "appealable": {d.pk for d, _appeals in decisions if selectors.appeal_refusal(decision=d) is None},
        "appeal_form": appeal_form or AppealForm(),
    }


def _own_decision(request: HttpRequest, pk: int) -> Decision:
    return get_object_or_404(
        Decision.objects.visible_to(request.user)
        .filter(letter_sent_at__isnull=False)
        .select_related("assessment__hotline__country", "assessment__hotline__host_organisation"),
        pk=pk,
    )


@portal_user_required
def decision_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision letter of the user's own candidate (404 for anyone else's, or before it is sent)."""
    return letter_response(_own_decision(request, pk))


@portal_user_required
def decision_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _own_decision(request, pk)
    hotline = decision.assessment.hotline
    if request.method != "POST":
        return redirect("portal:onboarding_candidate", hotline.pk)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            services.decision_appeal(decision=decision, grounds=form.cleaned_data["grounds"], acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your appeal was sent. The association will answer it in writing."))
            return redirect("portal:onboarding_candidate", hotline.pk)
    hotline = _own_candidate(request, hotline.pk)
    return render(
        request,
        "onboarding/portal/candidate.html",
        {
            "status": selectors.portal_status(user=request.user, hotline=hotline),
            "hotline": hotline,
            "checklist": selectors.checklist_overview(user=request.user, hotline=hotline),
            **_decisions_context(request, hotline, appeal_form=form),
        },
        status=400,
    )


@portal_user_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    hotline = _own_candidate(request, pk)
    status = selectors.portal_status(user=request.user, hotline=hotline)
    form = PortalSubmitForm(request.POST or None, initial={"expected_stage": hotline.stage})
    if request.method == "POST" and form.is_valid():
        message = form.cleaned_data["message"].strip()
        try:
            services.hotline_transition(
                hotline=hotline,
                transition="submit_application",
                reason=message or _("Application submitted through the portal."),
                expected_stage=form.cleaned_data["expected_stage"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            # A refusal shows its reasons once: those the page lists as missing are not repeated.
            for reason in exc.messages:
                if reason not in status.submit_missing:
                    form.add_error(None, reason)
        else:
            messages.success(request, _("Your application was submitted. The association will be in touch."))
            return redirect("portal:onboarding_candidate", hotline.pk)
    return render(
        request,
        "onboarding/portal/submit.html",
        {"hotline": hotline, "status": status, "form": form, "submit_label": workflow.stage_label(hotline.stage)},
    )


def _own_roundtable(request: HttpRequest, pk: int) -> Roundtable:
    return get_object_or_404(Roundtable.objects.visible_to(request.user).select_related("country", "hotline"), pk=pk)


@portal_user_required
def roundtable(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_roundtable(request, pk)
    return render(
        request,
        "onboarding/portal/roundtable.html",
        {
            "roundtable": item,
            "participants": RoundtableParticipant.objects.visible_to(request.user)
            .filter(roundtable=item)
            .select_related("organisation"),
            "action_items": ActionItem.objects.visible_to(request.user)
            .filter(roundtable=item)
            .select_related("owner_organisation", "owner_user"),
        },
    )


@portal_user_required
def roundtable_ics(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_roundtable(request, pk)
    return ics_response([selectors.roundtable_event(item)], name=item.title, filename=item.code)


# -- The checklist ----------------------------------------------------------------------------
@portal_user_required
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    hotline = get_object_or_404(Hotline.objects.visible_to(request.user).select_related("country"), pk=pk)
    overview = selectors.checklist_overview(user=request.user, hotline=hotline, status=request.GET.get("status", ""))
    if overview is None:
        raise Http404("No checklist yet.")
    return render(
        request,
        "onboarding/portal/checklist.html",
        {"hotline": hotline, "overview": overview, "filters": selectors.STATUS_FILTERS},
    )


def _own_item(request: HttpRequest, pk: int) -> ChecklistItem:
    return get_object_or_404(
        ChecklistItem.objects.visible_to(request.user)
        .active()
        .select_related("template_item", "checklist__hotline", "checklist__template", "submitted_by", "reviewed_by"),
        pk=pk,
    )


@portal_user_required
def checklist_item(request: HttpRequest, pk: int) -> HttpResponse:
    """The item page: guidance, answer, evidence (upload or link), submit, thread, history.
    Each form posts here with its `action`; success redirects back (plain HTML, no JavaScript)."""
    item = _own_item(request, pk)
    hotline = item.checklist.hotline
    forms: dict[str, Any] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        outcome = _item_post(request, item, action, forms)
        if outcome is not None:
            return outcome
        item = _own_item(request, pk)
    page = selectors.item_page(user=request.user, item=item)
    documents = EvidenceDocument.objects.visible_to(request.user).filter(pk__in=[d.pk for d in page.other_documents])
    context = {
        "hotline": hotline,
        "item": item,
        "page": page,
        "answer_form": forms.get("save") or AnswerForm(initial={"answer": item.answer}),
        "upload_form": forms.get("upload") or EvidenceUploadForm(),
        "link_form": forms.get("link") or LinkEvidenceForm(documents=documents),
        "comment_form": forms.get("comment") or CommentForm(),
        "errors": forms.get("errors", []),
    }
    return render(request, "onboarding/portal/checklist_item.html", context)


def _item_post(request: HttpRequest, item: ChecklistItem, action: str, forms: dict[str, Any]) -> HttpResponse | None:
    """Apply one posted form; a redirect on success, None (with the bound form in `forms`) on error."""
    user = request.user
    here = redirect("portal:onboarding_checklist_item", item.pk)
    try:
        if action == "save":
            form = forms["save"] = AnswerForm(request.POST)
            if form.is_valid():
                services.item_save_answer(item=item, answer=form.cleaned_data["answer"], acting_user=user)
                messages.success(request, _("Your answer is saved."))
                return here
        elif action == "upload":
            form = forms["upload"] = EvidenceUploadForm(request.POST, request.FILES)
            if form.is_valid():
                document = services.evidence_upload(
                    hotline=item.checklist.hotline,
                    upload=form.cleaned_data["document"],
                    description=form.cleaned_data["description"],
                    expires_on=form.cleaned_data["expires_on"],
                    items=[item],
                    acting_user=user,
                )
                messages.success(request, _("“%(name)s” uploaded.") % {"name": document.original_name})
                return here
        elif action == "link":
            documents = EvidenceDocument.objects.visible_to(user).current().filter(hotline=item.checklist.hotline)
            form = forms["link"] = LinkEvidenceForm(request.POST, documents=documents)
            if form.is_valid():
                services.evidence_link(document=form.cleaned_data["document"], item=item, acting_user=user)
                messages.success(request, _("The document now supports this item too."))
                return here
        elif action == "unlink":
            document = get_object_or_404(
                EvidenceDocument.objects.visible_to(user), pk=request.POST.get("document") or 0
            )
            if request.POST.get("confirmed") != "yes":
                return confirm_page(
                    request,
                    title=_("Remove “%(name)s” from this item?") % {"name": document.original_name},
                    consequences=[
                        _("The document no longer supports %(code)s %(title)s.")
                        % {"code": item.code, "title": item.title},
                        _("It stays in your dossier: other items it supports keep it, and you can attach it again."),
                    ],
                    confirm_label=_("Remove from this item"),
                    back_url=here.url,
                    fields={"action": "unlink", "document": document.pk},
                )
            services.evidence_unlink(document=document, item=item, acting_user=user)
            messages.success(request, _("“%(name)s” no longer supports this item.") % {"name": document.original_name})
            return here
        elif action == "submit":
            services.item_submit(item=item, acting_user=user)
            messages.success(request, _("Submitted: the association's reviewers are told."))
            return here
        elif action == "withdraw":
            if request.POST.get("confirmed") != "yes":
                return confirm_page(
                    request,
                    title=_("Withdraw %(code)s from review?") % {"code": item.code},
                    consequences=[
                        _("The item leaves the reviewers' queue and is in progress again; they are told."),
                        _("Your answer and documents stay: change them, then submit the item again."),
                    ],
                    confirm_label=_("Withdraw the submission"),
                    back_url=here.url,
                    fields={"action": "withdraw"},
                )
            services.item_withdraw(item=item, acting_user=user)
            messages.success(request, _("Withdrawn: the item is yours to change, then submit again."))
            return here
        elif action == "comment":
            form = forms["comment"] = CommentForm(request.POST)
            if form.is_valid():
                services.item_comment(item=item, body=form.cleaned_data["body"], acting_user=user)
                messages.success(request, _("Comment sent."))
                return here
        else:
            raise Http404
    except ValidationError as exc:
        forms["errors"] = exc.messages
    except PermissionDenied as exc:
        forms["errors"] = [str(exc) or _("You cannot do this.")]
    forms.setdefault("errors", [])
    return None


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    consequences: list[str],
    confirm_label: str,
    back_url: str,
    fields: dict[str, Any],
) -> HttpResponse:
    """Confirm, then act (the portal's form of `core.confirm`): what will happen, then the same
    fields posted again with `confirmed=yes`."""
    return render(
        request,
        "onboarding/portal/confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "confirm_label": confirm_label,
            "back_url": back_url,
            "fields": fields,
        },
    )


def _own_document(request: HttpRequest, pk: int) -> EvidenceDocument:
    """A document in the user's own dossier (not removed or replaced); another's answers 404."""
    return get_object_or_404(
        EvidenceDocument.objects.visible_to(request.user).current().select_related("hotline", "uploaded_by"), pk=pk
    )


def _back_to(request: HttpRequest, document: EvidenceDocument) -> str:
    """The item page the user came from (one of this dossier's), else the checklist."""
    item = ChecklistItem.objects.visible_to(request.user).filter(
        pk=request.POST.get("item") or request.GET.get("item") or 0, checklist__hotline=document.hotline_id
    )
    if item.exists():
        return reverse("portal:onboarding_checklist_item", args=[item.get().pk])
    return reverse("portal:onboarding_checklist", args=[document.hotline_id])


@portal_user_required
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """One document of the dossier: what it supports; replace it with a new version."""
    document = _own_document(request, pk)
    back = _back_to(request, document)
    form, errors, comment_form = ReplaceDocumentForm(), [], None
    if request.method == "POST" and request.POST.get("action") == "comment":
        comment_form, errors, done = _post_comment(request, services.evidence_comment, document=document)
        if done:
            return redirect("portal:onboarding_document", document.pk)
    elif request.method == "POST":
        form = ReplaceDocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                new = services.evidence_replace(
                    document=document,
                    upload=form.cleaned_data["document"],
                    expires_on=form.cleaned_data["expires_on"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                errors = exc.messages
            except PermissionDenied as exc:
                errors = [str(exc) or _("You cannot do this.")]
            else:
                messages.success(
                    request,
                    _("“%(new)s” replaces “%(old)s”.") % {"new": new.original_name, "old": document.original_name},
                )
                return redirect(back)
    items = list(
        ChecklistItem.objects.visible_to(request.user)
        .active()
        .filter(evidence_links__document=document)
        .select_related("template_item")
        .order_by("template_item__sort_order", "code")
    )
    return render(
        request,
        "onboarding/portal/document.html",
        {
            "document": document,
            "hotline": document.hotline,
            "items": items,
            "refusal": document.removal_refusal(request.user),
            "form": form,
            "errors": errors,
            "back_url": back,
            "item_pk": request.GET.get("item") or request.POST.get("item") or "",
            **_thread(
                request,
                hotline=document.hotline,
                comments=DossierComment.objects.filter(document=document),
                form=comment_form,
            ),
        },
    )


@portal_user_required
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a document from the dossier, after confirming; the association keeps it on record."""
    document = _own_document(request, pk)
    back = _back_to(request, document)
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        try:
            services.evidence_remove(document=document, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You cannot do this."))
        else:
            messages.success(request, _("“%(name)s” was removed from your dossier.") % {"name": document.original_name})
        return redirect(back)
    refusal = document.removal_refusal(request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect(back)
    codes = sorted(
        ChecklistItem.objects.active().filter(evidence_links__document=document).values_list("code", flat=True)
    )
    return confirm_page(
        request,
        title=_("Remove “%(name)s” from your dossier?") % {"name": document.original_name},
        consequences=[
            _("It will no longer support these items: %(codes)s.") % {"codes": ", ".join(codes)}
            if codes
            else _("It supports no item at the moment."),
            _("You will not see it in the portal any more; the association keeps it on record."),
        ],
        confirm_label=_("Remove the document"),
        back_url=back,
        fields={"item": request.GET.get("item") or request.POST.get("item") or ""},
    )


@portal_user_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(EvidenceDocument.objects.visible_to(request.user), pk=pk)
    return evidence_response(document, request.user)


# -- Corrective actions -----------------------------------------------------------------------
def _thread(request: HttpRequest, *, hotline: Hotline, comments: Any, form: CommentForm | None) -> dict[str, Any]:
    """The shared comments of a document's or an assessment's thread (`DossierComment.objects.visible_to`:
    the candidate reads the shared ones only) and the form for those who may write in the dossier."""
    return {
        "thread": list(comments.visible_to(request.user).select_related("author")),
        "can_comment": rules.CANDIDATE in selectors.dossier_actors(user=request.user, hotline=hotline),
        "comment_form": form or CommentForm(),
    }


def _post_comment(request: HttpRequest, service: Any, **subject: Any) -> tuple[CommentForm, list[str], bool]:
    """Post the comment form to `service` (`evidence_comment`, `assessment_comment`): (form, errors, done)."""
    form = CommentForm(request.POST)
    if not form.is_valid():
        return form, [], False
    try:
        service(body=form.cleaned_data["body"], acting_user=request.user, **subject)
    except ValidationError as exc:
        return form, exc.messages, False
    except PermissionDenied as exc:
        return form, [str(exc) or _("You cannot do this.")], False
    messages.success(request, _("Comment sent."))
    return form, [], True


@portal_user_required
def corrective_actions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "onboarding/portal/corrective_actions.html",
        {"actions": selectors.portal_corrective_actions(user=request.user)},
    )


@portal_user_required
def corrective_action(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(
        CorrectiveAction.objects.visible_to(request.user)
        .exclude(assessment__status=Assessment.Status.CANCELLED)
        .select_related("assessment__hotline", "completed_by", "verified_by"),
        pk=pk,
    )
    upload_form, complete_form, errors = EvidenceUploadForm(), CorrectiveActionCompleteForm(), []
    comment_form = None
    if request.method == "POST" and request.POST.get("action") == "comment":
        comment_form, errors, done = _post_comment(request, services.assessment_comment, assessment=action.assessment)
        if done:
            return redirect("portal:onboarding_corrective_action", action.pk)
    elif request.method == "POST":
        try:
            if request.POST.get("action") == "upload":
                upload_form = EvidenceUploadForm(request.POST, request.FILES)
                if upload_form.is_valid():
                    document = services.evidence_upload(
                        hotline=action.assessment.hotline,
                        upload=upload_form.cleaned_data["document"],
                        description=upload_form.cleaned_data["description"],
                        expires_on=upload_form.cleaned_data["expires_on"],
                        corrective_actions=[action],
                        acting_user=request.user,
                    )
                    messages.success(request, _("“%(name)s” uploaded.") % {"name": document.original_name})
                    return redirect("portal:onboarding_corrective_action", action.pk)
            elif request.POST.get("action") == "complete":
                complete_form = CorrectiveActionCompleteForm(request.POST)
                if complete_form.is_valid():
                    services.corrective_action_complete(
                        action=action, note=complete_form.cleaned_data["note"], acting_user=request.user
                    )
                    messages.success(request, _("Reported done: the reviewers will verify it."))
                    return redirect("portal:onboarding_corrective_action", action.pk)
            else:
                raise Http404
        except ValidationError as exc:
            errors = exc.messages
        except PermissionDenied as exc:
            errors = [str(exc)]
    evidence = (
        EvidenceDocument.objects.visible_to(request.user)
        .current()
        .filter(corrective_actions=action)
        .order_by("uploaded_at")
    )
    return render(
        request,
        "onboarding/portal/corrective_action.html",
        {
            "action": action,
            "evidence": list(evidence),
            "upload_form": upload_form,
            "complete_form": complete_form,
            "errors": errors,
            "editable": action.status in CorrectiveAction.DUE_STATUSES,
            **_thread(
                request,
                hotline=action.assessment.hotline,
                comments=DossierComment.objects.filter(assessment=action.assessment),
                form=comment_form,
            ),
        },
    )


@portal_user_required
def assessment_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A completed assessment report of the user's own hotline."""
    assessment = get_object_or_404(
        Assessment.objects.visible_to(request.user)
        .filter(status=Assessment.Status.COMPLETED)
        .select_related("hotline__country", "hotline__host_organisation", "report_completed_by"),
        pk=pk,
    )
    return report_response(assessment)
