from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


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
