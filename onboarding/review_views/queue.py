"""The review queue: items waiting for review, reviewing one item, downloading evidence."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from onboarding import checklist_rules as rules
from onboarding import selectors, services
from onboarding.admin_views import AdminPage, PermissionRequiredMixin
from onboarding.forms import (
    ReviewerCommentForm,
    ReviewForm,
)
from onboarding.models import (
    ChecklistItem,
    EvidenceDocument,
)
from onboarding.review_views.common import (
    comment_added,
    evidence_response,
    posted_comment_form,
)


# -- Review queue -----------------------------------------------------------------------------
class ReviewQueueView(AdminPage):
    permission_required = "onboarding.view_checklistitem"
    template_name = "onboarding/admin/review_queue.html"
    page_title = gettext_lazy("Review queue")
    header_icon = "tasks"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        get = self.request.GET
        area = int(get["area"]) if get.get("area", "").isdigit() and int(get["area"]) in rules.AREA_LABELS else None
        hotline = int(get["candidate"]) if get.get("candidate", "").isdigit() else None
        ages = dict(selectors.AGE_FILTERS)
        age = get.get("age", "") if get.get("age", "") in ages else ""
        items = selectors.review_queue(
            user=self.request.user, area=area, hotline_id=hotline, older_than_days=ages.get(age)
        )
        page = Paginator(items, 50).get_page(get.get("p"))
        now = timezone.now()
        context.update(
            page_obj=page,
            rows=[(item, (now - item.submitted_at).days if item.submitted_at else 0) for item in page.object_list],
            areas=rules.AREAS,
            area=area,
            candidates=selectors.review_queue_candidates(user=self.request.user),
            candidate=hotline,
            ages=selectors.AGE_FILTERS,
            age=age,
        )
        return context


class ReviewItemView(AdminPage):
    """One item as a reviewer sees it: guidance, answer, evidence, thread, history; review actions."""

    permission_required = "onboarding.view_checklistitem"
    template_name = "onboarding/admin/review_item.html"
    page_title = gettext_lazy("Review a checklist item")
    header_icon = "tasks"

    ACTIONS = {
        rules.ACCEPT: services.item_accept,
        rules.REQUEST_CHANGES: services.item_request_changes,
        rules.WAIVE: services.item_waive,
        rules.APPROVE_WAIVER: services.item_approve_waiver,
        rules.DECLINE_WAIVER: services.item_decline_waiver,
    }

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.item = get_object_or_404(
            ChecklistItem.objects.visible_to(request.user).select_related(
                "template_item", "checklist__hotline__country", "checklist__template", "submitted_by", "reviewed_by"
            ),
            pk=kwargs["pk"],
        )

    def get_page_subtitle(self) -> str:
        return f"{self.item.checklist.hotline.brand_name}: {self.item.code} {self.item.template_item.title}"

    def default_due_on(self) -> date:
        """What requesting changes sets when the reviewer keeps the proposed date."""
        return rules.due_after_changes_requested(
            current=self.item.due_on,
            today=timezone.localdate(),
            days=self.item.checklist.template.resubmission_days,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = selectors.item_page(user=self.request.user, item=self.item)
        context.update(
            page=page,
            item=self.item,
            review_form=kwargs.get("review_form") or ReviewForm(initial={"due_on": self.default_due_on()}),
            comment_form=kwargs.get("comment_form") or ReviewerCommentForm(staff=rules.STAFF in page.actors),
            review_actions=[rules.get_action(a) for a in page.actions if a in self.ACTIONS],
            review_action_names=[a for a in page.actions if a in self.ACTIONS],
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = request.POST.get("action", "")
        if action == "comment":
            form = posted_comment_form(request, self.item.checklist.hotline, permission="onboarding.add_itemcomment")
            if form.is_valid():
                try:
                    comment = services.item_comment(
                        item=self.item,
                        body=form.cleaned_data["body"],
                        visibility=form.cleaned_data["visibility"],
                        acting_user=request.user,
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    comment_added(request, comment)
                    return redirect("onboarding_admin:review_item", self.item.pk)
            return self.render_to_response(self.get_context_data(comment_form=form))
        service = self.ACTIONS.get(action)
        if service is None:
            raise Http404
        if not request.user.has_perm("onboarding.change_checklistitem"):
            raise PermissionDenied
        form = ReviewForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["comment"]
            kwargs = {"comment": text} if action in (rules.ACCEPT, rules.REQUEST_CHANGES, rules.DECLINE_WAIVER) else {}
            if action == rules.WAIVE:
                kwargs = {"reason": text}
            if action == rules.REQUEST_CHANGES:
                kwargs["due_on"] = form.cleaned_data.get("due_on")
            try:
                updated = service(item=self.item, acting_user=request.user, **kwargs)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("%(code)s is now: %(state)s.") % {"code": updated.code, "state": updated.state_label},
                )
                return redirect("onboarding_admin:review_item", self.item.pk)
        return self.render_to_response(self.get_context_data(review_form=form))


class EvidenceDownloadView(PermissionRequiredMixin, View):
    permission_required = "onboarding.view_evidencedocument"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        document = get_object_or_404(EvidenceDocument.objects.visible_to(request.user), pk=pk)
        return evidence_response(document, request.user)
