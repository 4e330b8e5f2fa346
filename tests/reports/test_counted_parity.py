"""The training figures the dashboards count in the database (`reports.counted`) equal the same figures
computed over the `training_places` frame (`reports.aggregations`), on the demo network, for every
period, scope, grant and user below: the dashboards and the donor reports can never disagree."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from network.models import (
    Analyst,
    Country,
    Hotline,
    Organisation,
    TrainingCourse,
    TrainingEvent,
    TrainingParticipation,
)
from reports import aggregations as agg
from reports import counted, dashboards, metrics, selectors
from reports.dashboards.grants import grant_indicator_rows
from reports.grants.selectors import grant_coverage_of
from reports.metrics import Context
from reports.models import Grant, Indicator
from reports.scope import Period, Scope, indicator_scope

pytestmark = pytest.mark.django_db


def _periods(today: date) -> list[Period | None]:
    return [
        None,
        Period(date(today.year, 1, 1), today),
        Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        Period(today - timedelta(days=90), today),
        Period(today, today),
        Period(today + timedelta(days=1), today + timedelta(days=400)),
    ]


def _edges(today: date) -> list[str]:
    """Places on the rules' edges, added to the demo: an event and certificates ending today, expiring
    today, in 90 and in 91 days; analysts who left yesterday, start today or tomorrow; an analyst sent
    by an organisation of another country; participants known by their organisation, by the event's
    country, or by nothing (an online event). Returns the countries involved."""
    member = User.objects.get(email="member@example.org")
    hotline = Hotline.objects.visible_to(member).exclude(country=None).first()
    other = Hotline.objects.exclude(country=None).exclude(country=hotline.country).first()
    foreign = Organisation.objects.exclude(country__in=[hotline.country, other.country]).first()
    core, workshop = TrainingCourse.objects.order_by("kind")[:2]
    here = TrainingEvent.objects.create(
        code="EDGE-TODAY", course=core, starts_on=today - timedelta(days=2), ends_on=today, country=other.country
    )
    online = TrainingEvent.objects.create(
        code="EDGE-ONLINE", course=workshop, starts_on=today - timedelta(days=31), ends_on=today - timedelta(days=30)
    )
    left = Analyst.objects.create(hotline=hotline, code="EDGE-1", ended_on=today - timedelta(days=1))
    starts = Analyst.objects.create(hotline=hotline, code="EDGE-2", started_on=today + timedelta(days=1))
    stays = Analyst.objects.create(hotline=hotline, code="EDGE-3", started_on=today)
    done = TrainingParticipation.Status.COMPLETED

    def place(event, analyst=None, *, certified=None, expires=None, status=done, **fields) -> None:
        days = {"certified_on": certified, "certificate_expires_on": expires}
        days = {name: today + timedelta(days=offset) for name, offset in days.items() if offset is not None}
        TrainingParticipation.objects.create(event=event, analyst=analyst, status=status, **days, **fields)

    place(here, stays, organisation=foreign, certified=0, expires=90)
    place(here, left, certified=-1, expires=0)
    place(online, starts, certified=-30, expires=91)
    place(online, stays, certified=-30, expires=0)
    place(online, participant_type="ngo", reference="EDGE-N")
    place(here, participant_type="law_enforcement", reference="EDGE-L", organisation=foreign)
    place(here, participant_type="government", reference="EDGE-G")
    place(online, left, status=TrainingParticipation.Status.NOT_COMPLETED)
    return [hotline.country_id, other.country_id, foreign.country_id]


def _scopes(edges: list[str]) -> list[Scope | None]:
    scopes: list[Scope | None] = [None, Scope(), *(Scope.of(countries=[code]) for code in edges)]
    found = TrainingParticipation.objects.values_list("analyst__hotline__country_id", flat=True).distinct()
    codes = sorted(code for code in found if code)
    scopes += [Scope.of(countries=codes[:1]), Scope.of(countries=codes[1:4]), Scope.of(countries=["AQ"])]
    regions = sorted({region for region in Country.objects.values_list("programme_region", flat=True) if region})
    scopes += [Scope.of(regions=[region]) for region in regions[::2]]
    scopes += [Scope.of(world_regions=["Europe"]), Scope.of(world_regions=["Africa"], regions=regions[:2])]
    grants = [grant_coverage_of(grant=grant) for grant in Grant.objects.order_by("pk")]
    scopes += [Scope(grant=coverage) for coverage in grants]
    scopes += [Scope(regions=frozenset(regions[:1]), grant=coverage) for coverage in grants[:2]]
    # A grant whose activities link training events (the demo's may not): those events only.
    events = frozenset(TrainingEvent.objects.order_by("pk").values_list("pk", flat=True)[:5])
    if grants:
        linked = grants[0].__class__(grants[0].code, grants[0].countries, grants[0].roundtables, events)
        scopes += [Scope(grant=linked), Scope(regions=frozenset(regions[:2]), grant=linked)]
    return scopes


def _users() -> list[User | None]:
    # The whole network (staff see it all) and one member hotline's own records.
    return [User.objects.get(email="staff@example.org"), User.objects.get(email="member@example.org")]


def _same(frame: pd.DataFrame, other: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(frame.reset_index(drop=True), other.reset_index(drop=True), check_dtype=False)


def test_the_training_figures_counted_in_the_database_equal_those_over_frames(demo):
    today = timezone.localdate()
    kinds = list(metrics.course_kind_labels())
    types = list(metrics.participant_type_labels())
    scopes = _scopes(_edges(today))
    # The metrics with a form for many contexts at once (the grant progress dashboard's), and one without.
    many = ("certified_analysts", "certificates_issued", "training_events_held")
    for user in _users():
        frames = selectors.Frames(user=user)
        places = frames["training_places"]
        assert len(places) > 0
        contexts: list[Context] = []
        expected: dict[str, list] = {key: [] for key in many}
        for scope in scopes:
            timeline = agg.certificate_expiry_timeline(places, scope=scope, today=today)
            _same(counted.certificate_expiry_timeline(user, scope=scope, today=today), timeline)
            for period in _periods(today):
                keywords = {"period": period, "scope": scope, "today": today}
                label = (user, scope, period)
                assert counted.analysts_trained_by_kind(user, **keywords, kinds=kinds) == (
                    agg.analysts_trained_by_kind(places, **keywords, kinds=kinds)
                ), label
                assert counted.people_trained_by_type(user, **keywords, types=types) == (
                    agg.people_trained_by_type(places, **keywords, types=types)
                ), label
                _same(counted.certificates_by_year(user, **keywords), agg.certificates_by_year(places, **keywords))
                _same(counted.certificates_expiring(user, **keywords), agg.certificates_expiring(places, **keywords))
                context = Context.at(period=period, scope=scope, user=user)
                expiring = metrics.get("certificates_expiring")
                assert expiring.counted(frames, context) == expiring.aggregate(frames, context), label
                contexts.append(context)
                for key in many:
                    expected[key].append(metrics.get(key).aggregate(frames, context))
        assert len(contexts) > 100
        # Every scope and period above asked at once, a few on their own and a pair: the same figures.
        for key in many:
            metric = metrics.get(key)
            assert metric.counted_many(frames, contexts) == expected[key], (key, user)
            sample = range(0, len(contexts), 9)
            assert [metric.counted(frames, contexts[i]) for i in sample] == [expected[key][i] for i in sample], key
            assert metric.counted_many(frames, contexts[5:7]) == expected[key][5:7], (key, user)
    # The demo's figures are not all zero: the parity above compares real counts.
    context = Context.at()
    everyone = selectors.Frames()
    assert metrics.get("certified_analysts").counted(everyone, context) > 0
    assert len(counted.certificates_expiring(None, period=None, scope=None, today=today)) > 0
    assert sum(counted.analysts_trained_by_kind(None, period=None, scope=None, today=today, kinds=kinds).values()) > 0


def test_the_capacity_and_quality_dashboards_read_no_training_place_row(demo, django_assert_max_num_queries):
    """The two dashboards count training places in the database: whatever the number of places, they read
    the frames they declare and a fixed number of counts."""
    staff = User.objects.get(email="staff@example.org")
    for slug in ("capacity", "quality"):
        dashboard = dashboards.get(slug)
        frames = selectors.load_frames(dashboard.frames, user=staff)
        with django_assert_max_num_queries(20):
            data = dashboards.build(dashboard, frames, Context.at(user=staff))
        assert "participation_rows" not in frames.queried, slug
        assert data.sections
    capacity = dashboards.build(
        dashboards.get("capacity"), selectors.load_frames(("hotlines", "analysts"), user=staff), Context.at(user=staff)
    )
    headline = next(item for item in capacity.headlines if item.key == "certificates_expiring")
    assert headline.value == str(len(capacity.section("certificates_expiring").table))


def test_the_grant_dashboard_counts_each_training_metric_once_however_many_indicators(demo):
    """Indicators linked to the training metrics are counted in the database, all those of one metric in
    one query: more of them add no query, read no training place, and each stands where the frame
    form puts it (`metrics.indicator_value`, as donor reports measure it)."""
    staff = User.objects.get(email="staff@example.org")
    dashboard = dashboards.get("grants")
    keys = ("certified_analysts", "certificates_issued", "training_events_held")

    def build() -> tuple[int, selectors.Frames]:
        frames = selectors.load_frames(dashboard.frames, user=staff)
        with CaptureQueriesContext(connection) as queries:
            assert dashboards.build(dashboard, frames, Context.at(user=staff)).sections
        return len(queries), frames

    def add_indicators(number: int) -> None:
        for grant in Grant.objects.order_by("pk"):
            for k, key in enumerate(keys):
                for scope in Indicator.Scope.values:
                    Indicator.objects.create(
                        grant=grant,
                        code=f"T{number}-{k}-{scope[:3]}",
                        title=key,
                        metric_key=key,
                        scope=scope,
                        target=9,
                    )

    add_indicators(1)
    once, frames = build()
    assert "participation_rows" not in frames.queried
    add_indicators(2)
    twice, frames = build()
    assert twice == once
    assert "participation_rows" not in frames.queried

    everything = selectors.Frames(user=staff)
    context = Context.at(user=staff)
    progress, days = grant_indicator_rows(everything, context)
    measured = dict(zip(progress["indicator_id"], progress["achieved"], strict=True))
    coverages = {grant.code: grant_coverage_of(grant=grant) for grant in Grant.objects.all()}
    linked = Indicator.objects.filter(metric_key__in=keys).select_related("grant")
    assert linked.count() >= 2 * len(keys) * 2 * Grant.objects.count()  # the demo links some too
    for indicator in linked:
        grant = indicator.grant
        scope = indicator_scope(indicator.scope, coverages[grant.code])
        expected = metrics.indicator_value(
            metrics.get(indicator.metric_key),
            everything,
            context,
            scope=scope,
            since=grant.starts_on,
            day=days[grant.code],
        )
        assert measured[indicator.pk] == expected, indicator
    assert any(measured[indicator.pk] for indicator in linked)
