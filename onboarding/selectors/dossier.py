"""Reads of the dossier: the checklist overview and progress, an item's page, the review queue and the
admin's dossier page. Every function that serves a user starts from `visible_to(user)` (the dossier
rule).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy

from network.models import (
    Hotline,
)
from onboarding import checklist_rules as rules
from onboarding.models import (
    Assessment,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    EvidenceDocument,
    ItemComment,
    ItemEvent,
    ReviewerAssignment,
)
from onboarding.selectors.common import dossier_actors


# == The dossier ===============================================================================
@dataclass(frozen=True)
class ItemRow:
    item: ChecklistItem
    overdue: bool
    evidence_count: int
    comment_count: int
    # The latest change in the item's history (who did what last), None before any.
    last_event: ItemEvent | None = None

    @property
    def state_label(self) -> str:
        return self.item.state_label


@dataclass(frozen=True)
class AreaBlock:
    area: int
    label: str
    progress: rules.Progress
    rows: list[ItemRow]

    @property
    def progress_id(self) -> str:
        return f"progress-area-{self.area}"


@dataclass(frozen=True)
class ChecklistOverview:
    checklist: Checklist
    progress: rules.Progress
    areas: list[AreaBlock]
    yours: list[ItemRow]
    ours: list[ItemRow]
    status: str
    counts: dict[str, int]

    @property
    def filter_options(self) -> list[tuple[str, str, int]]:
        return [(value, str(label), self.counts.get(value, 0)) for value, label in STATUS_FILTERS]


STATUS_FILTERS: tuple[tuple[str, Any], ...] = (*rules.STATES, ("overdue", gettext_lazy("Overdue")))


def _item_rows(queryset: Any, today: date) -> list[ItemRow]:
    """The items with their counts, assignee and latest history event: two queries."""
    latest = ItemEvent.objects.filter(item=OuterRef("pk")).order_by("-at", "-id").values("id")[:1]
    items = list(
        queryset.active()
        .select_related("template_item", "assigned_to")
        .annotate(
            evidence_count=Count("evidence_links", distinct=True),
            comment_count=Count("comments", distinct=True),
            last_event_id=Subquery(latest),
        )
        .order_by("template_item__sort_order", "code")
    )
    event_ids = [item.last_event_id for item in items if item.last_event_id]
    events = ItemEvent.objects.select_related("actor").in_bulk(event_ids) if event_ids else {}
    return [
        ItemRow(
            item=item,
            overdue=item.is_overdue(today),
            evidence_count=item.evidence_count,
            comment_count=item.comment_count,
            last_event=events.get(item.last_event_id),
        )
        for item in items
    ]


def checklist_overview(
    *, user: Any, hotline: Hotline, status: str = "", today: date | None = None
) -> ChecklistOverview | None:
    """The checklist by area with progress (overall and per area), filtered by status, and the next
    actions: the candidate's ("yours") and the association's ("ours"). Four queries."""
    today = today or timezone.localdate()
    checklist = Checklist.objects.visible_to(user).select_related("template", "hotline").filter(hotline=hotline).first()
    if checklist is None:
        return None
    rows = _item_rows(ChecklistItem.objects.visible_to(user).filter(checklist=checklist), today)
    measured = rules.progress(
        rules.ItemStatus(r.item.area, r.item.state, r.item.waiver_approved and bool(r.item.waiver_reason)) for r in rows
    )
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.item.state] += 1
        counts["overdue"] += row.overdue
    valid = {key for key, _label in STATUS_FILTERS}
    status = status if status in valid else ""
    shown = [r for r in rows if not status or (r.overdue if status == "overdue" else r.item.state == status)]
    areas = []
    for area, _label in rules.AREAS:
        in_area = [r for r in shown if r.item.area == area]
        if area not in measured.by_area or (status and not in_area):
            continue
        areas.append(AreaBlock(area=area, label=rules.area_label(area), progress=measured.by_area[area], rows=in_area))

    def urgency(row: ItemRow) -> tuple:
        first = row.item.state in (rules.CHANGES_REQUESTED, rules.EXPIRED)
        return (not first, not row.overdue, row.item.due_on or date.max, row.item.template_item.sort_order)

    yours = sorted((r for r in rows if r.item.state in rules.CANDIDATE_TURN), key=urgency)
    ours = sorted(
        (r for r in rows if rules.awaits_us(r.item.state, waiver_approved=r.item.waiver_approved)),
        key=lambda r: r.item.submitted_at or r.item.waived_at or r.item.state_changed_at,
    )
    return ChecklistOverview(
        checklist=checklist,
        progress=measured.overall,
        areas=areas,
        yours=yours,
        ours=ours,
        status=status,
        counts=dict(counts),
    )


def checklist_progress(*, hotline: Hotline) -> rules.Progress | None:
    """Done over total for a hotline's checklist (None without one), in one query."""
    rows = list(
        ChecklistItem.objects.active()
        .filter(checklist__hotline=hotline)
        .values_list("template_item__area", "state", "waiver_reason", "waiver_approved_by_id")
    )
    if not rows:
        return None
    return rules.progress(
        rules.ItemStatus(area, state, bool(reason) and approver is not None) for area, state, reason, approver in rows
    ).overall


@dataclass(frozen=True)
class LinkedDocument:
    document: EvidenceDocument
    expired: bool
    removable: bool = False  # the candidate may replace or remove it (`EvidenceDocument.removal_refusal`)


@dataclass(frozen=True)
class ItemPage:
    item: ChecklistItem
    hotline: Hotline
    actors: frozenset[str]
    documents: list[LinkedDocument]
    other_documents: list[EvidenceDocument]
    comments: list[ItemComment]
    events: list[ItemEvent]
    actions: list[str]
    overdue: bool

    @property
    def editable(self) -> bool:
        return rules.EDIT in self.actions

    @property
    def can_comment(self) -> bool:
        return bool(self.actors) and self.item.removed_at is None


def item_page(*, user: Any, item: ChecklistItem, today: date | None = None) -> ItemPage:
    """Everything the item page shows: guidance, evidence, other documents of the dossier to link,
    the thread, the history and the actions `user` may take. A fixed number of queries."""
    today = today or timezone.localdate()
    hotline = item.checklist.hotline
    actors = dossier_actors(user=user, hotline=hotline)
    linked = list(
        EvidenceDocument.objects.visible_to(user)
        .filter(links__item=item)
        .with_locked_uses()
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )
    linked_ids = {d.pk for d in linked}
    others = [
        d
        for d in EvidenceDocument.objects.visible_to(user)
        .current()
        .filter(hotline=hotline)
        .order_by("-uploaded_at", "pk")
        if d.pk not in linked_ids and not d.is_expired(today)
    ]
    facts = rules.ItemFacts(
        state=item.state,
        submitted_by=item.submitted_by_id,
        waived_by=item.waived_by_id,
        waiver_approved=item.waiver_approved,
    )
    actions = []
    if item.removed_at is None:
        for action in rules.actions_from(item.state, actors):
            if action.name == rules.EXPIRE:
                continue
            if action.not_by == rules.SUBMITTER and getattr(user, "pk", None) == facts.submitted_by:
                continue
            if action.not_by == rules.WAIVER and getattr(user, "pk", None) == facts.waived_by:
                continue
            if action.name == rules.APPROVE_WAIVER and facts.waiver_approved:
                continue
            actions.append(action.name)
    return ItemPage(
        item=item,
        hotline=hotline,
        actors=actors,
        documents=[LinkedDocument(d, d.is_expired(today), d.is_removable_by(user)) for d in linked],
        other_documents=others,
        comments=list(ItemComment.objects.visible_to(user).filter(item=item).select_related("author")),
        events=list(ItemEvent.objects.visible_to(user).filter(item=item).select_related("actor")),
        actions=actions,
        overdue=item.is_overdue(today),
    )


# -- Review queue -----------------------------------------------------------------------------
AGE_FILTERS: tuple[tuple[str, int], ...] = (("7", 7), ("14", 14), ("30", 30))


def review_queue(
    *,
    user: Any,
    area: int | None = None,
    hotline_id: int | None = None,
    older_than_days: int | None = None,
    now: datetime | None = None,
) -> Any:
    """Submitted items awaiting review in the dossiers open to `user`, oldest submission first."""
    now = now or timezone.now()
    items = (
        ChecklistItem.objects.visible_to(user)
        .awaiting_review()
        .select_related("template_item", "checklist__hotline__country", "submitted_by")
        .annotate(evidence_count=Count("evidence_links", distinct=True))
        .order_by("submitted_at", "pk")
    )
    if area:
        items = items.filter(template_item__area=area)
    if hotline_id:
        items = items.filter(checklist__hotline_id=hotline_id)
    if older_than_days:
        items = items.filter(submitted_at__lte=now - timedelta(days=older_than_days))
    return items


def review_queue_candidates(*, user: Any) -> list[tuple[int, str]]:
    """The candidates with items awaiting review (for the queue's filter)."""
    return list(
        ChecklistItem.objects.visible_to(user)
        .awaiting_review()
        .values_list("checklist__hotline_id", "checklist__hotline__brand_name")
        .distinct()
        .order_by("checklist__hotline__brand_name")
    )


# -- Dossier (admin) --------------------------------------------------------------------------
@dataclass(frozen=True)
class DossierDocument:
    document: EvidenceDocument
    codes: list[str]
    expired: bool
    downloads: int


@dataclass(frozen=True)
class Dossier:
    hotline: Hotline
    overview: ChecklistOverview | None
    newer_template: ChecklistTemplate | None
    assignments: list[ReviewerAssignment]
    assessments: list[Assessment]
    documents: list[DossierDocument]


def dossier(*, user: Any, hotline: Hotline, today: date | None = None) -> Dossier:
    today = today or timezone.localdate()
    overview = checklist_overview(user=user, hotline=hotline, today=today)
    newer = None
    if overview is not None:
        current = overview.checklist.template
        newer = (
            ChecklistTemplate.objects.onboarding()
            .published()
            .filter(name=current.name, version__gt=current.version)
            .order_by("-version")
            .first()
        )
    documents = []
    for document in (
        EvidenceDocument.objects.visible_to(user)
        .filter(hotline=hotline)
        .prefetch_related("links__item")
        .annotate(download_count=Count("downloads", distinct=True))
        .select_related("uploaded_by", "removed_by", "replaced_by")
        .order_by("-uploaded_at", "pk")
    ):
        documents.append(
            DossierDocument(
                document=document,
                codes=sorted(link.item.code for link in document.links.all()),
                expired=document.is_expired(today),
                downloads=document.download_count,
            )
        )
    return Dossier(
        hotline=hotline,
        overview=overview,
        newer_template=newer,
        assignments=list(
            ReviewerAssignment.objects.visible_to(user)
            .filter(hotline=hotline)
            .select_related("reviewer", "assigned_by")
        ),
        assessments=list(
            Assessment.objects.visible_to(user)
            .filter(hotline=hotline)
            .select_related("decision")
            .order_by("-starts_on", "-pk")
        ),
        documents=documents,
    )


def portal_my_items(*, user: Any) -> list[ChecklistItem]:
    """Checklist items assigned to `user` that are the candidate's turn (not submitted, not done),
    soonest due first. One query."""
    return list(
        ChecklistItem.objects.visible_to(user)
        .active()
        .filter(assigned_to=user, state__in=rules.CANDIDATE_TURN)
        .select_related("template_item", "checklist__hotline")
        .order_by(F("due_on").asc(nulls_last=True), "code")
    )
