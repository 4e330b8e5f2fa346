"""A candidate's dossier, its checklist and checklist version, and reviewer assignments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from onboarding import checklist_rules as rules
from onboarding import selectors, services
from onboarding.admin_views import AdminPage, PermissionRequiredMixin
from onboarding.forms import (
    ReviewerAssignForm,
)
from onboarding.models import (
    Checklist,
    ChecklistTemplate,
    ReviewerAssignment,
)
from onboarding.review_views.common import (
    _dossier_hotline_or_404,
    _errors,
)


# -- Dossier ----------------------------------------------------------------------------------
class DossierView(AdminPage):
    permission_required = "onboarding.view_checklist"
    template_name = "onboarding/admin/dossier.html"
    page_title = gettext_lazy("Dossier")
    header_icon = "folder-open-inverse"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.hotline = _dossier_hotline_or_404(request, kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return self.hotline.brand_name

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            dossier=selectors.dossier(user=user, hotline=self.hotline),
            hotline=self.hotline,
            assign_form=ReviewerAssignForm(hotline=self.hotline)
            if user.has_perm("onboarding.add_reviewerassignment")
            else None,
            can_start=user.has_perm("onboarding.add_checklist")
            and ChecklistTemplate.objects.onboarding().published().exists(),
        )
        return context


class ChecklistStartView(PermissionRequiredMixin, View):
    permission_required = "onboarding.add_checklist"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        hotline = _dossier_hotline_or_404(request, pk)
        try:
            services.checklist_create(hotline=hotline, acting_user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Checklist started for %(hotline)s.") % {"hotline": hotline.brand_name})
        return redirect("onboarding_admin:dossier", pk)


class ChecklistVersionView(AdminPage):
    """Preview what moving a candidate's checklist to the newest version changes, then do it."""

    permission_required = "onboarding.change_checklist"
    template_name = "onboarding/admin/checklist_version.html"
    page_title = gettext_lazy("Move the checklist to a new version")
    header_icon = "resubmit"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.hotline = _dossier_hotline_or_404(request, kwargs["pk"])
        self.checklist = get_object_or_404(
            Checklist.objects.visible_to(request.user).select_related("template"), hotline=self.hotline
        )
        self.target = get_object_or_404(
            ChecklistTemplate.objects.onboarding().published().prefetch_related("items"),
            name=self.checklist.template.name,
            version__gt=self.checklist.template.version,
        )

    def get_page_subtitle(self) -> str:
        return self.hotline.brand_name

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        diff = services.checklist_version_diff(checklist=self.checklist, template=self.target)
        titles = {item.code: item.title for item in self.checklist.template.items.all()}
        titles.update({item.code: item.title for item in self.target.items.all()})
        context.update(
            hotline=self.hotline,
            checklist=self.checklist,
            target=self.target,
            diff=diff,
            added=[(code, titles.get(code, "")) for code in diff.added],
            removed=[(code, titles.get(code, "")) for code in diff.removed],
            changed=[(change, titles.get(change.code, "")) for change in diff.changed],
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            move = services.checklist_move_to_version(
                checklist=self.checklist, template=self.target, acting_user=request.user
            )
        except ValidationError as exc:
            _errors(request, exc)
            return redirect("onboarding_admin:dossier", self.hotline.pk)
        diff = move.diff
        messages.success(
            request,
            _(
                "Moved from version %(old)s to %(new)s: %(added)s new, %(removed)s dropped, %(changed)s changed "
                "(%(reopened)s to submit again), %(kept)s kept as they were."
            )
            % {
                "old": move.from_version,
                "new": move.to_version,
                "added": len(diff.added),
                "removed": len(diff.removed),
                "changed": len(diff.changed),
                "reopened": len(diff.reopened),
                "kept": len(diff.unchanged),
            },
        )
        return redirect("onboarding_admin:dossier", self.hotline.pk)


# -- Reviewers --------------------------------------------------------------------------------
class ReviewerAssignView(PermissionRequiredMixin, View):
    permission_required = "onboarding.add_reviewerassignment"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        hotline = _dossier_hotline_or_404(request, pk)
        form = ReviewerAssignForm(request.POST, hotline=hotline)
        if not form.is_valid():
            messages.error(request, _("Choose a reviewer from the list."))
            return redirect("onboarding_admin:dossier", pk)
        try:
            services.reviewer_assign(hotline=hotline, reviewer=form.cleaned_data["reviewer"], acting_user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("%(user)s assigned; they are asked to declare any conflict of interest.")
                % {"user": form.cleaned_data["reviewer"]},
            )
        return redirect("onboarding_admin:dossier", pk)


class ReviewerUnassignView(PermissionRequiredMixin, View):
    permission_required = "onboarding.delete_reviewerassignment"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = get_object_or_404(ReviewerAssignment.objects.visible_to(request.user), pk=pk)
        hotline_id = assignment.hotline_id
        services.reviewer_unassign(assignment=assignment, acting_user=request.user)
        messages.success(request, _("Reviewer removed from the dossier."))
        return redirect("onboarding_admin:dossier", hotline_id)


class AssignmentsView(AdminPage):
    """The dossiers a reviewer is assigned to, with their declaration status."""

    permission_required = "onboarding.view_reviewerassignment"
    template_name = "onboarding/admin/assignments.html"
    page_title = gettext_lazy("My review assignments")
    header_icon = "user"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        assignments = (
            ReviewerAssignment.objects.visible_to(self.request.user)
            .filter(reviewer=self.request.user)
            .select_related("hotline__country")
            .annotate(
                awaiting=Count(
                    "hotline__checklist__items",
                    filter=Q(
                        hotline__checklist__items__state=rules.SUBMITTED,
                        hotline__checklist__items__removed_at__isnull=True,
                    ),
                )
            )
            .order_by("-assigned_at")
        )
        context["assignments"] = list(assignments)
        return context
