"""Personal panels on the Wagtail admin home page for the lifecycle: the board's summary, my candidates,
checklist items awaiting my review, my review assignments and declarations, my action items due or
overdue. Which role sees which panel is `accounts.roles.HOME_PANELS`. Each reads from `visible_to(user)`, runs a fixed
number of queries, and renders nothing when it has nothing to say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from wagtail import hooks

from network.home_panels import PersonalPanel
from network.models import Hotline
from onboarding import selectors, workflow
from onboarding.models import ActionItem, ChecklistItem, ReviewerAssignment


@dataclass(frozen=True)
class CandidateRow:
    hotline: Hotline
    time: workflow.TimeInStage


def my_candidates(*, user: Any, now: datetime | None = None) -> list[CandidateRow]:
    """Candidates in the lifecycle for which `user` is the lead staff member, longest waiting first."""
    now = now or timezone.now()
    hotlines = (
        Hotline.objects.visible_to(user)
        .candidates()
        .filter(lead_staff_id=user.pk)
        .select_related("country")
        .order_by("stage_entered_at", "brand_name")
    )
    return [
        CandidateRow(hotline, workflow.time_in_stage(hotline.stage, (now - hotline.stage_entered_at).days))
        for hotline in hotlines
    ]


def my_action_items(*, user: Any, today: date | None = None, within_days: int = 7) -> list[ActionItem]:
    """Open action items `user` owns that are overdue or due within `within_days` days."""
    today = today or timezone.localdate()
    return list(
        ActionItem.objects.visible_to(user)
        .open()
        .filter(owner_user_id=user.pk, due_on__lte=today + timedelta(days=within_days))
        .select_related("roundtable__country")
        .order_by("due_on", "id")
    )


@dataclass(frozen=True)
class AwaitingReview:
    total: int
    first: list[ChecklistItem]


def items_awaiting_review(*, user: Any, limit: int = 10) -> AwaitingReview:
    """Checklist items submitted for review in the dossiers open to `user`, oldest first, leaving out
    those `user` submitted (the reviewer must be someone else)."""
    queryset = ChecklistItem.objects.visible_to(user).awaiting_review().exclude(submitted_by_id=user.pk)
    first = list(queryset.select_related("template_item", "checklist__hotline").order_by("submitted_at", "pk")[:limit])
    total = len(first) if len(first) < limit else queryset.count()
    return AwaitingReview(total=total, first=first)


class MyCandidatesPanel(PersonalPanel):
    name = "my_candidates"
    template_name = "onboarding/panels/my_candidates.html"
    order = 40

    def items(self, request: Any) -> dict[str, Any] | None:
        if not request.user.has_perm("onboarding.view_stagechange"):
            return None
        rows = my_candidates(user=request.user)
        return {"rows": rows} if rows else None


class AwaitingReviewPanel(PersonalPanel):
    name = "items_awaiting_review"
    template_name = "onboarding/panels/awaiting_review.html"
    order = 41

    def items(self, request: Any) -> dict[str, Any] | None:
        if not request.user.has_perm("onboarding.view_checklistitem"):
            return None
        awaiting = items_awaiting_review(user=request.user)
        return {"awaiting": awaiting} if awaiting.total else None


class MyActionItemsPanel(PersonalPanel):
    name = "my_action_items"
    template_name = "onboarding/panels/my_action_items.html"
    order = 42

    def items(self, request: Any) -> dict[str, Any] | None:
        today = timezone.localdate()
        items = my_action_items(user=request.user, today=today)
        return {"items": items, "today": today} if items else None


@dataclass(frozen=True)
class BoardSummaryRow:
    stage: str
    label: str
    candidates: int
    over_target: int
    ready: int


def board_summary(*, user: Any) -> list[BoardSummaryRow]:
    """Per active stage: candidates, how many are over the stage's target, how many are ready to move on
    (the board's own cards, so the figures agree with the board)."""
    return [
        BoardSummaryRow(
            stage=column.stage,
            label=column.label,
            candidates=len(column.cards),
            over_target=sum(1 for card in column.cards if card.time.over_target),
            ready=sum(1 for card in column.cards if card.next_label and not card.unmet),
        )
        for column in selectors.pipeline_board(user=user)
        if column.cards
    ]


class BoardSummaryPanel(PersonalPanel):
    name = "board_summary"
    template_name = "onboarding/panels/board_summary.html"
    order = 38

    def items(self, request: Any) -> dict[str, Any] | None:
        if not request.user.has_perm("onboarding.view_stagechange"):
            return None
        rows = board_summary(user=request.user)
        return {"rows": rows, "total": sum(row.candidates for row in rows)} if rows else None


def my_review_assignments(*, user: Any) -> list[ReviewerAssignment]:
    """The dossiers `user` is assigned to review, those awaiting their declaration first."""
    return list(
        ReviewerAssignment.objects.visible_to(user)
        .filter(reviewer_id=user.pk)
        .select_related("hotline__country")
        .order_by("coi_declared_at", "assigned_at")
    )


class MyReviewAssignmentsPanel(PersonalPanel):
    name = "my_review_assignments"
    template_name = "onboarding/panels/my_review_assignments.html"
    order = 37

    def items(self, request: Any) -> dict[str, Any] | None:
        if not request.user.has_perm("onboarding.view_reviewerassignment"):
            return None
        assignments = my_review_assignments(user=request.user)
        if not assignments:
            return None
        awaited = sum(1 for assignment in assignments if not assignment.declared)
        return {"assignments": assignments, "awaited": awaited}


@hooks.register("construct_homepage_panels")
def add_personal_panels(request: HttpRequest, panels: list[Any]) -> None:
    panels.extend(
        [
            BoardSummaryPanel(),
            MyCandidatesPanel(),
            AwaitingReviewPanel(),
            MyReviewAssignmentsPanel(),
            MyActionItemsPanel(),
        ]
    )
