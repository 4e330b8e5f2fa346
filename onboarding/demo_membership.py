"""Demo data of the member cycle (called once from `onboarding.demo.seed`): this year's renewal packs for
every member, among them the demo member's own pack due in three weeks with two parts done, one member
overdue in its grace, one lapsed with its warning sent and a proposal to suspend awaiting staff; the
certificates the passed quality-assurance reviews earned; one joint visit planned for two members.

Due dates are set relative to the day the demo is seeded, so each state holds whenever it is seeded.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Max
from django.utils import timezone

from core.seeding import DemoContext
from network.models import Hotline
from network.models.training import add_months
from onboarding.models import (
    Assessment,
    JointVisit,
    QaCertificate,
    RenewalPack,
    SuspensionProposal,
)

GRACE_DAYS = 30


def seed_member_cycle(ctx: DemoContext, staff: Any) -> None:
    today = ctx.today
    members = list(Hotline.objects.members().order_by("pk").only("pk", "stage", "host_organisation_id"))
    if not members:
        return
    member_user = ctx.users.get("member")
    own_org = getattr(getattr(member_user, "affiliation_or_none", None), "object_id", None)
    own = next((h for h in members if h.host_organisation_id == own_org), None)
    others = [h for h in members if h is not own]
    in_grace = others[0] if others else None
    lapsed = others[1] if len(others) > 1 else None

    packs = []
    for hotline in members:
        due_on = today + timedelta(days=21)
        if hotline is in_grace:
            due_on = today - timedelta(days=10)
        elif hotline is lapsed:
            due_on = today - timedelta(days=GRACE_DAYS + 30)
        declared = hotline is own or (hotline not in (in_grace, lapsed) and ctx.rng.random() < 0.6)
        confirmed = hotline not in (own, in_grace, lapsed) and ctx.rng.random() < 0.5
        packs.append(
            RenewalPack(
                hotline=hotline,
                year=today.year,
                due_on=due_on,
                grace_until=due_on + timedelta(days=GRACE_DAYS),
                opened_by=staff,
                code_declared_at=_at(today - timedelta(days=12)) if declared else None,
                contacts_confirmed_at=_at(today - timedelta(days=9)) if confirmed else None,
                warned_on=today - timedelta(days=20) if hotline is lapsed else None,
                opened_at=_at(today - timedelta(days=70)),
            )
        )
    RenewalPack.objects.bulk_create(packs, batch_size=1000)
    if lapsed is not None:
        pack = RenewalPack.objects.get(hotline=lapsed, year=today.year)
        SuspensionProposal.objects.create(pack=pack, hotline=lapsed, proposed_on=today - timedelta(days=6))

    certificates = _certificates()
    visit = _joint_visit(ctx, staff, exclude={h.pk for h in (own, in_grace, lapsed) if h is not None})
    ctx.log(
        f"member cycle: {len(packs)} renewal packs for {today.year} (one in grace, one lapsed with a proposal to "
        f"suspend), {certificates} QA certificates, joint visit {visit or 'none'}"
    )


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _certificates() -> int:
    """A certificate for each member's latest passed quality-assurance review, valid three years from
    the day its report was completed (the review's own day when none)."""
    latest = (
        Assessment.objects.filter(
            kind=Assessment.Kind.QA_REVIEW,
            status=Assessment.Status.COMPLETED,
            recommendation=Assessment.Recommendation.PASSED,
            hotline__stage__in=Hotline.MEMBER_STAGES,
        )
        .values("hotline_id")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    certificates = []
    for review in Assessment.objects.filter(pk__in=list(latest)).order_by("pk"):
        start = review.report_completed_at.date() if review.report_completed_at else review.ends_on or review.starts_on
        certificates.append(
            QaCertificate(
                assessment=review,
                hotline_id=review.hotline_id,
                reference=f"QA-{review.reference}"[:40],
                valid_from=start,
                valid_until=add_months(start, 36) - timedelta(days=1),
                issued_at=review.report_completed_at or _at(start),
            )
        )
    QaCertificate.objects.bulk_create(certificates, batch_size=1000)
    return len(certificates)


def _joint_visit(ctx: DemoContext, staff: Any, *, exclude: set[int]) -> str | None:
    """One on-site visit in six weeks reviewing two full members of one programme region."""
    by_region: dict[str, list[Hotline]] = {}
    full = Hotline.objects.filter(stage=Hotline.Stage.FULL_MEMBER).exclude(pk__in=exclude).select_related("country")
    for hotline in full.order_by("pk"):
        by_region.setdefault(hotline.country.programme_region, []).append(hotline)
    pair = next((hotlines[:2] for hotlines in by_region.values() if len(hotlines) >= 2), None)
    if pair is None:
        return None
    start = ctx.today + timedelta(days=42)
    visit = JointVisit.objects.create(
        reference=f"JV-{start.year}-{pair[0].country_id}-{pair[1].country_id}",
        title=f"Quality-assurance visit: {pair[0].country.name} and {pair[1].country.name}",
        mode=Assessment.Mode.ON_SITE,
        starts_on=start,
        ends_on=start + timedelta(days=3),
        notes="One trip, one review per hotline; self-assessments first.",
        created_by=staff,
    )
    for offset, hotline in enumerate(pair):
        Assessment.objects.create(
            hotline=hotline,
            kind=Assessment.Kind.QA_REVIEW,
            mode=Assessment.Mode.ON_SITE,
            starts_on=start + timedelta(days=2 * offset),
            ends_on=start + timedelta(days=2 * offset + 1),
            joint_visit=visit,
            created_by=staff,
        )
    return visit.reference
