"""Demo data for independent reviews and the decision path: two reviewers who disagree on the dossier of
the candidate under assessment (Tena Net Ethiopia), the lead's consolidated recommendation, comments of
each visibility on its checklist, and the decision letter of the newest provisional member.

Everything but the second reviewer's account goes through the services, by the person who acts, on the
day the story gives it (`now=`), in the order it happened, so the demo obeys the rules users do: staff
assign the second reviewer on the day the candidate entered its assessment and the reviewer declares no
conflict two days later (`reviewer_assign`, `reviewer_declare`); both reviewers comment on the funding
item, staff too, one comment of each visibility (`item_comment`); each reviewer saves a draft, completes
it and submits it (`review_save`, `review_submit`); the lead staff member consolidates
(`review_consolidate`) and sends the decision letter (`decision_send_letter`). As in the dossiers
(`onboarding.demo`), each step's audit entry carries its day and the notifications it queued are in the
outbox as sent then; the data-version bumps are made once at the end.

Called with one line from `onboarding.demo.seed`, after the dossiers and the accreditation records.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core import dataversion
from core.seeding import Clock, DemoContext, acting_at
from network.models import Hotline
from onboarding.demo_colleagues import demo_password
from onboarding.models import (
    ChecklistItem,
    CommentVisibility,
    Decision,
    Recommendation,
    Review,
    ReviewerAssignment,
    Verdict,
)
from onboarding.selectors import review_areas
from onboarding.services import checklists as checklist_services
from onboarding.services import decisions as decision_services
from onboarding.services import reviewers as reviewer_services
from onboarding.services import reviews as review_services

REVIEWER2 = "reviewer2@example.org"
# (area, first reviewer's verdict, second reviewer's verdict): they disagree on funding and on welfare.
SPLIT = {
    8: (Verdict.PARTLY_MEETS, Verdict.DOES_NOT_MEET),
    12: (Verdict.MEETS, Verdict.PARTLY_MEETS),
}
COMMENTS = {
    Verdict.MEETS: "Documented and confirmed in the interviews.",
    Verdict.PARTLY_MEETS: "In place, but the written procedure lags behind practice.",
    Verdict.DOES_NOT_MEET: "Only the first six months are funded; no plan beyond them.",
}
# (who, days after the candidate entered its assessment, visibility, body), on the first funding item.
THREAD = (
    (
        "reviewer2",
        15,
        CommentVisibility.REVIEWERS,
        "The budget covers six months only: shall we ask for the donor's letter before deciding?",
    ),
    (
        "staff",
        16,
        CommentVisibility.STAFF,
        "The foundation told us informally that a second grant is likely; not to be shared yet.",
    ),
    (
        "reviewer",
        17,
        CommentVisibility.SHARED,
        "Please upload the funder's letter or a budget for the second operating year.",
    ),
)
# (who, recommendation, reasons, days after the candidate entered its assessment when it is submitted).
REVIEWS = (
    (
        "reviewer",
        Recommendation.ADMIT_WITH_CONDITIONS,
        "A capable team with a signed MoU. Admit, on condition that a funding plan for the second year is "
        "adopted within six months.",
        18,
    ),
    (
        "reviewer2",
        Recommendation.DEFER,
        "The operations are sound, but the hotline cannot show funding beyond its first six months and "
        "analysts have no psychological support yet. Defer until both are in place.",
        21,
    ),
)
CONSOLIDATED = (
    "Both reviewers find the operations sound. On funding and welfare the second reviewer's concerns become "
    "conditions: a second-year funding plan and a psychological support contract within six months."
)

Step = tuple[datetime, Callable[[], Any]]


def _second_reviewer(ctx: DemoContext) -> User:
    user = User.objects.filter(email=REVIEWER2).first()
    if user is None:
        user = User.objects.create(
            email=REVIEWER2, password=demo_password(ctx), first_name="Tomás", last_name="Herrera", is_staff=True
        )
        user.groups.add(Group.objects.get(name=str(Role.REVIEWER)))
        EmailAddress.objects.create(user=user, email=REVIEWER2, verified=True, primary=True)
    ctx.users["reviewer2"] = user
    return user


def seed_reviews(ctx: DemoContext) -> None:
    staff, reviewer = ctx.users.get("staff"), ctx.users.get("reviewer")
    hotline = Hotline.objects.filter(brand_name="Tena Net Ethiopia").first()
    if staff is None or reviewer is None or hotline is None:
        return
    people = {"staff": staff, "reviewer": reviewer, "reviewer2": _second_reviewer(ctx)}
    entered = hotline.stage_entered_at
    steps = _assignment(hotline, people, entered) + _thread(hotline, people, entered)
    steps += _reviews(hotline, people, entered)
    consolidated = _at(entered, 24)
    steps.append(
        (
            consolidated,
            partial(
                review_services.review_consolidate,
                hotline=hotline,
                recommendation=Recommendation.ADMIT_WITH_CONDITIONS,
                reasons=CONSOLIDATED,
                acting_user=staff,
                now=consolidated,
            ),
        )
    )
    clock = Clock()
    with dataversion.deferred(), acting_at(clock):
        for at, step in sorted(steps, key=lambda s: s[0]):  # stable: same moment, planned order
            clock.at = at
            step()
        letter = _decision_letter(staff, clock)
    ctx.log(
        f"2 independent reviews of {hotline.brand_name} (they disagree on 2 areas), 1 consolidated "
        f"recommendation, comments of each visibility{letter}"
    )


def _at(start: datetime, days: int) -> datetime:
    return min(start + timedelta(days=days), timezone.now() - timedelta(hours=1))


def _assignment(hotline: Hotline, people: dict[str, User], entered: datetime) -> list[Step]:
    """Staff assign the second reviewer the day the candidate entered its assessment; they declare no
    conflict two days later."""
    reviewer2, declared = people["reviewer2"], _at(entered, 2)

    def declare() -> None:
        reviewer_services.reviewer_declare(
            assignment=ReviewerAssignment.objects.get(hotline=hotline, reviewer=reviewer2),
            has_conflict=False,
            statement="No link with the host organisation, its board or its funders.",
            acting_user=reviewer2,
            now=declared,
        )

    assign = partial(
        reviewer_services.reviewer_assign, hotline=hotline, reviewer=reviewer2, acting_user=people["staff"], now=entered
    )
    return [(entered, assign), (declared, declare)]


def _thread(hotline: Hotline, people: dict[str, User], entered: datetime) -> list[Step]:
    """One comment of each visibility on the first funding item (area 8)."""
    item = (
        ChecklistItem.objects.filter(checklist__hotline=hotline, template_item__area=8, removed_at__isnull=True)
        .order_by("code")
        .first()
    )
    if item is None:
        return []
    return [
        (
            _at(entered, days),
            partial(
                checklist_services.item_comment,
                item=item,
                body=body,
                acting_user=people[who],
                visibility=visibility,
                now=_at(entered, days),
            ),
        )
        for who, days, visibility, body in THREAD
    ]


def _reviews(hotline: Hotline, people: dict[str, User], entered: datetime) -> list[Step]:
    """Each reviewer saves a draft with their verdicts five days before submitting, then completes it
    with their recommendation and submits it (the review page's "Submit review": save, then submit)."""
    areas = review_areas(hotline=hotline, assessment=None)
    steps: list[Step] = []
    for index, (who, recommendation, reasons, days) in enumerate(REVIEWS):
        author, submitted = people[who], _at(entered, days)
        verdicts = {}
        for area, _label in areas:
            verdict = SPLIT.get(area, (Verdict.MEETS, Verdict.MEETS))[index]
            verdicts[area] = (verdict, COMMENTS[verdict])
        save = partial(review_services.review_save, hotline=hotline, verdicts=verdicts, acting_user=author)
        drafted = submitted - timedelta(days=5)
        steps += [
            (drafted, partial(save, recommendation="", reasons="", now=drafted)),
            (submitted, partial(_submit, save, recommendation, reasons, author, submitted)),
        ]
    return steps


def _submit(save: Callable[..., Review], recommendation: str, reasons: str, author: User, at: datetime) -> None:
    review = save(recommendation=recommendation, reasons=reasons, now=at)
    review_services.review_submit(review=review, acting_user=author, now=at)


def _decision_letter(staff: User, clock: Any) -> str:
    """Staff send the letter of the newest admission that has none yet, three days after the decision."""
    decision = (
        Decision.objects.filter(outcome=Decision.Outcome.ADMIT, letter_sent_at__isnull=True)
        .select_related("assessment__hotline")
        .order_by("-decided_on")
        .first()
    )
    if decision is None:
        return ""
    sent = timezone.make_aware(datetime.combine(decision.decided_on + timedelta(days=3), time(10)))
    clock.at = min(sent, timezone.now())
    decision = decision_services.decision_send_letter(decision=decision, acting_user=staff, now=clock.at)
    return f", the decision letter of {decision.assessment.hotline.brand_name} ({decision.letter_language})"
