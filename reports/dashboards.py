"""The staff dashboards: what each shows, who may see it, and how its content is built.

A `Dashboard` names the frames it reads, its headline metrics and a function that turns frames
into `Section`s (a title, the definition of what is counted, a table and, usually, a chart). The
table is the accessible alternative to the chart and exactly what the CSV and XLSX downloads
contain: its columns carry the labels shown, its cells the values shown.

`build()` is the whole pipeline for one dashboard: frames (selectors, one query each) ->
aggregations -> tables and charts. Views cache its result (`reports.caching`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import aggregations as agg
from reports import charts, metrics
from reports.grants.selectors import INDICATOR_SCOPE_TEXT, INDICATOR_STATUS_TEXT
from reports.metrics import Context
from reports.scope import Scope, indicator_scope


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: str
    unit: str
    definition: str


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    definition: str
    table: pd.DataFrame
    figure: str | None = None  # plotly JSON
    empty: str = ""  # said instead of the table when it has no rows

    @property
    def rows(self) -> list[list[Any]]:
        return self.table.astype(object).where(self.table.notna(), None).to_numpy().tolist()


@dataclass(frozen=True)
class DashboardData:
    headlines: list[Headline] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)


SectionBuilder = Callable[[Mapping[str, pd.DataFrame], Context], list[Section]]


@dataclass(frozen=True)
class Dashboard:
    slug: str
    title: str | Promise
    description: str | Promise
    icon: str
    frames: tuple[str, ...]
    headlines: tuple[str, ...]
    sections: SectionBuilder
    notices: Callable[[], list[str]] = lambda: []

    @property
    def permission_codename(self) -> str:
        return f"view_{self.slug}_dashboard"

    @property
    def permission(self) -> str:
        return f"reports.{self.permission_codename}"


# -- Tables ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Col:
    """A table column: the source column, its heading, and how cells are shown."""

    source: str
    label: str
    kind: str = "text"  # text, int, float, or "label" (mapped through `labels`)
    labels: Mapping[str, str] | None = None


def table(frame: pd.DataFrame, columns: Sequence[Col]) -> pd.DataFrame:
    """The frame's chosen columns under their headings, with cells as shown (labels, rounding)."""
    out: dict[str, Any] = {}
    for column in columns:
        values = frame[column.source] if column.source in frame.columns else pd.Series([], dtype=object)
        if column.kind == "int":
            out[column.label] = pd.array(pd.to_numeric(values, errors="coerce").round(), dtype="Int64")
        elif column.kind == "float":
            out[column.label] = pd.to_numeric(values, errors="coerce").astype("float64").round(1)
        elif column.kind == "label":
            labels = column.labels or {}
            out[column.label] = [labels.get(str(value), str(value)) if value != "" else "" for value in values]
        else:
            out[column.label] = [
                ("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))
                for value in values
            ]
    return pd.DataFrame(out, columns=[column.label for column in columns])


def _breakdown_frame(breakdown: Mapping[str, Any], key_name: str = "key", value_name: str = "value") -> pd.DataFrame:
    return pd.DataFrame({key_name: list(breakdown), value_name: list(breakdown.values())})


def _definition(*keys: str) -> str:
    return " ".join(str(metrics.get(key).definition) for key in keys)


def _region_labels() -> dict[str, str]:
    return metrics.region_labels()


def _programme_regions() -> list[str]:
    return [key for key in metrics.region_labels() if key != "unassigned"]


def _stage_labels() -> dict[str, str]:
    return metrics.stage_labels()


def _json(figure: Any) -> str:
    return charts.figure_json(figure)


# -- Network overview -----------------------------------------------------------------------------
def network_sections(f: Mapping[str, pd.DataFrame], c: Context) -> list[Section]:
    stage_labels, region_labels = _stage_labels(), _region_labels()
    by_stage = agg.stage_region_table(
        f["hotlines"],
        metrics.history(f, c),
        period=c.period,
        scope=c.scope,
        today=c.today,
        stages=list(stage_labels),
        regions=_programme_regions(),
    )
    stage_columns = [column for column in by_stage.columns if column != "region"]
    by_stage_table = table(
        by_stage.assign(total=by_stage[stage_columns].sum(axis=1) if stage_columns else 0),
        [
            Col("region", _("Programme region"), "label", region_labels),
            *(Col(stage, stage_labels.get(stage, stage), "int") for stage in stage_columns),
            Col("total", _("Total"), "int"),
        ],
    )
    years = agg.new_members_by_year(f["hotlines"], period=c.period, scope=c.scope, today=c.today)
    countries = agg.countries_by_region(metrics.countries_covered_table(f, c), regions=_programme_regions())
    gaps = metrics.coverage_gaps_table(f, c)
    ratings = {
        "favourable": _("Favourable"),
        "conditional": _("Favourable with conditions"),
        "unfavourable": _("Unfavourable"),
    }
    return [
        Section(
            "stage_region",
            _("Hotlines by stage and region"),
            _definition("hotlines_by_stage")
            + " "
            + _("Regions are the programme regions of the hotlines' home countries."),
            by_stage_table,
            _json(charts.stage_region_chart(by_stage, stage_labels=stage_labels, region_labels=region_labels)),
        ),
        Section(
            "new_members",
            _("New members per year"),
            _definition("new_members")
            + " "
            + _("By the year they joined, within the period (every year without one)."),
            table(years, [Col("year", _("Year joined")), Col("new_members", _("New members"), "int")]),
            _json(charts.new_members_chart(years)),
            empty=_("No member joined in the period."),
        ),
        Section(
            "countries",
            _("Countries covered by region"),
            _definition("countries_covered"),
            table(
                countries,
                [Col("region", _("Programme region"), "label", region_labels), Col("countries", _("Countries"), "int")],
            ),
            _json(charts.countries_by_region_chart(countries, region_labels=region_labels)),
        ),
        Section(
            "coverage_gaps",
            _("Target countries without a member hotline"),
            _definition("coverage_gaps"),
            table(
                gaps,
                [
                    Col("country", _("Country")),
                    Col("region", _("Programme region"), "label", region_labels),
                    Col("rating", _("Country assessment"), "label", ratings),
                    Col("candidate_stage", _("Candidate's stage"), "label", stage_labels),
                ],
            ),
            empty=_("Every target country in the scope has a member hotline."),
        ),
    ]


# -- Pipeline -----------------------------------------------------------------------------------------
def pipeline_sections(f: Mapping[str, pd.DataFrame], c: Context) -> list[Section]:
    stage_labels, targets = _stage_labels(), metrics.stage_targets()
    funnel = agg.funnel(f["stage_changes"], f["hotlines"], period=c.period, scope=c.scope, today=c.today)
    times = agg.time_in_stage_table(
        f["stage_changes"], f["hotlines"], period=c.period, scope=c.scope, today=c.today, now=c.now, targets=targets
    )
    stalled = metrics.stalled_table(f, c)
    return [
        Section(
            "funnel",
            _("Funnel by stage"),
            _(
                "For each stage of the track, the hotlines that have reached it (entered it or a later stage), "
                "among those whose lifecycle history starts in the period (all without a period), and those in "
                "it now."
            ),
            table(
                funnel,
                [
                    Col("stage", _("Stage"), "label", stage_labels),
                    Col("reached", _("Reached the stage"), "int"),
                    Col("in_stage_now", _("In the stage now"), "int"),
                ],
            ),
            _json(charts.funnel_chart(funnel, stage_labels=stage_labels)),
        ),
        Section(
            "time_in_stage",
            _("Time in stage against the targets"),
            _definition("median_days_in_stage")
            + " "
            + _(
                "Candidates there now are measured from the day they entered the stage; targets come from the "
                "published hotline-creation timeline."
            ),
            table(
                times,
                [
                    Col("stage", _("Stage"), "label", stage_labels),
                    Col("target_days", _("Target (days)"), "int"),
                    Col("completed_stays", _("Completed stays"), "int"),
                    Col("median_days_completed", _("Median days, completed stays"), "float"),
                    Col("in_stage_now", _("Candidates there now"), "int"),
                    Col("median_days_now", _("Median days so far"), "float"),
                    Col("over_target_now", _("Over target now"), "int"),
                ],
            ),
            _json(charts.time_in_stage_chart(times, stage_labels=stage_labels)),
        ),
        Section(
            "stalled",
            _("Stalled candidates"),
            _definition("stalled_candidates"),
            table(
                stalled,
                [
                    Col("brand_name", _("Candidate")),
                    Col("country", _("Country")),
                    Col("stage", _("Stage"), "label", stage_labels),
                    Col("days_in_stage", _("Days in stage"), "int"),
                    Col("target_days", _("Target (days)"), "int"),
                    Col("days_over", _("Days over target"), "int"),
                ],
            ),
            _json(charts.stalled_chart(stalled)) if len(stalled) else None,
            empty=_("No candidate is over its stage's target."),
        ),
    ]


# -- Roundtables and stakeholder coverage ---------------------------------------------------------------
def roundtable_sections(f: Mapping[str, pd.DataFrame], c: Context) -> list[Section]:
    sector_labels = metrics.sector_labels()
    sectors = list(sector_labels)
    per_year = agg.roundtables_by_year(f["roundtables"], period=c.period, scope=c.scope, today=c.today)
    mix = agg.roundtable_sector_coverage(
        f["roundtable_participants"], period=c.period, scope=c.scope, today=c.today, sectors=sectors
    )
    matrix = agg.coverage_matrix(
        f["roundtables"],
        f["roundtable_participants"],
        f["agreement_parties"],
        f["hotlines"],
        metrics.history(f, c),
        period=c.period,
        scope=c.scope,
        today=c.today,
        sectors=sectors,
    )
    level_labels = [_("None yet"), _("Invited"), _("Attended"), _("Committed"), _("Agreement signed")]
    levels = {str(index): label for index, label in enumerate(level_labels)}
    mous = agg.mous_by_country(f["agreements"], period=c.period, scope=c.scope, today=c.today)
    return [
        Section(
            "roundtables_per_year",
            _("Roundtables per year"),
            _definition("roundtables_held") + " " + _("Planned roundtables (not cancelled) are shown beside them."),
            table(
                per_year, [Col("year", _("Year")), Col("held", _("Held"), "int"), Col("planned", _("Planned"), "int")]
            ),
            _json(charts.roundtables_chart(per_year)),
            empty=_("No roundtable in the period."),
        ),
        Section(
            "sector_mix",
            _("Sector mix of roundtables"),
            _definition("roundtable_sector_coverage"),
            table(
                _breakdown_frame(mix),
                [Col("key", _("Sector"), "label", sector_labels), Col("value", _("Roundtables attended"), "int")],
            ),
            _json(
                charts.breakdown_chart(
                    mix,
                    labels=sector_labels,
                    title=_("Roundtables attended by each sector"),
                    x_title=_("Roundtables held"),
                    y_title=_("Sector"),
                    horizontal=True,
                )
            ),
        ),
        Section(
            "coverage",
            _("Stakeholder coverage: country by sector"),
            _(
                "For each country with a roundtable (not cancelled), an agreement in force or a candidate in the "
                "lifecycle on the day (today, or the period's last day), the furthest status any organisation of "
                "each sector had reached: invited, attended, committed to cooperate, or party to an agreement in "
                "force. Roundtables count from their date on, planned ones too when the day is today; the "
                "onboarding coverage screen shows the same cells with the organisations counted."
            ),
            table(
                matrix,
                [
                    Col("country_name", _("Country")),
                    *(Col(sector, sector_labels[sector], "label", levels) for sector in sectors),
                ],
            )
            if len(matrix)
            else table(matrix, [Col("country_name", _("Country"))]),
            _json(
                charts.coverage_heatmap(matrix, sectors=sectors, sector_labels=sector_labels, level_labels=level_labels)
            )
            if len(matrix)
            else None,
            empty=_("No roundtables, agreements or candidates in the scope."),
        ),
        Section(
            "mous",
            _("Law-enforcement MoUs"),
            _definition("mous_signed", "mous_pending", "mous_expiring"),
            table(
                mous,
                [
                    Col("country", _("Country")),
                    Col("signed_in_period", _("Signed in the period"), "int"),
                    Col("in_force", _("In force"), "int"),
                    Col("pending", _("Pending"), "int"),
                    Col("expiring", _("Expiring within 90 days"), "int"),
                ],
            ),
            _json(charts.mous_chart(mous)) if len(mous) else None,
            empty=_("No law-enforcement MoU in the scope."),
        ),
    ]


# -- Capacity and training ---------------------------------------------------------------------------
def _expiring_section(f: Mapping[str, pd.DataFrame], c: Context) -> Section:
    expiring = metrics.expiring_certificates_table(f, c)
    return Section(
        "certificates_expiring",
        _("Certificates expiring within 90 days"),
        _definition("certificates_expiring"),
        table(
            expiring,
            [
                Col("expires_on", _("Expires on")),
                Col("analyst_code", _("Analyst (code)")),
                Col("brand_name", _("Hotline")),
                Col("course", _("Course")),
            ],
        ),
        empty=_("No certificate expires within 90 days."),
    )


def capacity_sections(f: Mapping[str, pd.DataFrame], c: Context) -> list[Section]:
    region_labels = _region_labels()
    kind_labels, type_labels = metrics.course_kind_labels(), metrics.participant_type_labels()
    per_hotline = metrics.analysts_per_hotline_table(f, c)
    distribution = agg.analysts_per_hotline_distribution(per_hotline)
    trained = agg.analysts_trained_by_kind(
        f["training_places"], period=c.period, scope=c.scope, today=c.today, kinds=list(kind_labels)
    )
    people = agg.people_trained_by_type(
        f["training_places"], period=c.period, scope=c.scope, today=c.today, types=list(type_labels)
    )
    timeline = agg.certificate_expiry_timeline(f["training_places"], scope=c.scope, today=c.today)
    single = metrics.single_analyst_table(f, c)
    return [
        Section(
            "analysts_per_hotline",
            _("Analysts per member hotline"),
            _definition("analysts") + " " + _("Member hotlines counted by how many analysts work there."),
            table(distribution, [Col("analysts", _("Analysts")), Col("hotlines", _("Member hotlines"), "int")]),
            _json(charts.analysts_distribution_chart(distribution)),
        ),
        Section(
            "trained_by_kind",
            _("Analysts trained by course kind"),
            _definition("analysts_trained_by_course_kind"),
            table(
                _breakdown_frame(trained),
                [Col("key", _("Course kind"), "label", kind_labels), Col("value", _("Analysts"), "int")],
            ),
            _json(
                charts.breakdown_chart(
                    trained,
                    labels=kind_labels,
                    title=_("Analysts trained by course kind"),
                    x_title=_("Course kind"),
                    y_title=_("Analysts"),
                )
            ),
        ),
        Section(
            "people_by_type",
            _("People trained by participant type"),
            _definition("people_trained_by_participant_type"),
            table(
                _breakdown_frame(people),
                [Col("key", _("Participant type"), "label", type_labels), Col("value", _("People"), "int")],
            ),
            _json(
                charts.breakdown_chart(
                    people,
                    labels=type_labels,
                    title=_("People trained by participant type"),
                    x_title=_("Participant type"),
                    y_title=_("People"),
                )
            ),
        ),
        Section(
            "expiry_timeline",
            _("Certification expiry timeline"),
            _(
                "Training certificates of analysts still working, by the month they expire, over the next 12 "
                "months (the period filter does not apply: this looks ahead from today)."
            ),
            table(timeline, [Col("month", _("Month")), Col("certificates", _("Certificates expiring"), "int")]),
            _json(charts.certificate_timeline_chart(timeline)),
        ),
        _expiring_section(f, c),
        Section(
            "single_analyst",
            _("Single-analyst alerts"),
            _definition("single_analyst_hotlines"),
            table(
                single,
                [
                    Col("brand_name", _("Hotline")),
                    Col("country", _("Country")),
                    Col("region", _("Programme region"), "label", region_labels),
                    Col("analysts", _("Analysts"), "int"),
                ],
            ),
            empty=_("No member hotline depends on a single analyst."),
        ),
    ]


# -- Quality ----------------------------------------------------------------------------------------
def quality_sections(f: Mapping[str, pd.DataFrame], c: Context) -> list[Section]:
    stage_labels = _stage_labels()
    reviews = agg.qa_reviews_by_year(f["assessments"], period=c.period, scope=c.scope, today=c.today)
    due = metrics.qa_due_table(f, c)
    unreviewed = metrics.qa_unreviewed_table(f, c)
    due_states = {"overdue": _("Overdue"), "due": _("Due within 90 days")}
    scheduled = {"True": _("Yes"), "False": _("No")}
    actions = metrics.open_actions_table(f, c)
    action_states = {
        "open": _("Open"),
        "in_progress": _("In progress"),
        "completed": _("Completed, awaiting verification"),
    }
    by_status = {
        state: int((actions["status"] == state).sum()) for state in agg.ACTION_STATUSES if state != agg.VERIFIED
    }
    results = {"passed": _("Passed"), "passed_with_actions": _("Passed with actions"), "failed": _("Not passed")}
    by_year = agg.certificates_by_year(f["training_places"], period=c.period, scope=c.scope, today=c.today)
    return [
        Section(
            "qa_reviews_due",
            _("Quality-assurance reviews due"),
            _definition("qa_reviews_due"),
            table(
                due,
                [
                    Col("brand_name", _("Hotline")),
                    Col("country", _("Country")),
                    Col("stage", _("Stage"), "label", stage_labels),
                    Col("last_review", _("Last review")),
                    Col("due_on", _("Due on")),
                    Col("state", _("Status"), "label", due_states),
                    Col("scheduled", _("Review planned"), "label", scheduled),
                ],
            ),
            empty=_("No quality-assurance review is due within 90 days."),
        ),
        Section(
            "qa_unreviewed",
            _("Members with no review recorded"),
            _definition("qa_unreviewed_members"),
            table(
                unreviewed,
                [
                    Col("brand_name", _("Hotline")),
                    Col("country", _("Country")),
                    Col("stage", _("Stage"), "label", stage_labels),
                    Col("joined_on", _("Member since")),
                    Col("scheduled", _("Review planned"), "label", scheduled),
                ],
            ),
            empty=_("Every member hotline has a quality-assurance review on record."),
        ),
        Section(
            "qa_reviews_done",
            _("Quality-assurance reviews done"),
            _definition("qa_reviews_done"),
            table(
                reviews,
                [Col("year", _("Year")), *(Col(key, label, "int") for key, label in results.items())],
            ),
            _json(charts.qa_reviews_chart(reviews, result_labels=results)),
            empty=_("No quality-assurance review was completed in the period."),
        ),
        Section(
            "corrective_actions",
            _("Open corrective actions"),
            _definition("open_corrective_actions"),
            table(
                actions.assign(overdue=actions["overdue"].map({True: _("Overdue"), False: ""})),
                [
                    Col("due_on", _("Due on")),
                    Col("brand_name", _("Hotline")),
                    Col("assessment", _("Assessment")),
                    Col("title", _("Action")),
                    Col("status", _("Status"), "label", action_states),
                    Col("overdue", _("Overdue")),
                ],
            ),
            _json(
                charts.breakdown_chart(
                    by_status,
                    labels=action_states,
                    title=_("Open corrective actions by status"),
                    x_title=_("Status"),
                    y_title=_("Corrective actions"),
                )
            )
            if len(actions)
            else None,
            empty=_("No corrective action is open."),
        ),
        Section(
            "certificates_by_year",
            _("Certificates issued and expiring"),
            _definition("certificates_issued")
            + " "
            + _("Expiring: certificates whose validity ends in that year, whether or not they were renewed."),
            table(
                by_year,
                [Col("year", _("Year")), Col("issued", _("Issued"), "int"), Col("expiring", _("Expiring"), "int")],
            ),
            _json(charts.certificates_by_year_chart(by_year)),
            empty=_("No certificate in the period."),
        ),
        _expiring_section(f, c),
    ]


# -- Operations -------------------------------------------------------------------------------------
def operations_sections(f: Mapping[str, pd.DataFrame], c: Context) -> list[Section]:
    region_labels = _region_labels()
    by_year = agg.statistics_by_year(f["statistics"], period=c.period, scope=c.scope, today=c.today)
    by_region = agg.statistics_by_region(
        f["statistics"], period=c.period, scope=c.scope, today=c.today, regions=_programme_regions()
    )
    common = [
        Col("returns", _("Returns"), "int"),
        Col("reports_received", _("Reports received"), "int"),
        Col("content_urls_processed", _("Content URLs processed"), "int"),
        Col("share_removed_within_3_days", _("% removed within 3 days"), "float"),
    ]
    definition = _definition("reports_received", "content_urls_processed", "share_removed_within_3_days")
    return [
        Section(
            "statistics_by_year",
            _("Statistics trends"),
            definition + " " + _("Years are those in which the returns' reporting periods ended."),
            table(by_year, [Col("year", _("Year")), *common]),
            _json(charts.statistics_trend_chart(by_year)),
            empty=_("No statistics returns in the period."),
        ),
        Section(
            "statistics_by_region",
            _("Statistics by region"),
            definition + " " + _("Regions are the programme regions of the hotlines' home countries."),
            table(by_region, [Col("region", _("Programme region"), "label", region_labels), *common]),
            _json(charts.statistics_region_chart(by_region, region_labels=region_labels)),
        ),
    ]


# -- Grant progress ------------------------------------------------------------------------------------
def _number(value: Any) -> int | float | None:
    """A baseline, target or value as shown: whole numbers without ".0", others to two decimals."""
    if value is None or pd.isna(value):
        return None
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


def grant_indicator_rows(f: Mapping[str, pd.DataFrame], c: Context) -> tuple[pd.DataFrame, dict[str, date]]:
    """Each indicator's progress (`aggregations.indicator_progress`), its metric's label and definition
    or its manual justification, for the grants in the filter (every grant visible without one), and
    the day each grant's indicators stand at: the period's last day (the dashboard's period, or the
    grant's span up to today), never after the grant ends. An indicator linked to a metric is measured
    by `metrics.indicator_value` on its own scope (the grant's coverage or the whole network, within the
    regions chosen), as its baseline was, on frames loaded once each (however many grants and indicators)."""
    indicators = f["grant_indicators"]
    if c.scope is not None and c.scope.grant is not None:
        indicators = indicators[indicators["grant_code"] == c.scope.grant.code]
    coverages = agg.grant_coverages(indicators)
    within = None if c.scope is None else Scope(c.scope.regions, c.scope.countries, c.scope.world_regions)
    achieved: dict[int, float | None] = {}
    elapsed: dict[str, float] = {}
    days: dict[str, date] = {}
    sources: dict[int, tuple[str, str]] = {}
    for grant_code, rows in indicators.groupby("grant_code", sort=False):
        starts_on, ends_on = rows["grant_starts_on"].iloc[0].date(), rows["grant_ends_on"].iloc[0].date()
        period = c.period or agg.grant_period(starts_on, ends_on, c.today)
        day = min(period.end, ends_on)
        days[str(grant_code)] = day
        elapsed[str(grant_code)] = agg.elapsed_share(starts_on, ends_on, min(day, c.today))
        for row in rows.itertuples(index=False):
            indicator_id = int(row.indicator_id)
            if not row.metric_key:
                sources[indicator_id] = (_("Manual value"), row.justification)
                continue
            try:
                metric = metrics.get(row.metric_key)
            except KeyError:
                achieved[indicator_id] = None
                sources[indicator_id] = (row.metric_key, _("This metric is no longer available."))
                continue
            scope = indicator_scope(row.scope, coverages[str(grant_code)], within)
            achieved[indicator_id] = metrics.indicator_value(metric, f, c, scope=scope, since=starts_on, day=day)
            sources[indicator_id] = (str(metric.label), str(metric.definition))
    progress = agg.indicator_progress(indicators, achieved=achieved, elapsed=elapsed)
    progress["source"] = [sources[int(i)][0] for i in progress["indicator_id"]]
    progress["definition"] = [sources[int(i)][1] for i in progress["indicator_id"]]
    progress["baseline_note"] = indicators["baseline_justification"].to_numpy()
    return progress, days


def _indicator_table(progress: pd.DataFrame) -> pd.DataFrame:
    status_text = {key: str(label) for key, label in INDICATOR_STATUS_TEXT.items()}
    scope_text = {key: str(label) for key, label in INDICATOR_SCOPE_TEXT.items()}
    numbers = {
        _("Baseline"): "baseline",
        _("Target"): "target",
        _("Achieved"): "achieved",
        _("Progress from baseline to target (%)"): "progress",
    }
    definitions = [
        f"{definition} {_('Baseline: %(why)s') % {'why': note}}" if note else str(definition)
        for definition, note in zip(progress["definition"], progress["baseline_note"], strict=True)
    ]
    columns = {
        _("Code"): progress["code"].astype(str).tolist(),
        _("Indicator"): progress["title"].astype(str).tolist(),
        _("Scope"): [scope_text.get(key, key) for key in progress["scope"]],
        _("Unit"): progress["unit"].astype(str).tolist(),
        **{label: pd.Series([_number(v) for v in progress[key]], dtype=object) for label, key in numbers.items()},
        _("Status"): [status_text.get(status, status) for status in progress["status"]],
        _("Measured by"): progress["source"].astype(str).tolist(),
        _("Definition or justification"): definitions,
    }
    return pd.DataFrame({label: pd.Series(values, dtype=object) for label, values in columns.items()})


def _grant_definition(day: date | None) -> str:
    text = str(metrics.INDICATOR_METHOD)
    if day is None:
        return text
    return text + " " + _("Indicators as they stood on %(day)s.") % {"day": day.isoformat()}


def grant_sections(f: Mapping[str, pd.DataFrame], c: Context) -> list[Section]:
    """One section per grant (its indicators' table and chart), or one empty section when no grant in
    the filter has indicators."""
    progress, days = grant_indicator_rows(f, c)
    if progress.empty:
        filtered = c.scope is not None and c.scope.grant is not None
        return [
            Section(
                "indicators",
                _("Grant indicators"),
                _grant_definition(None),
                _indicator_table(progress),
                empty=_("This grant has no indicators yet.") if filtered else _("No grant has indicators yet."),
            )
        ]
    status_labels = {key: str(label) for key, label in INDICATOR_STATUS_TEXT.items()}
    titles = dict(zip(f["grant_indicators"]["grant_code"], f["grant_indicators"]["grant_title"], strict=False))
    sections = []
    for grant_code, rows in progress.groupby("grant_code", sort=False):
        code = str(grant_code)
        title = _("%(code)s: %(title)s") % {"code": code, "title": titles.get(code, "")}
        sections.append(
            Section(
                f"indicators-{code}",
                title,
                _grant_definition(days[code]),
                _indicator_table(rows),
                _json(
                    charts.indicator_progress_chart(
                        rows,
                        status_labels=status_labels,
                        title=_("%(code)s: achieved against target") % {"code": code},
                    )
                ),
            )
        )
    return sections


DASHBOARDS: tuple[Dashboard, ...] = (
    Dashboard(
        "network",
        gettext_lazy("Network overview"),
        gettext_lazy(
            "The network at a glance: hotlines by stage and region, countries covered, new members, coverage gaps."
        ),
        "globe",
        ("hotlines", "hotline_countries", "country_assessments"),
        ("member_hotlines", "full_members", "countries_covered", "new_members", "active_candidates", "coverage_gaps"),
        network_sections,
    ),
    Dashboard(
        "pipeline",
        gettext_lazy("Pipeline"),
        gettext_lazy(
            "Candidates through the lifecycle: the funnel, time in each stage against its target, stalled candidates."
        ),
        "table",
        ("hotlines", "stage_changes"),
        ("active_candidates", "stalled_candidates", "conversion_exploring_to_member"),
        pipeline_sections,
    ),
    Dashboard(
        "roundtables",
        gettext_lazy("Roundtables and stakeholder coverage"),
        gettext_lazy(
            "Roundtables held, which sectors came, which countries still lack a sector, law-enforcement MoUs."
        ),
        "group",
        ("roundtables", "roundtable_participants", "agreement_parties", "agreements", "hotlines"),
        ("roundtables_held", "mous_signed", "mous_pending", "mous_expiring"),
        roundtable_sections,
    ),
    Dashboard(
        "capacity",
        gettext_lazy("Capacity and training"),
        gettext_lazy("Analysts per hotline, training, certification expiry and hotlines that depend on one analyst."),
        "user",
        ("hotlines", "analysts", "training_places"),
        ("analysts", "certified_analysts", "certificates_expiring", "single_analyst_hotlines", "training_events_held"),
        capacity_sections,
    ),
    Dashboard(
        "quality",
        gettext_lazy("Quality"),
        gettext_lazy(
            "Quality-assurance reviews due and done, open corrective actions, certificates issued and expiring."
        ),
        "tick-inverse",
        ("hotlines", "assessment_actions", "training_places"),
        (
            "qa_reviews_due",
            "qa_unreviewed_members",
            "qa_reviews_done",
            "open_corrective_actions",
            "certificates_issued",
            "certificates_expiring",
        ),
        quality_sections,
    ),
    Dashboard(
        "operations",
        gettext_lazy("Operations"),
        gettext_lazy("The hotlines' aggregate statistics: trends per year and per region."),
        "history",
        ("statistics",),
        ("reports_received", "content_urls_processed", "share_removed_within_3_days"),
        operations_sections,
    ),
    Dashboard(
        "grants",
        gettext_lazy("Grant progress"),
        gettext_lazy("Each grant's indicators against their baselines and targets."),
        "doc-full",
        ("grant_indicators",),
        (),
        grant_sections,
    ),
)

BY_SLUG: dict[str, Dashboard] = {dashboard.slug: dashboard for dashboard in DASHBOARDS}


def get(slug: str) -> Dashboard:
    return BY_SLUG[slug]


def headlines(keys: Sequence[str], frames: Mapping[str, pd.DataFrame], context: Context) -> list[Headline]:
    result = []
    for key in keys:
        metric = metrics.get(key)
        value = metrics.evaluate(metric, frames, context)
        result.append(
            Headline(
                key, str(metric.label), metrics.display_value(metric, value), str(metric.unit), str(metric.definition)
            )
        )
    return result


def build(dashboard: Dashboard, frames: Mapping[str, pd.DataFrame], context: Context) -> DashboardData:
    """Everything one dashboard shows, from its frames."""
    return DashboardData(
        headlines=headlines(dashboard.headlines, frames, context),
        sections=dashboard.sections(frames, context),
        notices=dashboard.notices(),
    )
