"""Named indicators: one definition shared by the public site, dashboards and donor reports.

A `Metric` has a stable key, a label, the definition text shown wherever its number is shown, a
unit, whether it may be published, and how it is computed. Built-in metrics declare the frames
they read (by name: `reports.selectors.FRAMES`) and an aggregation over them (`reports.aggregations`), so
a dashboard that shows many metrics loads each frame once; `compute()` loads just the frames one
metric needs (one query per frame, never per row).

Every metric is computed for keyword-only `period` (a `Period`, or None for "now" / the metric's
default window, as its definition says) and `scope` (a `Scope` of programme regions, countries,
UN M49 regions and a grant's coverage, or None for the whole network), and returns an `int`, a
percentage or a number of days (`float`, None when there is nothing to measure) or a breakdown
(`dict` of key to number).

Small counts: public views show counts from 1 to `SMALL_COUNT_THRESHOLD - 1` as "fewer than 5"
(`display_count`), so that no small group can be singled out.

    from reports import metrics
    metrics.compute("member_hotlines")                      # 54
    metrics.compute("new_members", period=Period(date(2023, 1, 1), date(2023, 12, 31)))

Frames: the registry never imports the selectors. A metric computed on its own (`compute()`,
`Metric.value()`) reads its frames through a frame loader: the one passed as `load_frames`, else
the one installed by `use_frames` (the app's `ready()` installs the selectors' `Frames` and
`empty_frame`). Dashboards and donor reports load frames themselves and call `evaluate`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.donor import report_data
from reports.scope import Period, Scope

MetricValue = int | float | None | dict[str, int] | dict[str, float | None]

# Counts from 1 to this number minus one are not shown on public pages or in donor views.
SMALL_COUNT_THRESHOLD = 5

# Kinds of value, for display.
COUNT = "count"
BREAKDOWN = "breakdown"
PERCENT = "percent"
DAYS = "days"

# What a value describes: the state on a day, or what happened within a period.
ON_DAY = "on_day"
IN_PERIOD = "in_period"

# Groups of metrics (dashboards list them by group).
NETWORK = "network"
PIPELINE = "pipeline"
ROUNDTABLES = "roundtables"
CAPACITY = "capacity"
QUALITY = "quality"
OPERATIONS = "operations"


@dataclass(frozen=True)
class Context:
    """What one computation is for: the period, the scope and the moment it is computed at."""

    period: Period | None
    scope: Scope | None
    today: date
    now: pd.Timestamp
    # Whose records are counted (`visible_to(user)`), as the frames are loaded for; None: the whole network.
    user: Any = field(default=None, compare=False, repr=False)
    # Results shared by a dashboard's figures and tables within one computation (same frames).
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    @classmethod
    def at(
        cls,
        *,
        period: Period | None = None,
        scope: Scope | None = None,
        now: datetime | None = None,
        user: Any = None,
    ) -> Context:
        moment = timezone.localtime(now) if now is not None else timezone.localtime()
        return cls(period, scope, moment.date(), pd.Timestamp(moment.replace(tzinfo=None)), user)


Aggregate = Callable[[Mapping[str, pd.DataFrame], Context], MetricValue]
ManyAggregate = Callable[[Mapping[str, pd.DataFrame], Sequence[Context]], list[MetricValue]]
# Frames loaded on first use, once each: called with no arguments, returns a mapping of name to frame.
FrameLoader = Callable[[], Mapping[str, pd.DataFrame]]
ComputeFunction = Callable[..., MetricValue]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    definition: str | Promise
    unit: str | Promise
    public: bool
    # Computes the value for keyword-only `period` and `scope` (built-in metrics: loads `frames`
    # and runs `aggregate`).
    compute: ComputeFunction | None = None
    frames: tuple[str, ...] = ()
    aggregate: Aggregate | None = None
    kind: str = COUNT
    group: str = NETWORK
    # For breakdowns: the label of each key (called when shown, in the active language).
    labels: Callable[[], dict[str, str]] | None = None
    # ON_DAY: the state on one day (today, or a period's last day); IN_PERIOD: what happened within
    # the period (by default as its definition says). Grant indicators measure an ON_DAY metric on
    # the day, an IN_PERIOD metric cumulatively since the grant started (`indicator_value`).
    measure: str = ON_DAY
    # Counts of people (analysts, participants): small values are not shown in donor and public views.
    counts_people: bool = False
    # The same figure with what it counts read as counts from the database rather than as rows
    # (`reports.counted`), for the dashboards (`counted_or_evaluate`); its parity with `aggregate` is
    # tested (tests/reports/test_counted_parity.py).
    counted: Aggregate | None = None
    # The counted form for many contexts at once, in one query however many (the grant progress
    # dashboard measures every indicator linked to the metric with one call, `indicator_values`).
    counted_many: ManyAggregate | None = None

    def __post_init__(self) -> None:
        if self.compute is None and self.aggregate is None:
            raise ValueError(f"The metric {self.key!r} needs a compute function or an aggregation.")
        if self.compute is None:
            # `metric.compute(period=..., scope=...)` works for every metric: here it loads the frames.
            object.__setattr__(self, "compute", self._compute_from_frames)

    def _compute_from_frames(
        self, *, period: Period | None = None, scope: Scope | None = None, load_frames: FrameLoader | None = None
    ) -> MetricValue:
        frames = (load_frames or frame_loader())()
        return evaluate(self, frames, Context.at(period=period, scope=scope))

    def value(
        self, *, period: Period | None = None, scope: Scope | None = None, load_frames: FrameLoader | None = None
    ) -> MetricValue:
        if load_frames is not None and self.aggregate is not None:
            return self._compute_from_frames(period=period, scope=scope, load_frames=load_frames)
        return self.compute(period=period, scope=scope)

    def key_label(self, key: str) -> str:
        return (self.labels() if self.labels else {}).get(key, key)


_registry: dict[str, Metric] = {}

# Where metrics computed on their own read their frames (see the module docstring).
_frames: dict[str, Callable[..., Any]] = {}


def use_frames(*, load: FrameLoader, empty: Callable[[str], pd.DataFrame]) -> None:
    """Install the frame loader (frames loaded on first use, a mapping of name to frame) and the
    function that returns a frame's empty shape."""
    _frames["load"] = load
    _frames["empty"] = empty


def frame_loader() -> FrameLoader:
    if "load" not in _frames:
        raise LookupError("No frame loader installed: reports.metrics.use_frames() runs when the app is ready.")
    return _frames["load"]


def empty_frame(name: str) -> pd.DataFrame:
    """The frame `name`'s columns with no rows (from the installed frame source)."""
    if "empty" not in _frames:
        raise LookupError("No frame source installed: reports.metrics.use_frames() runs when the app is ready.")
    return _frames["empty"](name)


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


def all_metrics(*, public_only: bool = False, group: str | None = None) -> list[Metric]:
    return [
        metric
        for metric in _registry.values()
        if (metric.public or not public_only) and (group is None or metric.group == group)
    ]


def compute(
    key: str, *, period: Period | None = None, scope: Scope | None = None, load_frames: FrameLoader | None = None
) -> MetricValue:
    return get(key).value(period=period, scope=scope, load_frames=load_frames)


def evaluate(metric: Metric, frames: Mapping[str, pd.DataFrame], context: Context) -> MetricValue:
    """The metric's value from frames already loaded (dashboards load each frame once)."""
    if metric.aggregate is None:
        return metric.compute(period=context.period, scope=context.scope)
    return metric.aggregate(frames, context)


def counted_or_evaluate(metric: Metric, frames: Mapping[str, pd.DataFrame], context: Context) -> MetricValue:
    """The metric's value as a dashboard shows it: counted in the database where the metric can be
    (for the context's user), else from the frames."""
    if metric.counted is not None:
        return metric.counted(frames, context)
    return evaluate(metric, frames, context)


def indicator_values(
    metric: Metric,
    frames: Mapping[str, pd.DataFrame],
    context: Context,
    asks: Sequence[tuple[Scope | None, date, date]],
    *,
    counted: bool = False,
) -> list[float | None]:
    """What grant indicators linked to `metric` stand at, one for each (scope, since, day) asked
    (computed at the context's moment): an ON_DAY metric's value on `day`; an IN_PERIOD metric's value
    from `since` (the grant's first day) to `day` (0, or nothing for a share, before `since`). An
    indicator's baseline is the same function on the baseline day, so a baseline and an achieved value
    are always measured the same way. A breakdown counts as its total. `counted`: with the metric's
    counted form for many contexts where it has one (one query for all asks; the dashboards), else
    from the frames."""
    contexts: list[Context | None] = []
    for scope, since, day in asks:
        if metric.measure == IN_PERIOD and day < since:
            contexts.append(None)
            continue
        period = Period(since, day) if metric.measure == IN_PERIOD else Period(day, day)
        contexts.append(replace(context, period=period, scope=scope, memo={}))
    measured = [c for c in contexts if c is not None]
    if counted and metric.counted_many is not None:
        values = iter(metric.counted_many(frames, measured) if measured else [])
    else:
        values = iter([evaluate(metric, frames, c) for c in measured])
    before_start = 0.0 if metric.kind == COUNT else None
    return [before_start if c is None else _indicator_number(next(values)) for c in contexts]


def _indicator_number(value: MetricValue) -> float | None:
    if isinstance(value, dict):
        value = sum(v for v in value.values() if v is not None)
    return None if value is None else float(value)


def indicator_value(
    metric: Metric,
    frames: Mapping[str, pd.DataFrame],
    context: Context,
    *,
    scope: Scope | None,
    since: date,
    day: date,
) -> float | None:
    """One indicator's value (`indicator_values`), from the frames."""
    return indicator_values(metric, frames, context, [(scope, since, day)])[0]


# How a grant indicator linked to a metric is measured: shown beside every indicator table.
INDICATOR_METHOD = _(
    "An indicator linked to a metric is measured by the metric's definition on the indicator's scope (the "
    "grant's coverage or the whole network): a figure of the state on a day (members, analysts, countries) "
    "as it stood on the period's last day, a count of events (roundtables, trainings, certificates) from the "
    "grant's first day to the period's last (cumulative since the start). Its baseline is the same metric, on "
    "the same scope, on the baseline day. Progress from baseline to target: (achieved - baseline) / (target - "
    "baseline), the share of the way covered. Status: target achieved; else on track when the progress is at "
    "least 90 % of the share of the grant's time elapsed at the period's end (today at the latest), at risk "
    "from 60 %, behind below that."
)


def is_small_count(value: int) -> bool:
    """A count of people from 1 to `SMALL_COUNT_THRESHOLD - 1`: not shown in donor and public views."""
    return 0 < value < SMALL_COUNT_THRESHOLD


def small_count_text(threshold: int = SMALL_COUNT_THRESHOLD) -> str:
    return gettext("fewer than %(threshold)s") % {"threshold": threshold}


def hidden_count_text(reason: str, threshold: int = SMALL_COUNT_THRESHOLD) -> str:
    """What is shown instead of a hidden count (`report_data.SMALL` or `SUPPRESSED`): "fewer than 5" for a
    small count of people, "suppressed" for a value hidden only so that a small count cannot be worked out."""
    if reason == report_data.SUPPRESSED:
        return gettext("suppressed")
    return small_count_text(threshold)


def display_count(value: int, *, people: bool = True) -> str:
    """A count as the public and donors see it: a count of people from 1 to 4 as "fewer than 5",
    every other count (organisations, countries, events) as the localised number."""
    if people and is_small_count(value):
        return small_count_text()
    return formats.number_format(value, force_grouping=True)


def format_number(value: float | int | Decimal | None, digits: int = 0) -> str:
    """A figure as printed everywhere (PDF, donor area, admin pages): grouped, rounded to at most
    `digits` decimals and printed with only the decimals it has (50.6, never 50.60); "—" for nothing."""
    if value is None:
        return "—"
    rounded = round(float(value), digits)
    if rounded.is_integer():
        return formats.number_format(int(rounded), 0, force_grouping=True)
    decimals = len(f"{rounded:.{digits}f}".rstrip("0").split(".")[1])
    return formats.number_format(rounded, decimals, force_grouping=True)


def display_value(metric: Metric, value: MetricValue) -> str:
    """A value as staff see it (no suppression): grouped numbers, "%" and "days", "—" for nothing."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return formats.number_format(sum(v for v in value.values() if v is not None), force_grouping=True)
    if metric.kind == PERCENT:
        return f"{formats.number_format(value, 1)} %"
    if metric.kind == DAYS:
        return gettext("%(days)s days") % {"days": formats.number_format(value, 1)}
    return formats.number_format(value, force_grouping=True)


# --- Labels of breakdown keys -------------------------------------------------------------------
def region_labels() -> dict[str, str]:
    from network.models import ProgrammeRegion

    return {**{value: str(label) for value, label in ProgrammeRegion.choices}, "unassigned": gettext("Unassigned")}


def stage_labels() -> dict[str, str]:
    from network.models import Hotline

    return {value: str(label) for value, label in Hotline.Stage.choices}


def sector_labels() -> dict[str, str]:
    from network.models import Sector

    return {value: str(label) for value, label in Sector.choices}


def course_kind_labels() -> dict[str, str]:
    from network.models import TrainingCourse

    return {value: str(label) for value, label in TrainingCourse.Kind.choices}


def participant_type_labels() -> dict[str, str]:
    from network.models import TrainingParticipation

    return {value: str(label) for value, label in TrainingParticipation.ParticipantType.choices}


def _keys(labels: Callable[[], dict[str, str]], *, drop: tuple[str, ...] = ()) -> list[str]:
    return [key for key in labels() if key not in drop]
