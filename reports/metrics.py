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
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports import aggregations as agg
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


def is_small_count(value: int) -> bool:
    return 0 < value < SMALL_COUNT_THRESHOLD


def display_count(value: int) -> str:
    """A count as the public sees it: "fewer than 5" for 1-4, else the localised number."""
    if is_small_count(value):
        return gettext("fewer than %(threshold)s") % {"threshold": SMALL_COUNT_THRESHOLD}
    return formats.number_format(value, force_grouping=True)


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


def stalled_table(f: FrameMap, c: Context) -> pd.DataFrame:
    return c.once(
        "stalled", lambda: agg.stalled_candidates(f["hotlines"], scope=c.scope, now=c.now, targets=stage_targets())
    )


def analysts_per_hotline_table(f: FrameMap, c: Context) -> pd.DataFrame:
    return c.once(
        "analysts_per_hotline",
        lambda: agg.analysts_per_hotline(f["hotlines"], f["analysts"], period=c.period, scope=c.scope, today=c.today),
    )


def single_analyst_table(f: FrameMap, c: Context) -> pd.DataFrame:
    per_hotline = analysts_per_hotline_table(f, c)
    return per_hotline[per_hotline["analysts"] == 1].reset_index(drop=True)


def expiring_certificates_table(f: FrameMap, c: Context) -> pd.DataFrame:
    return c.once(
        "certificates_expiring",
        lambda: agg.certificates_expiring(f["training_places"], period=c.period, scope=c.scope, today=c.today),
    )


def qa_due_table(f: FrameMap, c: Context) -> pd.DataFrame:
    return c.once(
        "qa_reviews_due",
        lambda: agg.qa_reviews_due(
            f["hotlines"],
            f["assessments"],
            period=c.period,
            scope=c.scope,
            today=c.today,
            cycle_months=QA_REVIEW_CYCLE_MONTHS,
            first_review_months=QA_FIRST_REVIEW_MONTHS,
        ),
    )


def open_actions_table(f: FrameMap, c: Context) -> pd.DataFrame:
    return c.once(
        "open_corrective_actions",
        lambda: agg.open_corrective_actions(f["corrective_actions"], period=c.period, scope=c.scope, today=c.today),
    )


# Working assumptions of the association, in one place: a full member has a quality-assurance
# review every three years; a provisional member its first one within its provisional year.
QA_REVIEW_CYCLE_MONTHS = 36
QA_FIRST_REVIEW_MONTHS = 12


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
        )
    )


def _p(c: Context) -> dict[str, Any]:
    return {"period": c.period, "scope": c.scope}


def _pt(c: Context) -> dict[str, Any]:
    return {"period": c.period, "scope": c.scope, "today": c.today}


_hotlines = ("hotlines",)
_history = ("hotlines", "stage_changes")

# Network -----------------------------------------------------------------------------------------
_metric(
    "member_hotlines",
    _("Member hotlines"),
    _(
        "Hotlines that are provisional or full members of the network today (for a period: those "
        "that had joined by its last day). Suspended and ceased hotlines are not counted."
    ),
    _("hotlines"),
    public=True,
    frames=_hotlines,
    aggregate=lambda f, c: agg.member_count(f["hotlines"], **_p(c)),
)
_metric(
    "full_members",
    _("Full members"),
    _(
        "Member hotlines that have passed their quality-assurance review and hold full membership "
        "(for a period: full members by its last day)."
    ),
    _("hotlines"),
    public=True,
    frames=_hotlines,
    aggregate=lambda f, c: agg.full_member_count(f["hotlines"], **_p(c)),
)
_metric(
    "countries_covered",
    _("Countries covered"),
    _(
        "Countries where the public can report to a member hotline: each member hotline's home "
        "country and every country it takes reports for, counted once."
    ),
    _("countries"),
    public=True,
    frames=("hotline_countries",),
    aggregate=lambda f, c: agg.countries_covered_count(f["hotline_countries"], **_p(c)),
)
_metric(
    "analysts",
    _("Analysts"),
    _(
        "Analysts working at member hotlines on the day (today, or the period's last day), from the "
        "hotlines' pseudonymous analyst records."
    ),
    _("analysts"),
    public=True,
    group=CAPACITY,
    frames=("analysts",),
    aggregate=lambda f, c: agg.analyst_count(f["analysts"], **_pt(c)),
)
_metric(
    "hotlines_by_region",
    _("Member hotlines by region"),
    _("Member hotlines counted by the programme region of their home country."),
    _("hotlines"),
    public=True,
    kind=BREAKDOWN,
    frames=_hotlines,
    labels=region_labels,
    aggregate=lambda f, c: agg.members_by_region(
        f["hotlines"], **_p(c), regions=_keys(region_labels, drop=("unassigned",))
    ),
)
_metric(
    "new_members",
    _("New members"),
    _("Member hotlines that joined the network in the period (by default, this calendar year so far)."),
    _("hotlines"),
    public=True,
    frames=_hotlines,
    aggregate=lambda f, c: agg.new_member_count(f["hotlines"], **_pt(c)),
)
_metric(
    "hotlines_by_stage",
    _("Hotlines by stage"),
    _(
        "Hotlines counted by their lifecycle stage today (for a period: on its last day, from the "
        "stage history), prospective, member and ended alike."
    ),
    _("hotlines"),
    kind=BREAKDOWN,
    frames=_history,
    labels=stage_labels,
    aggregate=lambda f, c: agg.hotlines_by_stage(
        f["hotlines"], f["stage_changes"], **_pt(c), stages=_keys(stage_labels)
    ),
)
_metric(
    "coverage_gaps",
    _("Target countries without a hotline"),
    _(
        "Countries on the association's target list (their latest country assessment) that no member "
        "hotline covers today and where no candidate is being set up."
    ),
    _("countries"),
    frames=("country_assessments", "hotline_countries", "hotlines"),
    aggregate=lambda f, c: agg.coverage_gap_count(
        f["country_assessments"], f["hotline_countries"], f["hotlines"], scope=c.scope
    ),
)

# Pipeline ------------------------------------------------------------------------------------------
_metric(
    "active_candidates",
    _("Active candidates"),
    _(
        "Prospective hotlines in an active lifecycle stage (identified to decision pending, or on hold) "
        "today (for a period: on its last day, from the stage history)."
    ),
    _("candidates"),
    group=PIPELINE,
    frames=_history,
    aggregate=lambda f, c: agg.active_candidate_count(f["hotlines"], f["stage_changes"], **_pt(c)),
)


def stage_targets() -> dict[str, int]:
    from onboarding.workflow import STAGE_TARGET_DAYS

    return {str(stage): days for stage, days in STAGE_TARGET_DAYS.items()}


_metric(
    "stalled_candidates",
    _("Stalled candidates"),
    _(
        "Candidates that have been in their current stage of the track longer than its target today "
        "(targets follow the published hotline-creation timeline; on hold has none)."
    ),
    _("candidates"),
    group=PIPELINE,
    frames=_hotlines,
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
    aggregate=lambda f, c: agg.conversion_rate(f["stage_changes"], f["hotlines"], **_pt(c)),
)

# Roundtables and agreements ------------------------------------------------------------------------
_metric(
    "roundtables_held",
    _("Roundtables held"),
    _(
        "Country roundtables held with prospective hotlines and their stakeholders (law enforcement, "
        "government, industry), by the day they took place (by default, all of them)."
    ),
    _("roundtables"),
    public=True,
    group=ROUNDTABLES,
    frames=("roundtables",),
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
    aggregate=lambda f, c: agg.mous_signed_count(f["agreements"], **_pt(c)),
)
_metric(
    "mous_pending",
    _("Law-enforcement MoUs pending"),
    _(
        "Memoranda of understanding with law enforcement in draft or under negotiation today (for a "
        "period: recorded by its last day and not signed by then)."
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
        "Memoranda of understanding with law enforcement in force today (or on the period's last day) "
        "that expire within the next 90 days."
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
        "last day in the period (by default, ever); an analyst counts once per kind."
    ),
    _("analysts"),
    kind=BREAKDOWN,
    group=CAPACITY,
    frames=("training_places",),
    labels=course_kind_labels,
    aggregate=lambda f, c: agg.analysts_trained_by_kind(
        f["training_places"], **_pt(c), kinds=_keys(course_kind_labels)
    ),
)
_metric(
    "certified_analysts",
    _("Certified analysts"),
    _(
        "Analysts still working on the day (today, or the period's last day) who hold at least one "
        "training certificate valid that day."
    ),
    _("analysts"),
    group=CAPACITY,
    frames=("training_places",),
    aggregate=lambda f, c: agg.certified_analyst_count(f["training_places"], **_pt(c)),
)
_metric(
    "certificates_expiring",
    _("Certificates expiring within 90 days"),
    _(
        "Training certificates of analysts still working that are valid today (or on the period's "
        "last day) and expire within the next 90 days."
    ),
    _("certificates"),
    group=CAPACITY,
    frames=("training_places",),
    aggregate=lambda f, c: len(expiring_certificates_table(f, c)),
)
_metric(
    "certificates_issued",
    _("Certificates issued"),
    _("Training certificates issued to analysts in the period (by default, all issued so far)."),
    _("certificates"),
    group=QUALITY,
    frames=("training_places",),
    aggregate=lambda f, c: agg.certificates_issued_count(f["training_places"], **_pt(c)),
)
_metric(
    "single_analyst_hotlines",
    _("Single-analyst hotlines"),
    _(
        "Member hotlines with exactly one analyst working on the day (today, or the period's last day): "
        "a hotline that depends on one person."
    ),
    _("hotlines"),
    group=CAPACITY,
    frames=("hotlines", "analysts"),
    aggregate=lambda f, c: len(single_analyst_table(f, c)),
)
_metric(
    "training_events_held",
    _("Training events held"),
    _(
        "Training events that ended in the period (by default, all past events). With a region or "
        "country scope: events held there or attended by participants from there."
    ),
    _("events"),
    group=CAPACITY,
    frames=("training_events", "training_places"),
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
    aggregate=lambda f, c: agg.qa_reviews_done_count(f["assessments"], **_pt(c)),
)
_metric(
    "qa_reviews_due",
    _("Quality-assurance reviews due"),
    _(
        "Member hotlines whose quality-assurance review is overdue or due within 90 days of the day (today, "
        "or the period's last day): full members three years after their last review (or after becoming "
        "full members), provisional members within their first year."
    ),
    _("hotlines"),
    group=QUALITY,
    frames=("hotlines", "assessments"),
    aggregate=lambda f, c: len(qa_due_table(f, c)),
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
    aggregate=lambda f, c: agg.share_removed_within_3_days(f["statistics"], **_pt(c)),
)
