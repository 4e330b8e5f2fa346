"""The built-in metrics, by group (network, pipeline, roundtables and agreements, capacity and
training, quality, operations): each declares the frames it reads and an aggregation over them.
Importing this module registers them (`reports.metrics` does)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
from django.utils.functional import Promise, lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from reports import aggregations as agg
from reports import counted
from reports.metrics.registry import (
    BREAKDOWN,
    CAPACITY,
    COUNT,
    IN_PERIOD,
    NETWORK,
    ON_DAY,
    OPERATIONS,
    PERCENT,
    PIPELINE,
    QUALITY,
    ROUNDTABLES,
    Aggregate,
    Context,
    ManyAggregate,
    Metric,
    _keys,
    course_kind_labels,
    participant_type_labels,
    region_labels,
    register,
    sector_labels,
    stage_labels,
)
from reports.metrics.tables import (
    countries_covered_table,
    coverage_gaps_table,
    day_of,
    expiring_certificates_counted,
    expiring_certificates_table,
    history,
    member_analysts,
    member_ids,
    open_actions_table,
    qa_certified_table,
    qa_due_table,
    qa_first_review_months,
    qa_review_cycle_months,
    qa_unreviewed_table,
    single_analyst_table,
    stages_on_day,
    stalled_table,
)


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
    counted: Aggregate | None = None,
    counted_many: ManyAggregate | None = None,
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
            counted=counted,
            counted_many=counted_many,
        )
    )


def _pt(c: Context) -> dict[str, Any]:
    return {"period": c.period, "scope": c.scope, "today": c.today}


def _many(cs: Sequence[Context]) -> dict[str, Any]:
    """Many contexts of one computation (one user, one moment) as a counted form's asks."""
    return {"user": cs[0].user, "asks": [(c.period, c.scope) for c in cs], "today": cs[0].today}


def _certified_many(f: Mapping[str, pd.DataFrame], cs: Sequence[Context]) -> list[int]:
    ids = counted.certified_analyst_id_sets(cs[0].user, [(day_of(c), c.scope) for c in cs])
    return [len(agg.analysts_among(member_analysts(f, c), found)) for c, found in zip(cs, ids, strict=True)]


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
    counted=lambda f, c: counted.analysts_trained_by_kind(c.user, **_pt(c), kinds=_keys(course_kind_labels)),
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
    counted=lambda f, c: len(counted.certified_analysts(c.user, member_analysts(f, c), day=day_of(c), scope=c.scope)),
    counted_many=_certified_many,
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
    counted=lambda f, c: len(expiring_certificates_counted(c)),
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
    counted=lambda f, c: counted.certificates_issued_count(c.user, **_pt(c)),
    counted_many=lambda f, cs: counted.certificates_issued_counts(**_many(cs)),
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
    counted=lambda f, c: counted.training_events_held_count(c.user, **_pt(c)),
    counted_many=lambda f, cs: counted.training_events_held_counts(**_many(cs)),
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
    counted=lambda f, c: counted.people_trained_by_type(c.user, **_pt(c), types=_keys(participant_type_labels)),
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
                "Member hotlines on the day (today, or the period's last day) whose next quality-assurance review "
                "is overdue or due within 90 days: with no review on record by then, the first review {first} "
                "months after joining (a member without a joining date has no date); then a full member {cycle} "
                "months after its last review (or after becoming a full member, if later), a provisional member "
                "{first} months after its last review."
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
        format_lazy(
            _(
                "Member hotlines on the day (today, or the period's last day) with no quality-assurance review on "
                "record by then, whenever their first review falls due ({first} months after joining). Those "
                "whose first review is overdue or within 90 days are also counted among the reviews due. Record "
                "their last review if it predates the toolkit, or plan one."
            ),
            first=lazy(lambda: str(qa_first_review_months()), str)(),
        )
    ),
    _("hotlines"),
    group=QUALITY,
    frames=("assessments", *_history),
    aggregate=lambda f, c: len(qa_unreviewed_table(f, c)),
)
_metric(
    "members_with_valid_qa_certificate",
    _("Members with a valid QA certificate"),
    _on_the_day(
        _(
            "Member hotlines on the day (today, or the period's last day) holding a quality-assurance "
            "certificate valid that day: issued when a review passed (with its corrective actions closed, when "
            "it passed with actions), valid from its first to its last day."
        )
    ),
    _("hotlines"),
    group=QUALITY,
    frames=("qa_certificates", *_history),
    aggregate=lambda f, c: len(qa_certified_table(f, c)),
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
