"""The network workbook in the admin: download it; upload one, preview what would change, confirm.

The uploaded file is checked (an XLSX by its content), validated in a dry run, and kept in the
private storage under a random name that only the uploader's session knows. Confirming imports
that same file (its SHA-256 is checked) after validating it again, all or nothing.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from accounts.access import has_role
from accounts.roles import Role
from core.uploads import check_document, private_storage, store_document
from core.workbook import ImportResult, export_workbook, registry
from network import services
from network.forms import WorkbookUploadForm
from network.viewsets import TitledPageMixin

SESSION_KEY = "network_workbook_upload"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class NetworkStaffOnlyMixin:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not has_role(request.user, Role.NETWORK_STAFF):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _forget_upload(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        private_storage().delete(pending["name"])


def _preview(request: HttpRequest, result: ImportResult, *, filename: str, **extra: Any) -> TemplateResponse:
    sheet_order = [sheet.name for sheet in registry().sheets()]
    changes = sorted(result.changes.items(), key=lambda item: sheet_order.index(item[0]))
    context = {
        "page_title": _("Import preview"),
        "header_icon": "download",
        "result": result,
        "changes": changes,
        "filename": filename,
        "confirm_url": reverse("network_workbook:confirm"),
        "index_url": reverse("network_workbook:index"),
        **extra,
    }
    return TemplateResponse(request, "network/admin/workbook_preview.html", context, status=200 if result.ok else 400)


class WorkbookImportView(NetworkStaffOnlyMixin, TitledPageMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "network/admin/workbook_import.html"
    form_class = WorkbookUploadForm
    page_title = gettext_lazy("Import / export the network workbook")
    header_icon = "download"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["export_url"] = reverse("network_workbook:export")
        context["sheets"] = registry().sheets()
        return context

    def form_valid(self, form: WorkbookUploadForm) -> HttpResponse:
        upload = form.cleaned_data["workbook"]
        data = upload.read()
        result = services.network_import(data=data, dry_run=True, acting_user=self.request.user)
        _forget_upload(self.request)
        digest = hashlib.sha256(data).hexdigest()
        if result.ok:
            stored = store_document(upload, check_document(upload), folder="imports")
            self.request.session[SESSION_KEY] = {"name": stored, "sha256": digest, "filename": upload.name}
        return _preview(self.request, result, filename=upload.name, sha256=digest)


class WorkbookConfirmView(NetworkStaffOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        pending = request.session.get(SESSION_KEY)
        if not pending or request.POST.get("sha256") != pending["sha256"]:
            messages.error(request, _("That upload is no longer waiting for confirmation; upload the workbook again."))
            return redirect("network_workbook:index")
        with private_storage().open(pending["name"], "rb") as handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != pending["sha256"]:
            _forget_upload(request)
            raise PermissionDenied
        result = services.network_import(data=data, dry_run=False, acting_user=request.user)
        _forget_upload(request)
        if not result.ok:
            # The data changed since the preview: nothing was written; show what is wrong now.
            return _preview(request, result, filename=pending["filename"], after_confirm=True)
        total = sum(c.created + c.updated for c in result.changes.values())
        messages.success(
            request,
            _("Imported %(file)s: %(count)s rows created or updated.") % {"file": pending["filename"], "count": total},
        )
        return redirect("network_workbook:index")


def workbook_export(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.NETWORK_STAFF):
        raise PermissionDenied
    response = HttpResponse(export_workbook(), content_type=XLSX)
    filename = f"network-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
