"""The dashboards in the Wagtail admin, and their CSV/XLSX downloads. Views only wire the pipeline
(`reports.dashboards`), the filter form and the cache; access is one permission per dashboard."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from pandas.api.types import is_string_dtype
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from core.spreadsheets import formula_safe
from reports import caching, dashboards, selectors
from reports.dashboards import Dashboard, DashboardData
from reports.forms import DashboardFilterForm
from reports.grants import selectors as grant_selectors
from reports.metrics import Context


def visible_dashboards(user: Any) -> list[Dashboard]:
    return [dashboard for dashboard in dashboards.DASHBOARDS if user.has_perm(dashboard.permission)]


def _dashboard_or_deny(request: HttpRequest, slug: str) -> Dashboard:
    dashboard = dashboards.BY_SLUG.get(slug)
    if dashboard is None:
        raise Http404
    if not request.user.has_perm(dashboard.permission):
        raise PermissionDenied
    return dashboard


@dataclass(frozen=True)
class Content:
    data: DashboardData
    html: str
    grants: tuple[tuple[str, str], ...] = ()  # the grant filter's options for this user


def dashboard_content(*, dashboard: Dashboard, form: DashboardFilterForm, user: Any) -> Content:
    """The dashboard's data and rendered body for the form's filters, from the cache when possible (the
    filters' own reads, a grant's coverage, count among what the entry was built from)."""
    now = timezone.now()
    today = timezone.localdate(now)
    with caching.reading() as reading:
        valid = form.is_valid()
        period = form.period(today=today) if valid else None
        scope = form.scope() if valid else None
        query = urlencode(form.active_filters()) if valid else ""
        key = caching.dashboard_key(slug=dashboard.slug, period=period, scope=scope, user=user, today=today)

        def build() -> Content:
            frames = selectors.load_frames(dashboard.frames, user=user)
            data = dashboards.build(dashboard, frames, Context.at(period=period, scope=scope, now=now, user=user))
            html = render_to_string(
                "reports/includes/dashboard_body.html",
                {"dashboard": dashboard, "data": data, "query": query},
            )
            return Content(data, html, tuple(grant_selectors.grant_options(user=user)))

        return reading.cached(key, build)


class DashboardIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/index.html"
    page_title = gettext_lazy("Dashboards")
    header_icon = "view"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not visible_dashboards(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["dashboards"] = visible_dashboards(self.request.user)
        return context


class DashboardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/dashboard.html"
    header_icon = "view"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.dashboard = _dashboard_or_deny(request, kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return str(self.dashboard.title)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = DashboardFilterForm(self.request.GET or None, user=self.request.user)
        content = dashboard_content(dashboard=self.dashboard, form=form, user=self.request.user)
        form.offer_grants(content.grants)
        context.update(
            dashboard=self.dashboard,
            dashboards=visible_dashboards(self.request.user),
            form=form,
            filtered=form.is_bound and form.is_valid() and bool(form.active_filters()),
            body=content.html,
        )
        return context


FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as downloaded: the same cells, with text that a spreadsheet would run as a formula
    made inert."""
    return frame.apply(lambda column: column.map(formula_safe) if is_string_dtype(column) else column)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    export_frame(frame).to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    # With a byte-order mark, spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(frame: pd.DataFrame, *, sheet: str) -> bytes:
    buffer = io.BytesIO()
    name = "".join(char for char in sheet if char not in "[]:*?/\\").strip()[:31] or "Data"
    # Dates are real spreadsheet dates (sortable, filterable), shown as YYYY-MM-DD like every date here.
    with pd.ExcelWriter(buffer, engine="openpyxl", date_format="YYYY-MM-DD", datetime_format="YYYY-MM-DD HH:MM") as w:
        _real_dates(export_frame(frame)).to_excel(w, index=False, sheet_name=name)
    return buffer.getvalue()


def _real_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns that hold only ISO dates (as aggregations write them) become date columns."""
    converted = frame.copy()
    for name in frame.columns:
        column = frame[name]
        if not is_string_dtype(column):
            continue
        filled = column.dropna().astype(str)
        filled = filled[filled != ""]
        if len(filled) and filled.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all():
            converted[name] = pd.to_datetime(column.replace("", None), format="%Y-%m-%d").dt.date
    return converted


class DashboardExportView(View):
    def get(self, request: HttpRequest, slug: str, section: str, fmt: str) -> HttpResponse:
        dashboard = _dashboard_or_deny(request, slug)
        if fmt not in FORMATS:
            raise Http404
        form = DashboardFilterForm(request.GET or None, user=request.user)
        if form.is_bound and not form.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
            return HttpResponse(
                _("The filters are not valid, so nothing was exported (%(problems)s).") % {"problems": problems},
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        content = dashboard_content(dashboard=dashboard, form=form, user=request.user)
        try:
            chosen = content.data.section(section)
        except KeyError:
            raise Http404 from None
        name = f"{dashboard.slug}-{slugify(chosen.key)}-{timezone.localdate().isoformat()}.{fmt}"
        body = csv_bytes(chosen.table) if fmt == "csv" else xlsx_bytes(chosen.table, sheet=chosen.title)
        response = HttpResponse(body, content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
