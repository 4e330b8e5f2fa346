from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_demo_users_and_is_idempotent(settings, capsys):
    from wagtail.models import Site

    settings.DEBUG = True
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"  # as `make run` serves it
    call_command("seed_demo", password="a-demo-password-for-tests")
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


def test_seed_demo_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    call_command("seed_demo", "--force", password="a-demo-password-for-tests")
    assert User.objects.filter(email="admin@example.org").exists()
