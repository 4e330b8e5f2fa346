"""`seed_demo` as `make run` runs it: seeded once for the module (seeding takes seconds), with a
certificate validity that is not the default, then checked by each test."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test.utils import override_settings

from accounts.models import User
from tests import migrated
from tests.demo import storage_settings

pytestmark = pytest.mark.django_db

# As `make run` seeds (DEBUG, served at 127.0.0.1:8000), with certificates valid 48 months (not the default).
SEEDED_WITH = {"DEBUG": True, "WAGTAILADMIN_BASE_URL": "http://127.0.0.1:8000", "QA_CERTIFICATE_VALIDITY_MONTHS": 48}


def _seed() -> None:
    call_command("seed_demo", password="a-demo-password-for-tests", stdout=StringIO())


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    root = migrated.files_root(tmp_path_factory.mktemp("seeded"))
    with (
        django_db_blocker.unblock(),
        override_settings(**storage_settings(root), **SEEDED_WITH),
        migrated.database_with("seed-demo-command", _seed),
    ):
        yield


def test_seed_demo_creates_the_demo_users_and_is_idempotent(capsys):
    from wagtail.models import Site

    assert Site.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8000"
    emails = set(User.objects.values_list("email", flat=True))
    expected = {
        f"{name}@example.org"
        for name in (
            "admin",
            "staff",
            "reviewer",
            "capacity",
            "grants",
            "editor",
            "candidate",
            "candidate2",
            "member",
            "donor",
            "donor2",
        )
    }
    assert expected <= emails
    assert User.objects.get(email="staff@example.org").check_password("a-demo-password-for-tests")
    counts = User.objects.count()

    call_command("seed_demo", password="another-password-entirely")
    assert User.objects.count() == counts
    assert User.objects.get(email="staff@example.org").check_password("a-demo-password-for-tests")
    assert "already present" in capsys.readouterr().out


def test_seed_demo_refuses_without_debug_unless_forced(settings, capsys):
    """With DEBUG off it refuses unless forced. (Every test that needs the demo seeds it forced, with DEBUG
    off: `tests/demo.py`.)"""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    call_command("seed_demo", "--force")
    assert "already present" in capsys.readouterr().out


def test_the_demo_renewals_follow_the_renewal_rules(settings, client):
    """Whatever day it is seeded, the demo's renewal packs are those staff could have opened: due on the
    year's due date with the settings' grace, opened before it; the year in progress is the one shown on
    the staff board and the member's portal; last year's lapsed pack was warned and proposed for
    suspension on the days the daily step would have done it."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from onboarding import selectors
    from onboarding.models import (
        RenewalPack,
        RenewalStatus,
        SuspensionProposal,
        renewal_due_on,
        renewal_grace_until,
        renewal_year_to_open,
    )

    assert settings.QA_CERTIFICATE_VALIDITY_MONTHS == 48  # not the default: the demo's certificates follow it
    today = timezone.localdate()
    year = renewal_year_to_open(today)
    packs = list(RenewalPack.objects.select_related("hotline"))
    assert {pack.year for pack in packs} == {year - 1, year}
    for pack in packs:
        assert pack.due_on == renewal_due_on(pack.year), pack
        assert pack.grace_until == renewal_grace_until(pack.due_on), pack
        assert timezone.localdate(pack.opened_at) <= pack.due_on, pack
    assert selectors.renewal_year_in_progress(today=today) == year

    (previous,) = [pack for pack in packs if pack.year == year - 1]
    assert previous.hotline.joined_on <= timezone.localdate(previous.opened_at)  # a member by then
    (overview,) = selectors.renewal_overviews([previous], today=today)
    warned_on = previous.grace_until + timedelta(days=1)
    proposed_on = warned_on + timedelta(days=settings.RENEWAL_PROPOSAL_AFTER_WARNING_DAYS)
    if today <= previous.grace_until:
        assert overview.status == RenewalStatus.OVERDUE and previous.warned_on is None
    else:
        assert overview.status == RenewalStatus.LAPSED and previous.warned_on == warned_on
    proposals = SuspensionProposal.objects.filter(pack=previous)
    assert list(proposals.values_list("proposed_on", flat=True)) == ([proposed_on] if proposed_on <= today else [])

    # The certificates were issued as the service issues them: validity from the settings.
    from network.models.training import add_months
    from onboarding.models import QaCertificate

    certificates = list(QaCertificate.objects.all())
    assert certificates
    for certificate in certificates:
        assert certificate.valid_until == add_months(certificate.valid_from, 48) - timedelta(days=1)

    client.force_login(User.objects.get(email="staff@example.org"))
    board = client.get(reverse("onboarding_admin:member_cycle")).content.decode()
    assert f"Annual renewal {year}" in board and f'<option value="{year}" selected>' in board
    client.force_login(User.objects.get(email="member@example.org"))
    home = client.get(reverse("portal:home")).content.decode()
    assert "Membership renewal" in home and f"({year}: " in home and "no renewal open" not in home
