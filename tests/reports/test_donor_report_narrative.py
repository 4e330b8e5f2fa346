"""The narrative written on a draft donor report: its services (permission, draft only, audit, the
generation queued again), the race between an edit and a running generation, and corrections."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from reports.donor import services
from reports.models import DonorReport, IndicatorExplanation, WorkPackage, WorkPackageNarrative
from tests.accounts.factories import UserFactory
from tests.reports.donor_narrative import second_manager, write_narrative
from tests.reports.donor_report_factories import donor_user, grants_manager, make_grant

pytestmark = pytest.mark.django_db
PERIOD = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def manager() -> Any:
    return grants_manager()


@pytest.fixture
def grant() -> Any:
    grant = make_grant()
    WorkPackage.objects.create(grant=grant, number=1, title="Coordination")
    return grant


def draft(grant: Any, user: Any, capture: Any, **kwargs: Any) -> DonorReport:
    with capture(execute=True):
        report = services.donor_report_create(
            grant=grant, period_start=PERIOD[0], period_end=PERIOD[1], acting_user=user, **kwargs
        )
    report.refresh_from_db()
    return report


def actions(report: DonorReport) -> list[str]:
    return list(
        ModelLogEntry.objects.filter(object_id=str(report.pk), content_type__model="donorreport")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_narrative_edits_are_audited_and_generate_again(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    report = draft(grant, manager, django_capture_on_commit_callbacks, summary="First.")
    first_sha = report.pdf_sha256
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.donor_report_update_narrative(
            report=report,
            acting_user=manager,
            summary="  A good year.  ",
            ethics="None.",
            dissemination="A webinar.",
            conclusions="Continue.",
        )
    assert callbacks  # the generation was queued again
    report.refresh_from_db()
    assert (report.summary, report.ethics, report.generation) == ("A good year.", "None.", "done")
    assert report.pdf_sha256 != first_sha
    entry = ModelLogEntry.objects.filter(action="reports.donor_report.update_narrative").get()
    assert entry.user == manager and entry.data["changed"]["summary"] == ["First.", "A good year."]

    package = grant.work_packages.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.donor_report_update_work_package(
            report=report,
            work_package=package,
            work_done='<p data-block-key="x">Did <strong>it</strong><script>alert(1)</script><a href="/x">here</a></p>',
            deviations="None",
            corrective_measures="",
            acting_user=manager,
        )
    row = WorkPackageNarrative.objects.get(report=report)
    assert row.work_done == "<p>Did <b>it</b>here</p>" and row.deviations == "None"
    report.refresh_from_db()
    assert report.generation == "done"
    assert "reports.donor_report.update_work_package" in actions(report)


def test_the_summary_limit_is_named(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.DONOR_REPORT_SUMMARY_MAX_CHARS = 20
    report = draft(grant, manager, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as refused:
        services.donor_report_update_narrative(
            report=report, acting_user=manager, summary="x" * 21, ethics="", dissemination="", conclusions=""
        )
    assert "at most 20" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError):
        services.donor_report_create(
            grant=grant, period_start=PERIOD[0], period_end=PERIOD[1], summary="y" * 21, acting_user=manager
        )


def test_work_packages_and_indicators_must_be_the_reports_grants(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    other = make_grant("EU-OG-2025")
    foreign_package = WorkPackage.objects.create(grant=other, number=1, title="Elsewhere")
    report = draft(grant, manager, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        services.donor_report_update_work_package(
            report=report,
            work_package=foreign_package,
            work_done="<p>x</p>",
            deviations="",
            corrective_measures="",
            acting_user=manager,
        )
    with pytest.raises(ValidationError):
        services.donor_report_explain_indicator(
            report=report, indicator=other.indicators.get(), explanation="x", acting_user=manager
        )
    assert not WorkPackageNarrative.objects.exists() and not IndicatorExplanation.objects.exists()


def test_an_empty_explanation_removes_it(grant: Any, manager: Any, django_capture_on_commit_callbacks: Any) -> None:
    report = draft(grant, manager, django_capture_on_commit_callbacks)
    indicator = grant.indicators.get()
    services.donor_report_explain_indicator(
        report=report, indicator=indicator, explanation="Late.", acting_user=manager
    )
    assert IndicatorExplanation.objects.get().explanation == "Late."
    services.donor_report_explain_indicator(report=report, indicator=indicator, explanation="  ", acting_user=manager)
    assert not IndicatorExplanation.objects.exists()
    assert actions(report).count("reports.donor_report.explain_indicator") == 2


def test_outsiders_and_donors_cannot_edit_the_narrative(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any, client_for: Any
) -> None:
    report = draft(grant, manager, django_capture_on_commit_callbacks, summary="Kept.")
    package, indicator = grant.work_packages.get(), grant.indicators.get()
    for user in (donor_user(grant.donor, "donor.person@example.org"), UserFactory(role=Role.EDITOR)):
        with pytest.raises(PermissionDenied):
            services.donor_report_update_narrative(
                report=report, acting_user=user, summary="Changed", ethics="", dissemination="", conclusions=""
            )
        with pytest.raises(PermissionDenied):
            services.donor_report_update_work_package(
                report=report,
                work_package=package,
                work_done="x",
                deviations="",
                corrective_measures="",
                acting_user=user,
            )
        with pytest.raises(PermissionDenied):
            services.donor_report_explain_indicator(
                report=report, indicator=indicator, explanation="x", acting_user=user
            )
        client = client_for(user)
        for url, data in (
            (reverse("reports_donor_reports:narrative", args=[report.pk]), {"summary": "Changed"}),
            (reverse("reports_donor_reports:work_package", args=[report.pk, package.pk]), {"wp-1-deviations": "x"}),
            (
                reverse("reports_donor_reports:indicator", args=[report.pk, indicator.pk]),
                {"indicator-I1-explanation": "x"},
            ),
        ):
            assert client.post(url, data).status_code in (302, 403)
    report.refresh_from_db()
    assert report.summary == "Kept." and not WorkPackageNarrative.objects.exists()
    assert not IndicatorExplanation.objects.exists()


def test_only_a_draft_is_edited(grant: Any, manager: Any, django_capture_on_commit_callbacks: Any) -> None:
    report = write_narrative(
        draft(grant, manager, django_capture_on_commit_callbacks), manager, django_capture_on_commit_callbacks
    )
    services.donor_report_submit(report=report, acting_user=manager)
    with pytest.raises(ValidationError):
        services.donor_report_update_narrative(
            report=report, acting_user=manager, summary="x", ethics="", dissemination="", conclusions=""
        )
    with pytest.raises(ValidationError):
        services.donor_report_update_work_package(
            report=report,
            work_package=grant.work_packages.get(),
            work_done="x",
            deviations="",
            corrective_measures="",
            acting_user=manager,
        )


def test_a_generation_that_read_an_older_narrative_does_not_win(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    report = draft(grant, manager, django_capture_on_commit_callbacks)
    package = grant.work_packages.get()
    real_build = services.build_report_data
    edited: list[bool] = []

    def build_then_edit(**kwargs: Any) -> Any:
        data = real_build(**kwargs)
        if not edited:
            edited.append(True)
            # Staff edit a work package while this generation runs (its own generation is queued, not run).
            services.donor_report_update_work_package(
                report=DonorReport.objects.get(pk=report.pk),
                work_package=package,
                work_done="<p>Written meanwhile.</p>",
                deviations="None",
                corrective_measures="",
                acting_user=manager,
            )
            # ... and that newer generation starts before this one finishes.
            DonorReport.objects.filter(pk=report.pk).update(generation=DonorReport.Generation.RUNNING)
        return data

    monkeypatch.setattr(services, "build_report_data", build_then_edit)
    DonorReport.objects.filter(pk=report.pk).update(generation=DonorReport.Generation.QUEUED)
    stale = services.donor_report_generate(report_id=report.pk)
    assert stale is not None and stale.generation == "running" and stale.data is None  # its result was dropped
    fresh = services.donor_report_generate(report_id=report.pk)
    assert fresh is not None and fresh.generation == "done"
    # The newer generation read the narrative as edited (the data carries it once the assembly freezes it).
    assert "meanwhile" in WorkPackageNarrative.objects.get(report=report).work_done


def test_a_correction_copies_the_narrative_and_language(
    grant: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    report = write_narrative(
        draft(grant, manager, django_capture_on_commit_callbacks, language="fr"),
        manager,
        django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.donor_report_explain_indicator(
            report=report, indicator=grant.indicators.get(), explanation="Late.", acting_user=manager
        )
    report.refresh_from_db()
    services.donor_report_submit(report=report, acting_user=manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.donor_report_publish(report=report, acting_user=second_manager())
    with django_capture_on_commit_callbacks(execute=True):
        correction = services.donor_report_correct(report=report, correction_note="Typo.", acting_user=manager)
    correction.refresh_from_db()
    assert correction.language == "fr"
    assert (correction.summary, correction.ethics, correction.dissemination, correction.conclusions) == (
        report.summary,
        report.ethics,
        report.dissemination,
        report.conclusions,
    )
    copied = WorkPackageNarrative.objects.get(report=correction)
    assert (copied.work_done, copied.deviations) == ("<p>Work done as planned.</p>", "None")
    assert IndicatorExplanation.objects.get(report=correction).explanation == "Late."
    assert correction.data["language"] == "fr"
