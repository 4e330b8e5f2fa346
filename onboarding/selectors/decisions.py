"""Reads of the decision path after the reviews: whether the General Assembly must (and may now) adopt a
Board decision, whether the decision letter may be sent, whether the candidate may still appeal (one rule
each for the pages' buttons and the services), the candidate's language, and the letter's frozen data.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Affiliation
from core.mail import languages_by_address
from network.models import Hotline, HotlineAnnualProfile, Organisation
from onboarding import letters
from onboarding.models import Decision, Interaction


def adoption_required_for(outcome: str) -> bool:
    """Whether the General Assembly adopts a decision with this outcome (`GENERAL_ASSEMBLY_ADOPTS`)."""
    return outcome in settings.GENERAL_ASSEMBLY_ADOPTS


def adoption_refusal(*, decision: Decision) -> str | None:
    if not decision.adoption_required:
        return _("This decision takes effect without the General Assembly.")
    if decision.adopted_on is not None:
        return _("The General Assembly's adoption is recorded already.")
    return None


def letter_refusal(*, decision: Decision) -> str | None:
    """Why the decision letter cannot be sent now (None when it can): once the decision is in effect, once."""
    if not decision.is_final:
        return _("The letter follows the General Assembly's adoption of the decision.")
    if decision.letter_sent_at is not None:
        return _("The decision letter was sent already.")
    return None


def appeal_refusal(*, decision: Decision, today: date | None = None) -> str | None:
    """Why the candidate cannot appeal now (None when they can): after the letter, within the window,
    one appeal awaiting an answer at a time."""
    today = today or timezone.localdate()
    if decision.letter_sent_at is None or decision.appeal_until is None:
        return _("An appeal follows the decision letter.")
    if today > decision.appeal_until:
        return _("The appeal window closed on %(date)s.") % {"date": decision.appeal_until.isoformat()}
    if Interaction.objects.awaiting_answer().filter(appeal_of=decision).exists():
        return _("Your appeal awaits the association's answer.")
    return None


def candidate_language(*, hotline: Hotline) -> str:
    """The language the candidate is written to in: the one most of its portal users are written to in
    (`core.mail.languages_by_address`, among those who chose one), else the first working language of its
    latest annual profile that the site offers, else the site's default."""
    offered = {code for code, _label in settings.LANGUAGES}
    organisation_type = ContentType.objects.get_for_model(Organisation)
    addresses = list(
        Affiliation.objects.filter(
            content_type=organisation_type, object_id=hotline.host_organisation_id, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    default = settings.LANGUAGE_CODE
    chosen = Counter(code for code in languages_by_address(addresses).values() if code != default)
    if chosen:
        return sorted(chosen.items(), key=lambda item: (-item[1], item[0]))[0][0]
    profile = HotlineAnnualProfile.objects.filter(hotline=hotline).order_by("-year").first()
    for code in profile.language_codes if profile else []:
        if code in offered:
            return code
    return settings.LANGUAGE_CODE.split("-")[0]


def decision_letter_data(*, decision: Decision) -> letters.DecisionLetterData:
    """The frozen snapshot `letters.build_decision_letter` turns into the letter (sent letters only)."""
    assessment = decision.assessment
    hotline = assessment.hotline
    assembly = None
    if decision.adoption_required and decision.adopted_on is not None:
        assembly = letters.Vote(
            on=decision.adopted_on,
            minutes=decision.adoption_minutes_reference,
            votes_for=decision.adoption_votes_for or 0,
            votes_against=decision.adoption_votes_against or 0,
            votes_abstaining=decision.adoption_votes_abstaining or 0,
        )
    sent_on = timezone.localdate(decision.letter_sent_at)
    return letters.DecisionLetterData(
        language=decision.letter_language or settings.LANGUAGE_CODE,
        association=settings.ASSOCIATION_NAME,
        reference=assessment.reference,
        hotline=hotline.brand_name,
        country=hotline.country.name,
        organisation=hotline.host_organisation.name,
        admitted=decision.outcome == Decision.Outcome.ADMIT,
        board=letters.Vote(
            on=decision.decided_on,
            minutes=decision.minutes_reference,
            votes_for=decision.votes_for,
            votes_against=decision.votes_against,
            votes_abstaining=decision.votes_abstaining,
        ),
        assembly=assembly,
        sent_on=sent_on,
        appeal_until=decision.appeal_until,
        appeal_days=(decision.appeal_until - sent_on).days,
    )


def portal_decisions(*, user: Any, hotline: Hotline) -> list[tuple[Decision, list[Interaction]]]:
    """The decisions whose letter was sent to `user`'s candidate, each with its appeals."""
    decisions = list(
        Decision.objects.visible_to(user)
        .filter(assessment__hotline=hotline, letter_sent_at__isnull=False)
        .select_related("assessment")
        .order_by("-decided_on")
    )
    appeals: dict[int, list[Interaction]] = {d.pk: [] for d in decisions}
    for appeal in Interaction.objects.visible_to(user).filter(appeal_of__in=decisions).order_by("occurred_on", "pk"):
        appeals[appeal.appeal_of_id].append(appeal)
    return [(d, appeals[d.pk]) for d in decisions]
