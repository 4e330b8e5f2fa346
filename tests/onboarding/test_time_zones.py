"""Meetings keep their own time zone: a Kathmandu roundtable at 10:00 is 04:15 UTC everywhere."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import Workbook

from accounts.roles import Role
from core.workbook import export_workbook, import_workbook
from network.models import Country
from network.time_zones import main_zone, zone_label
from onboarding import ics
from onboarding.models import Roundtable
from onboarding.selectors import roundtable_event
from tests.onboarding.factories import HotlineFactory, RoundtableFactory, country

pytestmark = pytest.mark.django_db
KATHMANDU = ZoneInfo("Asia/Kathmandu")
TEN_IN_KATHMANDU = datetime(2026, 3, 12, 10, 0, tzinfo=KATHMANDU)


def test_each_country_has_its_main_zone_from_the_tz_database():
    assert Country.objects.get(code="NP").time_zone == "Asia/Kathmandu"
    assert Country.objects.get(code="KE").time_zone == "Africa/Nairobi"
    assert main_zone("RU") == "Europe/Moscow" and main_zone("AU") == "Australia/Sydney"  # the capital's
    assert zone_label("Asia/Kathmandu", TEN_IN_KATHMANDU) == "Asia/Kathmandu (UTC+05:45)"


def test_a_roundtable_is_typed_and_shown_on_its_own_clock(client_for, make_user):
    staff = make_user(Role.NETWORK_STAFF)
    hotline = HotlineFactory(brand_name="Surakshit Web Nepal", country=country("NP"), stage="stakeholder_engagement")
    client = client_for(staff)
    response = client.post(
        reverse("onboarding_roundtables:add"),
        {
            "title": "Kathmandu roundtable",
            "country": "NP",
            "hotline": hotline.pk,
            "starts_at": "2026-03-12 10:00",
            "ends_at": "2026-03-12 13:00",
            "time_zone": "",
            "format": "in_person",
            "status": "planned",
            "venue": "Hotel Yak",
            "agenda": "",
            "outcomes": "",
            "code": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    roundtable = Roundtable.objects.get(title="Kathmandu roundtable")
    assert roundtable.time_zone == "Asia/Kathmandu"
    assert roundtable.starts_at == datetime(2026, 3, 12, 4, 15, tzinfo=UTC)
    assert roundtable.when_label == "2026-03-12 10:00–13:00 Asia/Kathmandu (UTC+05:45)"
    edit = client.get(reverse("onboarding_roundtables:edit", args=[roundtable.pk])).content.decode()
    assert 'value="2026-03-12 10:00"' in edit
    detail = client.get(reverse("onboarding_admin:roundtable", args=[roundtable.pk])).content.decode()
    assert "2026-03-12 10:00–13:00 Asia/Kathmandu (UTC+05:45)" in detail

    calendar = client.get(reverse("onboarding_admin:roundtable_ics", args=[roundtable.pk])).content.decode()
    assert "DTSTART:20260312T041500Z" in calendar and "DTEND:20260312T071500Z" in calendar
    assert "Asia/Kathmandu" in calendar.replace("\r\n ", "")


def test_the_feed_carries_the_right_instant():
    roundtable = RoundtableFactory(
        country=country("NP"), hotline=None, starts_at=TEN_IN_KATHMANDU, time_zone="", status="planned"
    )
    assert roundtable.time_zone == "Asia/Kathmandu"  # the country's, when none is chosen
    text = ics.calendar([roundtable_event(roundtable)], name="Staff", now=datetime(2026, 1, 1, tzinfo=UTC))
    assert "DTSTART:20260312T041500Z" in text


def _workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Roundtables"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_workbook_writes_and_reads_local_time_with_the_zone():
    header = ["code", "title", "country", "status", "time_zone", "starts_at", "format", "venue"]
    result = import_workbook(
        _workbook([header, ["RT-NP-1", "Kathmandu", "NP", "planned", "", "2026-03-12 10:00", "online", ""]])
    )
    assert result.ok, result.errors
    roundtable = Roundtable.objects.get(code="RT-NP-1")
    assert roundtable.starts_at == datetime(2026, 3, 12, 4, 15, tzinfo=UTC)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export_workbook()), read_only=True)["Roundtables"]
    rows = [
        dict(zip(next(iter(sheet.iter_rows(values_only=True))), row, strict=False))
        for row in sheet.iter_rows(values_only=True)
    ]
    exported = next(row for row in rows if row["code"] == "RT-NP-1")
    assert exported["starts_at"] == datetime(2026, 3, 12, 10, 0) and exported["time_zone"] == "Asia/Kathmandu"


def test_a_name_too_long_for_a_file_is_not_a_zone():
    from network.time_zones import is_zone

    assert is_zone("Europe/Paris")
    assert not is_zone("Europe/Nowhere")
    assert not is_zone("x" * 5000)
