"""Reads of the network registry for screens: the hotline page, the portal, the admin lists.

Every function takes keyword arguments and runs a fixed number of queries whatever the number of
rows. Callers pass objects they fetched through `visible_to`; the hotline page's overview also
takes the user, because each of its sections lists other records under their own rules.
Analysts appear only by their pseudonymous codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils.translation import gettext as _
from wagtail.log_actions import registry as log_registry

from core.audit import log_entries_visible_to
from core.history import describe_changes
from network.models import (
    Analyst,
    Contact,
    Hotline,
    HotlineAnnualProfile,
    HotlineStatistics,
    TrainingCourse,
    TrainingEvent,
    TrainingParticipation,
)

EXPIRY_WINDOW_DAYS = 90


@dataclass(frozen=True)
class CoverageRow:
    """How many of a hotline's active analysts completed a course of one kind."""

    kind: str
    label: str
    trained: int
    active: int

    @property
    def percent(self) -> int:
        return round(100 * self.trained / self.active) if self.active else 0


@dataclass(frozen=True)
class RoleCount:
    label: str
    count: int


@dataclass
class HotlineOverview:
    """The hotline page's sections. A section the user may not see is empty and marked hidden: the
    page shows what the user's own lists would (the model's view permission and `visible_to`)."""

    hotline: Hotline
    contacts: list[Contact]
    analysts: list[Analyst]
    active_analysts: int
    former_analysts: int
    roles: list[RoleCount]
    coverage: list[CoverageRow]
    expiring: list[TrainingParticipation]
    statistics: list[HotlineStatistics]
    profiles: list[HotlineAnnualProfile]
    history: list[Any] = field(default_factory=list)
    history_total: int = 0
    shows_analysts: bool = True
    shows_training: bool = True
    shows_statistics: bool = True
    shows_profiles: bool = True


def _readable(user: Any, model: type[Any]) -> QuerySet | None:
    """The rows of `model` the user's own list of them would show, or None without the permission."""
    meta = model._meta
    if not user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
        return None
    return model.objects.visible_to(user)


def hotline_overview(*, hotline: Hotline, user: Any, today: date, history_limit: int = 25) -> HotlineOverview:
    """Everything the staff's hotline page shows to `user`, in a fixed number of queries: each
    section under the rule of the records it lists, the history under `log_entries_visible_to`."""
    analyst_rows = _readable(user, Analyst)
    participation_rows = _readable(user, TrainingParticipation)
    statistics_rows = _readable(user, HotlineStatistics)
    profile_rows = _readable(user, HotlineAnnualProfile)
    contact_rows = _readable(user, Contact)
    analysts = (
        list(
            analyst_rows.filter(hotline=hotline)
            .annotate(
                completed_trainings=Count("participations", filter=Q(participations__status="completed")),
                next_expiry=Min(
                    "participations__certificate_expires_on",
                    filter=Q(participations__certificate_expires_on__gte=today),
                ),
            )
            .order_by("code")
        )
        if analyst_rows is not None
        else []
    )
    active = [a for a in analysts if a.is_working_on(today)]
    role_labels = dict(Analyst.Role.choices)
    roles = [
        RoleCount(label=str(role_labels[key]), count=sum(1 for a in active if a.role == key))
        for key in Analyst.Role.values
    ]
    shows_training = analyst_rows is not None and participation_rows is not None
    history_qs = log_entries_visible_to(
        log_registry.get_logs_for_instance(hotline).select_related("user", "content_type"), user
    )
    history = list(history_qs.order_by("-timestamp", "-pk")[:history_limit])
    describe_changes(history)
    return HotlineOverview(
        hotline=hotline,
        contacts=list(
            contact_rows.filter(organisation_id=hotline.host_organisation_id).order_by("name")
            if contact_rows is not None
            else []
        ),
        analysts=analysts,
        active_analysts=len(active),
        former_analysts=len(analysts) - len(active),
        roles=[r for r in roles if r.count],
        coverage=training_coverage(hotline=hotline, today=today) if shows_training else [],
        expiring=list(expiring_certificates(hotline=hotline, today=today)) if shows_training else [],
        statistics=list(statistics_rows.filter(hotline=hotline).order_by("period_start"))
        if statistics_rows is not None
        else [],
        profiles=list(profile_rows.filter(hotline=hotline).order_by("-year")) if profile_rows is not None else [],
        history=history,
        history_total=history_qs.count(),
        shows_analysts=analyst_rows is not None,
        shows_training=shows_training,
        shows_statistics=statistics_rows is not None,
        shows_profiles=profile_rows is not None,
    )


def training_coverage(*, hotline: Hotline, today: date) -> list[CoverageRow]:
    """Per course kind: active analysts of the hotline who completed a course of that kind."""
    active = Analyst.objects.filter(hotline=hotline).working_on(today)
    active_count = active.count()
    trained = dict(
        TrainingParticipation.objects.filter(analyst__in=active, status=TrainingParticipation.Status.COMPLETED)
        .values_list("event__course__kind")
        .annotate(analysts=Count("analyst", distinct=True))
    )
    return [
        CoverageRow(kind=kind, label=str(label), trained=trained.get(kind, 0), active=active_count)
        for kind, label in TrainingCourse.Kind.choices
    ]


def expiring_certificates(
    *, hotline: Hotline, today: date, within_days: int = EXPIRY_WINDOW_DAYS
) -> QuerySet[TrainingParticipation]:
    return (
        TrainingParticipation.objects.filter(analyst__hotline=hotline)
        .certificates_expiring(within_days=within_days, on=today)
        .select_related("analyst", "event__course")
        .order_by("certificate_expires_on", "analyst__code")
    )


# -- the member portal -------------------------------------------------------------------------------
def portal_hotlines(*, user: Any) -> QuerySet[Hotline]:
    """The member hotlines a portal user keeps: those hosted by their organisation."""
    return Hotline.objects.visible_to(user).members().select_related("country", "host_organisation")


@dataclass(frozen=True)
class DueReturn:
    label: str
    url_name: str


def statistics_cover_year(year: int, *, prefix: str = "") -> Q:
    """Statistics returns that count for a calendar year: their period overlaps it (a return for the
    year, or for any part of it). `prefix` reaches the return from another model."""
    return Q(**{f"{prefix}period_start__lte": date(year, 12, 31), f"{prefix}period_end__gte": date(year, 1, 1)})


def returns_due(*, hotline: Hotline, today: date) -> list[DueReturn]:
    """What the hotline has not returned yet: this year's profile, last calendar year's statistics."""
    due = []
    if not HotlineAnnualProfile.objects.filter(hotline=hotline, year=today.year).exists():
        due.append(
            DueReturn(
                _("Annual capacity profile for %(year)s") % {"year": today.year}, "portal:network_annual_profile_add"
            )
        )
    last_year = today.year - 1
    covered = HotlineStatistics.objects.filter(statistics_cover_year(last_year), hotline=hotline).exists()
    if not covered:
        due.append(
            DueReturn(_("Statistics return for %(year)s") % {"year": last_year}, "portal:network_statistics_add")
        )
    return due


def first_year_without_return(*, hotline: Hotline, today: date, years_back: int = 3) -> int | None:
    """The latest of the last `years_back` calendar years that no statistics return covers yet."""
    returns = list(HotlineStatistics.objects.filter(hotline=hotline).values_list("period_start", "period_end"))
    for year in range(today.year - 1, today.year - 1 - years_back, -1):
        first, last = date(year, 1, 1), date(year, 12, 31)
        if not any(start <= last and end >= first for start, end in returns):
            return year
    return None


def portal_analysts(*, hotline: Hotline, today: date) -> list[Analyst]:
    return list(
        Analyst.objects.filter(hotline=hotline)
        .annotate(
            completed_trainings=Count("participations", filter=Q(participations__status="completed")),
            next_expiry=Min(
                "participations__certificate_expires_on",
                filter=Q(participations__certificate_expires_on__gte=today),
            ),
        )
        .order_by("ended_on", "code")
    )


def upcoming_events(*, user: Any, today: date) -> QuerySet[TrainingEvent]:
    return (
        TrainingEvent.objects.visible_to(user)
        .upcoming(today)
        .select_related("course", "country")
        .order_by("starts_on", "code")
    )


def hotline_participations(*, hotline: Hotline, user: Any) -> QuerySet[TrainingParticipation]:
    """The hotline's places at training events, newest first (scoped by `visible_to`)."""
    return (
        TrainingParticipation.objects.visible_to(user)
        .filter(analyst__hotline=hotline)
        .select_related("analyst", "event__course")
        .order_by("-event__starts_on", "analyst__code")
    )


def expiry_cutoff(today: date) -> date:
    return today + timedelta(days=EXPIRY_WINDOW_DAYS)
