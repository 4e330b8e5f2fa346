"""Helpers for restore tests: make the database as empty as a new one (reference data aside)."""

from __future__ import annotations

from accounts.models import Affiliation, Invitation, User


def wipe_accounts() -> None:
    """Every account (and what hangs on it): a restore brings them back from the Accounts sheet."""
    from allauth.account.models import EmailAddress

    Affiliation.objects.all().delete()
    Invitation.objects.all().delete()
    EmailAddress.objects.all().delete()
    User.objects.all().delete()


def record_missing_histories() -> None:
    """Hotlines made by factories have no stage history (the lifecycle's services always write one):
    give each its first row, so that a restore of them is complete."""
    from network.models import Hotline
    from onboarding.models import StageChange

    for hotline in Hotline.objects.filter(stage_changes__isnull=True):
        StageChange.objects.create(
            hotline=hotline,
            from_stage="",
            to_stage=hotline.stage,
            reason="First recorded stage",
            changed_at=hotline.stage_entered_at,
        )
