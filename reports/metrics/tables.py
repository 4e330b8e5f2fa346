"""Tables behind counts: a count shown as a figure and the table listing what it counts come from one
computation, so they always agree (and a dashboard computes it once). Also the quality-assurance
review cycle the quality figures and tables share."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
from django.conf import settings

from reports import aggregations as agg
from reports import counted
from reports.metrics.registry import Context, empty_frame

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


def stage_targets() -> dict[str, int]:
    from onboarding.workflow import STAGE_TARGET_DAYS

    return {str(stage): days for stage, days in STAGE_TARGET_DAYS.items()}


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


def expiring_certificates_counted(c: Context) -> pd.DataFrame:
    """`expiring_certificates_table` counted in the database (`reports.counted`), for the dashboards."""
    return c.once(
        "certificates_expiring_counted",
        lambda: counted.certificates_expiring(c.user, period=c.period, scope=c.scope, today=c.today),
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
            f["hotlines"],
            history(f, c),
            f["assessments"],
            period=c.period,
            scope=c.scope,
            today=c.today,
            first_review_months=qa_first_review_months(),
        ),
    )


def qa_certified_table(f: FrameMap, c: Context) -> pd.DataFrame:
    return c.once(
        "qa_certified",
        lambda: agg.members_with_valid_qa_certificate(
            f["hotlines"], history(f, c), f["qa_certificates"], period=c.period, scope=c.scope, today=c.today
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
