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
network).

Three figures also have a form for many questions at once (`training_events_held_counts`,
`certificates_issued_counts`, `certified_analyst_id_sets`: one query however many periods, scopes or
days are asked), for the grant progress dashboard's indicators (`Metric.counted_many`); the single
forms are the same functions asked once."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from datetime import date
from functools import reduce
from typing import Any

import pandas as pd
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    When,
)
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


def country_table() -> pd.DataFrame:
    """Every country with its regions, as `aggregations.in_scope` reads them (read once for many scopes)."""
    rows = list(Country.objects.values_list("code", "programme_region", "m49_region"))
    return pd.DataFrame(rows, columns=["country", "programme_region", "world_region"], dtype=object)


def countries_in(scope: Scope | None, table: pd.DataFrame | None = None) -> frozenset[str] | None:
    """The countries a scope covers, by `aggregations.in_scope` (None: no geographic limit); `table` is
    `country_table()` when the caller has read it already."""
    if scope is None or scope.is_everything:
        return None
    countries = country_table() if table is None else table
    return frozenset(countries.loc[agg.in_scope(countries, scope), "country"])


# A place's country: its analyst's hotline's, else its organisation's, else the event's
# (`aggregations.training_places`).
PLACE_COUNTRY = Case(
    When(analyst__isnull=False, then=F("analyst__hotline__country_id")),
    When(organisation__country__isnull=False, then=F("organisation__country_id")),
    default=F("event__country_id"),
    output_field=CharField(),
)


def _event_scope(
    scope: Scope | None, table: pd.DataFrame | None = None
) -> tuple[frozenset[str] | None, frozenset[int] | None]:
    """The countries and the training events a scope keeps (`aggregations.events_in_scope`): a grant that
    links training events keeps those, within the regions chosen; else the scope's countries. None: no limit."""
    linked = scope.grant.training_events if scope is not None and scope.grant is not None else None
    return countries_in(scope if linked is None else _geography(scope), table), linked


def _place_filter(scope: Scope | None, table: pd.DataFrame | None = None) -> tuple[Q, bool]:
    """Places whose event is in the scope (`aggregations.events_in_scope` on places), as a condition, and
    whether it reads the place's country (the `place_country` annotation, `PLACE_COUNTRY`)."""
    countries, linked = _event_scope(scope, table)
    condition = Q()
    if countries is not None:
        condition &= Q(place_country__in=countries)
    if linked is not None:
        condition &= Q(event_id__in=linked)
    return condition, countries is not None


def _places_in(places: QuerySet, scope: Scope | None, table: pd.DataFrame | None = None) -> QuerySet:
    condition, by_country = _place_filter(scope, table)
    return (places.annotate(place_country=PLACE_COUNTRY) if by_country else places).filter(condition)


def _table_for(scopes: Sequence[Scope | None]) -> pd.DataFrame | None:
    """`country_table()` when one of the scopes needs it, read once for all of them."""
    return country_table() if any(scope is not None and not scope.is_everything for scope in scopes) else None


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


def _counts(queryset: QuerySet, conditions: Sequence[Q]) -> list[int]:
    """How many rows of `queryset` meet each condition, in one query however many conditions."""
    if not conditions:
        return []
    found = queryset.aggregate(**{f"n{i}": Count("pk", filter=condition) for i, condition in enumerate(conditions)})
    return [found[f"n{i}"] for i in range(len(conditions))]


def training_events_held_counts(
    user: Any | None, asks: Sequence[tuple[Period | None, Scope | None]], *, today: date
) -> list[int]:
    """`training_events_held_count` for each (period, scope) asked, in one query however many."""
    table = _table_for([scope for _, scope in asks])
    places = _visible(TrainingParticipation.objects, user).annotate(place_country=PLACE_COUNTRY)
    conditions = []
    for period, scope in asks:
        held = _within("ends_on", period, today)
        countries, linked = _event_scope(scope, table)
        if countries is not None:
            # Held in the scope's countries, or attended by a participant from one.
            attended = places.filter(place_country__in=countries).values("event_id")
            held &= Q(country_id__in=countries) | Q(pk__in=attended)
        if linked is not None:
            held &= Q(pk__in=linked)
        conditions.append(held)
    return _counts(_visible(TrainingEvent.objects, user).filter(ends_on__lte=today), conditions)


def training_events_held_count(user: Any | None, *, period: Period | None, scope: Scope | None, today: date) -> int:
    return training_events_held_counts(user, [(period, scope)], today=today)[0]


def _all_certificates(user: Any | None) -> QuerySet:
    return _visible(TrainingParticipation.objects, user).filter(analyst__isnull=False, certified_on__isnull=False)


def _certificates(user: Any | None, scope: Scope | None, table: pd.DataFrame | None = None) -> QuerySet:
    """Certificates of registered analysts in the scope (`aggregations.capacity._certificates`)."""
    return _places_in(_all_certificates(user), scope, table)


def _valid_certificates(user: Any | None, *, day: date, scope: Scope | None) -> QuerySet:
    return _certificates(user, scope).certificates_valid(on=day)


def certified_analyst_id_sets(user: Any | None, asks: Sequence[tuple[date, Scope | None]]) -> list[pd.Index]:
    """`certified_analyst_ids` for each (day, scope) asked, in one query however many: each analyst
    looked up in the certificates (by the analyst's index) once per question, flagged by the answers."""
    if not asks:
        return []
    table = _table_for([scope for _, scope in asks])
    flags = {}
    for i, (day, scope) in enumerate(asks):
        valid = _certificates(user, scope, table).certificates_valid(on=day).filter(analyst_id=OuterRef("pk"))
        flags[f"c{i}"] = ExpressionWrapper(analyst_working_on(day) & Q(Exists(valid)), output_field=BooleanField())
    analysts = Analyst.objects.annotate(**flags).order_by()
    if len(asks) == 1:
        rows = analysts.filter(c0=True).values_list("pk", flat=True)
        return [pd.Index(list(rows))]
    rows = analysts.filter(reduce(operator.or_, (Q(**{name: True}) for name in flags))).values_list("pk", *flags)
    found = pd.DataFrame(list(rows), columns=["analyst_id", *flags])
    return [pd.Index(found.loc[found[name].astype(bool), "analyst_id"]) for name in flags]


def certified_analyst_ids(user: Any | None, *, day: date, scope: Scope | None) -> pd.Index:
    """The analysts holding a certificate valid on `day` (working that day), in the scope."""
    return certified_analyst_id_sets(user, [(day, scope)])[0]


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


def certificates_issued_counts(
    user: Any | None, asks: Sequence[tuple[Period | None, Scope | None]], *, today: date
) -> list[int]:
    """`certificates_issued_count` for each (period, scope) asked, in one query however many."""
    table = _table_for([scope for _, scope in asks])
    conditions, by_country = [], False
    for period, scope in asks:
        condition, reads_country = _place_filter(scope, table)
        by_country |= reads_country
        conditions.append(condition & _within("certified_on", period, today))
    certificates = _all_certificates(user)
    return _counts(certificates.annotate(place_country=PLACE_COUNTRY) if by_country else certificates, conditions)


def certificates_issued_count(user: Any | None, *, period: Period | None, scope: Scope | None, today: date) -> int:
    return certificates_issued_counts(user, [(period, scope)], today=today)[0]
