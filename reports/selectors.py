"""Reads for indicators and dashboards: the frames (data loading), the only ORM code in `reports`
besides the donor and grant reads (`reports.donor`, `reports.grants`).

Frames: each `*_frame(*, user)` runs exactly one query (`values_list`, never per row) and returns
a pandas DataFrame with the columns declared next to it, in that order and with those types, so
that empty data keeps its shape and aggregations never guess:

- "str" columns hold text ("" for none), "int" nullable integers (`Int64`), "float" floats (NaN for
  none), "bool" booleans, "date" and "datetime" naive `datetime64` values in the site's time zone
  (NaT for none).
- `user` scopes every frame through the models' `visible_to(user)`. `user=None` reads the whole
  network and is for aggregate figures only (public facts, metrics computed outside a request).

Scope (regions, countries, grants) and periods are applied by the aggregations, on the frames'
geography columns (`country`, `programme_region`, `world_region`), so one set of frames serves
every filter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from django.db.models import (
    CharField,
    Count,
    FloatField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from network.models import (
    Analyst,
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
    Roundtable,
    RoundtableParticipant,
    StageChange,
)
from reports import aggregations, report_data
from reports.metrics import SMALL_COUNT_THRESHOLD
from reports.models import Indicator
from reports.scope import GrantCoverage, Period, Scope, indicator_scope


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
    names = [column.name for column in columns]
    raw = pd.DataFrame.from_records(rows, columns=names, coerce_float=False) if rows else None
    converted: dict[str, Any] = {}
    for column in columns:
        values = raw[column.name] if raw is not None else pd.Series([], dtype=object)
        converted[column.name] = _convert(values, column.kind)
    return pd.DataFrame(converted, columns=names)


def _convert(values: pd.Series, kind: str) -> Any:
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
    """Frame `name` with no rows, with its columns and types."""
    return _frame([], SOURCES[name][1])


def _load(name: str, user: Any | None) -> pd.DataFrame:
    source, columns = SOURCES[name]
    return _frame(_rows(source(user=user), columns), columns)


def _visible(model: type[Model], user: Any | None) -> QuerySet:
    manager = model.objects  # type: ignore[attr-defined]
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


def analysts_source(*, user: Any | None = None) -> QuerySet:
    return _visible(Analyst, user).order_by("pk")


def analysts_frame(*, user: Any | None = None) -> pd.DataFrame:
    """Analysts (pseudonymous codes) with their hotline and its country (whether the hotline was a
    member on a day comes from the `hotlines` and `stage_changes` frames)."""
    return _load("analysts", user)


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


def participations_source(*, user: Any | None = None) -> QuerySet:
    return _visible(TrainingParticipation, user).order_by("pk")


def participations_frame(*, user: Any | None = None) -> pd.DataFrame:
    """Places at training events: analysts (by id) and other participants (by type only). Events
    and analysts come from their own frames (`training_places` joins them)."""
    return _load("participations", user)


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


def roundtable_participants_source(*, user: Any | None = None) -> QuerySet:
    return _visible(RoundtableParticipant, user).order_by("pk")


def roundtable_participants_frame(*, user: Any | None = None) -> pd.DataFrame:
    """Organisations invited to roundtables, by sector, with attendance and commitment."""
    return _load("roundtable_participants", user)


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
    from network.models import Country
    from reports.models import Activity, Grant, Indicator

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
    "analysts": (analysts_source, ANALYST_COLUMNS),
    "participations": (participations_source, PARTICIPATION_COLUMNS),
    "training_events": (training_events_source, TRAINING_EVENT_COLUMNS),
    "roundtables": (roundtables_source, ROUNDTABLE_COLUMNS),
    "roundtable_participants": (roundtable_participants_source, PARTICIPANT_COLUMNS),
    "agreements": (agreements_source, AGREEMENT_COLUMNS),
    "agreement_parties": (agreement_parties_source, AGREEMENT_PARTY_COLUMNS),
    "statistics": (statistics_source, STATISTICS_COLUMNS),
    "country_assessments": (country_assessments_source, TARGET_COUNTRY_COLUMNS),
    "assessment_actions": (assessment_actions_source, ASSESSMENT_ACTION_COLUMNS),
    "grant_indicators": (grant_indicators_source, GRANT_INDICATOR_COLUMNS),
}

FRAMES: dict[str, FrameLoader] = {
    "hotlines": hotlines_frame,
    "hotline_countries": hotline_countries_frame,
    "stage_changes": stage_changes_frame,
    "analysts": analysts_frame,
    "participations": participations_frame,
    "training_events": training_events_frame,
    "roundtables": roundtables_frame,
    "roundtable_participants": roundtable_participants_frame,
    "agreements": agreements_frame,
    "agreement_parties": agreement_parties_frame,
    "statistics": statistics_frame,
    "country_assessments": country_assessments_frame,
    "assessment_actions": assessment_actions_frame,
    "grant_indicators": grant_indicators_frame,
}


# Frames joined from others in pandas (no query of their own): name -> (sources, join).
DERIVED: dict[str, tuple[tuple[str, ...], Callable[..., pd.DataFrame]]] = {
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


# -- Grants -----------------------------------------------------------------------------------
# The dashboards' grant filter reads these: the choices, and a grant's coverage as a scope.
def grant_options(*, user: Any) -> list[tuple[str, str]]:
    """(code, label) of the grants `user` may filter by."""
    from reports.models import Grant

    return [(code, f"{code}: {title}") for code, title in Grant.objects.visible_to(user).values_list("code", "title")]


def grant_coverage(*, code: str, user: Any) -> GrantCoverage:
    from reports.models import Grant

    grant = Grant.objects.visible_to(user).filter(code=code).first()
    if grant is None:
        raise LookupError(f"No grant with the code {code!r}.")
    return grant_coverage_of(grant=grant)


def grant_coverage_of(*, grant: Any) -> GrantCoverage:
    """The grant's countries and the roundtables and training events its activities are linked to
    (None for a kind of event no activity links: then its countries alone narrow the counts); a grant
    without countries covers them all. Three or four queries."""
    from reports.models import Activity

    countries = frozenset(grant.countries.values_list("code", flat=True))
    if not countries:
        # A grant without countries in scope (an operating grant for the whole network) covers every country.
        from network.models import Country

        countries = frozenset(Country.objects.values_list("code", flat=True))
    roundtables = frozenset(
        Activity.roundtables.through.objects.filter(activity__grant=grant).values_list("roundtable_id", flat=True)
    )
    training_events = frozenset(
        Activity.training_events.through.objects.filter(activity__grant=grant).values_list(
            "trainingevent_id", flat=True
        )
    )
    return GrantCoverage(
        code=grant.code,
        countries=countries,
        roundtables=roundtables or None,
        training_events=training_events or None,
    )


@dataclass(frozen=True)
class UnlinkedEvents:
    """Events in a grant's countries and span that none of its activities links: what its figures leave
    out once it links some (while it links none of a kind, every such event counts by country)."""

    roundtables: list[Roundtable]
    training_events: list[TrainingEvent]
    links_roundtables: bool
    links_training_events: bool


def grant_unlinked_events(*, grant: Any, limit: int = 50) -> UnlinkedEvents:
    """Roundtables (not cancelled) in the grant's countries, and training events held there or attended by
    participants from there, within the grant's span, that no activity of the grant links (the first
    `limit` of each, soonest first). A fixed number of queries."""
    coverage = grant_coverage_of(grant=grant)
    countries = list(coverage.countries)
    start, end = grant.starts_on, grant.ends_on
    roundtables = (
        Roundtable.objects.exclude(status=Roundtable.Status.CANCELLED)
        .filter(country_id__in=countries, starts_at__date__range=(start, end))
        .exclude(grant_activities__grant=grant)
        .select_related("country")
        .order_by("starts_at", "pk")
    )
    from_countries = (
        Q(country_id__in=countries)
        | Q(participations__analyst__hotline__country_id__in=countries)
        | Q(participations__organisation__country_id__in=countries)
    )
    events = (
        TrainingEvent.objects.filter(from_countries, starts_on__lte=end, ends_on__gte=start)
        .exclude(grant_activities__grant=grant)
        .select_related("course", "country")
        .distinct()
        .order_by("starts_on", "pk")
    )
    return UnlinkedEvents(
        roundtables=list(roundtables[:limit]),
        training_events=list(events[:limit]),
        links_roundtables=coverage.roundtables is not None,
        links_training_events=coverage.training_events is not None,
    )


# -- Donor reports ----------------------------------------------------------------------------
# `donor_report_data` freezes everything a donor report shows (reports.report_data). Indicators of
# the registry are computed with the metrics' own aggregations on frames loaded once each, the
# annexes from the same frames, so the query count does not grow with indicators, activities or
# events: the grant's own rows (one query per kind), its coverage, the country names, the frames the
# report needs and the candidate hotlines.
ANNEX_FRAMES = (
    "roundtables",
    "roundtable_participants",
    "training_events",
    "training_places",
    "hotlines",
    "stage_changes",
)


def donor_report_data(
    *,
    grant: Any,
    period_start: date,
    period_end: date,
    version: int,
    summary: str,
    generated_on: date,
    language: str = "en",
    now: datetime | None = None,
) -> report_data.DonorReportData:
    """The frozen data of `grant`'s report for the period (labels in `language`). `now` is the moment
    "today" figures are computed at (default: the clock); `generated_on` is only printed."""
    from django.utils import translation

    if period_end < period_start:
        raise ValueError(f"The period ends ({period_end}) before it starts ({period_start}).")
    with translation.override(language):
        return _donor_report_data(
            grant=grant,
            period=Period(period_start, period_end),
            version=version,
            summary=summary,
            generated_on=generated_on,
            language=language,
            now=now,
        )


def _donor_report_data(
    *, grant: Any, period: Period, version: int, summary: str, generated_on: date, language: str, now: datetime | None
) -> report_data.DonorReportData:
    from network.models import Country
    from reports import metrics
    from reports.models import Activity, BudgetLine, Deliverable, Indicator, Milestone, Risk, WorkPackage

    coverage = grant_coverage_of(grant=grant)
    scope = Scope.of(grant=coverage)
    context = metrics.Context.at(period=period, scope=scope, now=now)
    frames = Frames()
    country_names = dict(Country.objects.values_list("code", "name"))
    grant_countries = sorted(grant.countries.values_list("name", flat=True))

    work_packages = tuple(
        report_data.WorkPackageLine(
            number=wp.number,
            title=wp.title,
            objectives=wp.objectives,
            lead=wp.lead,
            starts_on=_iso(wp.starts_on),
            ends_on=_iso(wp.ends_on),
        )
        for wp in WorkPackage.objects.filter(grant=grant).order_by("number")
    )

    indicators = tuple(
        _indicator_line(indicator, grant=grant, period=period, frames=frames, context=context, coverage=coverage)
        for indicator in Indicator.objects.filter(grant=grant)
        .select_related("work_package", "grant")
        .order_by("order", "code")
    )
    activities = tuple(
        report_data.ActivityLine(
            title=activity.title,
            kind=activity.kind,
            kind_text=str(activity.get_kind_display()),
            status=activity.status,
            status_text=str(activity.get_status_display()),
            work_package=activity.work_package.number if activity.work_package else None,
            planned_start=activity.planned_start.isoformat(),
            planned_end=_iso(activity.planned_end),
            actual_start=_iso(activity.actual_start),
            actual_end=_iso(activity.actual_end),
            roundtables=activity.roundtable_count,
            training_events=activity.training_event_count,
            other_events=len([line for line in activity.other_events.splitlines() if line.strip()]),
        )
        for activity in Activity.objects.filter(grant=grant)
        .select_related("work_package")
        .annotate(
            roundtable_count=Count("roundtables", distinct=True),
            training_event_count=Count("training_events", distinct=True),
        )
        .order_by("planned_start", "title", "pk")
    )
    deliverables = tuple(
        report_data.DeliverableLine(
            code=item.code,
            title=item.title,
            work_package=item.work_package.number if item.work_package else None,
            due_on=item.due_on.isoformat(),
            submitted_on=_iso(item.submitted_on),
            status=item.status,
            status_text=str(item.get_status_display()),
            dissemination=item.dissemination,
            dissemination_text=str(item.get_dissemination_display()),
        )
        for item in Deliverable.objects.filter(grant=grant).select_related("work_package").order_by("due_on", "code")
    )
    milestones = tuple(
        report_data.MilestoneLine(
            code=item.code,
            title=item.title,
            work_package=item.work_package.number if item.work_package else None,
            due_on=item.due_on.isoformat(),
            achieved_on=_iso(item.achieved_on),
            verification=item.verification,
        )
        for item in Milestone.objects.filter(grant=grant).select_related("work_package").order_by("due_on", "code")
    )
    risks = tuple(
        report_data.RiskLine(
            description=risk.description,
            work_package=risk.work_package.number if risk.work_package else None,
            likelihood=risk.likelihood,
            likelihood_text=str(risk.get_likelihood_display()),
            impact=risk.impact,
            impact_text=str(risk.get_impact_display()),
            mitigation=risk.mitigation,
            status=risk.status,
            status_text=str(risk.get_status_display()),
        )
        for risk in Risk.objects.filter(grant=grant).select_related("work_package").order_by("pk")
    )
    budget_lines = tuple(
        report_data.BudgetLineRow(
            category=line.category,
            category_text=str(line.get_category_display()),
            description=line.description,
            planned=float(line.planned),
            actual=float(line.actual),
            execution=aggregations.share(float(line.actual), float(line.planned)),
        )
        for line in BudgetLine.objects.filter(grant=grant).order_by("category", "pk")
    )
    planned = sum((line.planned for line in budget_lines), 0.0)
    actual = sum((line.actual for line in budget_lines), 0.0)
    today = context.today
    return report_data.DonorReportData(
        schema_version=report_data.SCHEMA_VERSION,
        grant_code=grant.code,
        grant_title=grant.title,
        programme=grant.programme,
        call_identifier=grant.call_identifier,
        agreement_number=grant.agreement_number,
        grant_kind=grant.kind,
        grant_kind_text=str(grant.get_kind_display()),
        grant_starts_on=grant.starts_on.isoformat(),
        grant_ends_on=grant.ends_on.isoformat(),
        amount=float(grant.amount),
        currency=grant.currency,
        cofunding_rate=float(grant.cofunding_rate),
        countries=tuple(grant_countries),
        donor_name=grant.donor.name,
        beneficiary=grant.beneficiary_name,
        period_start=period.start.isoformat(),
        period_end=period.end.isoformat(),
        version=version,
        generated_on=generated_on.isoformat(),
        language=language,
        summary=summary,
        objectives=grant.objectives,
        work_packages=work_packages,
        indicators=indicators,
        activities=activities,
        deliverables=deliverables,
        milestones=milestones,
        risks=risks,
        budget_lines=budget_lines,
        budget_planned=round(planned, 2),
        budget_actual=round(actual, 2),
        budget_execution=aggregations.share(actual, planned),
        roundtables=_roundtable_annex(frames, period=period, scope=scope, today=today, country_names=country_names),
        trainings=_training_annex(frames, period=period, scope=scope, today=today, country_names=country_names),
        candidates_by_stage=_candidate_annex(frames, coverage, day=period.end, today=today),
        small_count_threshold=SMALL_COUNT_THRESHOLD,
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _indicator_line(
    indicator: Any, *, grant: Any, period: Period, frames: Frames, context: Any, coverage: GrantCoverage
) -> Any:
    from reports import metrics

    scope_text = str(INDICATOR_SCOPE_TEXT.get(indicator.scope, indicator.scope))
    counts_people = False
    if indicator.metric_key:
        metric = metrics.get(indicator.metric_key)
        achieved = metrics.indicator_value(
            metric,
            frames,
            context,
            scope=indicator_scope(indicator.scope, coverage),
            since=grant.starts_on,
            day=period.end,
        )
        definition = str(metric.definition)
        unit = indicator.unit or str(metric.unit)
        source = "metric"
        counts_people = metric.counts_people
    else:
        achieved = float(indicator.manual_value)
        definition = indicator.justification
        unit = indicator.unit
        source = "manual"
    baseline, target = float(indicator.baseline), float(indicator.target)
    status = indicator_status(
        baseline=baseline,
        target=target,
        achieved=achieved,
        elapsed=aggregations.elapsed_share(grant.starts_on, grant.ends_on, min(period.end, context.today)),
    )
    baseline_day = indicator.baseline_day
    return report_data.IndicatorLine(
        code=indicator.code,
        title=indicator.title,
        source=source,
        metric_key=indicator.metric_key,
        definition=definition,
        unit=unit,
        scope=indicator.scope,
        scope_text=scope_text,
        baseline=baseline,
        baseline_on=baseline_day.isoformat() if baseline_day else None,
        baseline_note=indicator.baseline_justification.strip() if indicator.baseline_overridden else "",
        target=target,
        achieved=achieved,
        progress=aggregations.progress_share(baseline=baseline, target=target, achieved=achieved),
        status=status,
        status_text=str(INDICATOR_STATUS_TEXT[status]),
        counts_people=counts_people,
        work_package=indicator.work_package.number if indicator.work_package else None,
    )


def measured_baseline(indicator: Any, *, frames: Frames | None = None, now: datetime | None = None) -> float | None:
    """What the indicator's metric gives on its baseline day, on its scope (`metrics.indicator_value`):
    the baseline frozen when the indicator is made. None for a manual indicator."""
    from reports import metrics

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


def metric_achieved(metric: Any, frames: Mapping[str, pd.DataFrame], context: Any) -> float | None:
    """What an indicator linked to `metric` achieved: the metric's own evaluation for the context
    (period and scope, e.g. a grant's coverage) on frames already loaded; a breakdown counts as its
    total. Donor reports and the grant dashboard both read it."""
    from reports import metrics

    value = metrics.evaluate(metric, frames, context)
    if isinstance(value, dict):
        value = sum(v for v in value.values() if v is not None)
    return None if value is None else float(value)


# Where an indicator stands, named in the reader's language (the keys are report_data's statuses).
INDICATOR_STATUS_TEXT = {
    report_data.ACHIEVED: gettext_lazy("Target achieved"),
    report_data.ON_TRACK: gettext_lazy("On track"),
    report_data.AT_RISK: gettext_lazy("At risk"),
    report_data.BEHIND: gettext_lazy("Behind"),
}
# An indicator's scope, named in the reader's language (the keys are `Indicator.Scope`'s).
INDICATOR_SCOPE_TEXT = dict(Indicator.Scope.choices)
# Pure, in `aggregations` (the grant dashboard uses it too); kept here under its known name.
indicator_status = aggregations.indicator_status


def suppress_counts(
    cells: Iterable[tuple[str, str, int]], *, total: int | None = None, threshold: int = SMALL_COUNT_THRESHOLD
) -> tuple[tuple[report_data.Count, ...], int | None, str]:
    """Breakdown cells of people (key, label, count; zeros left out) and their total, as donors see
    them: counts from 1 to `threshold - 1` hidden as SMALL. When a total is shown and exactly one cell
    is hidden, the next smallest cell is hidden too (or, with no other cell, the total), as SUPPRESSED,
    so that no small count follows by subtraction. Returns the cells, the total (None when hidden) and
    why the total is hidden ("" when shown)."""
    kept = [(key, label, count) for key, label, count in cells if count]
    small = {key for key, _label, count in kept if 0 < count < threshold}
    complementary: set[str] = set()
    total_hidden = ""
    if total is not None and 0 < total < threshold:
        total, total_hidden = None, report_data.SMALL
    if total is not None and len(small) == 1:
        others = sorted((count, key) for key, _label, count in kept if key not in small)
        if others:
            complementary.add(others[0][1])
        else:
            total, total_hidden = None, report_data.SUPPRESSED
    shown = tuple(
        report_data.Count(
            key,
            label,
            None if key in small | complementary else count,
            report_data.SMALL if key in small else report_data.SUPPRESSED if key in complementary else "",
        )
        for key, label, count in kept
    )
    return shown, total, total_hidden


def _roundtable_annex(
    frames: Frames, *, period: Period, scope: Scope, today: date, country_names: Mapping[str, str]
) -> tuple[report_data.RoundtableAnnexLine, ...]:
    """The roundtables held in the period, each with the distinct organisations invited by sector and
    how many attended (organisations: never hidden)."""
    from network.models import Sector

    held = aggregations.held_roundtables(frames["roundtables"], period=period, scope=scope, today=today)
    if held.empty:
        return ()
    held = held.sort_values(["starts_at", "code"], kind="stable")
    participants = frames["roundtable_participants"]
    participants = participants[participants["roundtable_id"].isin(held["roundtable_id"])]
    invited = participants.groupby(["roundtable_id", "sector"])["organisation_id"].nunique()
    invited_total = participants.groupby("roundtable_id")["organisation_id"].nunique()
    attended = (
        participants[participants["status"] == aggregations.ATTENDED]
        .groupby("roundtable_id")["organisation_id"]
        .nunique()
    )
    sector_labels = {value: str(label) for value, label in Sector.choices}
    sector_order = {value: index for index, value in enumerate(sector_labels)}
    by_roundtable: dict[int, list[report_data.Count]] = {}
    for (roundtable_id, sector), count in invited.items():
        by_roundtable.setdefault(int(roundtable_id), []).append(
            report_data.Count(sector, sector_labels.get(sector, sector), int(count))
        )
    lines = []
    for row in held.itertuples(index=False):
        cells = sorted(by_roundtable.get(int(row.roundtable_id), []), key=lambda cell: sector_order.get(cell.key, 99))
        lines.append(
            report_data.RoundtableAnnexLine(
                code=row.code,
                title=row.title,
                date=row.starts_at.date().isoformat(),
                country=country_names.get(row.country, row.country),
                participants_by_sector=tuple(cells),
                invited=int(invited_total.get(row.roundtable_id, 0)),
                attended=int(attended.get(row.roundtable_id, 0)),
            )
        )
    return tuple(lines)


def _training_annex(
    frames: Frames, *, period: Period, scope: Scope, today: date, country_names: Mapping[str, str]
) -> tuple[report_data.TrainingAnnexLine, ...]:
    from network.models import TrainingCourse, TrainingParticipation

    places = frames["training_places"]
    events = aggregations.training_events_held(
        frames["training_events"], places, period=period, scope=scope, today=today
    )
    if events.empty:
        return ()
    events = events.sort_values(["starts_on", "code"], kind="stable")
    completed = places[
        (places["status"] == aggregations.COMPLETED)
        & places["event_id"].isin(events["event_id"])
        & aggregations.events_in_scope(places, scope, column="event_id", kind="training_events")
    ]
    by_type = completed.groupby(["event_id", "participant_type"]).size()
    by_country = completed.groupby(["event_id", "country"]).size()
    type_labels = {value: str(label) for value, label in TrainingParticipation.ParticipantType.choices}
    type_order = {value: index for index, value in enumerate(type_labels)}
    kind_labels = {value: str(label) for value, label in TrainingCourse.Kind.choices}
    types_of: dict[int, list[tuple[str, str, int]]] = {}
    for (event_id, kind), count in by_type.items():
        types_of.setdefault(int(event_id), []).append((kind, type_labels.get(kind, kind), int(count)))
    countries_of: dict[int, list[tuple[str, str, int]]] = {}
    for (event_id, code), count in by_country.items():
        name = country_names.get(code, code) if code else str(gettext_lazy("Not recorded"))
        countries_of.setdefault(int(event_id), []).append((code, name, int(count)))
    lines = []
    for row in events.itertuples(index=False):
        event_id = int(row.event_id)
        type_cells = sorted(types_of.get(event_id, []), key=lambda cell: type_order.get(cell[0], 99))
        country_cells = sorted(countries_of.get(event_id, []), key=lambda cell: (cell[1], cell[0]))
        total = sum(cell[2] for cell in type_cells)
        type_counts, by_type_total, by_type_hidden = suppress_counts(type_cells, total=total)
        country_counts, by_country_total, by_country_hidden = suppress_counts(country_cells, total=total)
        # The total is shown only when neither breakdown needs it hidden.
        total_shown = by_type_total if by_country_total is not None else None
        total_hidden = by_type_hidden or by_country_hidden
        lines.append(
            report_data.TrainingAnnexLine(
                code=row.code,
                title=row.course_title,
                course_kind=row.course_kind,
                course_kind_text=kind_labels.get(row.course_kind, row.course_kind),
                starts_on=row.starts_on.date().isoformat(),
                ends_on=row.ends_on.date().isoformat(),
                country=country_names.get(row.country, row.country) if row.country else "",
                online=bool(row.online),
                by_participant_type=type_counts,
                by_country=country_counts,
                people_trained=total_shown,
                people_trained_hidden=total_hidden,
            )
        )
    return tuple(lines)


def _candidate_annex(
    frames: Frames, coverage: GrantCoverage, *, day: date, today: date
) -> tuple[report_data.CandidateStageLine, ...]:
    """Candidate hotlines in the grant's countries on `day` (the period's last day), by their stage that
    day (`aggregations.stages_on`); a name only where the host organisation consented to its name in
    reports. Candidates are organisations: their counts are never hidden."""
    hotlines = frames["hotlines"]
    stages = aggregations.stages_on(hotlines, frames["stage_changes"], day=day, today=today)
    chosen = hotlines.assign(stage_on_day=stages.to_numpy())
    chosen = chosen[chosen["stage_on_day"].isin(Hotline.CANDIDATE_STAGES) & chosen["country"].isin(coverage.countries)]
    hosts = {
        pk: (name, consented)
        for pk, name, consented in Hotline.objects.filter(pk__in=[int(pk) for pk in chosen["hotline_id"]]).values_list(
            "pk", "host_organisation__name", "host_organisation__publish_name_consent"
        )
    }
    labels = {value: str(label) for value, label in Hotline.Stage.choices}
    lines = []
    for stage in Hotline.CANDIDATE_STAGES:
        here = chosen[chosen["stage_on_day"] == stage].sort_values("brand_name")
        if here.empty:
            continue
        names = tuple(
            f"{brand} ({hosts[int(pk)][0]})" if hosts[int(pk)][0] else brand
            for pk, brand in zip(here["hotline_id"], here["brand_name"], strict=True)
            if hosts.get(int(pk), ("", False))[1]
        )
        lines.append(
            report_data.CandidateStageLine(stage=stage, stage_text=labels[stage], count=len(here), names=names)
        )
    return tuple(lines)
