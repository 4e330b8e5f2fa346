"""Backup and restore (docs/operations.md): a backup restored into an empty database gives an
identical network workbook export, and the private files come back byte for byte."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import load_workbook

from core.uploads import store_bytes
from core.workbook import export_workbook

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed"),
]


def _url(name: str) -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {name: [tuple(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_restore_into_an_empty_database_gives_an_identical_workbook(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the backup procedure is for PostgreSQL")
    settings.DEBUG = True
    call_command("seed_demo", scale=4, password="restore-test-password", stdout=io.StringIO())
    store_bytes(b"%PDF-1.4 minutes of a roundtable\n%%EOF\n", folder="restore-check", extension="pdf")
    before = export_workbook()
    private_before = _tree_digest(Path(settings.PRIVATE_ROOT))
    assert private_before

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    backup_dir = tmp_path / "backup"
    subprocess.run(
        ["scripts/backup", str(backup_dir)],
        cwd=ROOT,
        env={
            **env,
            "DATABASE_URL": _url(connection.settings_dict["NAME"]),
            "DJANGO_PRIVATE_ROOT": str(settings.PRIVATE_ROOT),
            "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        },
        check=True,
        capture_output=True,
    )

    target = f"restore_{uuid.uuid4().hex[:10]}"
    restored_private = tmp_path / "restored-private"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        restore_env = {
            **env,
            "DATABASE_URL": _url(target),
            "DJANGO_PRIVATE_ROOT": str(restored_private),
            "DJANGO_MEDIA_ROOT": str(tmp_path / "restored-media"),
        }
        subprocess.run(["scripts/restore", str(backup_dir)], cwd=ROOT, env=restore_env, check=True, capture_output=True)
        # Restoring over data is refused.
        again = subprocess.run(
            ["scripts/restore", str(backup_dir)], cwd=ROOT, env=restore_env, capture_output=True, text=True
        )
        assert again.returncode != 0 and "not empty" in again.stderr

        out = tmp_path / "after.xlsx"
        subprocess.run(
            [sys.executable, "manage.py", "export_network", str(out)],
            cwd=ROOT,
            env={**restore_env, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
            check=True,
            capture_output=True,
        )
        assert _sheets(out.read_bytes()) == _sheets(before)
        assert _tree_digest(restored_private) == private_before
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
