"""Reads for donor reports: the admin's lists and report page, the donor area, the verification page
and the notifications. Every function is keyword-only and starts from `visible_to(user)` where a user
is involved; the donor area reads only published (and superseded) reports, whose data is frozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts.models import Affiliation, User
from reports.donor import report_data
from reports.grants.selectors import INDICATOR_SCOPE_TEXT, INDICATOR_STATUS_TEXT
from reports.metrics import hidden_count_text
from reports.models import DonorReport, Grant

# A generation that has been "running" this long lost its worker (killed, restarted): it may be retried.
GENERATION_STALE_AFTER = timedelta(minutes=15)
GENERATION_STARTED_ACTION = "reports.donor_report.generation_started"


def donor_user_emails(*, grant: Grant) -> list[str]:
    """Active users of the grant's donor (the donor area's users)."""
    donor_type = ContentType.objects.get_for_model(grant.donor)
    affiliated = Affiliation.objects.filter(content_type=donor_type, object_id=grant.donor_id).values("user_id")
    return sorted(User.objects.filter(pk__in=affiliated, is_active=True).values_list("email", flat=True))


def next_report_version(*, grant: Grant, period_start: date, period_end: date) -> int:
    """The version a new report of this grant and period gets: one more than the highest so far."""
    versions = DonorReport.objects.filter(grant=grant, period_start=period_start, period_end=period_end)
    highest = versions.order_by("-version").values_list("version", flat=True).first()
    return (highest or 0) + 1


def generation_started_at(*, report: DonorReport) -> Any:
    """When the report's latest generation started (from its audit trail), or None."""
    entry = (
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(DonorReport),
            object_id=str(report.pk),
            action=GENERATION_STARTED_ACTION,
        )
        .order_by("-timestamp")
        .values_list("timestamp", flat=True)
        .first()
    )
    return entry


def generation_is_stale(*, report: DonorReport, now: Any = None) -> bool:
    """A generation queued or running for longer than `GENERATION_STALE_AFTER` (its worker is gone)."""
    if report.generation not in (DonorReport.Generation.QUEUED, DonorReport.Generation.RUNNING):
        return False
    now = now or timezone.now()
    started = generation_started_at(report=report) or report.created_at
    return now - started > GENERATION_STALE_AFTER


def can_retry(*, report: DonorReport, now: Any = None) -> bool:
    """A draft whose generation failed, or has been queued or running too long."""
    if report.status != DonorReport.Status.DRAFT:
        return False
    return report.generation == DonorReport.Generation.FAILED or generation_is_stale(report=report, now=now)


def report_versions(*, report: DonorReport, user: Any) -> QuerySet:
    """Every version of the report's grant and period the user may see, newest first."""
    return (
        DonorReport.objects.visible_to(user)
        .filter(grant_id=report.grant_id, period_start=report.period_start, period_end=report.period_end)
        .select_related("grant", "published_by", "created_by")
        .order_by("-version")
    )


# -- The donor area -----------------------------------------------------------------------------------------
def donor_grants(*, user: Any) -> QuerySet:
    """The user's grants, with their donor and the number of published reports."""
    from django.db.models import Count, Q

    return (
        Grant.objects.visible_to(user)
        .select_related("donor")
        .annotate(
            published_reports=Count(
                "reports", filter=Q(reports__status__in=DonorReport.DONOR_VISIBLE_STATUSES), distinct=True
            )
        )
        .order_by("-starts_on", "code")
    )


def donor_reports(*, user: Any, grant: Grant) -> QuerySet:
    """The grant's reports the user may see (for a donor: published and superseded), newest period first."""
    return (
        DonorReport.objects.visible_to(user)
        .filter(grant=grant, status__in=DonorReport.DONOR_VISIBLE_STATUSES)
        .select_related("grant", "superseded_by")
        .order_by("-period_start", "-version")
    )


@dataclass(frozen=True)
class IndicatorProgress:
    """An indicator as donors see it: a small count of people is replaced by its text (`*_hidden`)."""

    code: str
    title: str
    unit: str
    scope_text: str
    baseline: Any
    baseline_hidden: str
    target: Any
    achieved: Any
    achieved_hidden: str
    progress: Any
    progress_hidden: str
    status: str
    status_text: str


@dataclass(frozen=True)
class GrantProgress:
    """Indicator progress as the latest published report froze it (never live data, never a draft)."""

    report: DonorReport | None
    indicators: list[IndicatorProgress]


def latest_published_report(*, user: Any, grant: Grant) -> DonorReport | None:
    return (
        DonorReport.objects.visible_to(user)
        .filter(grant=grant, status=DonorReport.Status.PUBLISHED)
        .order_by("-period_end", "-published_at", "-version")
        .first()
    )


def grant_progress(*, user: Any, grant: Grant) -> GrantProgress:
    report = latest_published_report(user=user, grant=grant)
    if report is None or not report.data:
        return GrantProgress(report=report, indicators=[])
    return GrantProgress(report=report, indicators=frozen_indicators(report.data))


def frozen_indicators(data: dict[str, Any]) -> list[IndicatorProgress]:
    """The indicator rows of a report's frozen data (the JSON of `report_data.to_json`, any schema
    version), with small counts of people hidden as in the PDF (`report_data.shown_indicator`)."""
    frozen = report_data.from_json(data)
    threshold = frozen.small_count_threshold
    progress = []
    for line in frozen.indicators:
        shown = report_data.shown_indicator(line, threshold)
        progress.append(
            IndicatorProgress(
                code=line.code,
                title=line.title,
                unit=line.unit,
                scope_text=str(INDICATOR_SCOPE_TEXT.get(line.scope, line.scope_text)),
                baseline=shown.baseline,
                baseline_hidden=hidden_count_text(shown.baseline_hidden, threshold) if shown.baseline_hidden else "",
                target=line.target,
                achieved=shown.achieved,
                achieved_hidden=hidden_count_text(shown.achieved_hidden, threshold) if shown.achieved_hidden else "",
                progress=shown.progress,
                progress_hidden=hidden_count_text(shown.progress_hidden, threshold) if shown.progress_hidden else "",
                status=line.status,
                # The status in the reader's language (the frozen text is in the report's language).
                status_text=str(INDICATOR_STATUS_TEXT.get(line.status, line.status_text)),
            )
        )
    return progress


@dataclass(frozen=True)
class VerificationAnswer:
    """What the public verification page may say about a PDF: nothing but these. The people are named
    by their full names as recorded on their accounts ("" when none is), never by an email address."""

    grant_code: str
    period_start: date
    period_end: date
    version: int
    published_at: Any
    superseded: bool
    language: str = ""
    prepared_by: str = ""
    prepared_at: Any = None
    submitted_by: str = ""
    submitted_at: Any = None
    published_by: str = ""


def verify_pdf(*, sha256: str) -> VerificationAnswer | None:
    """The published (or superseded) report whose PDF has this SHA-256, or None. One query."""
    report = (
        DonorReport.objects.filter(pdf_sha256=sha256.lower(), status__in=DonorReport.DONOR_VISIBLE_STATUSES)
        .select_related("grant", "created_by", "submitted_by", "published_by")
        .order_by("-published_at")
        .first()
    )
    if report is None:
        return None

    def staff_name(user: Any) -> str:
        return user.get_full_name().strip() if user is not None else ""

    return VerificationAnswer(
        grant_code=report.grant.code,
        period_start=report.period_start,
        period_end=report.period_end,
        version=report.version,
        published_at=report.published_at,
        superseded=report.status == DonorReport.Status.SUPERSEDED,
        language=report.get_language_display(),
        prepared_by=staff_name(report.created_by),
        prepared_at=report.created_at,
        submitted_by=staff_name(report.submitted_by),
        submitted_at=report.submitted_at,
        published_by=staff_name(report.published_by),
    )
