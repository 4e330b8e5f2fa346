"""The donor area's report pages (/donors/...): a grant's progress, its next report due, each
indicator across the published periods and its published reports; the PDF download and each
version's indicator table as CSV or XLSX; and the public verification page. Each starts from
`visible_to(request.user)`: another donor's grant, report or file answers 404."""

from __future__ import annotations

from allauth.core import ratelimit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.access import donor_user_required
from core.uploads import check_document, private_file_response
from reports import metrics
from reports.donor import (
    exports,
    hooks,  # noqa: F401 (registers the donor area's panel and menu)
    selectors,
    services,
)
from reports.donor.trends import indicator_trends
from reports.grants.selectors import next_report_due
from reports.models import DonorReport, Grant


@donor_user_required
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(Grant.objects.visible_to(request.user).select_related("donor"), pk=pk)
    progress = selectors.grant_progress(user=request.user, grant=grant)
    reports = list(selectors.donor_reports(user=request.user, grant=grant))
    return render(
        request,
        "reports/donors/grant.html",
        {
            "grant": grant,
            "progress": progress,
            "reports": reports,
            "method": metrics.INDICATOR_METHOD,
            "next_due": next_report_due(grant=grant),
            "trends": indicator_trends(reports),
        },
    )


def _published_report(request: HttpRequest, pk: int) -> DonorReport:
    return get_object_or_404(
        DonorReport.objects.visible_to(request.user)
        .filter(status__in=DonorReport.DONOR_VISIBLE_STATUSES)
        .select_related("grant"),
        pk=pk,
    )


@donor_user_required
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = _published_report(request, pk)
    if not report.pdf_name:
        raise Http404
    services.donor_report_record_download(report=report, acting_user=request.user)
    return private_file_response(report.pdf_name, download_name=report.download_name, content_type="application/pdf")


@donor_user_required
def report_indicators(request: HttpRequest, pk: int, export_format: str) -> HttpResponse:
    """A published version's indicator table, as its PDF prints it, as CSV or XLSX."""
    report = _published_report(request, pk)
    if export_format not in exports.FORMATS or not report.data:
        raise Http404
    exports.donor_report_record_export(report=report, export_format=export_format, acting_user=request.user)
    response = HttpResponse(
        exports.indicator_table(report, export_format), content_type=exports.CONTENT_TYPES[export_format]
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.export_name(report, export_format)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class VerifyForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("Report PDF"),
        help_text=gettext_lazy("The PDF file you received or downloaded. It is checked and not kept."),
    )

    def clean_document(self) -> tuple[str, str]:
        upload = self.cleaned_data["document"]
        checked = check_document(upload)
        if checked.kind.key != "pdf":
            raise ValidationError(_("“%(name)s” is not a PDF.") % {"name": checked.original_name}, code="not_pdf")
        return checked.sha256, checked.original_name


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone may check a PDF: the answer names the report it matches (grant code, period, version,
    publication date) and nothing else; the file is hashed and forgotten. Checks are rate limited
    per client address (`ACCOUNT_RATE_LIMITS["donors_verify"]`) before the upload is read."""
    limited = request.method == "POST" and not ratelimit.consume(request, action="donors_verify")
    form = VerifyForm(None if limited else (request.POST or None), None if limited else (request.FILES or None))
    checked = False
    answer = None
    sha256 = ""
    if request.method == "POST" and form.is_valid():
        sha256, _name = form.cleaned_data["document"]
        answer = selectors.verify_pdf(sha256=sha256)
        checked = True
    template = "reports/donors/verify.html"
    context = {
        "form": form,
        "checked": checked,
        "answer": answer,
        "sha256": sha256,
        "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        "parent_template": "donors/base.html" if _is_donor(request) else "base.html",
        "limited": limited,
    }
    if limited:
        return render(request, template, context, status=429)
    return render(request, template, context, status=400 if request.method == "POST" and form.errors else 200)


def _is_donor(request: HttpRequest) -> bool:
    from accounts.access import donor_id_for

    return donor_id_for(request.user) is not None
