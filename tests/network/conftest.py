"""Two member hotlines, A and B, each with a portal user; staff of each role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from accounts.models import User
from accounts.roles import Role
from accounts.services import affiliation_set
from network.models import Hotline
from tests.network.factories import (
    AnalystFactory,
    AnnualProfileFactory,
    ContactFactory,
    HotlineFactory,
    OrganisationFactory,
    ParticipationFactory,
    StatisticsFactory,
    country,
)


@dataclass
class Side:
    """One member hotline with its records and its portal user."""

    hotline: Hotline
    user: User
    analyst: object
    profile: object
    statistics: object
    participation: object
    contact: object


def _side(make_user: Callable[..., User], label: str, country_code: str) -> Side:
    organisation = OrganisationFactory(name=f"Host {label}", country=country(country_code))
    contact = ContactFactory(organisation=organisation, name=f"Person {label}")
    hotline = HotlineFactory(brand_name=f"Hotline {label}", host_organisation=organisation, point_of_contact=contact)
    user = make_user(email=f"member.{label.lower()}@example.org")
    affiliation_set(user=user, target=organisation, acting_user=None)
    analyst = AnalystFactory(hotline=hotline, code=f"{label}-01")
    return Side(
        hotline=hotline,
        user=user,
        analyst=analyst,
        profile=AnnualProfileFactory(hotline=hotline),
        statistics=StatisticsFactory(hotline=hotline),
        participation=ParticipationFactory(analyst=analyst, status="nominated"),
        contact=contact,
    )


@pytest.fixture
def side_a(make_user: Callable[..., User]) -> Side:
    return _side(make_user, "A", "BE")


@pytest.fixture
def side_b(make_user: Callable[..., User]) -> Side:
    return _side(make_user, "B", "NL")


@pytest.fixture
def capacity_user(make_user: Callable[..., User]) -> User:
    return make_user(Role.CAPACITY, email="capacity.user@example.org")


@pytest.fixture
def editor_user(make_user: Callable[..., User]) -> User:
    return make_user(Role.EDITOR, email="editor.user@example.org")
