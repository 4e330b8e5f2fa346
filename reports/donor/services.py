"""Donor report lifecycle: create, generate (in the background), review, publish, correct, download.

Concepts and invariants:
- A report is one *version* of a grant's report for a period. Its status moves
  draft -> in review -> published; in review may return to draft. A published report never
  changes (the model refuses it too); a correction is a new version that `supersedes` it, and
  when the correction is published the old version becomes superseded. Both are kept.
- Generation is separate from the lifecycle: queued -> running -> done | failed. It builds the
  frozen data (`assembly.donor_report_data`), renders the PDF from it (`pdf.build_donor_report`)
  and stores the PDF privately; the data, the PDF's name, SHA-256, size and the generator version
  are written together, in one transaction, at the end. A failure stores nothing (a file already
  written is removed) and records the error; `donor_report_retry` queues it again.
- The narrative (summary, ethics, dissemination, conclusions, a narrative per work package, an
  explanation per indicator behind or at risk) is written on a draft; every edit queues the
  generation again. A generation keeps its result only if the narrative it read is still the
  report's when it finishes (a later edit has queued a newer one).
- Only a draft with a done generation and no blocking check (`selectors.report_checks`) can be
  submitted; publishing is its own explicit step, so a generation that dies half-way never
  publishes anything.
- Four eyes: whoever created or submitted a report does not publish it; another person does.
- Every service checks the acting user's permission and writes an audit entry; emails to the
  donor's users are queued (outbox) when a report is published, once per report and user.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import is_authenticated
from core import dataversion
from core.audit import audit, changed_fields
from core.mail import queue_email
from core.uploads import private_storage, store_bytes
from reports.donor import selectors as report_selectors
from reports.models import (
    BudgetLine,
    BudgetPeriodAmount,
    DonorReport,
    DonorReportDownload,
    Grant,
    Indicator,
    IndicatorExplanation,
    WorkPackage,
    WorkPackageNarrative,
)

logger = logging.getLogger(__name__)

PDF_FOLDER = "donor-reports"
ADD_PERMISSION = "reports.add_donorreport"
CHANGE_PERMISSION = "reports.change_donorreport"
Status = DonorReport.Status
Generation = DonorReport.Generation


# -- permissions ----------------------------------------------------------------------------------------------
def can_manage_reports(user: Any) -> bool:
    """Staff who prepare, review and publish donor reports (grants managers, network staff)."""
    return is_authenticated(user) and user.has_perm(CHANGE_PERMISSION)


def can_create_reports(user: Any) -> bool:
    return is_authenticated(user) and user.has_perm(ADD_PERMISSION)


def _require(user: Any, permission: str) -> None:
    if not (is_authenticated(user) and user.has_perm(permission)):
        raise PermissionDenied(_("You may not do this with donor reports."))


def _locked(report: DonorReport, acting_user: Any) -> DonorReport:
    """The report's row, locked, if the user may see it."""
    locked = DonorReport.objects.visible_to(acting_user).select_for_update().filter(pk=report.pk).first()
    if locked is None:
        raise PermissionDenied(_("You may not do this with donor reports."))
    return locked


def _refresh(report: DonorReport, locked: DonorReport) -> None:
    """Copy the saved state back onto the caller's instance."""
    for field in locked._meta.concrete_fields:
        setattr(report, field.attname, getattr(locked, field.attname))


# -- the generation -------------------------------------------------------------------------------------------
def _enqueue_generation(report_id: int) -> None:
    """Hand the generation to the task worker (after commit). A broken queue leaves it queued: retry."""
    from reports.tasks import generate_donor_report

    try:
        result = generate_donor_report.enqueue(report_id)
    except Exception:
        logger.exception("Could not enqueue the generation of donor report %s; retry it from the admin", report_id)
        return
    # Bookkeeping only (which task ran it); the immediate backend has already finished by now.
    DonorReport.objects.filter(pk=report_id, status=Status.DRAFT).update(task_id=str(result.id)[:64])


def _queue_generation(report: DonorReport) -> None:
    """Mark the (locked, draft) report queued, forgetting what an earlier generation produced."""
    old_file = report.pdf_name
    report.generation = Generation.QUEUED
    report.generation_error = ""
    report.task_id = ""
    report.data = None
    report.pdf_name = ""
    report.pdf_sha256 = ""
    report.pdf_size = None
    report.generator_version = ""
    report.generated_at = None
    report.save()
    if old_file:
        transaction.on_commit(lambda: _delete_file(old_file))
    transaction.on_commit(lambda: _enqueue_generation(report.pk))


def _delete_file(name: str) -> None:
    try:
        private_storage().delete(name)
    except Exception:  # a leftover file is harmless; a crash here would hide the real outcome
        logger.exception("Could not delete the stored report file %s", name)


def build_report_data(*, report: DonorReport, generated_on: date, now: Any = None) -> Any:
    """The frozen data of `report` (live data read now, its narrative as written on the draft)."""
    from reports.donor.assembly import donor_report_data, narrative_of

    return donor_report_data(
        grant=report.grant,
        period_start=report.period_start,
        period_end=report.period_end,
        version=report.version,
        generated_on=generated_on,
        language=report.language,
        now=now,
        narrative=narrative_of(report),
    )


def donor_report_generate(*, report_id: int) -> DonorReport | None:
    """Run one generation (the task's body). Idempotent: a report that is not a draft waiting for its
    generation is left alone. Returns the report, or None when it no longer exists."""
    from reports.donor import pdf, report_data

    with transaction.atomic():
        report = DonorReport.objects.select_for_update().select_related("grant").filter(pk=report_id).first()
        if report is None:
            return None
        if report.status != Status.DRAFT or report.generation not in (Generation.QUEUED, Generation.RUNNING):
            return report
        report.generation = Generation.RUNNING
        report.generation_error = ""
        report.save(update_fields=["generation", "generation_error"])
        audit(report, report_selectors.GENERATION_STARTED_ACTION, data={"task_id": report.task_id})
        written = _narrative_now(report)
    stored_name = ""
    try:
        data = build_report_data(report=report, generated_on=timezone.localdate())
        snapshot = report_data.to_json(data)
        content = pdf.build_donor_report(data)
        if not content.startswith(b"%PDF-"):
            raise ValueError("the PDF builder did not return a PDF")
        stored_name = store_bytes(content, folder=PDF_FOLDER, extension="pdf")
        with transaction.atomic():
            locked = DonorReport.objects.select_for_update().get(pk=report_id)
            if (
                locked.status != Status.DRAFT
                or locked.generation != Generation.RUNNING
                or _narrative_now(locked) != written
            ):
                # Changed meanwhile (narrative edited, retried): the newer generation wins.
                transaction.on_commit(lambda: _delete_file(stored_name))
                return locked
            locked.data = snapshot
            locked.pdf_name = stored_name
            locked.pdf_sha256 = hashlib.sha256(content).hexdigest()
            locked.pdf_size = len(content)
            locked.generator_version = str(pdf.GENERATOR_VERSION)
            locked.generated_at = timezone.now()
            locked.generation = Generation.DONE
            locked.generation_error = ""
            locked.save()
            audit(
                locked,
                "reports.donor_report.generated",
                data={"sha256": locked.pdf_sha256, "size": locked.pdf_size, "generator": locked.generator_version},
            )
        return locked
    except Exception as exc:
        logger.exception("Generation of donor report %s failed", report_id)
        if stored_name:
            _delete_file(stored_name)
        error = f"{type(exc).__name__}: {exc}"[:4000]
        with transaction.atomic():
            locked = DonorReport.objects.select_for_update().get(pk=report_id)
            if locked.status == Status.DRAFT and locked.generation == Generation.RUNNING:
                locked.generation = Generation.FAILED
                locked.generation_error = error
                locked.save(update_fields=["generation", "generation_error"])
            audit(locked, "reports.donor_report.generation_failed", data={"error": error})
        return locked


def _narrative_now(report: DonorReport) -> Any:
    """The narrative as saved now: a generation compares it when it finishes with what it read at its
    start, so an edit made meanwhile (which queued a newer generation) is never overwritten."""
    from reports.donor.assembly import narrative_of

    return narrative_of(report)


def render_again(report: DonorReport) -> bytes:
    """Render the report's frozen data again: the same bytes as the stored PDF (same generator)."""
    from reports.donor import pdf, report_data

    if report.data is None:
        raise ValueError("This report has no frozen data yet.")
    return pdf.build_donor_report(report_data.from_json(report.data))


def stored_pdf(report: DonorReport) -> bytes:
    with private_storage().open(report.pdf_name, "rb") as handle:
        return handle.read()


# -- the lifecycle --------------------------------------------------------------------------------------------
def _check_period(grant: Grant, period_start: date, period_end: date) -> None:
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    if period_start < grant.starts_on or period_end > grant.ends_on:
        raise ValidationError(
            {
                "period_start": _("The period must lie within the grant (%(start)s to %(end)s).")
                % {"start": grant.starts_on.isoformat(), "end": grant.ends_on.isoformat()}
            }
        )


def donor_report_create(
    *,
    grant: Grant,
    period_start: date,
    period_end: date,
    summary: str = "",
    language: str | None = None,
    acting_user: Any,
) -> DonorReport:
    """A new draft version for the grant and period, in `language` (default: the site's); its
    generation is queued at once."""
    _require(acting_user, ADD_PERMISSION)
    _check_period(grant, period_start, period_end)
    language = language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the site's languages.")})
    _check_summary(summary)
    with transaction.atomic():
        # One writer at a time per grant, so two drafts never get the same version.
        locked_grant = Grant.objects.visible_to(acting_user).select_for_update().filter(pk=grant.pk).first()
        if locked_grant is None:
            raise PermissionDenied(_("You may not do this with donor reports."))
        report = DonorReport.objects.create(
            grant=locked_grant,
            period_start=period_start,
            period_end=period_end,
            version=report_selectors.next_report_version(
                grant=locked_grant, period_start=period_start, period_end=period_end
            ),
            status=Status.DRAFT,
            generation=Generation.QUEUED,
            summary=summary.strip(),
            language=language,
            created_by=acting_user,
        )
        audit(
            report,
            "reports.donor_report.create",
            user=acting_user,
            data={
                "period": [period_start.isoformat(), period_end.isoformat()],
                "version": report.version,
                "language": language,
            },
        )
        transaction.on_commit(lambda: _enqueue_generation(report.pk))
    return report


def donor_report_retry(*, report: DonorReport, acting_user: Any) -> DonorReport:
    """Queue the generation again: after a failure, or when it has been queued or running too long."""
    _require(acting_user, CHANGE_PERMISSION)
    with transaction.atomic():
        locked = _locked(report, acting_user)
        if not report_selectors.can_retry(report=locked):
            raise ValidationError(_("Only a draft whose generation failed or is stuck can be generated again."))
        previous = locked.generation
        _queue_generation(locked)
        audit(locked, "reports.donor_report.retry", user=acting_user, data={"previous": previous})
    _refresh(report, locked)
    return report


NARRATIVE_FIELDS = ("summary", "ethics", "dissemination", "conclusions")


def _check_summary(summary: str) -> None:
    limit = settings.DONOR_REPORT_SUMMARY_MAX_CHARS
    if len(summary.strip()) > limit:
        raise ValidationError(
            {
                "summary": _(
                    "The publishable summary has %(count)s characters; it may have at most %(limit)s. Shorten it."
                )
                % {"count": len(summary.strip()), "limit": limit}
            }
        )


def _locked_draft(report: DonorReport, acting_user: Any) -> DonorReport:
    """The report's row, locked, if the user may change it and it is a draft."""
    _require(acting_user, CHANGE_PERMISSION)
    locked = _locked(report, acting_user)
    if locked.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be edited; return it to draft first."))
    return locked


def donor_report_update_narrative(
    *, report: DonorReport, acting_user: Any, summary: str, ethics: str, dissemination: str, conclusions: str
) -> DonorReport:
    """Edit a draft's narrative texts (plain text; the summary at most
    `DONOR_REPORT_SUMMARY_MAX_CHARS` characters); the report is generated again with them."""
    _require(acting_user, CHANGE_PERMISSION)
    _check_summary(summary)
    values = {"summary": summary, "ethics": ethics, "dissemination": dissemination, "conclusions": conclusions}
    with transaction.atomic():
        locked = _locked_draft(report, acting_user)
        before = {name: getattr(locked, name) for name in NARRATIVE_FIELDS}
        for name, value in values.items():
            setattr(locked, name, value.strip())
        after = {name: getattr(locked, name) for name in NARRATIVE_FIELDS}
        _queue_generation(locked)
        audit(
            locked,
            "reports.donor_report.update_narrative",
            user=acting_user,
            data={"changed": changed_fields(before, after)},
        )
    _refresh(report, locked)
    return report


def donor_report_update_summary(*, report: DonorReport, summary: str, acting_user: Any) -> DonorReport:
    """Edit a draft's publishable summary alone; the report is generated again with it."""
    return donor_report_update_narrative(
        report=report,
        acting_user=acting_user,
        summary=summary,
        ethics=report.ethics,
        dissemination=report.dissemination,
        conclusions=report.conclusions,
    )


def donor_report_update_work_package(
    *,
    report: DonorReport,
    work_package: WorkPackage,
    work_done: str,
    deviations: str,
    corrective_measures: str,
    acting_user: Any,
) -> WorkPackageNarrative:
    """Write a work package's narrative on a draft (its "work done" cleaned to the narrative's rich
    text); the report is generated again with it. The work package is one of the report's grant's."""
    from reports.donor.narrative import clean_rich_text, plain_text

    _require(acting_user, CHANGE_PERMISSION)
    with transaction.atomic():
        locked = _locked_draft(report, acting_user)
        if work_package.grant_id != locked.grant_id:
            raise ValidationError(_("Choose a work package of the report's grant."))
        cleaned = clean_rich_text(work_done)
        if not plain_text(cleaned).strip():
            cleaned = ""
        narrative, _created = WorkPackageNarrative.objects.select_for_update().get_or_create(
            report=locked, work_package=work_package
        )
        fields = ("work_done", "deviations", "corrective_measures")
        before = {name: getattr(narrative, name) for name in fields}
        narrative.work_done = cleaned
        narrative.deviations = deviations.strip()
        narrative.corrective_measures = corrective_measures.strip()
        narrative.save()
        _queue_generation(locked)
        audit(
            locked,
            "reports.donor_report.update_work_package",
            user=acting_user,
            data={
                "work_package": work_package.number,
                "changed": changed_fields(before, {name: getattr(narrative, name) for name in fields}),
            },
        )
    _refresh(report, locked)
    return narrative


def donor_report_explain_indicator(
    *, report: DonorReport, indicator: Indicator, explanation: str, acting_user: Any
) -> IndicatorExplanation | None:
    """Explain on a draft why an indicator is behind or at risk (an empty explanation removes it); the
    report is generated again with it. The indicator is one of the report's grant's."""
    _require(acting_user, CHANGE_PERMISSION)
    with transaction.atomic():
        locked = _locked_draft(report, acting_user)
        if indicator.grant_id != locked.grant_id:
            raise ValidationError(_("Choose an indicator of the report's grant."))
        existing = IndicatorExplanation.objects.select_for_update().filter(report=locked, indicator=indicator).first()
        before = existing.explanation if existing else ""
        text = explanation.strip()
        result: IndicatorExplanation | None
        if not text:
            if existing is not None:
                existing.delete()
            result = None
        elif existing is None:
            result = IndicatorExplanation.objects.create(report=locked, indicator=indicator, explanation=text)
        else:
            existing.explanation = text
            existing.save(update_fields=["explanation"])
            result = existing
        _queue_generation(locked)
        audit(
            locked,
            "reports.donor_report.explain_indicator",
            user=acting_user,
            data={
                "indicator": indicator.code,
                "changed": changed_fields({"explanation": before}, {"explanation": text}),
            },
        )
    _refresh(report, locked)
    return result


def donor_report_submit(*, report: DonorReport, acting_user: Any) -> DonorReport:
    """Draft -> in review, once its generation is done (reviewers read the PDF)."""
    _require(acting_user, CHANGE_PERMISSION)
    with transaction.atomic():
        locked = _locked(report, acting_user)
        if locked.status != Status.DRAFT:
            raise ValidationError(_("Only a draft can be submitted for review."))
        if not locked.pdf_generated:
            raise ValidationError(_("The report can be submitted once its PDF has been generated."))
        blocking = [check.message for check in report_selectors.report_checks(locked) if check.blocking]
        if blocking:
            raise ValidationError([_("The report cannot be submitted yet:"), *blocking], code="blocking_checks")
        locked.status = Status.IN_REVIEW
        locked.submitted_at = timezone.now()
        locked.submitted_by = acting_user
        locked.save(update_fields=["status", "submitted_at", "submitted_by"])
        audit(locked, "reports.donor_report.submit", user=acting_user, data={"from": "draft", "to": "in_review"})
    _refresh(report, locked)
    return report


def donor_report_return(*, report: DonorReport, reason: str = "", acting_user: Any) -> DonorReport:
    """In review -> draft (to change the summary or generate it again)."""
    _require(acting_user, CHANGE_PERMISSION)
    with transaction.atomic():
        locked = _locked(report, acting_user)
        if locked.status != Status.IN_REVIEW:
            raise ValidationError(_("Only a report in review can be returned to draft."))
        locked.status = Status.DRAFT
        locked.save(update_fields=["status"])
        audit(
            locked,
            "reports.donor_report.return",
            user=acting_user,
            data={"from": "in_review", "to": "draft", "reason": reason.strip()},
        )
    _refresh(report, locked)
    return report


def donor_report_publish(*, report: DonorReport, acting_user: Any) -> DonorReport:
    """In review -> published: frozen from now on; the version it corrects becomes superseded; the
    donor's users are emailed a link to the donor area."""
    _require(acting_user, CHANGE_PERMISSION)
    with transaction.atomic():
        locked = _locked(report, acting_user)
        if locked.status != Status.IN_REVIEW:
            raise ValidationError(_("Only a report in review can be published."))
        if not locked.pdf_generated:
            raise ValidationError(_("The report has no generated PDF to publish."))
        refusal = report_selectors.publish_refusal(report=locked, user=acting_user)
        if refusal:
            raise ValidationError(refusal, code="four_eyes")
        locked.status = Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = acting_user
        locked.save(update_fields=["status", "published_at", "published_by"])
        superseded = None
        if locked.supersedes_id:
            superseded = DonorReport.objects.select_for_update().get(pk=locked.supersedes_id)
            if superseded.status == Status.PUBLISHED:
                superseded.status = Status.SUPERSEDED
                superseded.save(update_fields=["status"])
                audit(
                    superseded,
                    "reports.donor_report.supersede",
                    user=acting_user,
                    data={"superseded_by": locked.pk, "version": locked.version},
                )
        audit(
            locked,
            "reports.donor_report.publish",
            user=acting_user,
            data={
                "sha256": locked.pdf_sha256,
                "supersedes": superseded.pk if superseded else None,
                "prepared_by": locked.created_by_id,
                "submitted_by": locked.submitted_by_id,
            },
        )
        _notify_published(locked)
    _refresh(report, locked)
    return report


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _notify_published(report: DonorReport) -> None:
    """One email per donor user and report version (the dedupe key), in that user's language
    (`User.language`, else the site's; never the staff member's who published it)."""
    grant = report.grant
    url = _absolute(reverse("donors:grant", args=[grant.pk]))
    for email in report_selectors.donor_user_emails(grant=grant):
        queue_email(
            to=[email],
            subject=lambda: (
                _("New report for %(grant)s: %(start)s to %(end)s")
                % {
                    "grant": grant.code,
                    "start": report.period_start.isoformat(),
                    "end": report.period_end.isoformat(),
                }
            ),
            template="reports/donor_reports/email/published.txt",
            context={"report": report, "grant": grant, "url": url},
            dedupe_key=f"donor-report-published:{report.pk}:{email.lower()}",
        )


def donor_report_correct(*, report: DonorReport, correction_note: str = "", acting_user: Any) -> DonorReport:
    """A new draft version correcting a published report (its language and narrative copied: texts, work
    packages' narratives, indicators' explanations); the published one stays
    as it is until the correction is published, then becomes superseded."""
    _require(acting_user, ADD_PERMISSION)
    _require(acting_user, CHANGE_PERMISSION)
    with transaction.atomic():
        locked = _locked(report, acting_user)
        if locked.status != Status.PUBLISHED:
            raise ValidationError(_("Only the published version of a report can be corrected."))
        if DonorReport.objects.filter(supersedes=locked).exists():
            raise ValidationError(_("A correction of this version already exists; work on that one."))
        Grant.objects.select_for_update().filter(pk=locked.grant_id).first()
        correction = DonorReport.objects.create(
            grant_id=locked.grant_id,
            period_start=locked.period_start,
            period_end=locked.period_end,
            version=report_selectors.next_report_version(
                grant=locked.grant, period_start=locked.period_start, period_end=locked.period_end
            ),
            status=Status.DRAFT,
            generation=Generation.QUEUED,
            summary=locked.summary,
            ethics=locked.ethics,
            dissemination=locked.dissemination,
            conclusions=locked.conclusions,
            language=locked.language,
            supersedes=locked,
            correction_note=correction_note.strip(),
            created_by=acting_user,
        )
        WorkPackageNarrative.objects.bulk_create(
            WorkPackageNarrative(
                report=correction,
                work_package_id=row.work_package_id,
                work_done=row.work_done,
                deviations=row.deviations,
                corrective_measures=row.corrective_measures,
            )
            for row in WorkPackageNarrative.objects.filter(report=locked)
        )
        IndicatorExplanation.objects.bulk_create(
            IndicatorExplanation(report=correction, indicator_id=row.indicator_id, explanation=row.explanation)
            for row in IndicatorExplanation.objects.filter(report=locked)
        )
        dataversion.bump(WorkPackageNarrative, IndicatorExplanation)  # bulk writes send no signals
        audit(
            correction,
            "reports.donor_report.correct",
            user=acting_user,
            data={"corrects": locked.pk, "version": correction.version, "note": correction.correction_note},
        )
        transaction.on_commit(lambda: _enqueue_generation(correction.pk))
    return correction


def donor_report_record_download(*, report: DonorReport, acting_user: Any) -> DonorReportDownload:
    """Record that the user downloads the report's PDF (donors: published versions of their grants)."""
    if not DonorReport.objects.visible_to(acting_user).filter(pk=report.pk).exists() or not report.pdf_name:
        raise PermissionDenied(_("You may not download this report."))
    with transaction.atomic():
        download = DonorReportDownload.objects.create(report=report, user=acting_user)
        audit(report, "reports.donor_report.download", user=acting_user, data={"download": download.pk})
    return download


# -- a budget line's amounts by reporting period --------------------------------------------------------------
BUDGET_CHANGE_PERMISSION = "reports.change_budgetline"


@dataclass(frozen=True)
class PeriodAmountInput:
    """What staff enter for one reporting period of a budget line (all empty: no amounts for it)."""

    period_start: date
    period_end: date
    planned: Decimal | None
    actual: Decimal | None
    variance_justification: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.planned and self.actual is None and not self.variance_justification.strip()


def budget_line_update_period_amounts(
    *, budget_line: BudgetLine, amounts: list[PeriodAmountInput], acting_user: Any
) -> list[BudgetPeriodAmount]:
    """Set a budget line's planned and actual amounts per reporting period, all or nothing: each row is
    held to `BudgetPeriodAmount.clean` (a period of the grant, the line's planned total, a
    justification for a large variance); a period left empty loses its amounts. The line's actual
    becomes the sum of its periods' actuals. Errors are raised by period (its first day, ISO)."""
    _require(acting_user, BUDGET_CHANGE_PERMISSION)
    with transaction.atomic():
        line = BudgetLine.objects.visible_to(acting_user).select_for_update().filter(pk=budget_line.pk).first()
        if line is None:
            raise PermissionDenied(_("You may not do this with this budget line."))
        existing = {row.period_start: row for row in line.period_amounts.all()}
        before = {row.period_start.isoformat(): _amount_text(row) for row in existing.values()}
        errors: dict[str, list[str]] = {}
        # Lower planned amounts first, so a sum checked row by row never counts a raise before a cut.
        ordered = sorted(
            amounts,
            key=lambda given: (
                (given.planned or 0) - (existing[given.period_start].planned if given.period_start in existing else 0)
            ),
        )
        kept: list[BudgetPeriodAmount] = []
        for given in ordered:
            row = existing.get(given.period_start)
            if given.is_empty:
                if row is not None:
                    row.delete()
                continue
            row = row or BudgetPeriodAmount(budget_line=line, period_start=given.period_start)
            row.period_end = given.period_end
            row.planned = given.planned or Decimal(0)
            row.actual = given.actual
            row.variance_justification = given.variance_justification.strip()
            try:
                row.full_clean(exclude=["budget_line"], validate_unique=False)
            except ValidationError as exc:
                errors[given.period_start.isoformat()] = exc.messages
                continue
            row.save()
            kept.append(row)
        if errors:
            raise ValidationError(errors)
        line.refresh_from_db()
        after = {row.period_start.isoformat(): _amount_text(row) for row in line.period_amounts.all()}
        audit(
            line,
            "reports.budget_line.period_amounts",
            user=acting_user,
            data={"changed": changed_fields(before, after), "actual": str(line.actual)},
        )
    budget_line.actual = line.actual
    return sorted(kept, key=lambda row: row.period_start)


def _amount_text(row: BudgetPeriodAmount) -> str:
    actual = "" if row.actual is None else str(row.actual)
    return f"{row.period_end.isoformat()} planned {row.planned} actual {actual or '—'}" + (
        f" ({row.variance_justification})" if row.variance_justification else ""
    )
