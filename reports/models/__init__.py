"""Reports models, one module per sub-domain: the dashboards' permissions, donors and grants, donor
reports. Every model is imported here (one app, `reports`)."""

from reports.models.dashboards import Dashboard
from reports.models.donor_reports import (
    DonorReport,
    DonorReportDownload,
    DonorReportDownloadQuerySet,
    DonorReportQuerySet,
    FrozenReportError,
    IndicatorExplanation,
    WorkPackageNarrative,
)
from reports.models.grants import (
    Activity,
    BudgetLine,
    BudgetPeriodAmount,
    Deliverable,
    Donor,
    DonorQuerySet,
    DonorScopedQuerySet,
    Grant,
    GrantQuerySet,
    GrantScopedQuerySet,
    Indicator,
    Milestone,
    ReportProfile,
    Risk,
    WorkPackage,
)

__all__ = [
    "Activity",
    "BudgetLine",
    "BudgetPeriodAmount",
    "Dashboard",
    "Deliverable",
    "Donor",
    "DonorQuerySet",
    "DonorReport",
    "DonorReportDownload",
    "DonorReportDownloadQuerySet",
    "DonorReportQuerySet",
    "DonorScopedQuerySet",
    "FrozenReportError",
    "Grant",
    "GrantQuerySet",
    "GrantScopedQuerySet",
    "Indicator",
    "IndicatorExplanation",
    "Milestone",
    "ReportProfile",
    "Risk",
    "WorkPackage",
    "WorkPackageNarrative",
]
