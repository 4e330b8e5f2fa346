"""The reports app's services, the audited writes: the donor reports' lifecycle and generation
(`reports.donor.services`), re-exported here as the app's one list of services."""

from reports.donor.exports import donor_report_record_export
from reports.donor.services import (
    budget_line_update_period_amounts,
    build_report_data,
    can_create_reports,
    can_manage_reports,
    donor_report_correct,
    donor_report_create,
    donor_report_explain_indicator,
    donor_report_generate,
    donor_report_publish,
    donor_report_record_download,
    donor_report_retry,
    donor_report_return,
    donor_report_submit,
    donor_report_update_narrative,
    donor_report_update_summary,
    donor_report_update_work_package,
    render_again,
    stored_pdf,
)

__all__ = [
    "budget_line_update_period_amounts",
    "build_report_data",
    "can_create_reports",
    "can_manage_reports",
    "donor_report_correct",
    "donor_report_create",
    "donor_report_explain_indicator",
    "donor_report_generate",
    "donor_report_publish",
    "donor_report_record_download",
    "donor_report_record_export",
    "donor_report_retry",
    "donor_report_return",
    "donor_report_submit",
    "donor_report_update_narrative",
    "donor_report_update_summary",
    "donor_report_update_work_package",
    "render_again",
    "stored_pdf",
]
