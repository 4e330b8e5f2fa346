"""The shared metrics registry (reports.metrics): exact numbers on hand-built data, and empty data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from network.models import Analyst, Hotline
from reports import metrics
from reports.metrics import Period, Scope
from tests.cms.factories import make_hotline

pytestmark = pytest.mark.django_db

PUBLIC_NETWORK_METRICS = {
    "member_hotlines",
    "full_members",
    "countries_covered",
    "analysts",
    "hotlines_by_region",
    "new_members",
    "roundtables_held",
}
ZERO_REGIONS = {
    "europe": 0,
    "north_america": 0,
    "latin_america_caribbean": 0,
    "asia_pacific": 0,
    "south_asia": 0,
    "sub_saharan_africa": 0,
    "middle_east_north_africa": 0,
}


@pytest.fixture
def network():
    """Members in Europe and Africa, plus hotlines that must never count."""
    today = timezone.localdate()
    germany = make_hotline("DE", joined_on=date(2015, 5, 1), full_member_on=date(2016, 5, 1), analysts=3)
    france = make_hotline(
        "FR", serves=("MC", "LU"), joined_on=date(2018, 1, 1), full_member_on=date(2019, 1, 1), analysts=2
    )
    kenya = make_hotline("KE", stage=Hotline.Stage.PROVISIONAL_MEMBER, joined_on=today - timedelta(days=3), analysts=1)
    # Serves a country already covered by another member: still one country.
    belgium = make_hotline("BE", serves=("LU",), joined_on=date(2022, 6, 1), full_member_on=date(2024, 6, 1))
    make_hotline("GH", stage=Hotline.Stage.STAKEHOLDER_ENGAGEMENT, analysts=2)
    make_hotline("NO", stage=Hotline.Stage.SUSPENDED, joined_on=date(2010, 1, 1), analysts=4)
    make_hotline("IE", stage=Hotline.Stage.CEASED, joined_on=date(2010, 1, 1), serves=("GB",))
    # An analyst who left and one not started yet are not counted today.
    Analyst.objects.create(hotline=germany, code="OLD-1", ended_on=today - timedelta(days=1))
    Analyst.objects.create(hotline=france, code="NEW-1", started_on=today + timedelta(days=10))
    return {"germany": germany, "france": france, "kenya": kenya, "belgium": belgium}


def test_registry_lists_the_public_network_metrics():
    keys = {metric.key for metric in metrics.all_metrics(public_only=True)}
    assert keys >= PUBLIC_NETWORK_METRICS
    for key in PUBLIC_NETWORK_METRICS:
        metric = metrics.get(key)
        assert metric.label and metric.definition and metric.unit
    with pytest.raises(KeyError, match="no_such_metric"):
        metrics.get("no_such_metric")
    with pytest.raises(ValueError, match="already registered"):
        metrics.register(metrics.get("member_hotlines"))


def test_every_metric_on_empty_data():
    assert metrics.compute("member_hotlines") == 0
    assert metrics.compute("full_members") == 0
    assert metrics.compute("countries_covered") == 0
    assert metrics.compute("analysts") == 0
    assert metrics.compute("new_members") == 0
    assert metrics.compute("hotlines_by_region") == ZERO_REGIONS
    assert metrics.compute("roundtables_held") == 0


def test_network_metrics_today(network):
    assert metrics.compute("member_hotlines") == 4
    assert metrics.compute("full_members") == 3
    # DE, FR, MC, LU, KE, BE (LU counted once); not the suspended, ceased or candidate countries.
    assert metrics.compute("countries_covered") == 6
    # DE 3 + FR 2 + KE 1 (the departed and the future analyst are not counted; nor GH's or NO's).
    assert metrics.compute("analysts") == 6
    assert metrics.compute("hotlines_by_region") == {**ZERO_REGIONS, "europe": 3, "sub_saharan_africa": 1}
    # Only Kenya joined this calendar year (three days ago), unless today is within the first days of January.
    today = timezone.localdate()
    expected_new = 1 if (today - timedelta(days=3)).year == today.year else 0
    assert metrics.compute("new_members") == expected_new


def test_network_metrics_for_a_period(network):
    period = Period(date(2018, 1, 1), date(2020, 12, 31))
    # Members on 2020-12-31: DE and FR, and Norway and Ireland, suspended and ceased only today (they
    # have no stage history: members from their joining date until they entered today's stage).
    assert metrics.compute("member_hotlines", period=period) == 4
    assert metrics.compute("full_members", period=period) == 2  # Norway and Ireland had no full membership
    assert metrics.compute("countries_covered", period=period) == 7  # DE, FR, MC, LU, NO, IE, GB
    assert metrics.compute("new_members", period=period) == 1  # FR joined in 2018
    assert metrics.compute("new_members", period=Period(date(2022, 1, 1), date(2022, 12, 31))) == 1
    # Norway and Ireland joined in 2010: new members then, whatever happened since.
    assert metrics.compute("new_members", period=Period(date(2010, 1, 1), date(2010, 12, 31))) == 2
    # Belgium joined in 2022 but became a full member only in 2024.
    assert metrics.compute("full_members", period=Period(date(2023, 1, 1), date(2023, 12, 31))) == 2
    # Analysts on the period's last day: DE 3 + OLD-1 (still there then) + FR 2 + NO 4.
    assert metrics.compute("analysts", period=period) == 10


def test_network_metrics_for_a_scope(network):
    africa = Scope.of(regions=["sub_saharan_africa"])
    assert metrics.compute("member_hotlines", scope=africa) == 1
    assert metrics.compute("countries_covered", scope=africa) == 1
    assert metrics.compute("analysts", scope=africa) == 1
    france_only = Scope.of(countries=["fr"])
    assert metrics.compute("member_hotlines", scope=france_only) == 1
    assert metrics.compute("countries_covered", scope=Scope.of(countries=["MC", "LU", "NO"])) == 2
    assert metrics.compute("hotlines_by_region", scope=africa) == {**ZERO_REGIONS, "sub_saharan_africa": 1}


def test_metric_queries_do_not_grow_with_rows(django_assert_max_num_queries):
    from reports import selectors

    # One query per frame a metric reads (a derived frame counts as its sources), whatever the rows.
    frames = sum(len(selectors.sources_of(metrics.get(key).frames)) for key in PUBLIC_NETWORK_METRICS)
    for code in ("DE", "FR"):
        make_hotline(code, analysts=2)
    with django_assert_max_num_queries(frames):
        for key in PUBLIC_NETWORK_METRICS:
            metrics.compute(key)
    for code in ("ES", "IT", "PT", "PL", "BR", "ZA", "PH", "NZ"):
        make_hotline(code, serves=("AD",), analysts=3)
    with django_assert_max_num_queries(frames):
        for key in PUBLIC_NETWORK_METRICS:
            metrics.compute(key)


def test_small_counts_of_people_are_suppressed_and_other_counts_are_not():
    assert metrics.SMALL_COUNT_THRESHOLD == 5
    assert metrics.display_count(0) == "0"
    for small in (1, 2, 3, 4):
        assert metrics.is_small_count(small)
        assert metrics.display_count(small) == "fewer than 5"
        assert metrics.display_count(small, people=False) == str(small)
    assert metrics.display_count(5) == "5"
    assert metrics.display_count(1240) == "1,240"
    people = {metric.key for metric in metrics.all_metrics() if metric.counts_people}
    assert people == {
        "analysts",
        "certified_analysts",
        "analysts_trained_by_course_kind",
        "people_trained_by_participant_type",
    }


def test_a_period_must_not_end_before_it_starts():
    with pytest.raises(ValueError, match="ends"):
        Period(date(2024, 2, 1), date(2024, 1, 1))


def test_roundtables_held(network):
    from datetime import datetime, time

    from network.models import Country
    from onboarding.models import Roundtable

    def roundtable(code: str, day: date, status: str) -> None:
        Roundtable.objects.create(
            title=f"Roundtable {code} {day}",
            country=Country.objects.get(code=code),
            starts_at=timezone.make_aware(datetime.combine(day, time(10))),
            status=status,
            format=Roundtable.Format.ONLINE,
        )

    roundtable("GH", date(2023, 3, 1), Roundtable.Status.HELD)
    roundtable("GH", date(2023, 9, 1), Roundtable.Status.HELD)
    roundtable("KE", date(2024, 2, 1), Roundtable.Status.HELD)
    roundtable("KE", date(2024, 5, 1), Roundtable.Status.CANCELLED)
    roundtable("NP", date(2023, 6, 1), Roundtable.Status.HELD)
    roundtable("NP", timezone.localdate() + timedelta(days=30), Roundtable.Status.PLANNED)
    assert metrics.compute("roundtables_held") == 4
    assert metrics.compute("roundtables_held", period=Period(date(2023, 1, 1), date(2023, 12, 31))) == 3
    assert metrics.compute("roundtables_held", scope=Scope.of(regions=["sub_saharan_africa"])) == 3
    assert metrics.compute("roundtables_held", scope=Scope.of(countries=["NP"])) == 1
