"""Reads of the independent reviews: the areas a review covers, what is missing before a review can be
submitted (one rule for the form and `review_submit`), and the side-by-side comparison with where the
reviewers agree and disagree, per area and overall.

Which reviews a user reads is `Review.objects.visible_to(user)` (a reviewer sees the others' reviews only
after submitting their own); every function here starts from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding.models import (
    Assessment,
    ChecklistTemplateItem,
    ConsolidatedRecommendation,
    Finding,
    Recommendation,
    Review,
    Verdict,
)


def review_areas(*, hotline: Hotline, assessment: Assessment | None) -> list[tuple[int, str]]:
    """The areas a review gives a verdict on: an assessment's finding areas; a dossier's checklist
    template areas. With none recorded yet, the 14 areas."""
    if assessment is not None:
        areas = set(Finding.objects.filter(assessment=assessment).values_list("area", flat=True))
    else:
        areas = set(
            ChecklistTemplateItem.objects.filter(template__checklists__hotline=hotline).values_list("area", flat=True)
        )
    return [(area, rules.area_label(area)) for area, _label in rules.AREAS if not areas or area in areas]


def review_problems(
    *,
    areas: Sequence[tuple[int, str]],
    verdicts: Mapping[int, tuple[str, str]],
    recommendation: str,
    reasons: str,
) -> list[str]:
    """What a review still lacks before it can be submitted (empty: it can be): a verdict on every area,
    a comment on every verdict short of "meets", a recommendation and its reasons."""
    problems = []
    missing = [label for area, label in areas if not verdicts.get(area, ("", ""))[0]]
    if missing:
        problems.append(_("Give a verdict on every area; missing: %(areas)s.") % {"areas": "; ".join(missing)})
    unexplained = [
        label
        for area, label in areas
        if verdicts.get(area, ("", ""))[0] in (Verdict.PARTLY_MEETS, Verdict.DOES_NOT_MEET)
        and not verdicts[area][1].strip()
    ]
    if unexplained:
        problems.append(
            _("Explain each verdict short of “meets” in its comment: %(areas)s.") % {"areas": "; ".join(unexplained)}
        )
    if recommendation not in Recommendation.values:
        problems.append(_("Choose your overall recommendation."))
    if not reasons.strip():
        problems.append(_("Give the reasons for your recommendation."))
    return problems


def verdicts_of(review: Review) -> dict[int, tuple[str, str]]:
    return {v.area: (v.verdict, v.comment) for v in review.verdicts.all()}


@dataclass(frozen=True)
class ComparisonRow:
    """One area (or the overall recommendation) across the reviews shown."""

    label: str
    cells: tuple[tuple[str, str], ...]  # (value label, comment) per review, "" where none given
    agreement: bool | None  # None: fewer than two reviews gave a value


@dataclass(frozen=True)
class ReviewComparison:
    hotline: Hotline
    assessment: Assessment | None
    reviews: tuple[Review, ...]
    rows: tuple[ComparisonRow, ...]
    overall: ComparisonRow
    own: Review | None
    hidden: int  # reviews the user may not read yet (others' drafts, or all of them before their own is in)
    consolidated: ConsolidatedRecommendation | None

    @property
    def agreeing_areas(self) -> int:
        return sum(row.agreement is True for row in self.rows)

    @property
    def disagreeing_areas(self) -> int:
        return sum(row.agreement is False for row in self.rows)


def agreement(values: Sequence[str]) -> bool | None:
    """Whether the given values agree: None with fewer than two given, else all equal."""
    given = [value for value in values if value]
    if len(given) < 2:
        return None
    return len(set(given)) == 1


def review_comparison(*, user: Any, hotline: Hotline, assessment: Assessment | None) -> ReviewComparison:
    """The reviews of a dossier or assessment `user` may read, side by side (submitted first), with the
    agreement per area and on the recommendation. A fixed number of queries."""
    visible = (
        Review.objects.visible_to(user)
        .of_subject(hotline=hotline, assessment=assessment)
        .select_related("reviewer", "assessment")
        .prefetch_related("verdicts")
    )
    reviews = tuple(sorted(visible, key=lambda r: (not r.is_submitted, r.submitted_at or r.created_at, r.pk)))
    total = Review.objects.of_subject(hotline=hotline, assessment=assessment).count()
    shown = [r for r in reviews if r.is_submitted]
    by_review = {r.pk: {v.area: v for v in r.verdicts.all()} for r in shown}
    labels = dict(Verdict.choices)
    rows = []
    for area, label in review_areas(hotline=hotline, assessment=assessment):
        cells = []
        for review in shown:
            verdict = by_review[review.pk].get(area)
            cells.append((str(labels.get(verdict.verdict, "")), verdict.comment) if verdict else ("", ""))
        values = [by_review[r.pk][area].verdict if area in by_review[r.pk] else "" for r in shown]
        rows.append(ComparisonRow(label=label, cells=tuple(cells), agreement=agreement(values)))
    overall = ComparisonRow(
        label=_("Overall recommendation"),
        cells=tuple((r.get_recommendation_display(), r.reasons) for r in shown),
        agreement=agreement([r.recommendation for r in shown]),
    )
    own = next((r for r in reviews if r.reviewer_id == getattr(user, "pk", None)), None)
    consolidated = (
        ConsolidatedRecommendation.objects.visible_to(user)
        .filter(hotline=hotline, assessment=assessment)
        .select_related("recorded_by")
        .first()
    )
    return ReviewComparison(
        hotline=hotline,
        assessment=assessment,
        reviews=tuple(shown),
        rows=tuple(rows),
        overall=overall,
        own=own,
        hidden=total - len(reviews),
        consolidated=consolidated,
    )


def reviews_to_write(*, user: Any) -> list[Review]:
    """The reviewer's own reviews still in draft (for their assignments page)."""
    return list(
        Review.objects.visible_to(user)
        .filter(reviewer=user, status=Review.Status.DRAFT)
        .select_related("hotline", "assessment")
    )
