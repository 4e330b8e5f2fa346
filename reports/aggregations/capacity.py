"""Capacity and training: analysts of member hotlines, training places, people trained, events held,
certificates valid, issued and expiring."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import pandas as pd

from reports.aggregations.common import (
    COMPLETED,
    EXPIRY_WINDOW_DAYS,
    _breakdown,
    _end_of,
    _geography,
    certificate_valid_on,
    dated_within,
    events_in_scope,
    expires_within,
    in_scope,
    reference_day,
    working_on,
)
from reports.aggregations.membership import member_ids_on, members_on
from reports.scope import Period, Scope


# -- Capacity and training ----------------------------------------------------------------------
def member_analysts_on(
    analysts: pd.DataFrame, member_ids: Iterable[int], *, day: date, scope: Scope | None
) -> pd.DataFrame:
    """Analysts working on `day` at one of the member hotlines `member_ids` (the hotlines that were
    members that day), in the scope: the population of the `analysts` figure."""
    mask = analysts["hotline_id"].isin(list(member_ids)) & in_scope(analysts, scope)
    mask &= working_on(analysts["started_on"], analysts["ended_on"], day)
    return analysts.loc[mask, ["analyst_id", "hotline_id"]]


def active_member_analysts(
    analysts: pd.DataFrame,
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> pd.DataFrame:
    day = reference_day(period, today)
    members = member_ids_on(hotlines, stage_changes, day=day, today=today)
    return member_analysts_on(analysts, members, day=day, scope=scope)


def analyst_count(
    analysts: pd.DataFrame,
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> int:
    return len(active_member_analysts(analysts, hotlines, stage_changes, period=period, scope=scope, today=today))


def analysts_per_hotline(
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    analysts: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> pd.DataFrame:
    """Member hotlines on the day (as in `member_count`) with their analysts working that day (0 included)."""
    day = reference_day(period, today)
    chosen = hotlines[members_on(hotlines, stage_changes, day=day, today=today) & in_scope(hotlines, scope)]
    active = member_analysts_on(analysts, chosen["hotline_id"], day=day, scope=None)
    counts = active.groupby("hotline_id").size()
    return pd.DataFrame(
        {
            "hotline_id": chosen["hotline_id"].to_numpy(),
            "brand_name": chosen["brand_name"].to_numpy(),
            "country": chosen["country_name"].to_numpy(),
            "region": chosen["programme_region"].to_numpy(),
            "analysts": chosen["hotline_id"].map(counts).fillna(0).astype(int).to_numpy(),
        }
    ).sort_values(["brand_name"], ignore_index=True)


def analysts_per_hotline_distribution(per_hotline: pd.DataFrame, *, cap: int = 10) -> pd.DataFrame:
    """How many member hotlines have 0, 1, 2, ... analysts (the last bucket is `cap` or more)."""
    buckets = per_hotline["analysts"].clip(upper=cap)
    counts = buckets.value_counts().reindex(range(cap + 1), fill_value=0)
    labels = [str(n) for n in range(cap)] + [f"{cap}+"]
    return pd.DataFrame({"analysts": labels, "hotlines": counts.to_numpy().astype(int)})


PLACE_COLUMNS = (
    "participation_id",
    "event_id",
    "course_kind",
    "course_title",
    "event_starts_on",
    "event_ends_on",
    "participant_type",
    "analyst_id",
    "analyst_code",
    "analyst_started_on",
    "analyst_ended_on",
    "hotline_id",
    "brand_name",
    "status",
    "certified_on",
    "certificate_expires_on",
    "country",
    "programme_region",
    "world_region",
)


def training_places(
    participations: pd.DataFrame, training_events: pd.DataFrame, analysts: pd.DataFrame
) -> pd.DataFrame:
    """Places at training events with their event, course and analyst. A place's country is its
    analyst's hotline's, else its organisation's, else the event's."""
    events = training_events[
        [
            "event_id",
            "course_kind",
            "course_title",
            "starts_on",
            "ends_on",
            "country",
            "programme_region",
            "world_region",
        ]
    ].rename(
        columns={
            "starts_on": "event_starts_on",
            "ends_on": "event_ends_on",
            "country": "event_country",
            "programme_region": "event_programme_region",
            "world_region": "event_world_region",
        }
    )
    people = analysts[
        [
            "analyst_id",
            "code",
            "started_on",
            "ended_on",
            "hotline_id",
            "brand_name",
            "country",
            "programme_region",
            "world_region",
        ]
    ].rename(
        columns={
            "code": "analyst_code",
            "started_on": "analyst_started_on",
            "ended_on": "analyst_ended_on",
            "country": "analyst_country",
            "programme_region": "analyst_programme_region",
            "world_region": "analyst_world_region",
        }
    )
    places = participations.merge(events, on="event_id", how="left").merge(people, on="analyst_id", how="left")
    by_analyst = places["analyst_id"].notna().to_numpy()
    by_organisation = (places["organisation_country"] != "").to_numpy()
    geography = {}
    for part in ("country", "programme_region", "world_region"):
        geography[part] = (
            places[f"analyst_{part}"]
            .where(by_analyst, places[f"organisation_{part}"].where(by_organisation, places[f"event_{part}"]))
            .fillna("")
            .astype(str)
        )
    text = ["course_kind", "course_title", "analyst_code", "brand_name"]
    return places.assign(**geography, **{name: places[name].fillna("").astype(str) for name in text})[
        list(PLACE_COLUMNS)
    ]


def _completed_places(
    participations: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    mask = (participations["status"] == COMPLETED) & events_in_scope(
        participations, scope, column="event_id", kind="training_events"
    )
    mask &= dated_within(participations["event_ends_on"], period, today)
    return participations.loc[mask, ["event_id", "course_kind", "participant_type", "analyst_id"]]


def analysts_trained_by_kind(
    participations: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date, kinds: Sequence[str]
) -> dict[str, int]:
    """Distinct analysts who completed a course of each kind (event ended in the period)."""
    places = _completed_places(participations, period=period, scope=scope, today=today)
    places = places[places["analyst_id"].notna()]
    return _breakdown(places.groupby("course_kind")["analyst_id"].nunique(), kinds)


def people_trained_by_type(
    participations: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date, types: Sequence[str]
) -> dict[str, int]:
    """People who completed a training in the period: registered analysts once each, other
    participants once per place (they are known only by a reference within one event)."""
    places = _completed_places(participations, period=period, scope=scope, today=today)
    analysts = places[places["analyst_id"].notna()].drop_duplicates(["participant_type", "analyst_id"])
    others = places[places["analyst_id"].isna()]
    counts = pd.concat([analysts["participant_type"], others["participant_type"]]).value_counts()
    return _breakdown(counts, types)


def training_events_held(
    training_events: pd.DataFrame,
    participations: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> pd.DataFrame:
    """Events that ended in the period (by today); in scope when held in a country of the scope or
    attended by a participant from one (with a grant that links training events: the ones it links)."""
    mask = dated_within(training_events["ends_on"], period, today) & (training_events["ends_on"] < _end_of(today))
    if scope is not None:
        linked = scope.grant.training_events if scope.grant is not None else None
        geography = _geography(scope) if linked is not None else scope
        from_scope = set(participations.loc[in_scope(participations, geography), "event_id"].dropna())
        mask &= in_scope(training_events, geography) | training_events["event_id"].isin(from_scope)
        if linked is not None:
            mask &= training_events["event_id"].isin(linked)
    return training_events[mask]


def training_events_held_count(
    training_events: pd.DataFrame,
    participations: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> int:
    return len(training_events_held(training_events, participations, period=period, scope=scope, today=today))


CERTIFICATE_COLUMNS = (
    "participation_id",
    "analyst_id",
    "event_id",
    "analyst_code",
    "analyst_started_on",
    "analyst_ended_on",
    "hotline_id",
    "brand_name",
    "course_title",
    "certified_on",
    "certificate_expires_on",
)


def _certificates(participations: pd.DataFrame, scope: Scope | None) -> pd.DataFrame:
    """Certificates of registered analysts in the scope; with a grant whose activities link training
    events, only those of the events it funded (as for the trainings it counts)."""
    certified = participations["analyst_id"].notna() & participations["certified_on"].notna()
    mask = certified & events_in_scope(participations, scope, column="event_id", kind="training_events")
    return participations.loc[mask, list(CERTIFICATE_COLUMNS)]


def valid_certificates_on(participations: pd.DataFrame, *, day: date, scope: Scope | None) -> pd.DataFrame:
    """Certificates valid on `day` held by analysts working that day (any hotline)."""
    certificates = _certificates(participations, scope)
    valid = certificate_valid_on(certificates["certified_on"], certificates["certificate_expires_on"], day)
    working = working_on(certificates["analyst_started_on"], certificates["analyst_ended_on"], day)
    return certificates[valid & working]


def certified_analysts(
    participations: pd.DataFrame, member_analysts: pd.DataFrame, *, day: date, scope: Scope | None
) -> pd.Series:
    """The ids of the analysts among `member_analysts` (the `analysts` figure's population on `day`)
    who hold at least one certificate valid that day."""
    valid = valid_certificates_on(participations, day=day, scope=scope)
    return analysts_among(member_analysts, pd.Index(valid["analyst_id"].dropna().unique()))


def analysts_among(member_analysts: pd.DataFrame, ids: pd.Index) -> pd.Series:
    """The ids of `member_analysts` that are among `ids`, each once."""
    return member_analysts["analyst_id"][member_analysts["analyst_id"].isin(ids)].drop_duplicates()


def certified_analyst_count(
    participations: pd.DataFrame,
    analysts: pd.DataFrame,
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> int:
    """Analysts counted by `analyst_count` (working at a member hotline on the day) who hold a
    certificate valid that day: a subset of them."""
    day = reference_day(period, today)
    population = active_member_analysts(analysts, hotlines, stage_changes, period=period, scope=scope, today=today)
    return len(certified_analysts(participations, population, day=day, scope=scope))


def certificates_expiring(
    participations: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
    days: int = EXPIRY_WINDOW_DAYS,
) -> pd.DataFrame:
    """Certificates valid on the day, of analysts working that day, that expire within `days` days
    (`TrainingParticipation.objects.certificates_expiring`)."""
    day = reference_day(period, today)
    valid = valid_certificates_on(participations, day=day, scope=scope)
    return expiring_table(valid[expires_within(valid["certificate_expires_on"], day, days)])


def expiring_table(chosen: pd.DataFrame) -> pd.DataFrame:
    """Certificates (analyst code, hotline, course title, expiry) as the expiring certificates' table
    lists them: soonest first."""
    return pd.DataFrame(
        {
            "analyst_code": chosen["analyst_code"].to_numpy(),
            "brand_name": chosen["brand_name"].to_numpy(),
            "course": chosen["course_title"].to_numpy(),
            "expires_on": chosen["certificate_expires_on"].dt.strftime("%Y-%m-%d").to_numpy(),
        },
        columns=["analyst_code", "brand_name", "course", "expires_on"],
    ).sort_values(["expires_on", "brand_name", "analyst_code"], ignore_index=True)


def certificates_issued(
    participations: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    certificates = _certificates(participations, scope)
    return certificates[dated_within(certificates["certified_on"], period, today)]


def certificates_issued_count(
    participations: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> int:
    return len(certificates_issued(participations, period=period, scope=scope, today=today))


def certificate_expiry_timeline(
    participations: pd.DataFrame, *, scope: Scope | None, today: date, months: int = 12
) -> pd.DataFrame:
    """Certificates valid today, of analysts working today, by the month they expire over the next
    `months` months (this month first)."""
    valid = valid_certificates_on(participations, day=today, scope=scope)
    counts = valid["certificate_expires_on"].dropna().dt.to_period("M").astype(str).value_counts()
    return expiry_timeline(counts, today=today, months=months)


def expiry_timeline(counts: pd.Series, *, today: date, months: int) -> pd.DataFrame:
    """Certificates by the month they expire ("YYYY-MM" -> count) over `months` months from today's."""
    first = pd.Period(today, freq="M")
    labels = [str(first + step) for step in range(months)]
    return pd.DataFrame({"month": labels, "certificates": [int(counts.get(label, 0)) for label in labels]})


def certificates_by_year(
    participations: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    """Certificates issued and certificates expiring (of any analyst) per calendar year."""
    certificates = _certificates(participations, scope)
    issued = certificates.loc[dated_within(certificates["certified_on"], period, today), "certified_on"].dt.year
    expires = certificates["certificate_expires_on"]
    expiring_mask = expires.notna() if period is None else dated_within(expires, period, today)
    expiring = certificates.loc[expiring_mask, "certificate_expires_on"].dt.year
    return by_year_table(issued.value_counts(), expiring.value_counts())


def by_year_table(issued_counts: pd.Series, expiring_counts: pd.Series) -> pd.DataFrame:
    """Certificates issued and expiring per calendar year (year -> count each), every year with either."""
    years = sorted(set(issued_counts.index) | set(expiring_counts.index))
    return pd.DataFrame(
        {
            "year": [int(year) for year in years],
            "issued": [int(issued_counts.get(year, 0)) for year in years],
            "expiring": [int(expiring_counts.get(year, 0)) for year in years],
        },
        columns=["year", "issued", "expiring"],
    )
