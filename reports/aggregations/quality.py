"""Quality: assessments and corrective actions, quality-assurance reviews done and due, members never
reviewed, open corrective actions."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from reports.aggregations.common import (
    EXPIRY_WINDOW_DAYS,
    FULL_MEMBER,
    MEMBER_STAGES,
    _end_of,
    _stamp,
    add_months,
    dated_within,
    in_scope,
    reference_day,
)
from reports.aggregations.membership import stages_on
from reports.scope import Period, Scope

# -- Quality: assessments and corrective actions -----------------------------------------------------
QA_REVIEW = "qa_review"
ASSESSMENT_COMPLETED = "completed"
ASSESSMENT_OPEN_STATUSES: tuple[str, ...] = ("planned", "in_progress")
QA_RESULTS: tuple[str, ...] = ("passed", "passed_with_actions", "failed")
VERIFIED = "verified"
ACTION_STATUSES: tuple[str, ...] = ("open", "in_progress", "completed", "verified")
ACTION_WORKING_STATUSES: tuple[str, ...] = ("open", "in_progress")
ASSESSMENT_FIELDS: tuple[str, ...] = (
    "assessment_id",
    "reference",
    "hotline_id",
    "brand_name",
    "kind",
    "status",
    "recommendation",
    "starts_on",
    "ends_on",
    "report_completed_at",
    "country",
    "country_name",
    "programme_region",
    "world_region",
)


def assessments_of(assessment_actions: pd.DataFrame) -> pd.DataFrame:
    """One row per assessment, from the assessment x corrective action frame."""
    return assessment_actions[list(ASSESSMENT_FIELDS)].drop_duplicates("assessment_id").reset_index(drop=True)


def corrective_actions_of(assessment_actions: pd.DataFrame) -> pd.DataFrame:
    """One row per corrective action, with its assessment and hotline."""
    actions = assessment_actions[assessment_actions["action_id"].notna()]
    return actions.rename(
        columns={
            "action_id": "id",
            "action_title": "title",
            "action_status": "action_status",
            "action_due_on": "due_on",
            "action_created_at": "created_at",
            "action_verified_at": "verified_at",
            "kind": "assessment_kind",
            "reference": "assessment_reference",
        }
    )[
        [
            "id",
            "title",
            "action_status",
            "due_on",
            "created_at",
            "verified_at",
            "assessment_id",
            "assessment_reference",
            "assessment_kind",
            "hotline_id",
            "brand_name",
            "country",
            "country_name",
            "programme_region",
            "world_region",
        ]
    ].reset_index(drop=True)


def _completed_on(assessments: pd.DataFrame) -> pd.Series:
    """The day an assessment's report was completed (else its last day)."""
    return assessments["report_completed_at"].dt.normalize().fillna(assessments["ends_on"])


def qa_reviews_done(
    assessments: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    """Quality-assurance reviews whose report was completed in the period (all up to today without one)."""
    reviews = assessments[
        (assessments["kind"] == QA_REVIEW)
        & (assessments["status"] == ASSESSMENT_COMPLETED)
        & in_scope(assessments, scope)
    ]
    return reviews[dated_within(_completed_on(reviews), period, today)]


def qa_reviews_done_count(assessments: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date) -> int:
    return len(qa_reviews_done(assessments, period=period, scope=scope, today=today))


def qa_reviews_by_year(
    assessments: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    """Completed quality-assurance reviews per year of completion, by result."""
    reviews = qa_reviews_done(assessments, period=period, scope=scope, today=today)
    years = _completed_on(reviews).dt.year
    rows = []
    for year in sorted(set(years.dropna().astype(int))):
        chosen = reviews[(years == year).to_numpy()]
        rows.append(
            {"year": year, **{result: int((chosen["recommendation"] == result).sum()) for result in QA_RESULTS}}
        )
    return pd.DataFrame(rows, columns=["year", *QA_RESULTS])


QA_DUE_COLUMNS = ("hotline_id", "brand_name", "country", "stage", "last_review", "due_on", "state", "scheduled")
QA_UNREVIEWED_COLUMNS = ("hotline_id", "brand_name", "country", "stage", "joined_on", "first_due_on", "scheduled")


def _qa_members(
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    assessments: pd.DataFrame,
    *,
    day: date,
    today: date,
    scope: Scope | None,
) -> pd.DataFrame:
    """Members on `day` in the scope, with their stage that day, their last quality-assurance review
    completed by then (NaT for none) and whether a review is planned or under way."""
    stages = stages_on(hotlines, stage_changes, day=day, today=today).to_numpy()
    chosen = hotlines.assign(stage_on_day=stages)[pd.Series(stages, index=hotlines.index).isin(MEMBER_STAGES)]
    chosen = chosen[in_scope(chosen, scope)]
    reviews = assessments[(assessments["kind"] == QA_REVIEW) & (assessments["status"] == ASSESSMENT_COMPLETED)]
    completed = _completed_on(reviews)
    last = reviews.assign(completed_on=completed)[completed < _end_of(day)].groupby("hotline_id")["completed_on"].max()
    planned = set(
        assessments.loc[
            (assessments["kind"] == QA_REVIEW) & assessments["status"].isin(ASSESSMENT_OPEN_STATUSES), "hotline_id"
        ].dropna()
    )
    return chosen.assign(
        last_review=last.astype("datetime64[us]").reindex(chosen["hotline_id"].to_numpy()).to_numpy(),
        scheduled=chosen["hotline_id"].isin(planned).to_numpy(),
    )


def _next_review_due(chosen: pd.DataFrame, *, cycle_months: int, first_review_months: int) -> pd.Series:
    """Each member's next review (`_qa_members` rows): with no review on record, `first_review_months`
    after joining (NaT without a joining date); a full member `cycle_months` after its last review or
    full membership, if later; a provisional member `first_review_months` after its last review."""
    reviewed = chosen["last_review"].notna()
    full = (chosen["stage_on_day"] == FULL_MEMBER) & reviewed
    last_review = chosen["last_review"].astype("datetime64[us]")
    full_since = chosen["full_member_on"].astype("datetime64[us]").where(full)
    base = pd.concat([last_review, full_since], axis=1).max(axis=1).astype("datetime64[us]")
    base = base.where(reviewed, chosen["joined_on"].astype("datetime64[us]"))
    return add_months(base, cycle_months).where(full, add_months(base, first_review_months))


def qa_reviews_due(
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    assessments: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
    cycle_months: int,
    first_review_months: int,
    window_days: int = EXPIRY_WINDOW_DAYS,
) -> pd.DataFrame:
    """Members on the day (today, or the period's last day) whose next quality-assurance review is overdue
    or due within `window_days` days of the day: with no review on record by then, the first one
    `first_review_months` after joining (members without a joining date have no date and are not
    here); then a full member `cycle_months` after its last review (or after becoming a full member,
    if later), a provisional member `first_review_months` after its last review. QuerySet form:
    `onboarding.models.qa_next_review_due` (a parity test runs both)."""
    day = reference_day(period, today)
    chosen = _qa_members(hotlines, stage_changes, assessments, day=day, today=today, scope=scope)
    chosen = chosen[chosen["last_review"].notna() | chosen["joined_on"].notna()]
    last_review = chosen["last_review"].astype("datetime64[us]")
    due_on = _next_review_due(chosen, cycle_months=cycle_months, first_review_months=first_review_months)
    stamp = _stamp(day)
    due = due_on <= _stamp(day + timedelta(days=window_days))
    frame = pd.DataFrame(
        {
            "hotline_id": chosen["hotline_id"].to_numpy(),
            "brand_name": chosen["brand_name"].to_numpy(),
            "country": chosen["country_name"].to_numpy(),
            "stage": chosen["stage_on_day"].to_numpy(),
            "last_review": last_review.dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
            "due_on": due_on.dt.strftime("%Y-%m-%d").to_numpy(),
            "state": ["overdue" if d < stamp else "due" for d in due_on],
            "scheduled": chosen["scheduled"].to_numpy(),
        },
        columns=list(QA_DUE_COLUMNS),
    )
    return frame[due.to_numpy()].sort_values(["due_on", "brand_name"], ignore_index=True)


def qa_unreviewed_members(
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    assessments: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
    first_review_months: int,
) -> pd.DataFrame:
    """Members on the day with no quality-assurance review on record by then, whenever their first review
    falls due (those whose first review is overdue or near are also among `qa_reviews_due`)."""
    day = reference_day(period, today)
    chosen = _qa_members(hotlines, stage_changes, assessments, day=day, today=today, scope=scope)
    chosen = chosen[chosen["last_review"].isna()]
    first_due = _next_review_due(chosen, cycle_months=0, first_review_months=first_review_months)
    return pd.DataFrame(
        {
            "hotline_id": chosen["hotline_id"].to_numpy(),
            "brand_name": chosen["brand_name"].to_numpy(),
            "country": chosen["country_name"].to_numpy(),
            "stage": chosen["stage_on_day"].to_numpy(),
            "joined_on": chosen["joined_on"].dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
            "first_due_on": first_due.dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
            "scheduled": chosen["scheduled"].to_numpy(),
        },
        columns=list(QA_UNREVIEWED_COLUMNS),
    ).sort_values(["brand_name"], ignore_index=True)


QA_CERTIFIED_COLUMNS = ("hotline_id", "brand_name", "country", "stage", "certificate", "valid_from", "valid_until")


def qa_certificates_valid_on(certificates: pd.DataFrame, day: date) -> pd.DataFrame:
    """Certificates valid on `day`: from their first to their last day of validity. QuerySet form:
    `QaCertificate.objects.valid_on` (a parity test runs both)."""
    stamp = _stamp(day)
    return certificates[(certificates["valid_from"] <= stamp) & (certificates["valid_until"] >= stamp)]


def members_with_valid_qa_certificate(
    hotlines: pd.DataFrame,
    stage_changes: pd.DataFrame,
    certificates: pd.DataFrame,
    *,
    period: Period | None,
    scope: Scope | None,
    today: date,
) -> pd.DataFrame:
    """Members on the day (today, or the period's last day) holding a quality-assurance certificate
    valid that day (the latest one when several are)."""
    day = reference_day(period, today)
    stages = stages_on(hotlines, stage_changes, day=day, today=today).to_numpy()
    members = hotlines.assign(stage_on_day=stages)[pd.Series(stages, index=hotlines.index).isin(MEMBER_STAGES)]
    members = members[in_scope(members, scope)]
    valid = (
        qa_certificates_valid_on(certificates, day)
        .sort_values(["valid_from", "certificate_id"])
        .drop_duplicates("hotline_id", keep="last")
    )
    chosen = members.merge(
        valid[["hotline_id", "reference", "valid_from", "valid_until"]], on="hotline_id", how="inner"
    )
    return pd.DataFrame(
        {
            "hotline_id": chosen["hotline_id"].to_numpy(),
            "brand_name": chosen["brand_name"].to_numpy(),
            "country": chosen["country_name"].to_numpy(),
            "stage": chosen["stage_on_day"].to_numpy(),
            "certificate": chosen["reference"].to_numpy(),
            "valid_from": chosen["valid_from"].dt.strftime("%Y-%m-%d").to_numpy(),
            "valid_until": chosen["valid_until"].dt.strftime("%Y-%m-%d").to_numpy(),
        },
        columns=list(QA_CERTIFIED_COLUMNS),
    ).sort_values(["brand_name"], ignore_index=True)


def open_corrective_actions(
    corrective_actions: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> pd.DataFrame:
    """Corrective actions not yet verified on the day (today, or the period's last day: raised by
    then and verified after it, if at all), soonest due first; `overdue` when past due and not done."""
    day = reference_day(period, today)
    cutoff = _end_of(day)
    actions = corrective_actions[in_scope(corrective_actions, scope)]
    if period is None:
        still_open = actions["action_status"] != VERIFIED
    else:
        still_open = (actions["created_at"] < cutoff) & (
            (actions["action_status"] != VERIFIED) | (actions["verified_at"] >= cutoff)
        )
    chosen = actions[still_open]
    overdue = chosen["action_status"].isin(ACTION_WORKING_STATUSES) & (chosen["due_on"] < _stamp(day))
    return pd.DataFrame(
        {
            "brand_name": chosen["brand_name"].to_numpy(),
            "assessment": chosen["assessment_reference"].to_numpy(),
            "title": chosen["title"].to_numpy(),
            "due_on": chosen["due_on"].dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
            "status": chosen["action_status"].to_numpy(),
            "overdue": overdue.to_numpy(),
        },
        columns=["brand_name", "assessment", "title", "due_on", "status", "overdue"],
    ).sort_values(["due_on", "brand_name", "title"], ignore_index=True)


def open_corrective_action_count(
    corrective_actions: pd.DataFrame, *, period: Period | None, scope: Scope | None, today: date
) -> int:
    return len(open_corrective_actions(corrective_actions, period=period, scope=scope, today=today))
