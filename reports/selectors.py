"""Reads for indicators and dashboards: the frames (data loading), the only ORM code in `reports`
besides the donor and grant reads (`reports.donor`, `reports.grants`) and the training figures the
dashboards count in the database (`reports.counted`).

Frames: each frame read from the database (`FRAMES`) runs exactly one query (`values_list`, never
per row); a few are completed in pandas from others the dashboards read anyway (`DERIVED`: an
analyst's hotline name and country from `hotlines`, rather than a join read again for every row).
Each is a pandas DataFrame with the columns declared next to it, in that order and with those
types, so that empty data keeps its shape and aggregations never guess:

- "str" columns hold text ("" for none), "int" nullable integers (`Int64`), "float" floats (NaN for
  none), "bool" booleans, "date" and "datetime" naive `datetime64` values in the site's time zone
  (NaT for none).
- `user` scopes every frame through the models' `visible_to(user)`. `user=None` reads the whole
  network and is for aggregate figures only (public facts, metrics computed outside a request).

Scope (regions, countries, grants) and periods are applied by the aggregations, on the frames'
geography columns (`country`, `programme_region`, `world_region`), so one set of frames serves
every filter.

Also `measured_baseline`: an indicator's metric measured on its baseline day (frozen when it is made).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import (
    CharField,
    FloatField,
    Model,
    OuterRef,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from network.models import (
    Analyst,
    Country,
    Hotline,
    HotlineStatistics,
    TrainingEvent,
    TrainingParticipation,
)
from onboarding.models import (
    Agreement,
    AgreementParty,
    Assessment,
    CountryAssessment,
    QaCertificate,
    Roundtable,
    RoundtableParticipant,
    StageChange,
)
from reports import aggregations, metrics
from reports.grants.selectors import grant_coverage_of
from reports.models import Activity, Grant, Indicator
from reports.scope import indicator_scope


@dataclass(frozen=True)
class Column:
    """One column of a frame: its name, the ORM lookup (or expression) it reads, and its type."""

    name: str
    lookup: Any
    kind: str = "str"


def _select(column: Column) -> Any:
    # Dates and times are read as ISO text and decimals as floats, and pandas converts each
    # column in one pass: Django's per-value converters are the slowest part of a large read.
    if column.kind in ("date", "datetime"):
        return Cast(column.lookup, output_field=CharField())
    if column.kind == "float":
        return Cast(column.lookup, output_field=FloatField())
    return column.lookup


def _rows(queryset: QuerySet, columns: tuple[Column, ...]) -> list[tuple[Any, ...]]:
    return list(queryset.values_list(*(_select(column) for column in columns)))


def _frame(rows: list[tuple[Any, ...]], columns: tuple[Column, ...]) -> pd.DataFrame:
    # Column by column from the transposed rows: pandas' row-wise constructor infers every value's
    # type, which costs more than the typed conversions below.
    values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    converted = {column.name: _convert(list(raw), column.kind) for column, raw in zip(columns, values, strict=True)}
    return pd.DataFrame(converted, columns=[column.name for column in columns])


def _convert(values: list[Any], kind: str) -> Any:
    """One column of raw values as its declared type. The fast paths take the values as the database
    returns them; anything else goes through pandas' coercion (what cannot be read becomes missing)."""
    try:
        if kind == "str":
            return pd.array(values, dtype="str").fillna("")
        if kind == "int":
            return pd.array(values, dtype="Int64")
        if kind == "date":
            return np.array(["NaT" if value is None else value for value in values], dtype="datetime64[s]")
    except (TypeError, ValueError):
        pass
    return _coerce(pd.Series(values, dtype=object), kind)


def _coerce(values: pd.Series, kind: str) -> Any:
    if kind == "str":
        return values.fillna("").astype(str)
    if kind == "int":
        return pd.to_numeric(values, errors="coerce").astype("Int64")
    if kind == "float":
        return pd.to_numeric(values, errors="coerce").astype("float64")
    if kind == "bool":
        return values.fillna(False).astype(bool)
    if kind == "date":
        return pd.to_datetime(values, format="%Y-%m-%d", errors="coerce").astype("datetime64[s]")
    if kind == "datetime":
        stamps = pd.to_datetime(values, utc=True, format="ISO8601", errors="coerce")
        return stamps.dt.tz_convert(timezone.get_current_timezone()).dt.tz_localize(None).astype("datetime64[us]")
    raise ValueError(f"Unknown column kind {kind!r}.")


def empty_frame(name: str) -> pd.DataFrame:
    """Frame `name` (read or completed from others) with no rows, with its columns and types."""
    if name in DERIVED:
        sources, join = DERIVED[name]
        return join(*(empty_frame(source) for source in sources))
    return _frame([], SOURCES[name][1])


def sources_of(names: Iterable[str]) -> set[str]:
    """The frames read from the database to have these frames (a completed frame counts as its sources)."""
    found: set[str] = set()
    for name in names:
        found |= sources_of(DERIVED[name][0]) if name in DERIVED else {name}
    return found


def _load(name: str, user: Any | None) -> pd.DataFrame:
    source, columns = SOURCES[name]
    return _frame(_rows(source(user=user), columns), columns)


def _visible(model: type[Model], user: Any | None) -> QuerySet:
    manager = model.objects
    return manager.all() if user is None else manager.visible_to(user)


def _geography(prefix: str) -> tuple[Column, ...]:
    """The country columns every frame carries for scoping, read through `prefix` (e.g. "hotline__")."""
    return (
        Column("country", f"{prefix}country_id"),
        Column("country_name", f"{prefix}country__name"),
        Column("programme_region", f"{prefix}country__programme_region"),
        Column("world_region", f"{prefix}country__m49_region"),
    )


# -- Frames -----------------------------------------------------------------------------------
HOTLINE_COLUMNS: tuple[Column, ...] = (
    Column("hotline_id", "pk", "int"),
    Column("brand_name", "brand_name"),
    Column("stage", "stage"),
    Column("paused_stage", "paused_stage"),
    Column("stage_entered_at", "stage_entered_at", "datetime"),
    Column("joined_on", "joined_on", "date"),
    Column("full_member_on", "full_member_on", "date"),
    Column("created_at", "created_at", "datetime"),
    Column("lead_staff_id", "lead_staff_id", "int"),
    *_geography(""),
)


def hotlines_source(*, user: Any | None = None) -> QuerySet:
    return _visible(Hotline, user).order_by("pk")


def hotlines_frame(*, user: Any | None = None) -> pd.DataFrame:
    """Every hotline (prospective, member or ended), one row each, with its home country."""
    return _load("hotlines", user)


HOTLINE_COUNTRY_COLUMNS: tuple[Column, ...] = (
    Column("hotline_id", "pk", "int"),
    Column("stage", "stage"),
    Column("joined_on", "joined_on", "date"),
    Column("full_member_on", "full_member_on", "date"),
    *_geography(""),
    Column("served_country", "countries_served__code"),
    Column("served_country_name", "countries_served__name"),
    Column("served_programme_region", "countries_served__programme_region"),
    Column("served_world_region", "countries_served__m49_region"),
)


def hotline_countries_source(*, user: Any | None = None) -> QuerySet:
    return _visible(Hotline, user).order_by("pk", "countries_served__code")


def hotline_countries_frame(*, user: Any | None = None) -> pd.DataFrame:
    """One row per hotline and country it serves (one row with empty `served_*` when it serves none)."""
    return _load("hotline_countries", user)


STAGE_CHANGE_COLUMNS: tuple[Column, ...] = (
    Column("hotline_id", "hotline_id", "int"),
    Column("from_stage", "from_stage"),
    Column("to_stage", "to_stage"),
    Column("changed_at", "changed_at", "datetime"),
)


def stage_changes_source(*, user: Any | None = None) -> QuerySet:
    return _visible(StageChange, user).order_by("hotline_id", "changed_at")


def stage_changes_frame(*, user: Any | None = None) -> pd.DataFrame:
    """The lifecycle history: every stage change, oldest first per hotline."""
    return _load("stage_changes", user)


ANALYST_COLUMNS: tuple[Column, ...] = (
    Column("analyst_id", "pk", "int"),
    Column("hotline_id", "hotline_id", "int"),
    Column("code", "code"),
    Column("role", "role"),
    Column("started_on", "started_on", "date"),
    Column("ended_on", "ended_on", "date"),
    Column("brand_name", "hotline__brand_name"),
    *_geography("hotline__"),
)


# Read narrow: the hotline's name and country come from the `hotlines` frame (`analysts_of`).
ANALYST_ROW_COLUMNS: tuple[Column, ...] = ANALYST_COLUMNS[:6]


def analyst_rows_source(*, user: Any | None = None) -> QuerySet:
    return _visible(Analyst, user).order_by("pk")


def analyst_rows_frame(*, user: Any | None = None) -> pd.DataFrame:
    return _load("analyst_rows", user)


def analysts_frame(*, user: Any | None = None) -> pd.DataFrame:
    """Analysts (pseudonymous codes) with their hotline and its country (whether the hotline was a
    member on a day comes from the `hotlines` and `stage_changes` frames)."""
    return Frames(user=user)["analysts"]


PARTICIPATION_COLUMNS: tuple[Column, ...] = (
    Column("participation_id", "pk", "int"),
    Column("event_id", "event_id", "int"),
    Column("participant_type", "participant_type"),
    Column("analyst_id", "analyst_id", "int"),
    Column("status", "status"),
    Column("certified_on", "certified_on", "date"),
    Column("certificate_expires_on", "certificate_expires_on", "date"),
    # Participants who are not registered analysts: their organisation's country, if recorded.
    Column("organisation_country", "organisation__country_id"),
    Column("organisation_programme_region", "organisation__country__programme_region"),
    Column("organisation_world_region", "organisation__country__m49_region"),
)


# Read narrow: the organisation's regions come from the `countries` frame (`participations_of`).
PARTICIPATION_ROW_COLUMNS: tuple[Column, ...] = PARTICIPATION_COLUMNS[:8]


def participation_rows_source(*, user: Any | None = None) -> QuerySet:
    return _visible(TrainingParticipation, user).order_by("pk")


def participation_rows_frame(*, user: Any | None = None) -> pd.DataFrame:
    return _load("participation_rows", user)


def participations_frame(*, user: Any | None = None) -> pd.DataFrame:
    """Places at training events: analysts (by id) and other participants (by type only). Events
    and analysts come from their own frames (`training_places` joins them)."""
    return Frames(user=user)["participations"]


TRAINING_EVENT_COLUMNS: tuple[Column, ...] = (
    Column("event_id", "pk", "int"),
    Column("code", "code"),
    Column("course_kind", "course__kind"),
    Column("course_title", "course__title"),
    Column("starts_on", "starts_on", "date"),
    Column("ends_on", "ends_on", "date"),
    Column("online", "online", "bool"),
    *_geography(""),
)


def training_events_source(*, user: Any | None = None) -> QuerySet:
    return _visible(TrainingEvent, user).order_by("pk")


def training_events_frame(*, user: Any | None = None) -> pd.DataFrame:
    return _load("training_events", user)


ROUNDTABLE_COLUMNS: tuple[Column, ...] = (
    Column("roundtable_id", "pk", "int"),
    Column("code", "code"),
    Column("title", "title"),
    Column("status", "status"),
    Column("starts_at", "starts_at", "datetime"),
    Column("hotline_id", "hotline_id", "int"),
    *_geography(""),
)


def roundtables_source(*, user: Any | None = None) -> QuerySet:
    return _visible(Roundtable, user).order_by("pk")


def roundtables_frame(*, user: Any | None = None) -> pd.DataFrame:
    return _load("roundtables", user)


PARTICIPANT_COLUMNS: tuple[Column, ...] = (
    Column("roundtable_id", "roundtable_id", "int"),
    Column("roundtable_status", "roundtable__status"),
    Column("starts_at", "roundtable__starts_at", "datetime"),
    Column("organisation_id", "organisation_id", "int"),
    Column("sector", "sector"),
    Column("status", "status"),
    Column("committed", "committed", "bool"),
    *_geography("roundtable__"),
)


# Read narrow: the roundtable's status, date and country come from the `roundtables` frame
# (`roundtable_participants_of`).
PARTICIPANT_ROW_COLUMNS: tuple[Column, ...] = (
    Column("roundtable_id", "roundtable_id", "int"),
    Column("organisation_id", "organisation_id", "int"),
    Column("sector", "sector"),
    Column("status", "status"),
    Column("committed", "committed", "bool"),
)


def roundtable_participant_rows_source(*, user: Any | None = None) -> QuerySet:
    return _visible(RoundtableParticipant, user).order_by("pk")


def roundtable_participant_rows_frame(*, user: Any | None = None) -> pd.DataFrame:
    return _load("roundtable_participant_rows", user)


def roundtable_participants_frame(*, user: Any | None = None) -> pd.DataFrame:
    """Organisations invited to roundtables, by sector, with attendance and commitment."""
    return Frames(user=user)["roundtable_participants"]


COUNTRY_COLUMNS: tuple[Column, ...] = (
    Column("country", "code"),
    Column("programme_region", "programme_region"),
    Column("world_region", "m49_region"),
)


def countries_source(*, user: Any | None = None) -> QuerySet:
    return _visible(Country, user).order_by("code")


def countries_frame(*, user: Any | None = None) -> pd.DataFrame:
    """Every country with its programme and UN M49 regions (reference data)."""
    return _load("countries", user)


# -- Frames completed from others in pandas --------------------------------------------------------
def _completed(rows: pd.DataFrame, other: pd.DataFrame, on: str, columns: tuple[Column, ...]) -> pd.DataFrame:
    """`rows` with the columns of `other` they lack, matched on `on` (each row once, in its order), typed
    as `columns` declare; text is "" where `other` has no match, as the frames' text columns hold."""
    merged = rows.merge(other, on=on, how="left", validate="many_to_one", sort=False)
    unmatched = [column.name for column in columns if column.kind == "str" and column.name not in rows.columns]
    out = {column.name: merged[column.name] for column in columns}
    out |= {name: merged[name].fillna("").astype(str) for name in unmatched}
    return pd.DataFrame(out, columns=[column.name for column in columns])


def analysts_of(rows: pd.DataFrame, hotlines: pd.DataFrame) -> pd.DataFrame:
    hotline = hotlines[["hotline_id", "brand_name", "country", "country_name", "programme_region", "world_region"]]
    return _completed(rows, hotline, "hotline_id", ANALYST_COLUMNS)


def participations_of(rows: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    regions = countries.rename(
        columns={
            "country": "organisation_country",
            "programme_region": "organisation_programme_region",
            "world_region": "organisation_world_region",
        }
    )
    return _completed(rows, regions, "organisation_country", PARTICIPATION_COLUMNS)


def roundtable_participants_of(rows: pd.DataFrame, roundtables: pd.DataFrame) -> pd.DataFrame:
    roundtable = roundtables[
        ["roundtable_id", "status", "starts_at", "country", "country_name", "programme_region", "world_region"]
    ].rename(columns={"status": "roundtable_status"})
    return _completed(rows, roundtable, "roundtable_id", PARTICIPANT_COLUMNS)


AGREEMENT_COLUMNS: tuple[Column, ...] = (
    Column("agreement_id", "pk", "int"),
    Column("reference", "reference"),
    Column("kind", "kind"),
    Column("status", "status"),
    Column("signed_on", "signed_on", "date"),
    Column("expires_on", "expires_on", "date"),
    Column("created_at", "created_at", "datetime"),
    Column("hotline_id", "hotline_id", "int"),
    *_geography(""),
)


def agreements_source(*, user: Any | None = None) -> QuerySet:
    return _visible(Agreement, user).order_by("pk")


def agreements_frame(*, user: Any | None = None) -> pd.DataFrame:
    return _load("agreements", user)


AGREEMENT_PARTY_COLUMNS: tuple[Column, ...] = (
    Column("agreement_id", "agreement_id", "int"),
    Column("organisation_id", "organisation_id", "int"),
    Column("sector", "sector"),
    Column("agreement_status", "agreement__status"),
    Column("signed_on", "agreement__signed_on", "date"),
    Column("expires_on", "agreement__expires_on", "date"),
    *_geography("agreement__"),
)


def agreement_parties_source(*, user: Any | None = None) -> QuerySet:
    return AgreementParty.objects.filter(agreement__in=_visible(Agreement, user)).order_by("pk")


def agreement_parties_frame(*, user: Any | None = None) -> pd.DataFrame:
    """Parties to agreements, by sector (for the stakeholder coverage matrix)."""
    return _load("agreement_parties", user)


STATISTICS_COLUMNS: tuple[Column, ...] = (
    Column("hotline_id", "hotline_id", "int"),
    Column("brand_name", "hotline__brand_name"),
    Column("period_start", "period_start", "date"),
    Column("period_end", "period_end", "date"),
    Column("reports_received", "reports_received", "int"),
    Column("content_urls_processed", "content_urls_processed", "int"),
    Column("share_assessed_illegal", "share_assessed_illegal", "float"),
    Column("share_removed_within_3_days", "share_removed_within_3_days", "float"),
    Column("share_referred_le_within_3_days", "share_referred_le_within_3_days", "float"),
    Column("validation_status", "validation_status"),
    *_geography("hotline__"),
)


def statistics_source(*, user: Any | None = None) -> QuerySet:
    return _visible(HotlineStatistics, user).order_by("pk")


def statistics_frame(*, user: Any | None = None) -> pd.DataFrame:
    """Aggregate statistics returns (numbers only) with their hotline's country."""
    return _load("statistics", user)


TARGET_COUNTRY_COLUMNS: tuple[Column, ...] = (
    Column("country", "country_id"),
    Column("country_name", "country__name"),
    Column("programme_region", "country__programme_region"),
    Column("world_region", "country__m49_region"),
    Column("assessed_on", "assessed_on", "date"),
    Column("overall_rating", "overall_rating"),
    Column("on_target_list", "on_target_list", "bool"),
)


def country_assessments_source(*, user: Any | None = None) -> QuerySet:
    return _visible(CountryAssessment, user).latest_per_country().order_by("country_id")


def country_assessments_frame(*, user: Any | None = None) -> pd.DataFrame:
    """Each assessed country's latest assessment (rating, on the target list or not)."""
    return _load("country_assessments", user)


ASSESSMENT_ACTION_COLUMNS: tuple[Column, ...] = (
    Column("assessment_id", "pk", "int"),
    Column("reference", "reference"),
    Column("hotline_id", "hotline_id", "int"),
    Column("brand_name", "hotline__brand_name"),
    Column("kind", "kind"),
    Column("status", "status"),
    Column("recommendation", "recommendation"),
    Column("starts_on", "starts_on", "date"),
    Column("ends_on", "ends_on", "date"),
    Column("report_completed_at", "report_completed_at", "datetime"),
    *_geography("hotline__"),
    Column("action_id", "corrective_actions__id", "int"),
    Column("action_title", "corrective_actions__title"),
    Column("action_status", "corrective_actions__status"),
    Column("action_due_on", "corrective_actions__due_on", "date"),
    Column("action_created_at", "corrective_actions__created_at", "datetime"),
    Column("action_verified_at", "corrective_actions__verified_at", "datetime"),
)


def assessment_actions_source(*, user: Any | None = None) -> QuerySet:
    return _visible(Assessment, user).order_by("pk", "corrective_actions__id")


def assessment_actions_frame(*, user: Any | None = None) -> pd.DataFrame:
    """Accreditation assessments (pre-membership, quality-assurance reviews, follow-ups), one row per
    corrective action they raised (one row with empty `action_*` when they raised none). The
    dossier's `visible_to` applies: network staff see all, a reviewer the dossiers open to them."""
    return _load("assessment_actions", user)


QA_CERTIFICATE_COLUMNS: tuple[Column, ...] = (
    Column("certificate_id", "pk", "int"),
    Column("reference", "reference"),
    Column("hotline_id", "hotline_id", "int"),
    Column("brand_name", "hotline__brand_name"),
    Column("assessment_id", "assessment_id", "int"),
    Column("valid_from", "valid_from", "date"),
    Column("valid_until", "valid_until", "date"),
    *_geography("hotline__"),
)


def qa_certificates_source(*, user: Any | None = None) -> QuerySet:
    return _visible(QaCertificate, user).order_by("pk")


def qa_certificates_frame(*, user: Any | None = None) -> pd.DataFrame:
    """Quality-assurance certificates (one row each) with their validity dates and their hotline."""
    return _load("qa_certificates", user)


GRANT_INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column("indicator_id", "pk", "int"),
    Column("grant_id", "grant_id", "int"),
    Column("grant_code", "grant__code"),
    Column("grant_title", "grant__title"),
    Column("grant_starts_on", "grant__starts_on", "date"),
    Column("grant_ends_on", "grant__ends_on", "date"),
    # The grant's coverage (`aggregations.grant_coverages`), comma-separated, read by subqueries.
    Column("grant_countries", "coverage_countries"),
    Column("grant_roundtables", "coverage_roundtables"),
    Column("grant_training_events", "coverage_training_events"),
    Column("code", "code"),
    Column("title", "title"),
    Column("metric_key", "metric_key"),
    Column("scope", "scope"),
    Column("baseline_on", "baseline_on", "date"),
    Column("baseline_justification", "baseline_justification"),
    Column("manual_value", "manual_value", "float"),
    Column("justification", "justification"),
    Column("baseline", "baseline", "float"),
    Column("target", "target", "float"),
    Column("unit", "unit"),
    Column("work_package", "work_package__number", "int"),
)


def _joined(rows: QuerySet, group: str, value: Any) -> Subquery:
    """`value` of `rows` (already narrowed to one grant) joined with commas (in no order), as one scalar."""
    return Subquery(
        rows.order_by()
        .values(group)
        .annotate(joined=StringAgg(Cast(value, output_field=CharField()), Value(",")))
        .values("joined")[:1]
    )


def grant_indicators_source(*, user: Any | None = None) -> QuerySet:
    grant = OuterRef("grant_id")
    countries = _joined(Grant.countries.through.objects.filter(grant_id=grant), "grant_id", "country_id")
    # A grant without countries in scope (an operating grant for the whole network) covers every country.
    every_country = _joined(Country.objects.annotate(every=Value(1)), "every", "code")
    roundtables = _joined(
        Activity.roundtables.through.objects.filter(activity__grant_id=grant), "activity__grant_id", "roundtable_id"
    )
    training_events = _joined(
        Activity.training_events.through.objects.filter(activity__grant_id=grant),
        "activity__grant_id",
        "trainingevent_id",
    )
    return (
        _visible(Indicator, user)
        .filter(grant__in=_visible(Grant, user))
        .annotate(
            coverage_countries=Coalesce(countries, every_country, Value(""), output_field=TextField()),
            coverage_roundtables=Coalesce(roundtables, Value(""), output_field=TextField()),
            coverage_training_events=Coalesce(training_events, Value(""), output_field=TextField()),
        )
        .order_by("-grant__starts_on", "grant__code", "order", "code", "pk")
    )


def grant_indicators_frame(*, user: Any | None = None) -> pd.DataFrame:
    """Every indicator of the grants `user` may see, one row each, with its grant (code, title, span)
    and what the grant covers (`aggregations.grant_coverages` reads it): one query, whatever the
    number of grants, indicators, countries and linked activities."""
    return _load("grant_indicators", user)


FrameLoader = Callable[..., pd.DataFrame]

# Each frame: the rows it reads (a QuerySet for `user`) and its columns.
SOURCES: dict[str, tuple[Callable[..., QuerySet], tuple[Column, ...]]] = {
    "hotlines": (hotlines_source, HOTLINE_COLUMNS),
    "hotline_countries": (hotline_countries_source, HOTLINE_COUNTRY_COLUMNS),
    "stage_changes": (stage_changes_source, STAGE_CHANGE_COLUMNS),
    "analyst_rows": (analyst_rows_source, ANALYST_ROW_COLUMNS),
    "participation_rows": (participation_rows_source, PARTICIPATION_ROW_COLUMNS),
    "training_events": (training_events_source, TRAINING_EVENT_COLUMNS),
    "roundtables": (roundtables_source, ROUNDTABLE_COLUMNS),
    "roundtable_participant_rows": (roundtable_participant_rows_source, PARTICIPANT_ROW_COLUMNS),
    "countries": (countries_source, COUNTRY_COLUMNS),
    "agreements": (agreements_source, AGREEMENT_COLUMNS),
    "agreement_parties": (agreement_parties_source, AGREEMENT_PARTY_COLUMNS),
    "statistics": (statistics_source, STATISTICS_COLUMNS),
    "country_assessments": (country_assessments_source, TARGET_COUNTRY_COLUMNS),
    "assessment_actions": (assessment_actions_source, ASSESSMENT_ACTION_COLUMNS),
    "qa_certificates": (qa_certificates_source, QA_CERTIFICATE_COLUMNS),
    "grant_indicators": (grant_indicators_source, GRANT_INDICATOR_COLUMNS),
}

FRAMES: dict[str, FrameLoader] = {
    "hotlines": hotlines_frame,
    "hotline_countries": hotline_countries_frame,
    "stage_changes": stage_changes_frame,
    "analyst_rows": analyst_rows_frame,
    "participation_rows": participation_rows_frame,
    "training_events": training_events_frame,
    "roundtables": roundtables_frame,
    "roundtable_participant_rows": roundtable_participant_rows_frame,
    "countries": countries_frame,
    "agreements": agreements_frame,
    "agreement_parties": agreement_parties_frame,
    "statistics": statistics_frame,
    "country_assessments": country_assessments_frame,
    "assessment_actions": assessment_actions_frame,
    "qa_certificates": qa_certificates_frame,
    "grant_indicators": grant_indicators_frame,
}


# Frames joined from others in pandas (no query of their own): name -> (sources, join).
DERIVED: dict[str, tuple[tuple[str, ...], Callable[..., pd.DataFrame]]] = {
    "analysts": (("analyst_rows", "hotlines"), analysts_of),
    "participations": (("participation_rows", "countries"), participations_of),
    "roundtable_participants": (("roundtable_participant_rows", "roundtables"), roundtable_participants_of),
    "training_places": (("participations", "training_events", "analysts"), aggregations.training_places),
    "assessments": (("assessment_actions",), aggregations.assessments_of),
    "corrective_actions": (("assessment_actions",), aggregations.corrective_actions_of),
}


class Frames(Mapping[str, pd.DataFrame]):
    """Frames loaded on first use, once each: one query per frame whatever is computed from it."""

    def __init__(self, *, user: Any | None = None, preloaded: Mapping[str, pd.DataFrame] | None = None) -> None:
        self.user = user
        self._loaded: dict[str, pd.DataFrame] = dict(preloaded or {})

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._loaded:
            if name in DERIVED:
                sources, join = DERIVED[name]
                self._loaded[name] = join(*(self[source] for source in sources))
            elif name in FRAMES:
                self._loaded[name] = FRAMES[name](user=self.user)
            else:
                known = ", ".join(sorted([*FRAMES, *DERIVED]))
                raise KeyError(f"No frame named {name!r}; known: {known}.")
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter([*FRAMES, *DERIVED])

    def __len__(self) -> int:
        return len(FRAMES) + len(DERIVED)

    def load(self, names: Iterable[str]) -> Frames:
        for name in names:
            self[name]
        return self

    @property
    def queried(self) -> tuple[str, ...]:
        """The frames read from the database so far (a derived frame counts as its sources), in order."""
        return tuple(name for name in self._loaded if name in FRAMES)


def load_frames(names: Iterable[str], *, user: Any | None = None) -> Frames:
    return Frames(user=user).load(names)


def measured_baseline(indicator: Any, *, frames: Frames | None = None, now: datetime | None = None) -> float | None:
    """What the indicator's metric gives on its baseline day, on its scope (`metrics.indicator_value`):
    the baseline frozen when the indicator is made. None for a manual indicator."""
    if not indicator.metric_key or not indicator.grant_id:
        return None
    grant = indicator.grant
    metric = metrics.get(indicator.metric_key)
    scope = indicator_scope(indicator.scope, grant_coverage_of(grant=grant))
    return metrics.indicator_value(
        metric,
        frames if frames is not None else Frames(),
        metrics.Context.at(now=now),
        scope=scope,
        since=grant.starts_on,
        day=indicator.baseline_day,
    )
