"""Production settings refuse to start without their secrets, and pass Django's deploy check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


SECRET = "x" * 30 + "-production-secret-for-the-deploy-check-only-0123456789"


def test_production_refuses_to_start_without_secret_key():
    result = _manage(
        "check",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_ALLOWED_HOSTS": "hotlines.example.org",
        },
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _manage(
        "check",
        env={"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_SECRET_KEY": SECRET},
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_deploy_check_is_clean():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": SECRET,
            "DJANGO_ALLOWED_HOSTS": "hotlines.example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_local_settings_default_to_sqlite_and_database_url_selects_postgres():
    code = "import django, os;from django.conf import settings;print(settings.DATABASES['default']['ENGINE'])"
    env_base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    sqlite = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env_base, "DJANGO_SETTINGS_MODULE": "config.settings.local"},
        capture_output=True,
        text=True,
    )
    assert sqlite.stdout.strip() == "django.db.backends.sqlite3", sqlite.stderr
    pg = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **env_base,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
        },
        capture_output=True,
        text=True,
    )
    assert pg.stdout.strip() == "django.db.backends.postgresql", pg.stderr


def test_proxy_body_limit_and_mail_settings_come_from_the_environment():
    """The settings the proxy contract and the probe's fixes rely on: off or safe by default, set
    from the environment (.env.example lists them)."""
    names = [
        "ALLAUTH_TRUSTED_PROXY_COUNT",
        "ALLAUTH_TRUSTED_CLIENT_IP_HEADER",
        "REQUEST_MAX_BYTES",
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
    ]
    code = (
        "import json;from django.conf import settings as s;"
        f"print(json.dumps([getattr(s, n) for n in {names!r}]"
        " + [s.ACCOUNT_RATE_LIMITS['donors_verify'], s.MAILERS['default']['BACKEND'],"
        " s.MAILERS['delivery']['BACKEND'], s.WAGTAIL_EMAIL_MANAGEMENT_ENABLED,"
        " s.WAGTAIL_PASSWORD_MANAGEMENT_ENABLED]))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    production = {"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_SECRET_KEY": SECRET}
    production["DJANGO_ALLOWED_HOSTS"] = "hotlines.example.org"

    def read(**env: str) -> list:
        import json

        result = subprocess.run(
            [sys.executable, "-c", code],  # the settings alone: no app needs loading to read them
            cwd=ROOT,
            env={**base, **production, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    defaults = read()
    assert defaults[:2] == [0, None]  # no proxy trusted unless configured
    assert defaults[2] == 20 * 1024 * 1024 + 1024 * 1024
    assert defaults[4:] == [
        "10/m/ip,60/h/ip",
        "core.mail.OutboxBackend",
        "django.core.mail.backends.smtp.EmailBackend",
        False,
        False,
    ]
    configured = read(
        TRUSTED_PROXY_COUNT="1",
        TRUSTED_CLIENT_IP_HEADER="X-Real-IP",
        REQUEST_MAX_BYTES="5000000",
        DATA_UPLOAD_MAX_MEMORY_SIZE="1000000",
        DONORS_VERIFY_RATE="3/m/ip",
    )
    assert configured[:5] == [1, "X-Real-IP", 5000000, 1000000, "3/m/ip"]
