"""Named indicators: one definition shared by the public site, dashboards and donor reports.

A `Metric` has a stable key, a label, the definition text shown wherever its number is shown, a
unit, whether it may be published, and how it is computed. Built-in metrics declare the frames
they read (`reports.selectors.FRAMES`) and an aggregation over them (`reports.aggregations`), so
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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from django.conf import settings
from django.utils import formats, timezone
from django.utils.functional import Promise, lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports import aggregations as agg
from reports import report_data
from reports.scope import GrantCoverage, Period, Scope

__all__ = [
    "SMALL_COUNT_THRESHOLD",
    "Context",
    "GrantCoverage",
    "Metric",
    "MetricValue",
    "Period",
    "Scope",
    "all_metrics",
    "compute",
    "display_count",
    "display_value",
    "evaluate",
    "get",
    "is_small_count",
    "register",
]

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
    # Results shared by a dashboard's figures and tables within one computation (same frames).
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    @classmethod
    def at(cls, *, period: Period | None = None, scope: Scope | None = None, now: datetime | None = None) -> Context:
        moment = timezone.localtime(now) if now is not None else timezone.localtime()
        return cls(period, scope, moment.date(), pd.Timestamp(moment.replace(tzinfo=None)))


Aggregate = Callable[[Mapping[str, pd.DataFrame], Context], MetricValue]
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

    def __post_init__(self) -> None:
        if self.compute is None and self.aggregate is None:
            raise ValueError(f"The metric {self.key!r} needs a compute function or an aggregation.")
        if self.compute is None:
            # `metric.compute(period=..., scope=...)` works for every metric: here it loads the frames.
            object.__setattr__(self, "compute", self._compute_from_frames)

    def _compute_from_frames(self, *, period: Period | None = None, scope: Scope | None = None) -> MetricValue:
        from reports.selectors import Frames

        return evaluate(self, Frames(), Context.at(period=period, scope=scope))

    def value(self, *, period: Period | None = None, scope: Scope | None = None) -> MetricValue:
        return self.compute(period=period, scope=scope)  # type: ignore[misc]

    def key_label(self, key: str) -> str:
        return (self.labels() if self.labels else {}).get(key, key)


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


def all_metrics(*, public_only: bool = False, group: str | None = None) -> list[Metric]:
    return [
        metric
        for metric in _registry.values()
        if (metric.public or not public_only) and (group is None or metric.group == group)
    ]


def compute(key: str, *, period: Period | None = None, scope: Scope | None = None) -> MetricValue:
    return get(key).value(period=period, scope=scope)


def evaluate(metric: Metric, frames: Mapping[str, pd.DataFrame], context: Context) -> MetricValue:
    """The metric's value from frames already loaded (dashboards load each frame once)."""
    if metric.aggregate is None:
        return metric.compute(period=context.period, scope=context.scope)  # type: ignore[misc]
    return metric.aggregate(frames, context)


def indicator_value(
    metric: Metric,
    frames: Mapping[str, pd.DataFrame],
    context: Context,
    *,
    scope: Scope | None,
    since: date,
    day: date,
) -> float | None:
    """What a grant indicator linked to `metric` stands at on `day`, over `scope` (computed at the
    context's moment): an ON_DAY metric's value that day; an IN_PERIOD metric's value from `since`
    (the grant's first day) to `day` (0, or nothing for a share, before `since`). Its baseline is the
    same function on the baseline day, so a baseline and an achieved value are always measured the
    same way. A breakdown counts as its total."""
    if metric.measure == IN_PERIOD:
        if day < since:
            return 0.0 if metric.kind == COUNT else None
        period = Period(since, day)
    else:
        period = Period(day, day)
    value = evaluate(metric, frames, replace(context, period=period, scope=scope, memo={}))
    if isinstance(value, dict):
        value = sum(v for v in value.values() if v is not None)
    return None if value is None else float(value)


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


# --- Tables behind counts -------------------------------------------------------------------------
# A count shown as a figure and the table listing what it counts come from one computation, so
# they always agree (and a dashboard computes it once).
FrameMap = Mapping[str, pd.DataFrame]


def day_of(c: Context) -> date:
    """The day "on a day" figures describe: the period's last day, or today."""
    return agg.reference_day(c.period, c.today)


def history(f: FrameMap, c: Context) -> pd.DataFrame:
    """The stage history for the context's day: the `stage_changes` frame when the day is in the past;
    an empty one for today (today's stages are the current ones), so today's figures never load it."""
    if day_of(c) < c.today:
        return f["stage_changes"]
    from reports.selectors import empty_frame

    return c.once("no_history", lambda: empty_frame("stage_changes"))


def stages_on_day(f: FrameMap, c: Context) -> pd.Series:
    """Each hotline's stage on the context's day (`aggregations.stages_on`), computed once."""
    day = day_of(c)
    return c.once(
        f"stages:{day.isoformat()}",
        lambda: agg.stages_on(f["hotlines"], history(f, c), day=day, today=c.today),
    )


def member_ids(f: FrameMap, c: Context) -> pd.Index:
    """The hotlines that were provisional or full members on the context's day."""
    stages = stages_on_day(f, c)
    return stages.index[stages.isin(agg.MEMBER_STAGES).to_numpy()]


def member_analysts(f: FrameMap, c: Context) -> pd.DataFrame:
    """The `analysts` figure's population: analysts working at member hotlines on the day, in scope."""
    return c.once(
        "member_analysts",
        lambda: agg.member_analysts_on(f["analysts"], member_ids(f, c), day=day_of(c), scope=c.scope),
    )


def stalled_table(f: FrameMap, c: Context) -> pd.DataFrame:
    return c.once(
        "stalled", lambda: agg.stalled_candidates(f["hotlines"], scope=c.scope, now=c.now, targets=stage_targets())
    )


def analysts_per_hotline_table(f: FrameMap, c: Context) -> pd.DataFrame:
    return c.once(
        "analysts_per_hotline",
        lambda: agg.analysts_per_hotline(
            f["hotlines"], history(f, c), f["analysts"], period=c.period, scope=c.scope, today=c.today
        ),
    )


def single_analyst_table(f: FrameMap, c: Context) -> pd.DataFrame:
    per_hotline = analysts_per_hotline_table(f, c)
    return per_hotline[per_hotline["analysts"] == 1].reset_index(drop=True)


def expiring_certificates_table(f: FrameMap, c: Context) -> pd.DataFrame:
    return c.once(
        "certificates_expiring",
        lambda: agg.certificates_expiring(f["training_places"], period=c.period, scope=c.scope, today=c.today),
    )


def countries_covered_table(f: FrameMap, c: Context) -> pd.DataFrame:
    return c.once(
        "countries_covered",
        lambda: agg.covered_countries(f["hotline_countries"], member_ids(f, c), scope=c.scope),
    )


def coverage_gaps_table(f: FrameMap, c: Context) -> pd.DataFrame:
    return c.once(
        "coverage_gaps",
        lambda: agg.coverage_gaps(
            f["country_assessments"],
            f["hotline_countries"],
            f["hotlines"],
            history(f, c),
            period=c.period,
            scope=c.scope,
            today=c.today,
        ),
    )


def qa_due_table(f: FrameMap, c: Context) -> pd.DataFrame:
    return c.once(
        "qa_reviews_due",
        lambda: agg.qa_reviews_due(
            f["hotlines"],
            history(f, c),
            f["assessments"],
            period=c.period,
            scope=c.scope,
            today=c.today,
            cycle_months=qa_review_cycle_months(),
            first_review_months=qa_first_review_months(),
        ),
    )


def qa_unreviewed_table(f: FrameMap, c: Context) -> pd.DataFrame:
    return c.once(
        "qa_unreviewed",
        lambda: agg.qa_unreviewed_members(
            f["hotlines"], history(f, c), f["assessments"], period=c.period, scope=c.scope, today=c.today
        ),
    )


def open_actions_table(f: FrameMap, c: Context) -> pd.DataFrame:
    return c.once(
        "open_corrective_actions",
        lambda: agg.open_corrective_actions(f["corrective_actions"], period=c.period, scope=c.scope, today=c.today),
    )


def qa_review_cycle_months() -> int:
    """Months from a full member's last quality-assurance review to the next (setting `QA_REVIEW_CYCLE_MONTHS`)."""
    return int(settings.QA_REVIEW_CYCLE_MONTHS)


def qa_first_review_months() -> int:
    """Months from a provisional member's last review to the next (setting `QA_FIRST_REVIEW_MONTHS`)."""
    return int(settings.QA_FIRST_REVIEW_MONTHS)


# --- The built-in metrics -----------------------------------------------------------------------
def _metric(
    key: str,
    label: Promise,
    definition: Promise,
    unit: Promise,
    *,
    frames: tuple[str, ...],
    aggregate: Aggregate,
    public: bool = False,
    kind: str = COUNT,
    group: str = NETWORK,
    labels: Callable[[], dict[str, str]] | None = None,
    measure: str = ON_DAY,
    counts_people: bool = False,
) -> Metric:
    return register(
        Metric(
            key=key,
            label=label,
            definition=definition,
            unit=unit,
            public=public,
            frames=frames,
            aggregate=aggregate,
            kind=kind,
            group=group,
            labels=labels,
            measure=measure,
            counts_people=counts_people,
        )
    )


def _pt(c: Context) -> dict[str, Any]:
    return {"period": c.period, "scope": c.scope, "today": c.today}


_history = ("hotlines", "stage_changes")

# How an "on a day" figure reads the lifecycle, said once and added to each definition that uses it.
_ON_THE_DAY = _(
    "Stages are taken as they were on the day, from the stage history; where a hotline has no history "
    "before the day, it is taken to have been in its current stage since it entered it, and before that "
    "a member from its recorded joining date (a full member from its full-membership date)."
)


def _on_the_day(text: Promise) -> Promise:
    return format_lazy("{} {}", text, _ON_THE_DAY)


# Network -----------------------------------------------------------------------------------------
_metric(
    "member_hotlines",
    _("Member hotlines"),
    _on_the_day(
        _(
            "Hotlines that were provisional or full members of the network on the day (today, or the "
            "period's last day); suspended and ceased hotlines are not counted."
        )
    ),
    _("hotlines"),
    public=True,
    frames=_history,
    aggregate=lambda f, c: len(member_ids(f, c).intersection(agg.in_scope_ids(f["hotlines"], c.scope))),
)
_metric(
    "full_members",
    _("Full members"),
    _on_the_day(_("Member hotlines that were full members on the day (today, or the period's last day).")),
    _("hotlines"),
    public=True,
    frames=_history,
    aggregate=lambda f, c: int(
        (stages_on_day(f, c) == agg.FULL_MEMBER).loc[agg.in_scope_ids(f["hotlines"], c.scope)].sum()
    ),
)
_metric(
    "countries_covered",
    _("Countries covered"),
    _on_the_day(
        _(
            "Countries where the public could report to a member hotline on the day (today, or the period's "
            "last day): each member hotline's home country and every country it takes reports for (as recorded "
            "today), counted once."
        )
    ),
    _("countries"),
    public=True,
    frames=("hotline_countries", *_history),
    aggregate=lambda f, c: len(countries_covered_table(f, c)),
)
_metric(
    "analysts",
    _("Analysts"),
    _on_the_day(
        _(
            "Analysts working at member hotlines on the day (today, or the period's last day): started by then "
            "and not yet left, from the hotlines' pseudonymous analyst records."
        )
    ),
    _("analysts"),
    public=True,
    group=CAPACITY,
    frames=("analysts", *_history),
    counts_people=True,
    aggregate=lambda f, c: len(member_analysts(f, c)),
)
_metric(
    "hotlines_by_region",
    _("Member hotlines by region"),
    _("Member hotlines (as counted by “Member hotlines”) by the programme region of their home country."),
    _("hotlines"),
    public=True,
    kind=BREAKDOWN,
    frames=_history,
    labels=region_labels,
    aggregate=lambda f, c: agg.members_by_region(
        f["hotlines"], history(f, c), **_pt(c), regions=_keys(region_labels, drop=("unassigned",))
    ),
)
_metric(
    "new_members",
    _("New members"),
    _(
        "Hotlines that joined the network in the period (by default, this calendar year so far), by their "
        "recorded joining date, whatever their stage since."
    ),
    _("hotlines"),
    public=True,
    frames=("hotlines",),
    measure=IN_PERIOD,
    aggregate=lambda f, c: agg.new_member_count(f["hotlines"], **_pt(c)),
)
_metric(
    "hotlines_by_stage",
    _("Hotlines by stage"),
    _on_the_day(
        _(
            "Hotlines counted by their lifecycle stage on the day (today, or the period's last day), "
            "prospective, member and ended alike."
        )
    ),
    _("hotlines"),
    kind=BREAKDOWN,
    frames=_history,
    labels=stage_labels,
    aggregate=lambda f, c: agg.hotlines_by_stage(f["hotlines"], history(f, c), **_pt(c), stages=_keys(stage_labels)),
)
_metric(
    "coverage_gaps",
    _("Target countries without a member hotline"),
    _(
        "Countries on the association's target list (their latest country assessment) that no member hotline "
        "covered on the day (today, or the period's last day); the table beside it lists each, with the "
        "furthest stage a candidate there had reached."
    ),
    _("countries"),
    frames=("country_assessments", "hotline_countries", *_history),
    aggregate=lambda f, c: len(coverage_gaps_table(f, c)),
)

# Pipeline ------------------------------------------------------------------------------------------
_metric(
    "active_candidates",
    _("Active candidates"),
    _on_the_day(
        _(
            "Prospective hotlines in an active lifecycle stage (identified to decision pending, or on hold) "
            "on the day (today, or the period's last day)."
        )
    ),
    _("candidates"),
    group=PIPELINE,
    frames=_history,
    aggregate=lambda f, c: agg.active_candidate_count(f["hotlines"], history(f, c), **_pt(c)),
)


def stage_targets() -> dict[str, int]:
    from onboarding.workflow import STAGE_TARGET_DAYS

    return {str(stage): days for stage, days in STAGE_TARGET_DAYS.items()}


_metric(
    "stalled_candidates",
    _("Stalled candidates"),
    _(
        "Candidates that have been in their current stage of the track longer than its target today "
        "(targets follow the published hotline-creation timeline; on hold has none). The period filter does "
        "not apply: this is about today."
    ),
    _("candidates"),
    group=PIPELINE,
    frames=("hotlines",),
    aggregate=lambda f, c: len(stalled_table(f, c)),
)
_metric(
    "median_days_in_stage",
    _("Median days in each stage"),
    _(
        "For each stage of the lifecycle track, the median number of days hotlines spent in it, over "
        "the stays that ended in the period (by default, every completed stay). Stays still running "
        "are not counted."
    ),
    _("days"),
    kind=BREAKDOWN,
    group=PIPELINE,
    frames=_history,
    labels=stage_labels,
    measure=IN_PERIOD,
    aggregate=lambda f, c: agg.median_days_in_stage(f["stage_changes"], f["hotlines"], **_pt(c)),
)
_metric(
    "conversion_exploring_to_member",
    _("Conversion from exploring to member"),
    _(
        "Of the hotlines that first entered the exploring stage in the period (by default, ever), the "
        "share that have since become members (provisional or full)."
    ),
    _("%"),
    kind=PERCENT,
    group=PIPELINE,
    frames=_history,
    measure=IN_PERIOD,
    aggregate=lambda f, c: agg.conversion_rate(f["stage_changes"], f["hotlines"], **_pt(c)),
)

# Roundtables and agreements ------------------------------------------------------------------------
_metric(
    "roundtables_held",
    _("Roundtables held"),
    _(
        "Country roundtables held with prospective hotlines and their stakeholders (law enforcement, "
        "government, industry), by the day they took place (by default, all of them). With a grant: only "
        "the roundtables its activities are linked to, when it links any."
    ),
    _("roundtables"),
    public=True,
    group=ROUNDTABLES,
    frames=("roundtables",),
    measure=IN_PERIOD,
    aggregate=lambda f, c: agg.roundtables_held_count(f["roundtables"], **_pt(c)),
)
_metric(
    "roundtable_sector_coverage",
    _("Sector coverage of roundtables"),
    _(
        "For each stakeholder sector, the roundtables held in the period (by default, all) that at least "
        "one organisation of that sector attended."
    ),
    _("roundtables"),
    kind=BREAKDOWN,
    group=ROUNDTABLES,
    frames=("roundtable_participants",),
    labels=sector_labels,
    measure=IN_PERIOD,
    aggregate=lambda f, c: agg.roundtable_sector_coverage(
        f["roundtable_participants"], **_pt(c), sectors=_keys(sector_labels)
    ),
)
_metric(
    "mous_signed",
    _("Law-enforcement MoUs signed"),
    _(
        "Memoranda of understanding with law enforcement signed in the period (by default, all ever "
        "signed), whatever their status today."
    ),
    _("MoUs"),
    group=ROUNDTABLES,
    frames=("agreements",),
    measure=IN_PERIOD,
    aggregate=lambda f, c: agg.mous_signed_count(f["agreements"], **_pt(c)),
)
_metric(
    "mous_pending",
    _("Law-enforcement MoUs pending"),
    _(
        "Memoranda of understanding with law enforcement recorded and not yet signed on the day (today, or "
        "the period's last day)."
    ),
    _("MoUs"),
    group=ROUNDTABLES,
    frames=("agreements",),
    aggregate=lambda f, c: agg.mous_pending_count(f["agreements"], **_pt(c)),
)
_metric(
    "mous_expiring",
    _("Law-enforcement MoUs expiring"),
    _(
        "Memoranda of understanding with law enforcement in force on the day (today, or the period's last "
        "day: signed by then and not expired) that expire within the next 90 days."
    ),
    _("MoUs"),
    group=ROUNDTABLES,
    frames=("agreements",),
    aggregate=lambda f, c: agg.mous_expiring_count(f["agreements"], **_pt(c)),
)

# Capacity and training -----------------------------------------------------------------------------
_metric(
    "analysts_trained_by_course_kind",
    _("Analysts trained by course kind"),
    _(
        "Registered analysts (of any hotline) who completed a training of each kind, by the event's "
        "last day in the period (by default, ever); an analyst counts once per kind. With a grant: only "
        "the training events its activities are linked to, when it links any."
    ),
    _("analysts"),
    kind=BREAKDOWN,
    group=CAPACITY,
    frames=("training_places",),
    labels=course_kind_labels,
    measure=IN_PERIOD,
    counts_people=True,
    aggregate=lambda f, c: agg.analysts_trained_by_kind(
        f["training_places"], **_pt(c), kinds=_keys(course_kind_labels)
    ),
)
_metric(
    "certified_analysts",
    _("Certified analysts"),
    _on_the_day(
        _(
            "Of the analysts counted by “Analysts” (working at member hotlines on the day), those who hold at "
            "least one training certificate valid that day: always a part of them. With a grant: certificates "
            "from the training events its activities are linked to, when it links any."
        )
    ),
    _("analysts"),
    group=CAPACITY,
    frames=("training_places", "analysts", *_history),
    counts_people=True,
    aggregate=lambda f, c: len(
        agg.certified_analysts(f["training_places"], member_analysts(f, c), day=day_of(c), scope=c.scope)
    ),
)
_metric(
    "certificates_expiring",
    _("Certificates expiring within 90 days"),
    _(
        "Training certificates valid on the day (today, or the period's last day) that expire within the next "
        "90 days, held by analysts of any hotline, member or candidate, who are still working."
    ),
    _("certificates"),
    group=CAPACITY,
    frames=("training_places",),
    aggregate=lambda f, c: len(expiring_certificates_table(f, c)),
)
_metric(
    "certificates_issued",
    _("Certificates issued"),
    _(
        "Training certificates issued to analysts in the period (by default, all issued so far). With a "
        "grant: certificates from the training events its activities are linked to, when it links any."
    ),
    _("certificates"),
    group=QUALITY,
    frames=("training_places",),
    measure=IN_PERIOD,
    aggregate=lambda f, c: agg.certificates_issued_count(f["training_places"], **_pt(c)),
)
_metric(
    "single_analyst_hotlines",
    _("Single-analyst hotlines"),
    _on_the_day(
        _(
            "Member hotlines (as counted by “Member hotlines”) with exactly one analyst working on the day: "
            "a hotline that depends on one person."
        )
    ),
    _("hotlines"),
    group=CAPACITY,
    frames=("analysts", *_history),
    aggregate=lambda f, c: len(single_analyst_table(f, c)),
)
_metric(
    "training_events_held",
    _("Training events held"),
    _(
        "Training events that ended in the period (by default, all past events). With a region or "
        "country scope: events held there or attended by participants from there. With a grant: only "
        "the training events its activities are linked to, when it links any."
    ),
    _("events"),
    group=CAPACITY,
    frames=("training_events", "training_places"),
    measure=IN_PERIOD,
    aggregate=lambda f, c: agg.training_events_held_count(f["training_events"], f["training_places"], **_pt(c)),
)
_metric(
    "people_trained_by_participant_type",
    _("People trained by participant type"),
    _(
        "People who completed a training that ended in the period (by default, ever), by participant "
        "type: registered analysts once each, other participants once per event attended."
    ),
    _("people"),
    kind=BREAKDOWN,
    group=CAPACITY,
    frames=("training_places",),
    labels=participant_type_labels,
    measure=IN_PERIOD,
    counts_people=True,
    aggregate=lambda f, c: agg.people_trained_by_type(
        f["training_places"], **_pt(c), types=_keys(participant_type_labels)
    ),
)

# Quality -------------------------------------------------------------------------------------------
_metric(
    "qa_reviews_done",
    _("Quality-assurance reviews done"),
    _(
        "Quality-assurance reviews of member hotlines whose report was completed in the period (by default, "
        "all so far), whatever their result."
    ),
    _("reviews"),
    group=QUALITY,
    frames=("assessments",),
    measure=IN_PERIOD,
    aggregate=lambda f, c: agg.qa_reviews_done_count(f["assessments"], **_pt(c)),
)
_metric(
    "qa_reviews_due",
    _("Quality-assurance reviews due"),
    _on_the_day(
        format_lazy(
            _(
                "Member hotlines on the day (today, or the period's last day) with a quality-assurance review on "
                "record whose next review is overdue or due within 90 days: a full member {cycle} months after its "
                "last review (or after becoming a full member, if later), a provisional member {first} months "
                "after its last review. Members with no review on record are counted apart."
            ),
            cycle=lazy(lambda: str(qa_review_cycle_months()), str)(),
            first=lazy(lambda: str(qa_first_review_months()), str)(),
        )
    ),
    _("hotlines"),
    group=QUALITY,
    frames=("assessments", *_history),
    aggregate=lambda f, c: len(qa_due_table(f, c)),
)
_metric(
    "qa_unreviewed_members",
    _("Members with no review recorded"),
    _on_the_day(
        _(
            "Member hotlines on the day (today, or the period's last day) with no quality-assurance review on "
            "record by then. Their history may predate the toolkit, so no due date is made up for them: record "
            "their last review, or plan one."
        )
    ),
    _("hotlines"),
    group=QUALITY,
    frames=("assessments", *_history),
    aggregate=lambda f, c: len(qa_unreviewed_table(f, c)),
)
_metric(
    "open_corrective_actions",
    _("Open corrective actions"),
    _(
        "Corrective actions raised by assessments that are not yet verified and closed, today (for a period: "
        "raised by its last day and not verified by then)."
    ),
    _("actions"),
    group=QUALITY,
    frames=("corrective_actions",),
    aggregate=lambda f, c: len(open_actions_table(f, c)),
)

# Operations ----------------------------------------------------------------------------------------
_metric(
    "reports_received",
    _("Reports received"),
    _(
        "Reports received by hotlines from the public, summed over their statistics returns whose "
        "reporting period ended in the period (by default, all returns); returns under query are left out."
    ),
    _("reports"),
    group=OPERATIONS,
    frames=("statistics",),
    measure=IN_PERIOD,
    aggregate=lambda f, c: agg.reports_received(f["statistics"], **_pt(c)),
)
_metric(
    "content_urls_processed",
    _("Content URLs processed"),
    _(
        "Content URLs hotlines processed, summed over the same statistics returns as reports received "
        "(numbers only: the toolkit never holds the URLs)."
    ),
    _("URLs"),
    group=OPERATIONS,
    frames=("statistics",),
    measure=IN_PERIOD,
    aggregate=lambda f, c: agg.content_urls_processed(f["statistics"], **_pt(c)),
)
_metric(
    "share_removed_within_3_days",
    _("Share removed within 3 days"),
    _(
        "The share of content URLs removed within 3 days, over the same statistics returns, weighted by "
        "the content URLs each return processed (returns that leave it empty are left out)."
    ),
    _("%"),
    kind=PERCENT,
    group=OPERATIONS,
    frames=("statistics",),
    measure=IN_PERIOD,
    aggregate=lambda f, c: agg.share_removed_within_3_days(f["statistics"], **_pt(c)),
)
