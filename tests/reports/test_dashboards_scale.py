"""Dashboards that do not grow with the data: a constant number of queries, tables on the page capped
at their first rows (the downloads keep every row), and the admin sidebar built once per user."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import date, timedelta

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.templatetags import wagtailadmin_tags

from accounts.roles import Role
from core import admin_sidebar
from network.models import (
    Analyst,
    Country,
    Hotline,
    Organisation,
    TrainingCourse,
    TrainingEvent,
    TrainingParticipation,
)
from onboarding.models import Roundtable, RoundtableParticipant, StageChange
from reports.dashboards import DASHBOARDS
from reports.dashboards.base import ROWS_SHOWN
from tests.reports.world import build_world

pytestmark = pytest.mark.django_db

SLUGS = [dashboard.slug for dashboard in DASHBOARDS]
_numbers = itertools.count(1)


def url(slug: str) -> str:
    return reverse("reports_dashboards:dashboard", args=[slug])


def export_url(slug: str, section: str, fmt: str) -> str:
    return reverse("reports_dashboards:export", args=[slug, section, fmt])


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def staff_client(client_for, staff_user):
    return client_for(staff_user)


def grow(hotlines: int) -> None:
    """More of everything the dashboards read: member hotlines with one analyst each (a single-analyst
    alert each), their stage history, training places with certificates, roundtables and participants.
    Written in bulk, a handful of queries whatever the number: these tests need the rows, not the way
    users make them (which the services' own tests cover)."""
    today, now, batch = timezone.localdate(), timezone.now(), next(_numbers)
    course = TrainingCourse.objects.create(title=f"Scale course {batch}", kind="core")
    event = TrainingEvent.objects.create(
        code=f"SCALE-{batch}", course=course, starts_on=today - timedelta(days=41), ends_on=today - timedelta(days=40)
    )
    countries = list(Country.objects.filter(code__in=["DE", "FR", "KE", "GH", "BR"]).order_by("code"))
    homes = [countries[index % len(countries)] for index in range(hotlines)]
    hosts = Organisation.objects.bulk_create(
        Organisation(name=f"Scale host {batch}-{index}", type=Organisation.Type.NGO, country=home)
        for index, home in enumerate(homes)
    )
    created = Hotline.objects.bulk_create(
        Hotline(
            brand_name=f"Scale hotline {batch}-{index}",
            host_organisation=host,
            country=home,
            public_reporting_url=f"https://scale{batch}-{index}.example.org/",
            joined_on=date(2020, 1, 15),
            full_member_on=date(2020, 1, 15),
            stage=Hotline.Stage.FULL_MEMBER,
        )
        for index, (host, home) in enumerate(zip(hosts, homes, strict=True))
    )
    Hotline.countries_served.through.objects.bulk_create(
        Hotline.countries_served.through(hotline_id=hotline.pk, country_id=hotline.country_id) for hotline in created
    )
    StageChange.objects.bulk_create(
        StageChange(hotline=hotline, from_stage="", to_stage=Hotline.Stage.FULL_MEMBER, reason="test", changed_at=now)
        for hotline in created
    )
    analysts = Analyst.objects.bulk_create(
        Analyst(hotline=hotline, code=f"AN-S{batch}-{index:03d}") for index, hotline in enumerate(created)
    )
    TrainingParticipation.objects.bulk_create(
        TrainingParticipation(
            event=event,
            analyst=analyst,
            status=TrainingParticipation.Status.COMPLETED,
            certified_on=today - timedelta(days=40),
            certificate_expires_on=today + timedelta(days=30 + index % 50),
        )
        for index, analyst in enumerate(analysts)
    )
    roundtables = Roundtable.objects.bulk_create(
        Roundtable(
            title=f"Scale roundtable {batch}-{index}",
            code=f"RT-S{batch}-{index}",
            country=hotline.country,
            time_zone=hotline.country.zone_name,
            hotline=hotline,
            status="held",
            starts_at=now - timedelta(days=10),
            format=Roundtable.Format.ONLINE,
        )
        for index, hotline in enumerate(created)
    )
    police = Organisation.objects.bulk_create(
        Organisation(name=f"Scale police {batch}-{index}", type=Organisation.Type.LAW_ENFORCEMENT, country=home)
        for index, home in enumerate(homes)
    )
    RoundtableParticipant.objects.bulk_create(
        RoundtableParticipant(
            roundtable=roundtable, organisation=organisation, sector="law_enforcement", status="attended"
        )
        for roundtable, organisation in zip(roundtables, police, strict=True)
    )


def _queries(client, target: str) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(target).status_code == 200
    return len(captured.captured_queries)


# -- Queries ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", SLUGS)
def test_a_cold_dashboard_runs_as_many_queries_with_far_more_data(
    staff_client, world, slug, django_assert_max_num_queries
):
    staff_client.get(url(slug))  # the session and the permissions settle
    small = _queries(staff_client, url(slug))
    grow(45)
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(small):
        assert staff_client.get(url(slug)).status_code == 200
    assert small <= 20


# -- Tables: the first rows on the page, every row in the downloads ------------------------------------------
def _page(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_a_long_table_shows_its_first_rows_and_downloads_every_row(staff_client, world):
    grow(ROWS_SHOWN + 7)
    singles = Hotline.objects.filter(analysts__isnull=False).distinct().count()
    page = _page(staff_client.get(url("capacity")))
    rows = page.select("#table-single_analyst tbody tr")
    assert len(rows) == ROWS_SHOWN
    note = page.select_one("#truncated-single_analyst").get_text(" ", strip=True)
    total = int(re.search(r"of (\d+) rows", note).group(1))
    assert total > ROWS_SHOWN
    assert total <= singles
    assert "full table is in the downloads" in note

    body = staff_client.get(export_url("capacity", "single_analyst", "csv")).content.decode("utf-8-sig")
    exported = list(csv.reader(io.StringIO(body)))
    assert len(exported) == total + 1  # the heading row and every row
    # The page's rows are the table's first rows, in its order.
    shown = [[cell.get_text(strip=True) for cell in row.find_all(["th", "td"])] for row in rows]
    assert shown == exported[1 : ROWS_SHOWN + 1]

    workbook = openpyxl.load_workbook(
        io.BytesIO(staff_client.get(export_url("capacity", "single_analyst", "xlsx")).content)
    )
    assert workbook.active.max_row == total + 1


def test_a_short_table_is_shown_whole_without_a_note(staff_client, world):
    page = _page(staff_client.get(url("capacity")))
    assert page.select("#table-single_analyst tbody tr")
    assert not page.select(".rp-truncated")


@pytest.mark.parametrize("slug", SLUGS)
def test_the_page_does_not_grow_with_the_data(staff_client, world, slug):
    grow(ROWS_SHOWN + 5)
    from django.core.cache import cache

    cache.clear()
    smaller = staff_client.get(url(slug))
    grow(60)
    cache.clear()
    larger = staff_client.get(url(slug))
    for table in _page(larger).select("table.rp-table"):
        assert len(table.select("tbody tr")) <= ROWS_SHOWN
    # Figures get longer by a digit here and there; tables and charts do not grow.
    assert len(larger.content) <= len(smaller.content) * 1.05 + 2000


# -- The admin sidebar -----------------------------------------------------------------------------------
def _sidebar(response) -> str:
    html = response.content.decode()
    return re.search(r'<script id="wagtail-sidebar-props".*?</script>', html, re.S).group(0)


def _count_builds(monkeypatch) -> list[int]:
    calls: list[int] = []
    build = wagtailadmin_tags.sidebar_props
    monkeypatch.setattr(wagtailadmin_tags, "sidebar_props", lambda context: calls.append(1) or build(context))
    return calls


def test_the_sidebar_is_built_once_per_user_and_equals_wagtails(staff_client, world, monkeypatch):
    calls = _count_builds(monkeypatch)
    first = staff_client.get(url("network"))
    second = staff_client.get(url("capacity"))
    third = staff_client.get(reverse("wagtailadmin_home"))
    assert calls == [1]
    assert _sidebar(first) == _sidebar(second) == _sidebar(third)
    assert "dashboard-quality" in _sidebar(second)


def test_each_user_has_the_sidebar_of_their_roles(client_for, make_user, world, monkeypatch):
    capacity = client_for(make_user(Role.CAPACITY))
    staff = client_for(make_user(Role.NETWORK_STAFF))
    calls = _count_builds(monkeypatch)
    assert "dashboard-quality" not in _sidebar(capacity.get(url("capacity")))
    assert "dashboard-quality" in _sidebar(staff.get(url("capacity")))
    assert calls == [1, 1]


def test_a_role_change_shows_in_the_sidebar_with_the_next_page(client_for, make_user, world):
    user = make_user(Role.CAPACITY)
    client = client_for(user)
    assert "dashboard-quality" not in _sidebar(client.get(url("capacity")))
    user.groups.add(Group.objects.get(name=str(Role.NETWORK_STAFF)))
    assert "dashboard-quality" in _sidebar(client.get(url("capacity")))
    user.groups.remove(Group.objects.get(name=str(Role.NETWORK_STAFF)))
    assert "dashboard-quality" not in _sidebar(client.get(url("capacity")))


def test_a_change_to_group_permissions_rebuilds_every_sidebar(staff_client, world, monkeypatch):
    from wagtail.models import Collection, GroupCollectionPermission

    calls = _count_builds(monkeypatch)
    staff_client.get(url("network"))
    staff_client.get(url("network"))
    assert calls == [1]
    group = Group.objects.get(name=str(Role.NETWORK_STAFF))
    permission = Permission.objects.get(content_type__app_label="wagtailimages", codename="choose_image")
    GroupCollectionPermission.objects.create(
        group=group, collection=Collection.get_first_root_node(), permission=permission
    )
    staff_client.get(url("network"))
    assert calls == [1, 1]


def test_a_deployment_with_other_menus_does_not_reuse_old_sidebars(staff_client, world, monkeypatch):
    calls = _count_builds(monkeypatch)
    staff_client.get(url("network"))
    admin_sidebar.code_version.cache_clear()
    monkeypatch.setattr(admin_sidebar, "code_version", lambda: "another-release")
    staff_client.get(url("network"))
    assert calls == [1, 1]


def test_the_sidebar_key_names_the_language_and_what_the_user_may_do(staff_user, make_user):
    from django.utils import translation

    english = admin_sidebar.key_for(staff_user)
    with translation.override("fr"):
        assert admin_sidebar.key_for(staff_user) != english
    assert admin_sidebar.key_for(make_user(Role.CAPACITY)) != english
