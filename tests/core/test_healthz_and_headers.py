from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "tasks": "ok"}}


def test_healthz_says_when_the_task_worker_is_stopped(client, settings):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.create(
        task_path="core.tasks.deliver_email",
        args_kwargs={"args": [1], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        run_after=timezone.now() - timedelta(minutes=20),
    )
    DBTaskResult.objects.filter(pk=queued.pk).update(enqueued_at=timezone.now() - timedelta(minutes=2))
    assert client.get("/healthz").json()["checks"]["tasks"] == "ok"  # 2 minutes: the worker is busy
    DBTaskResult.objects.filter(pk=queued.pk).update(enqueued_at=timezone.now() - timedelta(minutes=12))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "tasks": "stalled"},
        "tasks": {"waiting": 1, "oldest_waiting_minutes": 12},
    }
    DBTaskResult.objects.filter(pk=queued.pk).update(status="RUNNING")
    assert client.get("/healthz").json()["status"] == "ok"


def test_healthz_reports_unreachable_database(client):
    with mock.patch("core.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"
    assert "connection refused" not in response.content.decode()


def test_security_headers_on_public_pages(client):
    response = client.get("/healthz")
    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_admin_inline_widget_scripts_carry_the_nonce(staff_user, client_for):
    from django.forms import Form
    from wagtail.admin.widgets import AdminDateInput

    class DateForm(Form):
        from django import forms

        when = forms.DateField(widget=AdminDateInput)

    from core.middleware import current_csp_nonce

    token = current_csp_nonce.set("abc123")
    try:
        html = str(DateForm()["when"])
    finally:
        current_csp_nonce.reset(token)
    assert '<script nonce="abc123">' in html


def test_friendly_404(client):
    response = client.get("/no-such-page-here/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_widget_script_first_on_its_page_generates_the_nonce_the_header_carries(staff_user, client_for):
    """Django's nonce is generated lazily: when a date widget's script is the page's first inline
    script, it must generate the nonce, and the Content-Security-Policy header must then allow it."""
    import re

    from tests.onboarding.world import build_world

    world = build_world()
    response = client_for(world.staff).get(reverse("onboarding_admin:candidate_add"))
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>initDateChooser", html)
    assert scripts, "the candidate form has a date chooser"
    nonces = {re.search(r'nonce="([^"]+)"', attrs).group(1) for attrs in scripts}
    assert len(nonces) == 1
    assert f"'nonce-{nonces.pop()}'" in response["Content-Security-Policy"]


class _CountingInput:
    """A request body that records whether anyone read it."""

    def __init__(self) -> None:
        self.reads = 0

    def read(self, *args: object) -> bytes:
        self.reads += 1
        return b""

    def readline(self, *args: object) -> bytes:
        self.reads += 1
        return b""


@pytest.mark.parametrize("path", ["/donors/verify/", "/accounts/login/", "/portal/"])
def test_an_oversized_body_is_refused_before_it_is_read(client, settings, path):
    """A 200 MB anonymous upload was once read in full before being refused: now its declared
    length alone answers 413."""
    body = _CountingInput()
    response = client.post(
        path,
        data=b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    assert f"at most {settings.REQUEST_MAX_BYTES // (1024 * 1024)} MB" in response.content.decode()
    assert body.reads == 0


def test_bodies_within_the_limit_pass(client, settings):
    settings.REQUEST_MAX_BYTES = 4096
    assert client.post("/donors/verify/", {"q": "x" * 100}).status_code == 400  # the form: no file
    assert client.post("/donors/verify/", {"q": "x" * 8000}).status_code == 413


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_every_page_for_a_signed_in_user_is_no_store(make_user, client_for):
    """The portal and donor pages carried no Cache-Control at all."""
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import Affiliation
    from accounts.roles import Role
    from network.models import Organisation
    from tests.network.factories import OrganisationFactory
    from tests.reports.donor_report_factories import donor_user, make_grant

    organisation = OrganisationFactory()
    hotline_user = make_user(email="hotline.cache@example.org")
    Affiliation.objects.create(
        user=hotline_user, content_type=ContentType.objects.get_for_model(Organisation), object_id=organisation.pk
    )
    grant = make_grant()
    donor = donor_user(grant.donor, "donor.cache@example.org")
    staff = make_user(Role.NETWORK_STAFF, email="staff.cache@example.org")
    pages = [
        (staff, reverse("wagtailadmin_home")),
        (staff, "/"),
        (hotline_user, reverse("portal:home")),
        (hotline_user, reverse("account_email")),
        (donor, reverse("donors:home")),
        (donor, reverse("donors:grant", args=[grant.pk])),
    ]
    for user, url in pages:
        response = client_for(user).get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        assert {"no-store", "private"} <= _cache_control(response), (url, response.get("Cache-Control"))


def test_anonymous_answers_are_not_marked_private(client):
    assert "private" not in _cache_control(client.get("/robots.txt"))
