"""Reads for indicators, dashboards and the admin home panels: the only ORM code in `reports`.

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

Lists for the admin home panels (`my_candidates`, `my_action_items`, `certificates_expiring`)
start from `visible_to(user)` and run a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from django.db.models import CharField, FloatField, Model, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from network.models import (
    Analyst,
    Hotline,
    HotlineStatistics,
    TrainingEvent,
    TrainingParticipation,
)
from onboarding import workflow
from onboarding.models import (
    ActionItem,
    Agreement,
    AgreementParty,
    Assessment,
    ChecklistItem,
    CountryAssessment,
    Roundtable,
    RoundtableParticipant,
    StageChange,
)
from reports import aggregations
from reports.scope import GrantCoverage


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
    Column("hotline_stage", "hotline__stage"),
    Column("hotline_joined_on", "hotline__joined_on", "date"),
    *_geography("hotline__"),
)


def analysts_source(*, user: Any | None = None) -> QuerySet:
    return _visible(Analyst, user).order_by("pk")


def analysts_frame(*, user: Any | None = None) -> pd.DataFrame:
    """Analysts (pseudonymous codes) with their hotline's stage and country."""
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


def load_frames(names: Iterable[str], *, user: Any | None = None) -> Frames:
    return Frames(user=user).load(names)


# -- Grants -----------------------------------------------------------------------------------
# Grants are not recorded yet (donor reporting adds them). These two functions are where the
# dashboards' grant filter reads them: the choices, and a grant's coverage as a scope.
def grant_options(*, user: Any) -> list[tuple[str, str]]:
    """(code, label) of the grants `user` may filter by; empty while no grants are recorded."""
    return []


def grant_coverage(*, code: str, user: Any) -> GrantCoverage:
    raise LookupError(f"No grant with the code {code!r}.")


# -- Admin home panels ------------------------------------------------------------------------
@dataclass(frozen=True)
class CandidateRow:
    hotline: Hotline
    time: workflow.TimeInStage


def my_candidates(*, user: Any, now: datetime | None = None) -> list[CandidateRow]:
    """Candidates in the lifecycle for which `user` is the lead staff member, longest waiting first."""
    now = now or timezone.now()
    hotlines = (
        Hotline.objects.visible_to(user)
        .candidates()
        .filter(lead_staff_id=user.pk)
        .select_related("country")
        .order_by("stage_entered_at", "brand_name")
    )
    return [
        CandidateRow(hotline, workflow.time_in_stage(hotline.stage, (now - hotline.stage_entered_at).days))
        for hotline in hotlines
    ]


def my_action_items(*, user: Any, today: date | None = None, within_days: int = 7) -> list[ActionItem]:
    """Open action items `user` owns that are overdue or due within `within_days` days."""
    today = today or timezone.localdate()
    return list(
        ActionItem.objects.visible_to(user)
        .open()
        .filter(owner_user_id=user.pk, due_on__lte=today + timedelta(days=within_days))
        .select_related("roundtable__country")
        .order_by("due_on", "id")
    )


@dataclass(frozen=True)
class ExpiringCertificates:
    total: int
    first: list[TrainingParticipation]


def certificates_expiring(
    *, user: Any, today: date | None = None, within_days: int = 90, limit: int = 10
) -> ExpiringCertificates:
    """Certificates of working analysts, valid today, that expire within `within_days` days (the
    soonest `limit` of them, and how many there are)."""
    today = today or timezone.localdate()
    queryset = (
        TrainingParticipation.objects.visible_to(user)
        .certificates_expiring(within_days=within_days, on=today)
        .filter(analyst__isnull=False, certified_on__lte=today)
        .filter(Q(analyst__ended_on__isnull=True) | Q(analyst__ended_on__gte=today))
    )
    first = list(
        queryset.select_related("analyst__hotline", "event__course").order_by("certificate_expires_on", "pk")[:limit]
    )
    total = len(first) if len(first) < limit else queryset.count()
    return ExpiringCertificates(total=total, first=first)


@dataclass(frozen=True)
class AwaitingReview:
    total: int
    first: list[ChecklistItem]


def items_awaiting_review(*, user: Any, limit: int = 10) -> AwaitingReview:
    """Checklist items submitted for review in the dossiers open to `user`, oldest first, leaving out
    those `user` submitted (the reviewer must be someone else)."""
    queryset = ChecklistItem.objects.visible_to(user).awaiting_review().exclude(submitted_by_id=user.pk)
    first = list(queryset.select_related("template_item", "checklist__hotline").order_by("submitted_at", "pk")[:limit])
    total = len(first) if len(first) < limit else queryset.count()
    return AwaitingReview(total=total, first=first)
