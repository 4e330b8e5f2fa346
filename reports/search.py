"""What grants offer to the admin search (`core.search`): grants and donor reports, each from its
list's `visible_to(user)` (grants staff see them all; donors never reach the admin)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.search import SearchHit, SearchKind
from reports.donor.viewsets import NAMESPACE as DONOR_REPORTS
from reports.donor.viewsets import can_read
from reports.models import DonorReport, Grant


def _grant(grant: Grant) -> SearchHit:
    detail = " · ".join(part for part in (grant.code, grant.donor.name, grant.agreement_number) if part)
    return SearchHit(grant.title, reverse("reports_grant:inspect", args=[grant.pk]), detail)


def _report(report: DonorReport) -> SearchHit:
    title = _("%(grant)s, %(start)s to %(end)s, version %(version)s") % {
        "grant": report.grant.code,
        "start": report.period_start.isoformat(),
        "end": report.period_end.isoformat(),
        "version": report.version,
    }
    return SearchHit(
        str(title),
        reverse(f"{DONOR_REPORTS}:report", args=[report.pk]),
        f"{report.grant.title} · {report.get_status_display()}",
    )


def search_kinds() -> list[SearchKind]:
    return [
        SearchKind(
            key="grants",
            label=_("Grants"),
            permission="reports.view_grant",
            visible=lambda user: Grant.objects.visible_to(user).select_related("donor"),
            fields=("code", "title", "programme", "agreement_number", "donor__name", "donor__short_name"),
            text_fields=("objectives",),
            hit=_grant,
            list_url=lambda: reverse("reports_grant:index"),
            order=70,
        ),
        SearchKind(
            key="donor_reports",
            label=_("Donor reports"),
            is_shown=can_read,
            visible=lambda user: DonorReport.objects.visible_to(user).select_related("grant"),
            fields=("grant__code", "grant__title", "grant__donor__name", "grant__agreement_number"),
            hit=_report,
            ordering=("-period_end", "-version"),
            order=80,
        ),
    ]
