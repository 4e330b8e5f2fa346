"""The donor area's grant page: the next report due, each indicator across the published periods, each
version's indicator table as CSV and XLSX (the PDF's values), and the verification page's answer."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from typing import Any

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from reports.donor import exports, pdf
from reports.donor import report_data as rd
from reports.donor.trends import DOWN, UP, indicator_trends
from reports.metrics import format_number
from reports.models import DonorReport
from tests.accounts.factories import UserFactory
from tests.reports.donor_report_factories import donor_user, make_grant

pytestmark = pytest.mark.django_db


def indicator(code: str, title: str, achieved: float | None, **kwargs: Any) -> rd.IndicatorLine:
    values = {
        "code": code,
        "title": title,
        "source": "manual",
        "metric_key": "",
        "definition": "Counted by hand.",
        "unit": "people",
        "scope": "grant",
        "scope_text": "The grant's coverage",
        "baseline": 0.0,
        "baseline_on": "2024-12-31",
        "baseline_note": "",
        "target": 400.0,
        "achieved": achieved,
        "progress": None if achieved is None else achieved / 4,
        "status": rd.ON_TRACK,
        "status_text": "On track",
    }
    return rd.IndicatorLine(**(values | kwargs))


def data_for(period: tuple[date, date], lines: tuple[rd.IndicatorLine, ...], **kwargs: Any) -> rd.DonorReportData:
    return rd.DonorReportData(
        **({"language": "en"} | kwargs),
        schema_version=rd.SCHEMA_VERSION,
        grant_code="GF-EXP-2025",
        grant_title="Expanding the hotline network",
        programme="",
        call_identifier="",
        agreement_number="GA-2024-0117",
        grant_kind="action",
        grant_kind_text="Action grant",
        grant_starts_on="2025-01-01",
        grant_ends_on="2026-12-31",
        amount=450000.0,
        currency="EUR",
        cofunding_rate=100.0,
        countries=("Ghana",),
        donor_name="Global Child Safety Fund",
        beneficiary="The association",
        period_start=period[0].isoformat(),
        period_end=period[1].isoformat(),
        version=1,
        generated_on="2026-01-20",
        summary="Summary.",
        objectives="Objectives.",
        indicators=lines,
    )


H1 = (date(2025, 1, 1), date(2025, 6, 30))
H2 = (date(2025, 7, 1), date(2025, 12, 31))
H3 = (date(2026, 1, 1), date(2026, 6, 30))


def publish(grant: Any, period: tuple[date, date], data: rd.DonorReportData, **kwargs: Any) -> DonorReport:
    values = {
        "grant": grant,
        "period_start": period[0],
        "period_end": period[1],
        "status": DonorReport.Status.PUBLISHED,
        "data": rd.to_json(data),
        "pdf_sha256": kwargs.pop("pdf_sha256", "a" * 64),
        "published_at": timezone.now(),
    }
    return DonorReport.objects.create(**(values | kwargs))


@pytest.fixture
def world() -> dict[str, Any]:
    # Half-yearly periods: 2025 H1, 2025 H2, 2026 H1, 2026 H2; reports due 30 days after.
    grant = make_grant("GF-EXP-2025", reporting_period_months=6, report_due_days=30)
    other = make_grant("EU-OG-2025")
    h1 = publish(
        grant,
        H1,
        data_for(H1, (indicator("I1", "People reached", 100.0), indicator("I2", "Analysts", 3.0, counts_people=True))),
    )
    # H2 was corrected: version 1 superseded, version 2 published in French.
    h2_old = publish(grant, H2, data_for(H2, (indicator("I1", "People reached", 999.0),)), pdf_sha256="b" * 64)
    DonorReport.objects.filter(pk=h2_old.pk).update(status=DonorReport.Status.SUPERSEDED)
    h2_old.refresh_from_db()
    h2 = publish(
        grant,
        H2,
        data_for(
            H2,
            (indicator("I1", "People reached", 250.5), indicator("I2", "Analysts", 12.0, counts_people=True)),
            language="fr",
        ),
        version=2,
        language="fr",
        pdf_sha256="c" * 64,
    )
    draft = DonorReport.objects.create(
        grant=grant, period_start=H3[0], period_end=H3[1], data=rd.to_json(data_for(H3, ()))
    )
    other_report = publish(other, (date(2025, 1, 1), date(2025, 12, 31)), data_for(H1, ()), pdf_sha256="d" * 64)
    return {
        "grant": grant,
        "other": other,
        "h1": h1,
        "h2_old": h2_old,
        "h2": h2,
        "draft": draft,
        "other_report": other_report,
        "donor": donor_user(grant.donor, "donor.a@example.org"),
        "donor2": donor_user(other.donor, "donor.b@example.org"),
    }


# -- the grant page -------------------------------------------------------------------------------------------
def test_the_grant_page_names_the_next_report_due(world: dict[str, Any], client_for: Any) -> None:
    html = client_for(world["donor"]).get(reverse("donors:grant", args=[world["grant"].pk])).content.decode()
    # 2025 H1 and H2 are delivered (H2 by its correction); 2026 H1 has only a draft.
    assert "Next report due:" in html and "period 2026-01-01 to 2026-06-30, on 2026-07-30" in html


def test_all_reports_delivered(client_for: Any) -> None:
    grant = make_grant("SMALL", starts_on=date(2025, 1, 1), ends_on=date(2025, 6, 30), reporting_period_months=6)
    publish(grant, H1, data_for(H1, ()))
    html = client_for(donor_user(grant.donor, "d@example.org")).get(reverse("donors:grant", args=[grant.pk]))
    assert "All reports delivered" in html.content.decode()


def test_indicator_trends_across_the_published_periods(world: dict[str, Any], client_for: Any) -> None:
    html = client_for(world["donor"]).get(reverse("donors:grant", args=[world["grant"].pk])).content.decode()
    assert "Indicators across the published periods" in html
    assert "2025-01-01 – 2025-06-30" in html and "2025-07-01 – 2025-12-31" in html
    assert "999" not in html  # the superseded version's value is not the period's
    assert "250.5" in html and "↑" in html and "fewer than 5" in html and "<svg" in html
    assert "English" in html and "French" in html  # each version's language


def test_trends_hide_small_counts_of_people_from_the_line_and_the_arrows(world: dict[str, Any]) -> None:
    reports = [world["h1"], world["h2"], world["h2_old"], world["draft"]]
    trends = indicator_trends(reports)
    assert trends.periods == [H1, H2]
    people, analysts = trends.rows
    assert [c.text for c in people.cells] == ["100", "250.5"] and [c.direction for c in people.cells] == ["", UP]
    assert len(people.dots) == 2 and len(people.lines) == 1
    # 3 analysts is "fewer than 5": no number, no point on the line, no arrow from it.
    assert [c.text for c in analysts.cells] == ["fewer than 5", "12"]
    assert [c.value for c in analysts.cells] == [None, 12.0] and [c.direction for c in analysts.cells] == ["", ""]
    assert len(analysts.dots) == 1 and analysts.lines == []
    later = publish(
        world["grant"], H3, data_for(H3, (indicator("I1", "People reached", 90.0),)), pdf_sha256="e" * 64, version=2
    )
    trends = indicator_trends([world["h1"], world["h2"], later])
    assert [c.direction for c in trends.rows[0].cells] == ["", UP, DOWN]
    assert [c.text for c in trends.rows[1].cells] == ["fewer than 5", "12", "—"]


def test_the_grant_page_keeps_a_bounded_number_of_queries(
    world: dict[str, Any], client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world["donor"])
    with django_assert_max_num_queries(13):
        assert client.get(reverse("donors:grant", args=[world["grant"].pk])).status_code == 200


# -- the indicator tables -------------------------------------------------------------------------------------
def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_indicator_table_has_the_values_the_pdf_prints() -> None:
    data = data_for(
        H1,
        (
            indicator("I1", "People reached", 1234.567),
            indicator("I2", "Analysts", 3.0, counts_people=True, baseline=2.0),
            indicator("I3", "Hotlines", 7.0, baseline=6.0, progress=-12.5, status=rd.BEHIND, status_text="Behind"),
            indicator("=I4", '=HYPERLINK("http://x")', None),
        ),
    )
    rows = csv_rows(exports.indicator_csv(data))
    assert rows[0][:3] == ["Code", "Indicator", "Scope"]
    assert rows[1] == [
        "I1",
        "People reached",
        "The grant's coverage",
        "people",
        "0",
        "400",
        "—",
        "1,234.57",
        "308.6 %",
        "On track",
    ]
    assert rows[2][4:9] == ["fewer than 5", "400", "—", "fewer than 5", "suppressed"]
    assert rows[3][8] == "'-12.5 %"  # the formula guard
    assert rows[4][:2] == ["'=I4", '\'=HYPERLINK("http://x")'] and rows[4][7:9] == ["—", "—"]
    document = pypdf.PdfReader(io.BytesIO(pdf.build_donor_report(data)))
    text = " ".join(" ".join(page.extract_text() for page in document.pages).split())
    for row in rows[1:3]:
        assert " ".join(row) in text, row
    workbook = load_workbook(io.BytesIO(exports.indicator_xlsx(data)))
    sheet = workbook.active
    assert [[cell.value or "" for cell in row] for row in sheet.iter_rows()] == rows


def test_the_indicator_table_is_in_the_reports_language() -> None:
    data = replace(data_for(H1, (indicator("I1", "People reached", 1234.5),)), language="fr")
    rows = csv_rows(exports.indicator_csv(data))
    with translation.override("fr"):
        assert rows[1][7] == format_number(1234.5, 2)
        assert rows[0][1] == translation.gettext("Indicator")


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_a_donor_downloads_a_published_versions_indicator_table(
    world: dict[str, Any], client_for: Any, export_format: str
) -> None:
    report = world["h2"]
    url = reverse("donors:report_indicators", args=[report.pk, export_format])
    html = client_for(world["donor"]).get(reverse("donors:grant", args=[world["grant"].pk])).content.decode()
    assert url in html
    response = client_for(world["donor"]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == exports.CONTENT_TYPES[export_format]
    assert response["Content-Disposition"] == (
        f'attachment; filename="GF-EXP-2025-20250701-20251231-v2-indicators.{export_format}"'
    )
    expected = exports.indicator_table(report, export_format)
    if export_format == "csv":
        assert response.content == expected
        assert csv_rows(response.content)[1][7] == "250,5"  # the French report's figures
    entry = ModelLogEntry.objects.for_instance(report).get(action=exports.EXPORT_ACTION)
    assert entry.user_id == world["donor"].pk and entry.data == {"format": export_format}


def test_indicator_tables_are_refused_to_whoever_may_not_see_the_report(
    world: dict[str, Any], client_for: Any, make_user: Any
) -> None:
    own = client_for(world["donor"])
    for report in (world["draft"], world["other_report"]):
        assert own.get(reverse("donors:report_indicators", args=[report.pk, "csv"])).status_code == 404
    url = reverse("donors:report_indicators", args=[world["h1"].pk, "csv"])
    assert client_for(world["donor2"]).get(url).status_code == 404
    assert own.get(reverse("donors:report_indicators", args=[world["h1"].pk, "pdf"])).status_code == 404
    assert client_for(None).get(url).status_code == 302
    assert client_for(make_user(Role.HOTLINE_USER)).get(url).status_code in (302, 403)
    assert not ModelLogEntry.objects.filter(action=exports.EXPORT_ACTION).exists()
    # The superseded version stays downloadable, as its PDF does.
    assert own.get(reverse("donors:report_indicators", args=[world["h2_old"].pk, "xlsx"])).status_code == 200


# -- the verification page ------------------------------------------------------------------------------------
def test_the_verification_answer_names_who_prepared_submitted_and_published(
    world: dict[str, Any], client_for: Any
) -> None:
    preparer = UserFactory(email="preparer@example.org", first_name="Ama", last_name="Mensah")
    submitter = UserFactory(email="submitter@example.org", first_name="", last_name="")
    publisher = UserFactory(email="publisher@example.org", first_name="Jonas", last_name="Berg")
    report = world["h1"]
    DonorReport.objects.filter(pk=report.pk).update(
        created_by=preparer,
        submitted_by=submitter,
        submitted_at=timezone.now(),
        published_by=publisher,
        pdf_name="",
    )
    from reports.donor.selectors import verify_pdf

    answer = verify_pdf(sha256="a" * 64)
    assert answer.prepared_by == "Ama Mensah" and answer.published_by == "Jonas Berg"
    assert answer.submitted_by == "" and answer.language == "English"
    # The page itself (the test reports carry no stored PDF to upload): no address is ever shown.
    html = client_for(None).get(reverse("donors:verify")).content.decode()
    assert "preparer@example.org" not in html
    response = client_for(None).post(
        reverse("donors:verify"), {"document": SimpleUploadedFile("x.pdf", b"%PDF-1.4 not ours", "application/pdf")}
    )
    assert "@example.org" not in response.content.decode()


def test_the_verification_page_shows_the_people_and_dates_and_no_address(
    client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from reports import services
    from tests.reports.donor_narrative import write_narrative
    from tests.reports.donor_report_factories import grants_manager

    preparer = grants_manager("preparer@example.org")
    preparer.first_name, preparer.last_name = "Ama", "Mensah"
    preparer.save()
    publisher = grants_manager("publisher@example.org")
    publisher.first_name = publisher.last_name = ""  # no name recorded
    publisher.save()
    grant = make_grant("GF-VERIFY")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.donor_report_create(
            grant=grant,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            summary="S.",
            acting_user=preparer,
        )
    report = write_narrative(report, preparer, django_capture_on_commit_callbacks)
    services.donor_report_submit(report=report, acting_user=preparer)
    with django_capture_on_commit_callbacks(execute=True):
        services.donor_report_publish(report=report, acting_user=publisher)
    report.refresh_from_db()
    document = services.stored_pdf(report)
    response = client_for(None).post(
        reverse("donors:verify"), {"document": SimpleUploadedFile("r.pdf", document, "application/pdf")}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "GF-VERIFY" in html
    assert "Prepared" in html and "by Ama Mensah on" in html
    assert "Published" in html and "by the association's staff on" in html
    assert "English" in html
    assert "@example.org" not in html and grant.donor.name not in html
