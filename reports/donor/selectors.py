"""Reads for donor reports: the admin's lists and report page (with the checks before review, the
four-eyes rule and the history), the donor area, the verification page and the notifications. Every
function starts from `visible_to(user)` where a user is involved; the donor area reads only published
(and superseded) reports, whose data is frozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from accounts.models import Affiliation, User
from reports.donor import report_data
from reports.donor.narrative import plain_text
from reports.grants.selectors import INDICATOR_SCOPE_TEXT, INDICATOR_STATUS_TEXT
from reports.metrics import hidden_count_text
from reports.models import (
    Activity,
    BudgetLine,
    BudgetPeriodAmount,
    DonorReport,
    Grant,
    Indicator,
    IndicatorExplanation,
    WorkPackage,
    WorkPackageNarrative,
)

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


# -- before review: what is missing, who may publish ----------------------------------------------------------
@dataclass(frozen=True)
class Check:
    """One thing to look at before a report goes to review. A blocking check stops the submission; a
    warning is shown only. `url` leads to where it is fixed (an anchor of the report page or a screen)."""

    message: str
    blocking: bool
    url: str


NARRATIVE_ANCHOR = "narrative"


def report_checks(report: DonorReport, *, today: date | None = None) -> list[Check]:
    """What is missing before `report` can be reviewed: blocking checks first, then warnings. Read
    from the saved narrative, the grant's live records and the report's generated data (indicators
    behind or at risk are known once it is generated)."""
    today = today or timezone.localdate()
    page = reverse("reports_donor_reports:report", args=[report.pk])
    grant = report.grant
    blocking: list[Check] = []
    warnings: list[Check] = []

    def block(message: str, anchor: str) -> None:
        blocking.append(Check(message=message, blocking=True, url=f"{page}#{anchor}"))

    for field, label in (
        ("summary", _("The publishable summary is missing.")),
        ("ethics", _("The ethical issues are missing (write “None” when there were none).")),
        ("dissemination", _("The dissemination and communication activities are missing.")),
        ("conclusions", _("The conclusions and recommendations are missing.")),
    ):
        if not getattr(report, field).strip():
            block(label, f"{NARRATIVE_ANCHOR}-{field}")

    narratives = {row.work_package_id: row for row in WorkPackageNarrative.objects.filter(report=report)}
    packages = list(WorkPackage.objects.filter(grant=grant).order_by("number"))
    for package in packages:
        row = narratives.get(package.pk)
        names = {"number": package.number, "title": package.title}
        if row is None or not plain_text(row.work_done).strip():
            block(_("WP%(number)s %(title)s: the work done in the period is missing.") % names, f"wp-{package.number}")
        if row is None or not row.deviations.strip():
            block(
                _(
                    "WP%(number)s %(title)s: the deviations from the plan are missing (write “None” when nothing "
                    "deviated)."
                )
                % names,
                f"wp-{package.number}",
            )

    explained = set(IndicatorExplanation.objects.filter(report=report).values_list("indicator__code", flat=True))
    for line in indicators_needing_explanation(report):
        if line.code not in explained:
            block(
                _("Indicator %(code)s %(title)s is %(status)s: explain why and what is done about it.")
                % {
                    "code": line.code,
                    "title": line.title,
                    # In the reader's language (the frozen text is in the report's).
                    "status": str(INDICATOR_STATUS_TEXT.get(line.status, line.status_text)).lower(),
                },
                f"indicator-{line.code}",
            )

    if report.period_end >= today:
        if grant.donor.accepts_interim_reports:
            warnings.append(
                Check(
                    message=_("The period has not ended (it ends on %(end)s): the report will be marked interim.")
                    % {"end": report.period_end.isoformat()},
                    blocking=False,
                    url=page,
                )
            )
        else:
            block(
                _(
                    "The period ends on %(end)s and %(donor)s does not accept interim reports: submit it after the "
                    "period has ended."
                )
                % {"end": report.period_end.isoformat(), "donor": grant.donor.name},
                "report",
            )

    # Activities with events in the period whose work package has no "work done" yet.
    start, end = report.period_start, report.period_end
    busy = (
        Activity.objects.filter(grant=grant, work_package__isnull=False)
        .filter(Q(roundtables__starts_at__date__range=(start, end)) | Q(training_events__starts_on__range=(start, end)))
        .select_related("work_package")
        .distinct()
        .order_by("work_package__number", "planned_start", "title")
    )
    for activity in busy:
        row = narratives.get(activity.work_package_id)
        if row is None or not plain_text(row.work_done).strip():
            warnings.append(
                Check(
                    message=_(
                        "Activity “%(activity)s” had events in the period, but WP%(number)s has no narrative of the "
                        "work done."
                    )
                    % {"activity": activity.title, "number": activity.work_package.number},
                    blocking=False,
                    url=f"{page}#wp-{activity.work_package.number}",
                )
            )

    # The budget of the period (only for one of the grant's reporting periods).
    if grant.reporting_period_of(start, end) is not None:
        in_period = BudgetPeriodAmount.objects.filter(
            budget_line=OuterRef("pk"), period_start=start, actual__isnull=False
        )
        for line in (
            BudgetLine.objects.filter(grant=grant).annotate(has_actual=Exists(in_period)).order_by("category", "pk")
        ):
            if not line.has_actual:
                warnings.append(
                    Check(
                        message=_("Budget line “%(line)s” has no spending entered for the period.") % {"line": line},
                        blocking=False,
                        url=reverse("reports_budget_line:periods", args=[line.pk]),
                    )
                )
        for amount in BudgetPeriodAmount.objects.filter(budget_line__grant=grant, period_start=start).select_related(
            "budget_line"
        ):
            if amount.needs_justification() and not amount.variance_justification.strip():
                warnings.append(
                    Check(
                        message=_(
                            "Budget line “%(line)s”: spending differs from the plan by more than %(threshold)s %% "
                            "without a justification."
                        )
                        % {"line": amount.budget_line, "threshold": settings.DONOR_REPORT_VARIANCE_THRESHOLD},
                        blocking=False,
                        url=reverse("reports_budget_line:periods", args=[amount.budget_line_id]),
                    )
                )

    for indicator in Indicator.objects.filter(grant=grant).order_by("order", "code"):
        if indicator.baseline_overridden:
            warnings.append(
                Check(
                    message=_(
                        "Indicator %(code)s: its baseline (%(baseline)s) is not the one measured on its scope "
                        "(%(measured)s); the report shows the justification."
                    )
                    % {
                        "code": indicator.code,
                        "baseline": format(indicator.baseline.normalize(), "f"),
                        "measured": format(indicator.baseline_measured.normalize(), "f"),
                    },
                    blocking=False,
                    url=reverse("reports_indicator:edit", args=[indicator.pk]),
                )
            )
    return blocking + warnings


def indicators_needing_explanation(report: DonorReport) -> list[report_data.IndicatorLine]:
    """The indicators the report's generated data says are behind or at risk (none before it is generated)."""
    if not report.data:
        return []
    return [
        line for line in report_data.from_json(report.data).indicators if line.status in report_data.NEEDS_EXPLANATION
    ]


def publish_refusal(*, report: DonorReport, user: Any) -> str:
    """Why `user` may not publish `report` under the four-eyes rule ("" when they may): whoever
    created or submitted it leaves publishing to another person."""
    user_id = getattr(user, "pk", None)
    if user_id is not None and user_id in (report.created_by_id, report.submitted_by_id):
        return _("You prepared or submitted this report; another person publishes it.")
    return ""


def report_history(*, report: DonorReport, user: Any) -> QuerySet:
    """The report's audit trail as the user may read it, newest first."""
    from core.audit import log_entries_visible_to

    entries = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(DonorReport), object_id=str(report.pk)
    ).select_related("user")
    return log_entries_visible_to(entries, user).order_by("-timestamp", "-pk")
