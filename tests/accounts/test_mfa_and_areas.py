from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.roles import Role
from tests.accounts.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_staff_without_mfa_are_kept_out_of_admin_when_required(settings, staff_user, client):
    settings.ACCOUNTS_REQUIRE_STAFF_MFA = True
    client.post(reverse("account_login"), {"login": staff_user.email, "password": TEST_PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    # The set-up page is reachable (after confirming the password once more).
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    assert setup.status_code == 200
    assert setup.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    client.post(setup.redirect_chain[-1][0], {"password": TEST_PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_staff_with_totp_reach_admin_when_required(settings, staff_user, client_for):
    settings.ACCOUNTS_REQUIRE_STAFF_MFA = True
    Authenticator.objects.create(user=staff_user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    assert client_for(staff_user).get("/admin/").status_code == 200


def test_mfa_not_required_when_setting_off(settings, staff_user, client_for):
    settings.ACCOUNTS_REQUIRE_STAFF_MFA = False
    assert client_for(staff_user).get("/admin/").status_code == 200


def test_non_staff_users_do_not_reach_admin(make_user, client_for):
    response = client_for(make_user()).get("/admin/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/admin/" not in response.url.split("?")[0]


def test_portal_and_donor_areas_need_an_affiliation(make_user, client_for, client):
    assert client.get("/portal/").status_code == 302
    assert client.get("/donors/").status_code == 302
    staff = client_for(make_user(Role.NETWORK_STAFF))
    assert staff.get("/portal/").status_code == 403
    assert staff.get("/donors/").status_code == 403
    unaffiliated = client_for(make_user())
    assert unaffiliated.get("/portal/").status_code == 403
    home = unaffiliated.get(reverse("accounts:home"))
    assert home.status_code == 200
    assert "not linked yet" in home.content.decode()


def test_role_groups_exist_with_admin_access():
    from django.contrib.auth.models import Group

    for role in (
        "Network staff",
        "Accreditation reviewer",
        "Capacity staff",
        "Grants manager",
        "Editor",
        "Moderator",
    ):
        group = Group.objects.get(name=role)
        assert group.permissions.filter(codename="access_admin").exists()
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    assert Group.objects.get(name="Moderator").page_permissions.filter(permission__codename="publish_page").exists()


@pytest.mark.parametrize("prefix", ["/hotlines", "/x"])
def test_staff_without_mfa_are_kept_out_of_admin_under_a_script_name_prefix(settings, staff_user, client_for, prefix):
    """Deployed under a sub-path (or given a SCRIPT_NAME by a proxy), the full path starts with the
    prefix, not /admin/: the rule follows the view the URL resolved to."""
    settings.ACCOUNTS_REQUIRE_STAFF_MFA = True
    setup_url = reverse("mfa_activate_totp")  # the test client does not prefix reversed URLs
    client = client_for(staff_user)
    for path in ("/admin/", "/admin/network/workbook/export/", "/admin/reports/site-history/"):
        response = client.get(path, SCRIPT_NAME=prefix)
        assert response.status_code == 302, path
        assert response.url == setup_url, path
    # The request really was under the prefix: the view sees it in the full path.
    assert client.get("/portal/", SCRIPT_NAME=prefix).wsgi_request.path == f"{prefix}/portal/"


def test_gunicorn_takes_no_script_name_from_headers_and_trusts_only_the_proxy(monkeypatch):
    """The proxy contract (gunicorn.conf.py): no SCRIPT_NAME/PATH_INFO from request headers, forwarded
    headers only from FORWARDED_ALLOW_IPS (loopback unless set)."""
    import runpy

    from django.conf import settings as django_settings
    from gunicorn.config import Config

    def load() -> Config:
        config = Config()
        for name, value in runpy.run_path(str(django_settings.BASE_DIR / "gunicorn.conf.py")).items():
            if name in config.settings:
                config.set(name, value)
        return config

    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    config = load()
    assert config.forwarder_headers == []
    assert config.forwarded_allow_ips == ["127.0.0.1", "::1"]
    assert config.secure_scheme_headers == {"X-FORWARDED-PROTO": "https"}
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.5")
    assert load().forwarded_allow_ips == ["10.0.0.5"]
