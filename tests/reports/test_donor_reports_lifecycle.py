"""Donor report lifecycle: generation in the background, review, publication, corrections."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.tasks import TaskResultStatus

from accounts.roles import Role
from core.models import OutgoingEmail
from reports.donor import services
from reports.models import DonorReport, DonorReportDownload, FrozenReportError
from reports.tasks import generate_donor_report
from tests.accounts.factories import UserFactory
from tests.reports.donor_narrative import second_manager, write_narrative
from tests.reports.donor_report_factories import donor_user, grants_manager, make_grant, report_permissions_of

pytestmark = pytest.mark.django_db

PERIOD = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def manager() -> Any:
    return grants_manager()


@pytest.fixture
def grant() -> Any:
    return make_grant()


def private_files(settings: Any) -> list[Path]:
    root = Path(settings.PRIVATE_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def create(grant: Any, user: Any, capture: Any, summary: str = "A year of growth.") -> DonorReport:
    with capture(execute=True):
        report = services.donor_report_create(
            grant=grant, period_start=PERIOD[0], period_end=PERIOD[1], summary=summary, acting_user=user
        )
    report.refresh_from_db()
    return report


def published(grant: Any, user: Any, capture: Any) -> DonorReport:
    report = write_narrative(create(grant, user, capture), user, capture)
    services.donor_report_submit(report=report, acting_user=user)
    with capture(execute=True):
        services.donor_report_publish(report=report, acting_user=second_manager())
    report.refresh_from_db()
    return report


def test_grants_managers_hold_the_donor_report_permissions() -> None:
    assert {"reports.add_donorreport", "reports.change_donorreport", "reports.view_donorreport"} <= (
        report_permissions_of(Role.GRANTS)
    )


def test_create_generates_through_the_task_and_stores_everything_together(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    report = create(grant, manager, django_capture_on_commit_callbacks)
    assert (report.status, report.generation, report.version) == ("draft", "done", 1)
    assert report.task_id
    assert report.data["grant_code"] == grant.code and report.data["summary"] == "A year of growth."
    stored = services.stored_pdf(report)
    assert stored.startswith(b"%PDF-") and report.pdf_size == len(stored)
    import hashlib

    assert report.pdf_sha256 == hashlib.sha256(stored).hexdigest()
    assert report.generator_version and report.generated_at is not None
    assert private_files(settings) == [Path(settings.PRIVATE_ROOT) / report.pdf_name]
    # A second report of the same period is the next version.
    again = create(grant, manager, django_capture_on_commit_callbacks)
    assert again.version == 2


def test_rendering_the_frozen_data_again_gives_the_same_bytes(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    report = create(grant, manager, django_capture_on_commit_callbacks)
    # The live data changes afterwards; the frozen snapshot does not.
    grant.title = "Renamed later"
    grant.save()
    assert services.render_again(report) == services.stored_pdf(report)


def test_the_period_must_lie_within_the_grant(grant: Any, manager: Any) -> None:
    with pytest.raises(ValidationError):
        services.donor_report_create(
            grant=grant, period_start=date(2024, 6, 1), period_end=date(2024, 12, 31), summary="", acting_user=manager
        )
    with pytest.raises(ValidationError):
        services.donor_report_create(
            grant=grant, period_start=date(2025, 6, 1), period_end=date(2025, 1, 1), summary="", acting_user=manager
        )
    assert not DonorReport.objects.exists()


def test_users_without_the_permission_cannot_touch_reports(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    donor = donor_user(grant.donor, "donor.person@example.org")
    editor = UserFactory(role=Role.EDITOR)
    for user in (donor, editor):
        with pytest.raises(PermissionDenied):
            services.donor_report_create(
                grant=grant, period_start=PERIOD[0], period_end=PERIOD[1], summary="", acting_user=user
            )
    report = create(grant, manager, django_capture_on_commit_callbacks)
    for user in (donor, editor):
        for action in (services.donor_report_submit, services.donor_report_publish, services.donor_report_retry):
            with pytest.raises(PermissionDenied):
                action(report=report, acting_user=user)
    report.refresh_from_db()
    assert report.status == "draft"


def test_lifecycle_transitions_follow_the_rules(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    report = create(grant, manager, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        services.donor_report_publish(report=report, acting_user=manager)  # a draft is not published directly
    with pytest.raises(ValidationError):
        services.donor_report_return(report=report, acting_user=manager)
    write_narrative(report, manager, django_capture_on_commit_callbacks)
    services.donor_report_submit(report=report, acting_user=manager)
    assert report.status == "in_review"
    with pytest.raises(ValidationError):
        services.donor_report_update_summary(report=report, summary="Changed", acting_user=manager)
    services.donor_report_return(report=report, reason="Typo in the summary", acting_user=manager)
    assert report.status == "draft"
    with django_capture_on_commit_callbacks(execute=True):
        services.donor_report_update_summary(report=report, summary="Fixed summary.", acting_user=manager)
    report.refresh_from_db()
    assert report.generation == "done" and report.data["summary"] == "Fixed summary."
    services.donor_report_submit(report=report, acting_user=manager)
    publisher = second_manager()
    with django_capture_on_commit_callbacks(execute=True):
        services.donor_report_publish(report=report, acting_user=publisher)
    report.refresh_from_db()
    assert report.status == "published" and report.published_by == publisher and report.published_at
    actions = set(
        __import__("wagtail.models", fromlist=["ModelLogEntry"])
        .ModelLogEntry.objects.filter(object_id=str(report.pk))
        .values_list("action", flat=True)
    )
    assert {
        "reports.donor_report.create",
        "reports.donor_report.generated",
        "reports.donor_report.submit",
        "reports.donor_report.return",
        "reports.donor_report.update_narrative",
        "reports.donor_report.publish",
    } <= actions


def test_a_draft_cannot_be_submitted_before_its_pdf_exists(grant: Any, manager: Any) -> None:
    report = services.donor_report_create(  # on-commit callbacks not run: the generation is still queued
        grant=grant, period_start=PERIOD[0], period_end=PERIOD[1], summary="", acting_user=manager
    )
    assert not report.pdf_generated
    with pytest.raises(ValidationError):
        services.donor_report_submit(report=report, acting_user=manager)


def test_submitting_and_publishing_need_the_same_generated_pdf(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """One rule (`DonorReport.pdf_generated`) for the submit button, submitting and publishing: the
    generation is done and the PDF is stored with its digest."""
    capture = django_capture_on_commit_callbacks
    report = write_narrative(create(grant, manager, capture), manager, capture)
    assert report.pdf_generated
    DonorReport.objects.filter(pk=report.pk).update(pdf_sha256="")
    report.refresh_from_db()
    assert not report.pdf_generated
    with pytest.raises(ValidationError, match="once its PDF has been generated"):
        services.donor_report_submit(report=report, acting_user=manager)
    DonorReport.objects.filter(pk=report.pk).update(status=DonorReport.Status.IN_REVIEW)
    report.refresh_from_db()
    with pytest.raises(ValidationError, match="no generated PDF"):
        services.donor_report_publish(report=report, acting_user=second_manager())


def test_a_published_report_is_immutable(grant: Any, manager: Any, django_capture_on_commit_callbacks: Any) -> None:
    report = published(grant, manager, django_capture_on_commit_callbacks)
    report.summary = "Rewritten history"
    with pytest.raises(FrozenReportError):
        report.save()
    report.refresh_from_db()
    report.status = DonorReport.Status.DRAFT
    with pytest.raises(FrozenReportError):
        report.save()
    report.refresh_from_db()
    with pytest.raises(FrozenReportError):
        report.delete()
    for action in (services.donor_report_update_summary,):
        with pytest.raises(ValidationError):
            action(report=report, summary="x", acting_user=manager)
    with pytest.raises(ValidationError):
        services.donor_report_submit(report=report, acting_user=manager)
    with pytest.raises(ValidationError):
        services.donor_report_retry(report=report, acting_user=manager)
    report.refresh_from_db()
    assert report.summary == "A year of growth." and report.status == "published"


def test_a_correction_supersedes_the_published_version_and_both_are_kept(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = published(grant, manager, django_capture_on_commit_callbacks)
    first_sha = first.pdf_sha256
    with django_capture_on_commit_callbacks(execute=True):
        correction = services.donor_report_correct(
            report=first, correction_note="Budget figures corrected.", acting_user=manager
        )
    correction.refresh_from_db()
    assert (correction.version, correction.status, correction.supersedes_id) == (2, "draft", first.pk)
    assert correction.summary == first.summary and correction.generation == "done"
    with pytest.raises(ValidationError):  # one correction per published version
        services.donor_report_correct(report=first, acting_user=manager)
    first.refresh_from_db()
    assert first.status == "published"  # until the correction is published
    services.donor_report_submit(report=correction, acting_user=manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.donor_report_publish(report=correction, acting_user=second_manager("third.manager@example.org"))
    first.refresh_from_db()
    correction.refresh_from_db()
    assert first.status == "superseded" and first.pdf_sha256 == first_sha
    assert correction.status == "published"
    assert services.stored_pdf(first).startswith(b"%PDF-") and services.stored_pdf(correction).startswith(b"%PDF-")


def test_a_failing_generation_leaves_nothing_behind_and_retry_works(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any, settings: Any
) -> None:
    from reports.donor import pdf

    real_builder = pdf.build_donor_report
    stored: list[str] = []
    real_store = services.store_bytes

    def store_then_remember(data: bytes, **kwargs: Any) -> str:
        name = real_store(data, **kwargs)
        stored.append(name)
        return name

    def broken(data: Any) -> bytes:
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(pdf, "build_donor_report", broken)
    report = create(grant, manager, django_capture_on_commit_callbacks)
    assert report.generation == "failed" and "fonts missing" in report.generation_error
    assert report.status == "draft"
    assert (report.data, report.pdf_name, report.pdf_sha256, report.pdf_size, report.generated_at) == (
        None,
        "",
        "",
        None,
        None,
    )
    assert private_files(settings) == []
    with pytest.raises(ValidationError):
        services.donor_report_submit(report=report, acting_user=manager)
    assert not DonorReport.objects.visible_to(donor_user(grant.donor, "d@example.org")).exists()

    # A failure after the file was written (while saving) removes the file too.
    monkeypatch.setattr(pdf, "build_donor_report", real_builder)
    monkeypatch.setattr(services, "store_bytes", store_then_remember)
    original_save = DonorReport.save

    def failing_save(self: DonorReport, *args: Any, **kwargs: Any) -> None:
        if self.generation == DonorReport.Generation.DONE:
            raise RuntimeError("database went away")
        original_save(self, *args, **kwargs)

    monkeypatch.setattr(DonorReport, "save", failing_save)
    with django_capture_on_commit_callbacks(execute=True):
        services.donor_report_retry(report=report, acting_user=manager)
    report.refresh_from_db()
    assert report.generation == "failed" and "database went away" in report.generation_error
    assert stored and private_files(settings) == []

    monkeypatch.setattr(DonorReport, "save", original_save)
    with django_capture_on_commit_callbacks(execute=True):
        services.donor_report_retry(report=report, acting_user=manager)
    report.refresh_from_db()
    assert report.generation == "done" and report.pdf_sha256
    assert len(private_files(settings)) == 1


def test_a_generation_whose_worker_died_can_be_retried_once_stale(
    grant: Any, manager: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from reports.donor import selectors as donor_report_selectors

    report = services.donor_report_create(
        grant=grant, period_start=PERIOD[0], period_end=PERIOD[1], summary="", acting_user=manager
    )
    DonorReport.objects.filter(pk=report.pk).update(generation=DonorReport.Generation.RUNNING)
    report.refresh_from_db()
    with pytest.raises(ValidationError):  # still running, maybe really
        services.donor_report_retry(report=report, acting_user=manager)
    later = timezone.now() + donor_report_selectors.GENERATION_STALE_AFTER + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert donor_report_selectors.can_retry(report=report)
    with django_capture_on_commit_callbacks(execute=True):
        services.donor_report_retry(report=report, acting_user=manager)
    report.refresh_from_db()
    assert report.generation == "done" and report.status == "draft"


def test_publishing_emails_the_donor_users_once(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.WAGTAILADMIN_BASE_URL = "https://hotlines.example.org"
    donor_user(grant.donor, "reader@example.org")
    donor_user(grant.donor, "second.reader@example.org")
    other_grant = make_grant("EU-OG-2025")
    donor_user(other_grant.donor, "other.donor@example.org")
    report = published(grant, manager, django_capture_on_commit_callbacks)
    emails = OutgoingEmail.objects.filter(dedupe_key__startswith="donor-report-published:")
    assert sorted(address for email in emails for address in email.to) == [
        "reader@example.org",
        "second.reader@example.org",
    ]
    body = emails.first().body
    assert f"https://hotlines.example.org/donors/grants/{grant.pk}/" in body and grant.code in body
    # Publishing again is refused, and queueing the same notification twice is a no-op.
    with pytest.raises(ValidationError):
        services.donor_report_publish(report=report, acting_user=second_manager("third.manager@example.org"))
    services._notify_published(report)
    assert OutgoingEmail.objects.filter(dedupe_key__startswith="donor-report-published:").count() == 2


def test_downloads_are_recorded_for_visible_reports_only(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    report = published(grant, manager, django_capture_on_commit_callbacks)
    reader = donor_user(grant.donor, "reader@example.org")
    stranger = donor_user(make_grant("EU-OG-2025").donor, "stranger@example.org")
    services.donor_report_record_download(report=report, acting_user=reader)
    with pytest.raises(PermissionDenied):
        services.donor_report_record_download(report=report, acting_user=stranger)
    assert list(DonorReportDownload.objects.values_list("user__email", flat=True)) == ["reader@example.org"]


def test_the_task_runs_through_the_task_backend(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    report = services.donor_report_create(
        grant=grant, period_start=PERIOD[0], period_end=PERIOD[1], summary="", acting_user=manager
    )
    result = generate_donor_report.enqueue(report.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "done"
    report.refresh_from_db()
    assert report.generation == "done"
    # Running it again changes nothing (idempotent).
    sha = report.pdf_sha256
    assert generate_donor_report.enqueue(report.pk).return_value == "done"
    report.refresh_from_db()
    assert report.pdf_sha256 == sha
