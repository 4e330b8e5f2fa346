"""Named indicators: one definition shared by the public site, dashboards and donor reports.

A `Metric` has a stable key, a label, the definition text shown wherever its number is shown, a
unit, whether it may be published, and a compute function. Compute functions take keyword-only
`period` (a `Period`, or None for "now" / the metric's default window) and `scope` (a `Scope` of
programme regions and/or country codes, or None for the whole network) and return an `int` or a
`dict[str, int]` (a breakdown). They run aggregate queries only: the number of queries never
depends on the number of rows.

Small counts: public views show counts from 1 to `SMALL_COUNT_THRESHOLD - 1` as "fewer than 5"
(`display_count`), so that no small group can be singled out.

    from reports import metrics
    metrics.compute("member_hotlines")                      # 54
    metrics.compute("new_members", period=Period(date(2023, 1, 1), date(2023, 12, 31)))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MetricValue = int | dict[str, int]

# Counts from 1 to this number minus one are not shown on public pages or in donor views.
SMALL_COUNT_THRESHOLD = 5


@dataclass(frozen=True)
class Period:
    """An inclusive date range."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"The period ends ({self.end}) before it starts ({self.start}).")


@dataclass(frozen=True)
class Scope:
    """Part of the network: hotlines (or countries) in any of these programme regions or countries."""

    regions: frozenset[str] = field(default_factory=frozenset)
    countries: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *, regions: Iterable[str] = (), countries: Iterable[str] = ()) -> Scope:
        return cls(frozenset(regions), frozenset(code.upper() for code in countries))

    def country_q(self, prefix: str = "") -> Q:
        """A filter on Country rows reached through `prefix` (e.g. "country__")."""
        if not self.regions and not self.countries:
            return Q()
        condition = Q(pk__in=[])
        if self.regions:
            condition |= Q(**{f"{prefix}programme_region__in": sorted(self.regions)})
        if self.countries:
            condition |= Q(**{f"{prefix}code__in" if prefix else "code__in": sorted(self.countries)})
        return condition


ComputeFunction = Callable[..., MetricValue]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    definition: str | Promise
    unit: str | Promise
    public: bool
    compute: ComputeFunction


_registry: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    if metric.key in _registry:
        raise ValueError(f"A metric with the key {metric.key!r} is already registered.")
    _registry[metric.key] = metric
    return metric


def get(key: str) -> Metric:
    try:
        return _registry[key]
    except KeyError:
        raise KeyError(f"No metric with the key {key!r}; known: {', '.join(sorted(_registry))}.") from None


def all_metrics(*, public_only: bool = False) -> list[Metric]:
    return [metric for metric in _registry.values() if metric.public or not public_only]


def compute(key: str, *, period: Period | None = None, scope: Scope | None = None) -> MetricValue:
    return get(key).compute(period=period, scope=scope)


def is_small_count(value: int) -> bool:
    return 0 < value < SMALL_COUNT_THRESHOLD


def display_count(value: int) -> str:
    """A count as the public sees it: "fewer than 5" for 1-4, else the localised number."""
    if is_small_count(value):
        return gettext("fewer than %(threshold)s") % {"threshold": SMALL_COUNT_THRESHOLD}
    return formats.number_format(value, force_grouping=True)


# --- The network metrics ------------------------------------------------------------------------


def _reference_date(period: Period | None) -> date:
    return period.end if period else timezone.localdate()


def _members(*, period: Period | None, scope: Scope | None) -> QuerySet:
    from network.models import Hotline

    hotlines = Hotline.objects.members()
    if period is not None:
        hotlines = hotlines.filter(joined_on__lte=period.end)
    if scope is not None:
        hotlines = hotlines.filter(scope.country_q("country__"))
    return hotlines


def member_hotlines(*, period: Period | None = None, scope: Scope | None = None) -> int:
    return _members(period=period, scope=scope).count()


def full_members(*, period: Period | None = None, scope: Scope | None = None) -> int:
    from network.models import Hotline

    hotlines = _members(period=period, scope=scope).filter(stage=Hotline.Stage.FULL_MEMBER)
    if period is not None:
        hotlines = hotlines.filter(full_member_on__lte=period.end)
    return hotlines.count()


def countries_covered(*, period: Period | None = None, scope: Scope | None = None) -> int:
    from network.models import Country

    members = _members(period=period, scope=None).values("pk")
    countries = Country.objects.filter(Q(home_hotlines__in=members) | Q(hotlines_serving__in=members))
    if scope is not None:
        countries = countries.filter(scope.country_q())
    return countries.values("pk").distinct().count()


def analysts(*, period: Period | None = None, scope: Scope | None = None) -> int:
    from network.models import Analyst

    on = _reference_date(period)
    return (
        Analyst.objects.filter(hotline__in=_members(period=period, scope=scope).values("pk"))
        .filter(Q(started_on__isnull=True) | Q(started_on__lte=on))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .count()
    )


def hotlines_by_region(*, period: Period | None = None, scope: Scope | None = None) -> dict[str, int]:
    from network.models import ProgrammeRegion

    counts = {region.value: 0 for region in ProgrammeRegion}
    rows = (
        _members(period=period, scope=scope)
        .values("country__programme_region")
        .annotate(n=Count("pk"))
        .order_by("country__programme_region")
    )
    for row in rows:
        counts[row["country__programme_region"] or "unassigned"] = row["n"]
    return counts


def new_members(*, period: Period | None = None, scope: Scope | None = None) -> int:
    from network.models import Hotline

    if period is None:
        today = timezone.localdate()
        period = Period(date(today.year, 1, 1), today)
    hotlines = Hotline.objects.members().filter(joined_on__gte=period.start, joined_on__lte=period.end)
    if scope is not None:
        hotlines = hotlines.filter(scope.country_q("country__"))
    return hotlines.count()


def roundtables_held(*, period: Period | None = None, scope: Scope | None = None) -> int:
    from onboarding.models import Roundtable

    roundtables = Roundtable.objects.held()
    if period is not None:
        roundtables = roundtables.filter(starts_at__date__gte=period.start, starts_at__date__lte=period.end)
    if scope is not None:
        roundtables = roundtables.filter(scope.country_q("country__"))
    return roundtables.count()


register(
    Metric(
        key="member_hotlines",
        label=_("Member hotlines"),
        definition=_(
            "Hotlines that are provisional or full members of the network today (for a period: those "
            "that had joined by its last day). Suspended and ceased hotlines are not counted."
        ),
        unit=_("hotlines"),
        public=True,
        compute=member_hotlines,
    )
)
register(
    Metric(
        key="full_members",
        label=_("Full members"),
        definition=_(
            "Member hotlines that have passed their quality-assurance review and hold full membership "
            "(for a period: full members by its last day)."
        ),
        unit=_("hotlines"),
        public=True,
        compute=full_members,
    )
)
register(
    Metric(
        key="countries_covered",
        label=_("Countries covered"),
        definition=_(
            "Countries where the public can report to a member hotline: each member hotline's home "
            "country and every country it takes reports for, counted once."
        ),
        unit=_("countries"),
        public=True,
        compute=countries_covered,
    )
)
register(
    Metric(
        key="analysts",
        label=_("Analysts"),
        definition=_(
            "Analysts working at member hotlines on the day (today, or the period's last day), from the "
            "hotlines' pseudonymous analyst records."
        ),
        unit=_("analysts"),
        public=True,
        compute=analysts,
    )
)
register(
    Metric(
        key="hotlines_by_region",
        label=_("Member hotlines by region"),
        definition=_("Member hotlines counted by the programme region of their home country."),
        unit=_("hotlines"),
        public=True,
        compute=hotlines_by_region,
    )
)
register(
    Metric(
        key="new_members",
        label=_("New members"),
        definition=_("Member hotlines that joined the network in the period (by default, this calendar year so far)."),
        unit=_("hotlines"),
        public=True,
        compute=new_members,
    )
)
register(
    Metric(
        key="roundtables_held",
        label=_("Roundtables held"),
        definition=_(
            "Country roundtables held with prospective hotlines and their stakeholders (law enforcement, "
            "government, industry), by the day they took place (by default, all of them)."
        ),
        unit=_("roundtables"),
        public=True,
        compute=roundtables_held,
    )
)
