"""A period's figures describe that period on every surface: the dashboards (page and CSV), a public
figure for the period, the donor report's data and PDF. Suspending, promoting or ceasing hotlines
afterwards, through the lifecycle's records, moves today's figures and never the period's."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from cms.selectors import public_figure
from network.models import Hotline
from onboarding.models import StageChange
from reports.donor import assembly, pdf
from reports.models import Donor, Grant, Indicator
from tests.reports.world import build_world

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2023-01-01", "end": "2023-12-31"}


def _page(client, slug: str) -> BeautifulSoup:
    path = reverse("reports_dashboards:dashboard", args=[slug]) + "?start=2023-01-01&end=2023-12-31"
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def _headline(page: BeautifulSoup, key: str) -> str:
    return page.select_one(f"#figure-{key} .rp-figure__value").get_text(strip=True)


def _csv(client, slug: str, section: str) -> list[list[str]]:
    path = reverse("reports_dashboards:export", args=[slug, section, "csv"]) + "?start=2023-01-01&end=2023-12-31"
    return list(csv.reader(io.StringIO(client.get(path).content.decode("utf-8-sig"))))


def _pdf_text(document: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(document)).pages).split())


def _surfaces(client, grant: Grant) -> dict:
    cache.clear()
    network = _page(client, "network")
    capacity = _page(client, "capacity")
    stage_rows = {row[0]: row for row in _csv(client, "network", "stage_region")[1:]}
    heading = _csv(client, "network", "stage_region")[0]
    members_in_table = sum(
        int(row[heading.index(column)])
        for row in stage_rows.values()
        for column in ("Provisional member", "Full member")
        if column in heading
    )
    data = assembly.donor_report_data(
        grant=grant,
        period_start=date(2023, 1, 1),
        period_end=date(2023, 12, 31),
        version=1,
        summary="",
        generated_on=date(2024, 1, 15),
    )
    return {
        "members": _headline(network, "member_hotlines"),
        "full": _headline(network, "full_members"),
        "countries": _headline(network, "countries_covered"),
        "members_in_table": members_in_table,
        "analysts": _headline(capacity, "analysts"),
        "certified": _headline(capacity, "certified_analysts"),
        "public_members": public_figure("member_hotlines", start=date(2023, 1, 1), end=date(2023, 12, 31)).display,
        "public_analysts": public_figure("analysts", start=date(2023, 1, 1), end=date(2023, 12, 31)).display,
        "report": [(line.code, line.achieved) for line in data.indicators],
        "pdf": _pdf_text(pdf.build_donor_report(data))
        .split("3. Indicators", 2)[-1]
        .split("Definitions and sources")[0],
    }


def test_a_periods_figures_stay_on_every_surface_when_hotlines_change_stage_afterwards(client_for, staff_user):
    world = build_world()
    grant = Grant.objects.create(
        donor=Donor.objects.create(name="Fund"),
        code="NET-2023",
        title="Network 2023",
        starts_on=date(2023, 1, 1),
        ends_on=date(2023, 12, 31),
        amount=Decimal(1),
    )
    for code, key in (("K1", "member_hotlines"), ("K2", "analysts"), ("K3", "countries_covered")):
        Indicator.objects.create(
            grant=grant, code=code, title=key, metric_key=key, scope=Indicator.Scope.NETWORK, target=10
        )
    client = client_for(staff_user)
    before = _surfaces(client, grant)
    # On 2023-12-31: Germany, France and Luxembourg (suspended only today); DE-1, DE-2, FR-1.
    assert (before["members"], before["full"], before["countries"], before["members_in_table"]) == ("3", "2", "3", 3)
    assert (before["analysts"], before["certified"]) == ("3", "3")
    assert (before["public_members"], before["public_analysts"]) == ("3", "fewer than 5")
    assert before["report"] == [("K1", 3.0), ("K2", 3.0), ("K3", 3.0)]

    moved_at = timezone.now()
    for code, stage in (("DE", "suspended"), ("KE", "full_member"), ("FR", "ceased")):
        hotline = world.hotlines[code]
        StageChange.objects.create(
            hotline=hotline, from_stage=hotline.stage, to_stage=stage, reason="after the period", changed_at=moved_at
        )
        Hotline.objects.filter(pk=hotline.pk).update(stage=stage, stage_entered_at=moved_at)

    after = _surfaces(client, grant)
    assert after == before
    # Today's figures did move: only Kenya is a member now.
    cache.clear()
    today = BeautifulSoup(
        client.get(reverse("reports_dashboards:dashboard", args=["network"])).content.decode(), "html.parser"
    )
    assert _headline(today, "member_hotlines") == "1"
