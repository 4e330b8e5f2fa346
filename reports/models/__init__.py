"""Reports models, one module per sub-domain: the dashboards' permissions, donors and grants, donor
reports. Every model is imported here (one app, `reports`)."""

from reports.models.dashboards import Dashboard
from reports.models.donor_reports import (
    DonorReport,
    DonorReportDownload,
    DonorReportDownloadQuerySet,
    DonorReportQuerySet,
    FrozenReportError,
)
from reports.models.grants import (
    Activity,
    BudgetLine,
    Deliverable,
    Donor,
    DonorQuerySet,
    DonorScopedQuerySet,
    Grant,
    GrantQuerySet,
    GrantScopedQuerySet,
    Indicator,
    Milestone,
    Risk,
    WorkPackage,
)

__all__ = [
    "Activity",
    "BudgetLine",
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
    "Milestone",
    "Risk",
    "WorkPackage",
]
