"""Demo data for independent reviews and the decision path: two reviewers who disagree on the dossier of
the candidate under assessment (Tena Net Ethiopia), the lead's consolidated recommendation, comments of
each visibility on its checklist, and the decision letter of the newest provisional member.

Called with one line from `onboarding.demo.seed`, after the dossiers and the accreditation records.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.seeding import DemoContext
from network.models import Hotline
from onboarding.demo_colleagues import demo_password
from onboarding.models import (
    ChecklistItem,
    CommentVisibility,
    ConsolidatedRecommendation,
    Decision,
    ItemComment,
    Recommendation,
    Review,
    ReviewerAssignment,
    ReviewVerdict,
    Verdict,
)
from onboarding.selectors import candidate_language, review_areas

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
    reviewer2 = _second_reviewer(ctx)
    entered = hotline.stage_entered_at
    ReviewerAssignment.objects.get_or_create(
        hotline=hotline,
        reviewer=reviewer2,
        defaults={
            "assigned_by": staff,
            "assigned_at": entered,
            "coi_declared_at": entered + timedelta(days=2),
            "coi_statement": "No link with the host organisation, its board or its funders.",
        },
    )
    areas = review_areas(hotline=hotline, assessment=None)
    reviews = []
    for index, (author, recommendation, reasons, days) in enumerate(
        (
            (
                reviewer,
                Recommendation.ADMIT_WITH_CONDITIONS,
                "A capable team with a signed MoU. Admit, on condition that a funding plan for the second "
                "year is adopted within six months.",
                18,
            ),
            (
                reviewer2,
                Recommendation.DEFER,
                "The operations are sound, but the hotline cannot show funding beyond its first six months "
                "and analysts have no psychological support yet. Defer until both are in place.",
                21,
            ),
        )
    ):
        submitted = _at(entered, days)
        review = Review.objects.create(
            hotline=hotline,
            reviewer=author,
            status=Review.Status.SUBMITTED,
            recommendation=recommendation,
            reasons=reasons,
            created_at=submitted - timedelta(days=5),
            updated_at=submitted,
            submitted_at=submitted,
        )
        ReviewVerdict.objects.bulk_create(
            ReviewVerdict(
                review=review,
                area=area,
                verdict=SPLIT.get(area, (Verdict.MEETS, Verdict.MEETS))[index],
                comment=COMMENTS[SPLIT.get(area, (Verdict.MEETS, Verdict.MEETS))[index]],
            )
            for area, _label in areas
        )
        reviews.append(review)
    ConsolidatedRecommendation.objects.create(
        hotline=hotline,
        recommendation=Recommendation.ADMIT_WITH_CONDITIONS,
        reasons="Both reviewers find the operations sound. On funding and welfare the second reviewer's concerns "
        "become conditions: a second-year funding plan and a psychological support contract within six months.",
        reviews_considered=len(reviews),
        recorded_by=staff,
        recorded_at=_at(entered, 24),
    )
    _comments(hotline, staff, reviewer, reviewer2, entered)
    letter = _decision_letter(ctx)
    ctx.log(
        f"2 independent reviews of {hotline.brand_name} (they disagree on 2 areas), 1 consolidated "
        f"recommendation, comments of each visibility{letter}"
    )


def _at(start: datetime, days: int) -> datetime:
    return min(start + timedelta(days=days), timezone.now() - timedelta(hours=1))


def _comments(hotline: Hotline, staff: User, reviewer: User, reviewer2: User, entered: datetime) -> None:
    item = (
        ChecklistItem.objects.filter(checklist__hotline=hotline, template_item__area=8, removed_at__isnull=True)
        .order_by("code")
        .first()
    )
    if item is None:
        return
    ItemComment.objects.bulk_create(
        [
            ItemComment(
                item=item,
                author=reviewer2,
                body="The budget covers six months only: shall we ask for the donor's letter before deciding?",
                visibility=CommentVisibility.REVIEWERS,
                created_at=_at(entered, 15),
            ),
            ItemComment(
                item=item,
                author=staff,
                body="The foundation told us informally that a second grant is likely; not to be shared yet.",
                visibility=CommentVisibility.STAFF,
                created_at=_at(entered, 16),
            ),
            ItemComment(
                item=item,
                author=reviewer,
                body="Please upload the funder's letter or a budget for the second operating year.",
                visibility=CommentVisibility.SHARED,
                created_at=_at(entered, 17),
            ),
        ]
    )


def _decision_letter(ctx: DemoContext) -> str:
    decision = (
        Decision.objects.filter(outcome=Decision.Outcome.ADMIT, letter_sent_at__isnull=True)
        .select_related("assessment__hotline")
        .order_by("-decided_on")
        .first()
    )
    if decision is None:
        return ""
    sent = datetime.combine(
        decision.decided_on + timedelta(days=3), datetime.min.time(), tzinfo=timezone.get_current_timezone()
    )
    decision.letter_language = candidate_language(hotline=decision.assessment.hotline)
    decision.letter_sent_at = min(sent, timezone.now())
    decision.letter_sent_by = ctx.users.get("staff")
    decision.appeal_until = timezone.localdate(decision.letter_sent_at) + timedelta(days=settings.DECISION_APPEAL_DAYS)
    decision.save()
    return f", the decision letter of {decision.assessment.hotline.brand_name} ({decision.letter_language})"
