"""Demo data of the member cycle (called once from `onboarding.demo.seed`): the renewal packs of the year in
progress for every member, opened through the service as staff would (its due date and grace from the
settings, so in December they are next year's, due in March), among them the demo member's own pack with
parts done; one member that let last year's renewal lapse: the daily step (`renewal_lapses_apply`) warned
it the day after its grace and, the settings' days later, proposed to suspend it (staff have not decided
yet); seeded between a due date and the end of its grace, that pack is still in grace. The certificates the
passed quality-assurance reviews earned and one joint visit for two members, both through the services.

Every date follows the renewal rules (`onboarding.models.membership`), whatever day the demo is seeded.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from core.seeding import DemoContext
from network.models import Hotline
from onboarding.models import (
    Assessment,
    RenewalPack,
    renewal_due_on,
    renewal_grace_until,
    renewal_year_to_open,
)
from onboarding.services.membership import (
    joint_visit_plan,
    qa_certificate_issue,
    renewal_lapses_apply,
    renewal_open_for_year,
)


def seed_member_cycle(ctx: DemoContext, staff: Any) -> None:
    today = ctx.today
    members = list(
        Hotline.objects.members().order_by("pk").only("pk", "stage", "host_organisation_id", "joined_on", "brand_name")
    )
    if not members:
        return
    member_user = ctx.users.get("member")
    own_org = getattr(getattr(member_user, "affiliation_or_none", None), "object_id", None)
    own = next((h for h in members if h.host_organisation_id == own_org), None)
    # Last year's renewal, for one member (a member by then) that let it lapse: opened two months
    # before it was due.
    due_on = renewal_due_on(renewal_year_to_open(today) - 1)
    opened = due_on - timedelta(days=60)
    lapsed = next((h for h in members if h is not own and h.joined_on and h.joined_on <= opened), None)
    if lapsed is not None:
        previous = RenewalPack.objects.create(
            hotline=lapsed,
            year=due_on.year,
            due_on=due_on,
            grace_until=renewal_grace_until(due_on),
            opened_by=staff,
            opened_at=_at(opened),
            code_declared_at=_at(due_on - timedelta(days=20)),
        )
        # The daily step, on the days it would have run: a warning the day after the grace, then the
        # proposal to suspend (nothing happens while the pack is still in grace).
        warned_on = previous.grace_until + timedelta(days=1)
        for day in (warned_on, warned_on + timedelta(days=int(settings.RENEWAL_PROPOSAL_AFTER_WARNING_DAYS))):
            if day <= today:
                renewal_lapses_apply(today=day)

    # This cycle's packs, opened three weeks ago (or today, for a year that was not open yet then).
    year = renewal_year_to_open(today)
    opened_on = today - timedelta(days=21)
    opened_on = opened_on if renewal_year_to_open(opened_on) == year else today
    packs = renewal_open_for_year(year=year, acting_user=staff, now=_at(opened_on))
    # Parts members have done since (the demo member: the Code of Practice re-declared).
    for pack in packs:
        own_pack = pack.hotline_id == getattr(own, "pk", None)
        if own_pack or ctx.rng.random() < 0.6:
            pack.code_declared_at = min(_at(opened_on + timedelta(days=9)), timezone.now())
        if not own_pack and ctx.rng.random() < 0.5:
            pack.contacts_confirmed_at = min(_at(opened_on + timedelta(days=12)), timezone.now())
    RenewalPack.objects.bulk_update(packs, ["code_declared_at", "contacts_confirmed_at"], batch_size=1000)

    certificates = _certificates(staff)
    visit = _joint_visit(ctx, staff, exclude={h.pk for h in (own, lapsed) if h is not None})
    ctx.log(
        f"member cycle: {len(packs)} renewal packs for {year} (due {renewal_due_on(year)}), last year's lapsed "
        f"for {getattr(lapsed, 'brand_name', 'none')}, {certificates} QA certificates, joint visit {visit or 'none'}"
    )


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _certificates(staff: Any) -> int:
    """Each member's latest passed quality-assurance review earns its certificate through the service,
    on the day its report was completed (the review's own day when none): validity from the settings."""
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
    issued = 0
    for review in Assessment.objects.filter(pk__in=list(latest)).order_by("pk"):
        day = review.ends_on or review.starts_on
        qa_certificate_issue(assessment=review, acting_user=staff, now=review.report_completed_at or _at(day))
        issued += 1
    return issued


def _joint_visit(ctx: DemoContext, staff: Any, *, exclude: set[int]) -> str | None:
    """One on-site visit in six weeks reviewing two full members of one programme region, planned
    through the service (a review per hotline on the visit's dates)."""
    by_region: dict[str, list[Hotline]] = {}
    full = Hotline.objects.filter(stage=Hotline.Stage.FULL_MEMBER).exclude(pk__in=exclude).select_related("country")
    for hotline in full.order_by("pk"):
        by_region.setdefault(hotline.country.programme_region, []).append(hotline)
    pair = next((hotlines[:2] for hotlines in by_region.values() if len(hotlines) >= 2), None)
    if pair is None:
        return None
    start = ctx.today + timedelta(days=42)
    visit = joint_visit_plan(
        reference=f"JV-{start.year}-{pair[0].country_id}-{pair[1].country_id}",
        title=f"Quality-assurance visit: {pair[0].country.name} and {pair[1].country.name}",
        mode=Assessment.Mode.ON_SITE,
        starts_on=start,
        ends_on=start + timedelta(days=3),
        hotlines=pair,
        acting_user=staff,
        notes="One trip, one review per hotline; self-assessments first.",
    )
    return visit.reference
