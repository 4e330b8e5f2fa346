"""A published report's indicator table as a spreadsheet (CSV and XLSX), for the donor area.

The rows are read from the report's frozen data, never from live records, and every value is the
text the PDF prints in its indicator table, in the report's language: the same rounding (the PDF's
`number` and `percent`), "fewer than 5" for a small count of people and "suppressed" for a value hidden
to protect it (`report_data.shown_indicator`). Every cell passes the spreadsheet formula guard
(`core.spreadsheets.formula_safe`).

`donor_report_record_export` is the one write: it audits who took which table, as the PDF download is.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _

from core.audit import audit
from core.spreadsheets import formula_safe
from reports.donor import report_data as rd
from reports.donor.pdf.layout import indicator_cells, indicator_headers
from reports.models import DonorReport

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXPORT_ACTION = "reports.donor_report.export"


def indicator_rows(data: rd.DonorReportData) -> list[list[str]]:
    """The header and one row per indicator, as the PDF's indicator table prints them."""
    threshold = data.small_count_threshold
    with translation.override(data.language):
        rows = [[_("Code"), _("Indicator"), *indicator_headers()]]
        for line in data.indicators:
            cells = indicator_cells(line, threshold)
            rows.append(
                [
                    line.code,
                    line.title,
                    line.scope_text,
                    line.unit,
                    cells.baseline,
                    cells.target,
                    cells.in_period,
                    cells.achieved,
                    cells.progress,
                    line.status_text,
                ]
            )
    return [[formula_safe(cell) for cell in row] for row in rows]


def indicator_csv(data: rd.DonorReportData) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(indicator_rows(data))
    # With a byte order mark: spreadsheet programs then read the text as UTF-8.
    return out.getvalue().encode("utf-8-sig")


def indicator_xlsx(data: rd.DonorReportData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    with translation.override(data.language):
        sheet.title = _("Indicators")[:31]
    for row in indicator_rows(data):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def indicator_table(report: DonorReport, export_format: str) -> bytes:
    data = rd.from_json(report.data)
    return indicator_csv(data) if export_format == CSV else indicator_xlsx(data)


def export_name(report: DonorReport, export_format: str) -> str:
    return f"{report.download_name.removesuffix('.pdf')}-indicators.{export_format}"


def donor_report_record_export(*, report: DonorReport, export_format: str, acting_user: Any) -> None:
    """Audit that the user takes the report's indicator table (a report they may see, published)."""
    visible = DonorReport.objects.visible_to(acting_user).filter(
        pk=report.pk, status__in=DonorReport.DONOR_VISIBLE_STATUSES
    )
    if not visible.exists() or not report.data:
        raise PermissionDenied(_("You may not download this report."))
    audit(report, EXPORT_ACTION, user=acting_user, data={"format": export_format})
