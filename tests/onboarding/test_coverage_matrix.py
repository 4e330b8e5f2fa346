"""The stakeholder coverage matrix: filters (candidates only, region) kept in the address, the gaps
beside each country, and CSV/XLSX exports of the same rows through the spreadsheet formula guard."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from onboarding import selectors
from tests.onboarding.factories import ParticipantFactory, RoundtableFactory, country
from tests.onboarding.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world()
    # A roundtable in Kenya, with no candidate there.
    kenya = RoundtableFactory(hotline=None, country=country("KE"), title="Nairobi roundtable")
    ParticipantFactory(roundtable=kenya, sector="industry_isp")
    return w


def _names(rows) -> list[str]:
    return [row.country.name for row in rows]


def test_the_selector_filters_candidates_only_and_by_region(world):
    everyone = _names(selectors.coverage(user=world.staff))
    assert {"Ghana", "Nepal", "Kenya"} <= set(everyone)
    candidates = _names(selectors.coverage(user=world.staff, candidates_only=True))
    assert "Kenya" not in candidates and {"Ghana", "Nepal"} <= set(candidates)
    region = country("NP").programme_region
    assert _names(selectors.coverage(user=world.staff, region=region)) == ["Nepal"]


def test_the_page_keeps_filters_and_shows_gaps_beside_the_country(world, client_for):
    client = client_for(world.staff)
    page = client.get(reverse("onboarding_admin:coverage"), {"candidates_only": "on"}).content.decode()
    assert "Ghana" in page and "Nairobi" not in page and ">Kenya<" not in page
    assert 'name="candidates_only" checked' in page or "checked" in page.split('name="candidates_only"')[1][:80]
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert head.index("Country") < head.index("Gaps") < head.index("Law enforcement")
    assert "export=csv" in page and "candidates_only=on" in page.split("export=csv")[0].rsplit("href=", 1)[1]


def test_the_export_has_the_filtered_rows_as_csv_and_xlsx(world, client_for):
    client = client_for(world.staff)
    response = client.get(reverse("onboarding_admin:coverage"), {"candidates_only": "on", "export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["Country", "Country code", "Programme region", "Gaps"]
    countries = [row[0] for row in rows[1:]]
    assert "Kenya" not in countries and {"Ghana", "Nepal"} <= set(countries)
    ghana = next(row for row in rows if row[0] == "Ghana")
    assert ghana[1] == "GH" and "Industry" in ghana[3]  # no industry attended in Ghana: a gap
    xlsx = client.get(
        reverse("onboarding_admin:coverage"), {"region": country("NP").programme_region, "export": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content)).active
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == ["Nepal"]


def test_invalid_filters_are_named_and_an_export_with_them_is_refused(world, client_for):
    client = client_for(world.staff)
    page = client.get(reverse("onboarding_admin:coverage"), {"region": "atlantis"}).content.decode()
    assert "not valid and were not applied" in page and "Kenya" in page
    assert client.get(reverse("onboarding_admin:coverage"), {"region": "atlantis", "export": "csv"}).status_code == 400


def test_the_export_is_refused_to_whoever_may_not_see_the_matrix(world, client_for):
    url = reverse("onboarding_admin:coverage") + "?export=csv"
    assert client_for(None).get(url).status_code == 302
    assert client_for(world.candidate).get(url).status_code in (302, 403)
    assert client_for(world.reviewer).get(url).status_code in (302, 403)
