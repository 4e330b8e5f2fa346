"""Donor area, verification page, admin screens and the command, as their users see them."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports import services
from reports.models import DonorReport, DonorReportDownload
from tests.reports.donor_narrative import second_manager, write_narrative
from tests.reports.donor_report_factories import donor_user, grants_manager, make_grant

pytestmark = pytest.mark.django_db
PERIOD = (date(2025, 1, 1), date(2025, 12, 31))


def make_report(grant: Any, user: Any, capture: Any, *, publish: bool = True) -> DonorReport:
    with capture(execute=True):
        report = services.donor_report_create(
            grant=grant, period_start=PERIOD[0], period_end=PERIOD[1], summary="Summary.", acting_user=user
        )
    report.refresh_from_db()
    if publish:
        write_narrative(report, user, capture)
        services.donor_report_submit(report=report, acting_user=user)
        with capture(execute=True):
            services.donor_report_publish(
                report=report, acting_user=second_manager(f"publisher{report.pk}@example.org")
            )
        report.refresh_from_db()
    return report


@pytest.fixture
def setup(django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    manager = grants_manager()
    grant_a, grant_b = make_grant("GF-EXP-2025"), make_grant("EU-OG-2025")
    report_a = make_report(grant_a, manager, django_capture_on_commit_callbacks)
    draft_a = make_report(grant_a, manager, django_capture_on_commit_callbacks, publish=False)
    report_b = make_report(grant_b, manager, django_capture_on_commit_callbacks)
    return {
        "manager": manager,
        "grant_a": grant_a,
        "grant_b": grant_b,
        "report_a": report_a,
        "draft_a": draft_a,
        "report_b": report_b,
        "donor": donor_user(grant_a.donor, "donor.a@example.org"),
        "donor2": donor_user(grant_b.donor, "donor.b@example.org"),
    }


def test_donor_home_lists_own_grants_only(setup: dict[str, Any], client_for: Any) -> None:
    response = client_for(setup["donor"]).get(reverse("donors:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "GF-EXP-2025" in html and "EU-OG-2025" not in html
    assert reverse("donors:grant", args=[setup["grant_a"].pk]) in html


def test_grant_page_shows_frozen_progress_and_published_versions_only(
    setup: dict[str, Any], client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(setup["donor"])
    grant = setup["grant_a"]
    # Live data changes after publication: the page shows the frozen figures.
    grant.indicators.update(manual_value=9999)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("donors:grant", args=[grant.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "People reached by the campaign" in html and "1,234" in html and "9,999" not in html
    assert reverse("donors:report_download", args=[setup["report_a"].pk]) in html
    assert reverse("donors:report_download", args=[setup["draft_a"].pk]) not in html


def test_download_is_recorded_and_served_privately(setup: dict[str, Any], client_for: Any) -> None:
    report = setup["report_a"]
    response = client_for(setup["donor"]).get(reverse("donors:report_download", args=[report.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == services.stored_pdf(report)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    assert DonorReportDownload.objects.filter(report=report, user=setup["donor"]).count() == 1


def test_the_other_donor_gets_404_on_every_page_and_file(setup: dict[str, Any], client_for: Any) -> None:
    client = client_for(setup["donor2"])
    for url in (
        reverse("donors:grant", args=[setup["grant_a"].pk]),
        reverse("donors:report_download", args=[setup["report_a"].pk]),
        reverse("donors:report_download", args=[setup["draft_a"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    # The own donor cannot fetch a draft either.
    assert (
        client_for(setup["donor"]).get(reverse("donors:report_download", args=[setup["draft_a"].pk])).status_code == 404
    )
    assert not DonorReportDownload.objects.exists()


def test_donor_pages_need_a_donor_user(setup: dict[str, Any], client_for: Any) -> None:
    url = reverse("donors:grant", args=[setup["grant_a"].pk])
    assert client_for(None).get(url).status_code == 302
    assert client_for(setup["manager"]).get(url).status_code == 403


def test_verification_page_match_no_match_and_not_a_pdf(setup: dict[str, Any], client_for: Any) -> None:
    client = client_for(None)  # public: no login
    url = reverse("donors:verify")
    assert client.get(url).status_code == 200
    report = setup["report_a"]
    pdf_bytes = services.stored_pdf(report)
    response = client.post(url, {"document": SimpleUploadedFile("report.pdf", pdf_bytes, "application/pdf")})
    html = response.content.decode()
    assert response.status_code == 200 and "GF-EXP-2025" in html and "version 1" in html
    assert "Summary." not in html and setup["grant_a"].donor.name not in html  # nothing else
    tampered = pdf_bytes + b"\n% changed"
    response = client.post(url, {"document": SimpleUploadedFile("report.pdf", tampered, "application/pdf")})
    assert "does not match" in response.content.decode()
    draft_bytes = services.stored_pdf(setup["draft_a"])
    response = client.post(url, {"document": SimpleUploadedFile("draft.pdf", draft_bytes, "application/pdf")})
    assert "does not match" in response.content.decode()
    response = client.post(url, {"document": SimpleUploadedFile("report.pdf", b"hello world", "application/pdf")})
    assert response.status_code == 400 and "not an accepted document" in response.content.decode()
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 32
    response = client.post(url, {"document": SimpleUploadedFile("scan.png", png, "image/png")})
    assert response.status_code == 400 and "is not a PDF" in response.content.decode()


def test_verification_refuses_large_files(setup: dict[str, Any], client_for: Any, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 1024
    big = b"%PDF-1.4\n" + b"0" * 4096
    response = client_for(None).post(reverse("donors:verify"), {"document": SimpleUploadedFile("r.pdf", big)})
    assert response.status_code == 400 and "largest accepted file" in response.content.decode()


def test_verification_refuses_a_zip_bomb_without_inflating_it(client_for: Any) -> None:
    """Anonymous, a 300 MiB-inflating DOCX once raised a worker's memory by 600 MB; now it is refused
    from its declared sizes, reading a few bytes of each part."""
    import tracemalloc

    from tests.core.hostile_files import zip_bomb

    bomb = SimpleUploadedFile("report.docx", zip_bomb())
    client = client_for(None)
    tracemalloc.start()
    try:
        response = client.post(reverse("donors:verify"), {"document": bomb})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert "unpacks to far more data" in response.content.decode()
    assert peak < 6 * 1024 * 1024, f"the request allocated {peak / 1024 / 1024:.1f} MB"


def test_verification_is_rate_limited_per_client_address(client_for: Any, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "donors_verify": "3/m/ip"}
    client = client_for(None)
    url = reverse("donors:verify")
    for _attempt in range(3):
        upload = SimpleUploadedFile("report.pdf", b"not a pdf")
        assert client.post(url, {"document": upload}, REMOTE_ADDR="198.51.100.7").status_code == 400
    refused = client.post(url, {"document": SimpleUploadedFile("report.pdf", b"x")}, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429
    assert "Too many files were checked from your address" in refused.content.decode()
    assert "not an accepted document" not in refused.content.decode()  # the upload was not even read
    other = client.post(url, {"document": SimpleUploadedFile("report.pdf", b"x")}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 400
    assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code == 200  # reading the page is not limited


# -- admin ------------------------------------------------------------------------------------------------------
def test_admin_list_filters_and_report_page(
    setup: dict[str, Any], client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(setup["manager"])
    with django_assert_max_num_queries(25):
        response = client.get(reverse("reports_donor_reports:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "GF-EXP-2025" in html and "EU-OG-2025" in html
    response = client.get(reverse("reports_donor_reports:index"), {"grant": setup["grant_b"].pk})
    assert "GF-EXP-2025</a>" not in response.content.decode()
    response = client.get(reverse("reports_donor_reports:index"), {"status": "draft"})
    assert reverse("reports_donor_reports:report", args=[setup["draft_a"].pk]) in response.content.decode()
    assert reverse("reports_donor_reports:report", args=[setup["report_a"].pk]) not in response.content.decode()
    page = client.get(reverse("reports_donor_reports:report", args=[setup["draft_a"].pk]))
    # Its narrative is not written: the checklist says so, and no submission is offered yet.
    assert page.status_code == 200 and "What is missing before review" in page.content.decode()
    assert "Submit for review" not in page.content.decode()
    preview = client.get(reverse("reports_donor_reports:preview", args=[setup["draft_a"].pk]))
    assert preview.status_code == 200


def test_admin_create_submit_publish_through_the_screens(
    setup: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(setup["manager"])
    grant = setup["grant_b"]
    form = client.get(reverse("reports_donor_reports:add"))
    assert form.status_code == 200 and "2026-01-01 – 2026-12-31" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports_donor_reports:add"),
            {"grant": grant.pk, "period": f"{grant.pk}:2026-01-01:2026-12-31", "summary": "Second year."},
        )
    report = DonorReport.objects.get(grant=grant, period_start=date(2026, 1, 1))
    assert response.status_code == 302 and report.generation == "done"
    # A period of another grant is refused.
    other = setup["grant_a"]
    response = client.post(
        reverse("reports_donor_reports:add"),
        {"grant": grant.pk, "period": f"{other.pk}:2025-01-01:2025-12-31", "summary": ""},
    )
    assert response.status_code == 200 and "another grant" in response.content.decode()
    assert client.get(reverse("reports_donor_reports:submit", args=[report.pk])).status_code == 405
    # The narrative is missing: the checklist names it and the submission is refused.
    page = client.get(reverse("reports_donor_reports:report", args=[report.pk])).content.decode()
    assert "What is missing before review" in page and "The ethical issues are missing" in page
    assert "the report will be marked interim" in page  # the period has not ended yet
    client.post(reverse("reports_donor_reports:submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "draft"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports_donor_reports:narrative", args=[report.pk]),
            {"summary": "Second year.", "ethics": "None.", "dissemination": "A webinar.", "conclusions": "On track."},
        )
    report.refresh_from_db()
    assert report.ethics == "None." and report.generation == "done"
    # Indicator I1 is at risk in the second year: its explanation is asked for, then written.
    page = client.get(reverse("reports_donor_reports:report", args=[report.pk])).content.decode()
    assert 'id="indicator-I1"' in page and "Submit for review" not in page
    indicator = grant.indicators.get(code="I1")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports_donor_reports:indicator", args=[report.pk, indicator.pk]),
            {"indicator-I1-explanation": "The campaign starts in the autumn."},
        )
    assert report.indicator_explanations.get().explanation == "The campaign starts in the autumn."
    client.post(reverse("reports_donor_reports:submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "in_review" and report.submitted_by == setup["manager"]
    # Four eyes: the preparer is not offered publishing, and is refused.
    page = client.get(reverse("reports_donor_reports:report", args=[report.pk])).content.decode()
    assert "Publish…" not in page and "another person publishes it" in page
    confirm = client.get(reverse("reports_donor_reports:publish", args=[report.pk])).content.decode()
    assert "Yes, publish" not in confirm and "another person publishes it" in confirm
    client.post(reverse("reports_donor_reports:publish", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "in_review"
    publisher = client_for(second_manager())
    confirm = publisher.get(reverse("reports_donor_reports:publish", args=[report.pk]))
    assert "Yes, publish" in confirm.content.decode()
    report.refresh_from_db()
    assert report.status == "in_review"  # the confirmation page changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        publisher.post(reverse("reports_donor_reports:publish", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "published"
    history = client.get(reverse("reports_donor_reports:report", args=[report.pk])).content.decode()
    assert "Report submitted for review" in history and "Report published" in history
    assert str(setup["manager"]) in history and str(report.published_by) in history


def test_admin_refuses_non_staff_and_roles_without_permission(
    setup: dict[str, Any], client_for: Any, make_user: Any
) -> None:
    from accounts.roles import Role

    report = setup["draft_a"]
    editor = make_user(Role.EDITOR)
    for user in (setup["donor"], editor):
        client = client_for(user)
        for name in ("index", "add"):
            assert client.get(reverse(f"reports_donor_reports:{name}")).status_code in (302, 403)
        assert client.post(reverse("reports_donor_reports:submit", args=[report.pk])).status_code in (302, 403)
    report.refresh_from_db()
    assert report.status == "draft"


# -- the command ----------------------------------------------------------------------------------------------
def test_command_writes_a_pdf_and_stores_nothing(tmp_path: Path) -> None:
    make_grant("GF-EXP-2025")
    out = tmp_path / "report.pdf"
    call_command(
        "generate_donor_report",
        "--grant",
        "GF-EXP-2025",
        "--period",
        "2025-01-01:2025-12-31",
        "--out",
        str(out),
        stdout=StringIO(),
    )
    assert out.read_bytes().startswith(b"%PDF-")
    assert not DonorReport.objects.exists()


def test_command_save_stores_a_draft(tmp_path: Path) -> None:
    make_grant("GF-EXP-2025")
    out = tmp_path / "report.pdf"
    call_command(
        "generate_donor_report",
        "--grant",
        "GF-EXP-2025",
        "--period",
        "2025-01-01:2025-12-31",
        "--out",
        str(out),
        "--save",
        stdout=StringIO(),
    )
    report = DonorReport.objects.get()
    assert report.status == "draft" and report.generation == "done"
    assert out.read_bytes() == services.stored_pdf(report)


@pytest.mark.parametrize(
    ("grant", "period", "message"),
    [
        ("NOPE", "2025-01-01:2025-12-31", "no grant with the code 'NOPE'"),
        ("GF-EXP-2025", "2025-01-01", "must be START:END"),
        ("GF-EXP-2025", "2025-13-01:2025-12-31", "YYYY-MM-DD:YYYY-MM-DD"),
        ("GF-EXP-2025", "2025-12-31:2025-01-01", "ends (2025-01-01) before it starts"),
        ("GF-EXP-2025", "2024-01-01:2024-12-31", "not within the grant"),
    ],
)
def test_command_fails_clearly_on_bad_input(tmp_path: Path, grant: str, period: str, message: str) -> None:
    make_grant("GF-EXP-2025")
    out = tmp_path / "report.pdf"
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("generate_donor_report", "--grant", grant, "--period", period, "--out", str(out))
    assert not out.exists()


def test_grant_page_names_indicator_statuses_in_the_readers_language(setup: dict[str, Any], client_for: Any) -> None:
    from django.utils import translation

    from reports.grants.selectors import INDICATOR_STATUS_TEXT

    client = client_for(setup["donor"])
    url = reverse("donors:grant", args=[setup["grant_a"].pk])
    english = client.get(url).content.decode()
    statuses = [key for key, label in INDICATOR_STATUS_TEXT.items() if str(label) in english]
    assert statuses, "the page names each indicator's status"
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    with translation.override("fr"):
        in_french = {key: str(INDICATOR_STATUS_TEXT[key]) for key in statuses}
    with translation.override("en"):
        assert all(in_french[key] != str(INDICATOR_STATUS_TEXT[key]) for key in statuses)  # really translated
    assert all(label in french for label in in_french.values())
