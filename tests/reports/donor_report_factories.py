"""Donors, grants and donor users for the donor report tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType

from accounts.models import Affiliation, User
from accounts.roles import Role
from reports.models import Donor, Grant, Indicator
from tests.accounts.factories import UserFactory


def make_grant(code: str = "GF-EXP-2025", donor: Donor | None = None, **kwargs: Any) -> Grant:
    donor = donor or Donor.objects.create(name=f"Donor of {code}")
    grant = Grant.objects.create(
        donor=donor,
        code=code,
        title=kwargs.pop("title", "Expanding the hotline network"),
        agreement_number=kwargs.pop("agreement_number", "GA-2024-0117"),
        starts_on=kwargs.pop("starts_on", date(2025, 1, 1)),
        ends_on=kwargs.pop("ends_on", date(2026, 12, 31)),
        amount=kwargs.pop("amount", Decimal("450000.00")),
        **kwargs,
    )
    Indicator.objects.create(
        grant=grant,
        code="I1",
        title="People reached by the campaign",
        manual_value=Decimal("1234"),
        justification="Counted from the web statistics.",
        baseline=Decimal("0"),
        target=Decimal("2000"),
    )
    return grant


def donor_user(donor: Donor, email: str) -> User:
    user = UserFactory(email=email)
    Affiliation.objects.create(user=user, content_type=ContentType.objects.get_for_model(Donor), object_id=donor.pk)
    return user


def grants_manager(email: str = "grants.manager@example.org") -> User:
    return UserFactory(role=Role.GRANTS, email=email)


def report_permissions_of(role: Role) -> set[str]:
    from django.contrib.auth.models import Group

    group = Group.objects.get(name=str(role))
    return {
        f"{app}.{code}"
        for app, code in group.permissions.filter(content_type__model="donorreport").values_list(
            "content_type__app_label", "codename"
        )
    }


__all__ = ["donor_user", "grants_manager", "make_grant"]
