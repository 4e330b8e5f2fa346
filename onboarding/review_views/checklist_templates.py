"""Checklist templates: detail, publishing, new versions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from onboarding import checklist_rules as rules
from onboarding import services
from onboarding.admin_views import AdminPage, PermissionRequiredMixin
from onboarding.models import (
    ChecklistTemplate,
)
from onboarding.review_views.common import (
    _errors,
)


# -- Checklist templates ----------------------------------------------------------------------
class TemplateDetailView(AdminPage):
    permission_required = "onboarding.view_checklisttemplate"
    template_name = "onboarding/admin/template_detail.html"
    page_title = gettext_lazy("Checklist template")
    header_icon = "list-ul"

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.template = get_object_or_404(ChecklistTemplate.objects.visible_to(request.user), pk=kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return str(self.template)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        t = self.template
        previous = (
            ChecklistTemplate.objects.filter(name=t.name, version__lt=t.version)
            .exclude(status=ChecklistTemplate.Status.DRAFT)
            .order_by("-version")
            .first()
        )
        items = list(t.items.all())
        context.update(
            template=t,
            items=[(item, rules.area_label(item.area)) for item in items],
            previous=previous,
            diff=rules.compare_versions(previous.specs(), [i.spec() for i in items]) if previous else None,
            problems=services.template_problems(t) if t.is_draft else [],
            checklists=t.checklists.count() if t.is_onboarding else t.self_assessments.count(),
        )
        return context


class TemplatePublishView(PermissionRequiredMixin, View):
    """Publishing is confirmed first: the page says which version replaces which, then publishes."""

    permission_required = "onboarding.change_checklisttemplate"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = get_object_or_404(ChecklistTemplate.objects.visible_to(request.user), pk=pk)
        if request.POST.get("confirmed") != "yes":
            current = ChecklistTemplate.objects.current(template.purpose)
            names = {"version": template.version, "name": template.name}
            lines = [
                _("Version %(version)s of “%(name)s” becomes the published checklist: new candidates start on it.")
                % names
                if template.is_onboarding
                else _(
                    "Version %(version)s of “%(name)s” becomes the published self-assessment: members are asked "
                    "for it from now on."
                )
                % names,
                _("Version %(version)s of “%(name)s” is retired.") % {"version": current.version, "name": current.name}
                if current
                else _("No version was published before."),
                _("Candidates' checklists stay on their version until you move them (with a preview).")
                if template.is_onboarding
                else _("Self-assessments already asked for stay on their version."),
            ]
            problems = services.template_problems(template)
            if problems:
                _errors(request, ValidationError(problems))
                return redirect("onboarding_admin:template", pk)
            return TemplateResponse(
                request,
                "core/admin/confirm.html",
                {
                    "page_title": _("Publish the checklist version"),
                    "header_icon": "list-ul",
                    "consequences": lines,
                    "confirm_label": _("Publish this version"),
                    "form": forms.Form(),
                },
            )
        try:
            services.template_publish(template=template, acting_user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("Version %(version)s published. Candidates' checklists stay on their version until you move them.")
                % {"version": template.version},
            )
        return redirect("onboarding_admin:template", pk)


class TemplateNewVersionView(PermissionRequiredMixin, View):
    permission_required = "onboarding.add_checklisttemplate"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = get_object_or_404(ChecklistTemplate.objects.visible_to(request.user), pk=pk)
        try:
            draft = services.template_new_version(template=template, acting_user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
            return redirect("onboarding_admin:template", pk)
        messages.success(
            request, _("Draft version %(version)s created: edit it, then publish it.") % {"version": draft.version}
        )
        return redirect("onboarding_templates:edit", draft.pk)
