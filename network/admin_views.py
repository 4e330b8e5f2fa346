"""The network workbook in the admin: download it; upload one, preview what would change, confirm.

The uploaded file is checked (an XLSX by its content) and kept in the private storage under a
random name; the task worker previews it (a dry run) while the page shows a progress bar, then the
page lists every new and changed row (each field old -> new) or every problem. Confirming imports
that same file (its SHA-256 is checked) in the background, validating it again, all or nothing.
Only the uploader sees a run (`WorkbookImport.objects.visible_to`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from accounts.access import may
from core.admin import TitledPageMixin
from core.models import WorkbookImport
from core.uploads import check_document
from core.workbook import ImportResult, export_workbook, registry
from network import services
from network.forms import WorkbookUploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class NetworkStaffOnlyMixin:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may(request.user, "network.workbook"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class WorkbookImportView(NetworkStaffOnlyMixin, TitledPageMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "network/admin/workbook_import.html"
    form_class = WorkbookUploadForm
    page_title = gettext_lazy("Import / export the network workbook")
    header_icon = "download"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["export_url"] = reverse("network_workbook:export")
        context["sheets"] = registry().sheets()
        context["recent"] = WorkbookImport.objects.visible_to(self.request.user)[:10]
        return context

    def form_valid(self, form: WorkbookUploadForm) -> HttpResponse:
        upload = form.cleaned_data["workbook"]
        job = services.workbook_import_start(
            upload=upload, checked=check_document(upload), acting_user=self.request.user
        )
        return redirect("network_workbook:job", pk=job.pk)


class WorkbookJobView(NetworkStaffOnlyMixin, TitledPageMixin, WagtailAdminTemplateMixin, TemplateView):
    """A preview or an import: a progress bar while the worker runs it, then what it found or did."""

    template_name = "network/admin/workbook_job.html"
    header_icon = "download"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may(request.user, "network.workbook"):
            raise PermissionDenied
        self.job = get_object_or_404(WorkbookImport.objects.visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    @property
    def page_title(self) -> str:
        return _("Import preview") if self.job.dry_run else _("Import")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        job = self.job
        result = ImportResult.from_json(job.result) if job.result else None
        order = [sheet.name for sheet in registry().sheets()]
        changes = sorted(result.changes.items(), key=lambda item: order.index(item[0])) if result else []
        context.update(
            {
                "job": job,
                "result": result,
                "changes": changes,
                "filename": job.filename,
                "index_url": reverse("network_workbook:index"),
                "confirm_url": reverse("network_workbook:confirm", args=[job.pk]),
                "can_confirm": (
                    job.dry_run
                    and result is not None
                    and result.ok
                    and bool(job.stored_name)
                    and not job.imports.exists()
                ),
                "imported": job.imports.order_by("-created_at").first() if job.dry_run else None,
            }
        )
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        result = context["result"]
        status = 400 if result is not None and not result.ok else 200
        return super().render_to_response(context, status=status, **kwargs)


class WorkbookConfirmView(NetworkStaffOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        preview = get_object_or_404(WorkbookImport.objects.visible_to(request.user), pk=pk)
        try:
            job = services.workbook_import_confirm(preview=preview, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("network_workbook:job", pk=preview.pk)
        return redirect("network_workbook:job", pk=job.pk)


@require_safe
def workbook_export(request: HttpRequest) -> HttpResponse:
    """The whole network as one workbook (a download: GET or HEAD only)."""
    if not may(request.user, "network.workbook"):
        raise PermissionDenied
    response = HttpResponse(export_workbook(), content_type=XLSX)
    filename = f"network-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
