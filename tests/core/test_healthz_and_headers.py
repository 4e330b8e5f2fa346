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
