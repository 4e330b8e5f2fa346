"""The facts every lifecycle gate looks at (`onboarding.gates.GateFacts`), read from the registry and
from every onboarding sub-domain's records.

`gate_facts_for` builds them for many hotlines in a constant number of queries (the board shows unmet
gates for every card), checklist, reviewer, assessment and decision facts included (`_dossier_facts`):
with no checklist, assessment or decision recorded they stay "not recorded yet", so those gates list
them as missing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from django.db.models import Count
from django.utils import timezone

from network.models import (
    Hotline,
    TrainingCourse,
    TrainingParticipation,
    analyst_working_on,
)
from onboarding import checklist_rules as rules
from onboarding import gates
from onboarding.models import (
    Agreement,
    Assessment,
    CandidateProfile,
    Checklist,
    ChecklistItem,
    ConsolidatedRecommendation,
    CorrectiveAction,
    CountryAssessment,
    Decision,
    Interaction,
    MouAlternative,
    ReviewerAssignment,
    Roundtable,
    RoundtableParticipant,
)


# -- Gate facts -------------------------------------------------------------------------------
def gate_facts(*, hotline: Hotline, today: date | None = None) -> gates.GateFacts:
    return gate_facts_for(hotlines=[hotline], today=today)[hotline.pk]


def gate_facts_for(*, hotlines: Sequence[Hotline], today: date | None = None) -> dict[int, gates.GateFacts]:
    """Facts for each hotline, in a fixed number of queries whatever their number."""
    today = today or timezone.localdate()
    ids = [h.pk for h in hotlines]
    if not ids:
        return {}
    values: dict[int, dict[str, Any]] = {pk: {} for pk in ids}

    for pk, confirmed in CandidateProfile.objects.filter(hotline_id__in=ids).values_list(
        "hotline_id", "host_confirmed_on"
    ):
        values[pk]["host_organisation_confirmed"] = confirmed is not None and confirmed <= today

    for row in Interaction.objects.filter(hotline_id__in=ids).values("hotline_id").annotate(n=Count("id")):
        values[row["hotline_id"]]["interactions_logged"] = row["n"]

    assessed = set(
        CountryAssessment.objects.filter(country_id__in={h.country_id for h in hotlines}).values_list(
            "country_id", flat=True
        )
    )
    for hotline in hotlines:
        values[hotline.pk]["country_assessment_recorded"] = hotline.country_id in assessed

    held: dict[int, dict[int, set[str]]] = defaultdict(dict)
    for pk, roundtable_id in Roundtable.objects.held().filter(hotline_id__in=ids).values_list("hotline_id", "id"):
        held[pk][roundtable_id] = set()
    attended = RoundtableParticipant.objects.filter(
        roundtable__hotline_id__in=ids,
        roundtable__status=Roundtable.Status.HELD,
        status=RoundtableParticipant.Status.ATTENDED,
    ).values_list("roundtable__hotline_id", "roundtable_id", "sector")
    for pk, roundtable_id, sector in attended:
        held[pk].setdefault(roundtable_id, set()).add(sector)
    for pk, by_roundtable in held.items():
        values[pk]["held_roundtable_sectors"] = tuple(frozenset(s) for s in by_roundtable.values())

    kinds: dict[int, set[str]] = defaultdict(set)
    for pk, kind, first_year in (
        Agreement.objects.in_force(today)
        .filter(hotline_id__in=ids)
        .values_list("hotline_id", "kind", "covers_first_operating_year")
    ):
        kinds[pk].add(kind)
        if kind == Agreement.Kind.FUNDING and first_year:
            kinds[pk].add("first_year_funding")
    for pk, found in kinds.items():
        values[pk].update(
            le_mou_signed=Agreement.Kind.LE_MOU in found,
            letter_of_support_signed=Agreement.Kind.LETTER_OF_SUPPORT in found,
            code_of_practice_declared=Agreement.Kind.CODE_OF_PRACTICE in found,
            first_year_funding_secured="first_year_funding" in found,
        )

    for pk in MouAlternative.objects.approved().filter(hotline_id__in=ids).values_list("hotline_id", flat=True):
        values[pk]["le_mou_alternative_approved"] = True

    trained: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    completed = TrainingParticipation.objects.filter(
        analyst__hotline_id__in=ids,
        status=TrainingParticipation.Status.COMPLETED,
        event__course__kind__in=[TrainingCourse.Kind.CORE, TrainingCourse.Kind.CONTENT_ASSESSMENT],
        event__ends_on__lte=today,
    ).filter(analyst_working_on(today, prefix="analyst__"))
    for pk, analyst_id, kind in completed.values_list("analyst__hotline_id", "analyst_id", "event__course__kind"):
        trained[pk][analyst_id].add(kind)
    for pk, analysts in trained.items():
        values[pk]["analysts_with_core_training"] = sum(TrainingCourse.Kind.CORE in k for k in analysts.values())
        values[pk]["analysts_with_core_and_content_training"] = sum(
            {TrainingCourse.Kind.CORE, TrainingCourse.Kind.CONTENT_ASSESSMENT} <= k for k in analysts.values()
        )

    for pk, extra in _dossier_facts(ids, today).items():
        values[pk].update(extra)

    return {pk: replace(gates.GateFacts(), **found) for pk, found in values.items()}


def _item_title(code: str, title: str) -> str:
    return f"{code} {title}"


def _dossier_facts(ids: Sequence[int], today: date) -> dict[int, dict[str, Any]]:
    """Checklist, reviewer, assessment, consolidation and decision facts for `ids`, in seven queries."""
    facts: dict[int, dict[str, Any]] = defaultdict(dict)

    # Checklist: what is done, per gated stage and for the named items.
    for pk in Checklist.objects.filter(hotline_id__in=ids).values_list("hotline_id", flat=True):
        facts[pk].update(application_items_open=[], stage_items_open={s: [] for s in rules.GATED_STAGES})
    rows = (
        ChecklistItem.objects.active()
        .filter(checklist__hotline_id__in=ids)
        .order_by("template_item__sort_order", "code")
        .values_list(
            "checklist__hotline_id",
            "code",
            "state",
            "waiver_reason",
            "waiver_approved_by_id",
            "template_item__title",
            "template_item__gates_stage",
            "template_item__gate_fact",
        )
    )
    for pk, code, state, reason, approver, title, stage, gate_fact in rows:
        done = rules.is_done(state, waiver_approved=bool(reason.strip()) and approver is not None)
        if gate_fact == rules.GATE_FACT_HOST_DUE_DILIGENCE:
            facts[pk]["host_due_diligence_accepted"] = done
        elif gate_fact == rules.GATE_FACT_LEGAL_REVIEW:
            facts[pk]["legal_review_accepted"] = done
        if done:
            continue
        if stage in rules.UP_TO_APPLICATION:
            facts[pk]["application_items_open"].append(_item_title(code, title))
        if not gate_fact:
            facts[pk]["stage_items_open"][stage].append(_item_title(code, title))
    for found in facts.values():
        if "application_items_open" in found:
            found["application_items_open"] = tuple(found["application_items_open"])
            found["stage_items_open"] = tuple((s, tuple(t)) for s, t in found["stage_items_open"].items())

    # Reviewers of the dossier and their conflict-of-interest declarations.
    declared_reviewers: dict[int, int] = defaultdict(int)
    for pk, declared, conflicted in ReviewerAssignment.objects.filter(hotline_id__in=ids).values_list(
        "hotline_id", "coi_declared_at", "has_conflict"
    ):
        declared_reviewers[pk] += declared is not None and not conflicted
        found = facts[pk]
        found["reviewers_assigned"] = found.get("reviewers_assigned", 0) + 1
        found["reviewers_without_coi_declaration"] = found.get("reviewers_without_coi_declaration", 0) + (
            declared is None
        )
        found["reviewers_conflicted"] = found.get("reviewers_conflicted", 0) + bool(conflicted)

    # The latest application assessment (pre-membership or follow-up) and the latest QA review.
    latest_application: dict[int, dict[str, Any]] = {}
    latest_qa: dict[int, dict[str, Any]] = {}
    assessments = (
        Assessment.objects.filter(hotline_id__in=ids)
        .exclude(status=Assessment.Status.CANCELLED)
        .order_by("starts_on", "id")
        .values("id", "hotline_id", "kind", "status", "recommendation")
    )
    for row in assessments:
        if row["kind"] == Assessment.Kind.QA_REVIEW:
            if row["status"] == Assessment.Status.COMPLETED:
                latest_qa[row["hotline_id"]] = row
        else:
            latest_application[row["hotline_id"]] = row
    for pk, row in latest_application.items():
        facts[pk]["assessment_recommendation_recorded"] = row["status"] == Assessment.Status.COMPLETED and bool(
            row["recommendation"]
        )
    by_assessment = {row["id"]: pk for pk, row in latest_application.items()}
    # The lead consolidates, then the Board decides: the same subjects as
    # `ConsolidatedRecommendation.objects.before_decision_on` (the assessment's own or the dossier's).
    consolidated = set(
        ConsolidatedRecommendation.objects.filter(hotline_id__in=list(latest_application)).values_list(
            "hotline_id", "assessment_id"
        )
    )
    for pk, row in latest_application.items():
        if declared_reviewers[pk] and not consolidated & {(pk, row["id"]), (pk, None)}:
            facts[pk]["consolidation_missing"] = True
    for assessment_id, outcome, adoption_required, adopted_on in Decision.objects.filter(
        assessment_id__in=by_assessment
    ).values_list("assessment_id", "outcome", "adoption_required", "adopted_on"):
        if adoption_required and adopted_on is None:
            # The Board's decision takes effect once the General Assembly adopts it.
            facts[by_assessment[assessment_id]]["decision_awaiting_adoption"] = True
            continue
        facts[by_assessment[assessment_id]]["decision_outcome"] = (
            gates.DECISION_ADMIT if outcome == Decision.Outcome.ADMIT else gates.DECISION_REJECT
        )
    open_actions = dict(
        CorrectiveAction.objects.open()
        .filter(assessment_id__in=[row["id"] for row in latest_qa.values()])
        .values("assessment_id")
        .annotate(n=Count("id"))
        .values_list("assessment_id", "n")
    )
    for pk, row in latest_qa.items():
        recommendation = row["recommendation"]
        facts[pk]["qa_review_passed"] = recommendation == Assessment.Recommendation.PASSED or (
            recommendation == Assessment.Recommendation.PASSED_WITH_ACTIONS and not open_actions.get(row["id"])
        )
    return facts
