"""Training figures counted in the database, for the dashboards: the same figures as the aggregations
over the `training_places` frame (`reports.aggregations.capacity`), read as counts grouped in SQL
rather than as one row per place, so a dashboard's cost does not grow with the places recorded.

Each function here is the database form of the aggregation of the same name and keeps its rules:
a place's country is its analyst's hotline's, else its organisation's, else the event's; a grant that
links training events counts those events only (`events_in_scope`); "valid on a day" and "working on
a day" are `TrainingParticipation.objects.certificates_valid` and `analyst_working_on`, the homes of
those rules. A scope becomes the set of countries it covers through `aggregations.in_scope` itself.
`tests/reports/test_counted_parity.py` runs both forms on the demo network for many periods, scopes,
grants and users, and fails when they disagree.

`user` scopes every read through the models' `visible_to(user)`, as the frames do (None: the whole
network)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, When
from django.db.models.functions import Cast, Substr

from network.models import Analyst, Country, TrainingEvent, TrainingParticipation, analyst_working_on
from reports import aggregations as agg
from reports.aggregations.common import _breakdown, _geography, reference_day
from reports.scope import Period, Scope

COMPLETED = TrainingParticipation.Status.COMPLETED


def _visible(queryset: QuerySet, user: Any | None) -> QuerySet:
    # Without the model's default ordering: counts need none, and it would join the events.
    return (queryset.all() if user is None else queryset.visible_to(user)).order_by()


def _prefix(field: str, length: int) -> Substr:
    """A date's first characters as ISO text ("2026" of length 4, "2026-12" of 7): grouping by it costs no
    per-row function call in SQLite, where dates are stored as this text (PostgreSQL casts a date to it)."""
    return Substr(Cast(field, output_field=CharField()), 1, length)


def countries_in(scope: Scope | None) -> frozenset[str] | None:
    """The countries a scope covers, by `aggregations.in_scope` (None: no geographic limit)."""
    if scope is None or scope.is_everything:
        return None
    rows = list(Country.objects.values_list("code", "programme_region", "m49_region"))
    countries = pd.DataFrame(rows, columns=["country", "programme_region", "world_region"], dtype=object)
    return frozenset(countries.loc[agg.in_scope(countries, scope), "country"])


# A place's country: its analyst's hotline's, else its organisation's, else the event's
# (`aggregations.training_places`).
PLACE_COUNTRY = Case(
    When(analyst__isnull=False, then=F("analyst__hotline__country_id")),
    When(organisation__country__isnull=False, then=F("organisation__country_id")),
    default=F("event__country_id"),
    output_field=CharField(),
)


def _event_scope(scope: Scope | None) -> tuple[frozenset[str] | None, frozenset[int] | None]:
    """The countries and the training events a scope keeps (`aggregations.events_in_scope`): a grant that
    links training events keeps those, within the regions chosen; else the scope's countries. None: no limit."""
    linked = scope.grant.training_events if scope is not None and scope.grant is not None else None
    return countries_in(scope if linked is None else _geography(scope)), linked


def _places_in(places: QuerySet, scope: Scope | None) -> QuerySet:
    """Places whose event is in the scope (`aggregations.events_in_scope` on places)."""
    countries, linked = _event_scope(scope)
    if countries is not None:
        places = places.annotate(place_country=PLACE_COUNTRY).filter(place_country__in=countries)
    if linked is not None:
        places = places.filter(event_id__in=linked)
    return places


def _within(field: str, period: Period | None, today: date) -> Q:
    """`aggregations.dated_within` for a date field: in the period, or up to today without one."""
    if period is None:
        return Q(**{f"{field}__lte": today})
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _completed_places(user: Any | None, *, period: Period | None, scope: Scope | None, today: date) -> QuerySet:
    places = _visible(TrainingParticipation.objects, user).filter(status=COMPLETED)
    return _places_in(places, scope).filter(_within("event__ends_on", period, today))


def analysts_trained_by_kind(
    user: Any | None, *, period: Period | None, scope: Scope | None, today: date, kinds: Sequence[str]
) -> dict[str, int]:
    places = _completed_places(user, period=period, scope=scope, today=today).filter(analyst__isnull=False)
    counts = places.values("event__course__kind").annotate(n=Count("analyst", distinct=True)).order_by()
    return _breakdown(pd.Series({row["event__course__kind"]: row["n"] for row in counts}, dtype=int), kinds)


def people_trained_by_type(
    user: Any | None, *, period: Period | None, scope: Scope | None, today: date, types: Sequence[str]
) -> dict[str, int]:
    counts = (
        _completed_places(user, period=period, scope=scope, today=today)
        .values("participant_type")
        .annotate(
            analysts=Count("analyst", distinct=True),
            others=Count("pk", filter=Q(analyst__isnull=True)),
        )
        .order_by()
    )
    found = {row["participant_type"]: row["analysts"] + row["others"] for row in counts}
    return _breakdown(pd.Series(found, dtype=int), types)


def training_events_held_count(user: Any | None, *, period: Period | None, scope: Scope | None, today: date) -> int:
    events = _visible(TrainingEvent.objects, user).filter(_within("ends_on", period, today), ends_on__lte=today)
    countries, linked = _event_scope(scope)
    if countries is not None:
        # Held in the scope's countries, or attended by a participant from one.
        places = _visible(TrainingParticipation.objects, user).annotate(place_country=PLACE_COUNTRY)
        attended = places.filter(place_country__in=countries).values("event_id")
        events = events.filter(Q(country_id__in=countries) | Q(pk__in=attended))
    if linked is not None:
        events = events.filter(pk__in=linked)
    return events.count()


def _certificates(user: Any | None, scope: Scope | None) -> QuerySet:
    """Certificates of registered analysts in the scope (`aggregations.capacity._certificates`)."""
    places = _visible(TrainingParticipation.objects, user).filter(analyst__isnull=False, certified_on__isnull=False)
    return _places_in(places, scope)


def _valid_certificates(user: Any | None, *, day: date, scope: Scope | None) -> QuerySet:
    return _certificates(user, scope).certificates_valid(on=day)


def certified_analyst_ids(user: Any | None, *, day: date, scope: Scope | None) -> pd.Index:
    """The analysts holding a certificate valid on `day` (working that day), in the scope."""
    # Each working analyst looked up in the certificates (by the analyst's index), rather than every
    # valid certificate sorted to find the distinct analysts.
    valid = _valid_certificates(user, day=day, scope=scope).filter(analyst_id=OuterRef("pk"))
    ids = Analyst.objects.filter(analyst_working_on(day)).filter(Exists(valid)).order_by().values_list("pk", flat=True)
    return pd.Index(list(ids))


def certified_analysts(user: Any | None, member_analysts: pd.DataFrame, *, day: date, scope: Scope | None) -> pd.Series:
    return agg.analysts_among(member_analysts, certified_analyst_ids(user, day=day, scope=scope))


def certificates_expiring(
    user: Any | None,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
    days: int = agg.EXPIRY_WINDOW_DAYS,
) -> pd.DataFrame:
    day = reference_day(period, today)
    rows = (
        _certificates(user, scope)
        .certificates_expiring(within_days=days, on=day)
        .values_list("analyst__code", "analyst__hotline__brand_name", "event__course__title", "certificate_expires_on")
    )
    chosen = pd.DataFrame(
        list(rows), columns=["analyst_code", "brand_name", "course_title", "certificate_expires_on"], dtype=object
    )
    chosen["certificate_expires_on"] = pd.to_datetime(chosen["certificate_expires_on"]).astype("datetime64[s]")
    return agg.expiring_table(chosen)


def certificate_expiry_timeline(
    user: Any | None, *, scope: Scope | None, today: date, months: int = 12
) -> pd.DataFrame:
    counts = (
        _valid_certificates(user, day=today, scope=scope)
        .filter(certificate_expires_on__isnull=False, certificate_expires_on__lt=_months_after(today, months))
        .annotate(month=_prefix("certificate_expires_on", 7))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_month = pd.Series({row["month"]: row["n"] for row in counts}, dtype=int)
    return agg.expiry_timeline(by_month, today=today, months=months)


def _months_after(day: date, months: int) -> date:
    """The first day of the month `months` months after `day`'s."""
    first = pd.Period(day, freq="M") + months
    return first.to_timestamp().date()


def _by_year(certificates: QuerySet, field: str) -> pd.Series:
    counts = certificates.annotate(year=_prefix(field, 4)).values("year").annotate(n=Count("pk")).order_by()
    return pd.Series({int(row["year"]): row["n"] for row in counts}, dtype=int)


def certificates_by_year(user: Any | None, *, period: Period | None, scope: Scope | None, today: date) -> pd.DataFrame:
    certificates = _certificates(user, scope)
    issued = certificates.filter(_within("certified_on", period, today))
    expiring = certificates.filter(
        Q(certificate_expires_on__isnull=False) if period is None else _within("certificate_expires_on", period, today)
    )
    return agg.by_year_table(_by_year(issued, "certified_on"), _by_year(expiring, "certificate_expires_on"))


def certificates_issued_count(user: Any | None, *, period: Period | None, scope: Scope | None, today: date) -> int:
    return _certificates(user, scope).filter(_within("certified_on", period, today)).count()
