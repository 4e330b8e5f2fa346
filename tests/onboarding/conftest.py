from __future__ import annotations

from collections.abc import Callable

import pytest

from accounts.models import User
from accounts.roles import Role
from accounts.services import affiliation_set
from network.models import Hotline
from tests.onboarding.factories import HotlineFactory, country


@pytest.fixture
def network_staff(make_user: Callable[..., User]) -> User:
    return make_user(Role.NETWORK_STAFF, email="mover@example.org")


@pytest.fixture
def candidate_hotline(db: None) -> Hotline:
    return HotlineFactory(brand_name="SafeNet Ghana", country=country("GH"))


@pytest.fixture
def candidate_user(make_user: Callable[..., User], candidate_hotline: Hotline) -> User:
    user = make_user(email="kofi@example.org")
    affiliation_set(user=user, target=candidate_hotline.host_organisation, acting_user=None)
    return user
