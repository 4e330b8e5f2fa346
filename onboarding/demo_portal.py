"""Demo data for the portal's everyday edges: a statistics return the association queried (with an
earlier exchange answered) and an evidence document the candidate replaced (the earlier version kept
for staff). Called by `onboarding.demo.seed`."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.seeding import DemoContext
from network.models import Hotline, HotlineStatistics, StatisticsMessage
from onboarding import checklist_rules as rules
from onboarding import services
from onboarding.models import ChecklistItem


def seed_portal_edges(ctx: DemoContext) -> None:
    staff, member = ctx.users.get("staff"), ctx.users.get("member")
    if staff is not None and member is not None:
        _statistics_exchange(staff, member)
    candidate = ctx.users.get("candidate")
    if candidate is not None:
        _replaced_document(ctx, candidate)


def _statistics_exchange(staff, member) -> None:
    hotline = Hotline.objects.visible_to(member).members().order_by("pk").first()
    if hotline is None:
        return
    returns = list(HotlineStatistics.objects.filter(hotline=hotline).order_by("-period_start")[:2])
    if not returns:
        return
    latest = returns[0]
    asked = (latest.submitted_at or timezone.now()) + timedelta(days=9)
    latest.validation_status = HotlineStatistics.Validation.QUERIED
    latest.save(update_fields=["validation_status"])
    messages = [
        StatisticsMessage(
            statistics=latest,
            kind=StatisticsMessage.Kind.QUERY,
            author=staff,
            body="The share removed within 3 days fell by a third since last year while reports rose: "
            "please check the figure, or tell us what changed (a new hosting provider, a backlog?).",
            created_at=asked,
        )
    ]
    if len(returns) > 1:
        earlier = returns[1]
        when = (earlier.submitted_at or timezone.now()) + timedelta(days=6)
        messages += [
            StatisticsMessage(
                statistics=earlier,
                kind=StatisticsMessage.Kind.QUERY,
                author=staff,
                body="Content URLs processed are lower than reports received: is one of the figures swapped?",
                created_at=when,
            ),
            StatisticsMessage(
                statistics=earlier,
                kind=StatisticsMessage.Kind.ANSWER,
                author=member,
                body="Yes, swapped in our spreadsheet: corrected and resubmitted.",
                created_at=when + timedelta(days=2),
            ),
        ]
    StatisticsMessage.objects.bulk_create(messages)


def _replaced_document(ctx: DemoContext, candidate) -> None:
    item = (
        ChecklistItem.objects.visible_to(candidate)
        .active()
        .filter(state__in=(rules.NOT_STARTED, rules.IN_PROGRESS), template_item__evidence_required=True)
        .select_related("checklist__hotline")
        .order_by("template_item__sort_order")
        .first()
    )
    if item is None:
        return
    from onboarding.demo import _demo_pdf

    hotline = item.checklist.hotline
    first = services.evidence_upload(
        hotline=hotline,
        upload=SimpleUploadedFile(
            f"{item.code}-draft.pdf", _demo_pdf(item.title, hotline.brand_name, ctx.today), "application/pdf"
        ),
        items=[item],
        description="First draft",
        acting_user=candidate,
    )
    services.evidence_replace(
        document=first,
        upload=SimpleUploadedFile(
            f"{item.code}-final.pdf", _demo_pdf(item.title, hotline.brand_name, ctx.today), "application/pdf"
        ),
        description="Signed version",
        acting_user=candidate,
    )
