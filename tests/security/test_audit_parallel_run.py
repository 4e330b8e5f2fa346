"""The audit completeness checks over a parallel run (tests/audit_plugin.py), end to end: a pytest run
on two workers, one of which records an unaudited write, fails and names the service. A module of
its own: it needs no database, so it can run while another worker migrates (tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from django.conf import settings

CHILD_TESTS = """
from tests import audit_plugin


def test_a_service_on_one_worker_forgets_its_audit_entry():
    audit_plugin.violations["tests.example.organisation_rename_silently"].append(
        "wrote network_organisation without an audit entry"
    )


def test_another_test_elsewhere():
    pass
"""


def test_a_violation_on_one_worker_fails_the_whole_parallel_run(tmp_path: Path) -> None:
    """End to end: a pytest run on two xdist workers, one of which records an unaudited write, fails,
    and names the service in the controller's report."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    # The module's name makes the run include the completeness checks.
    (tmp_path / "test_audit_completeness_parallel.py").write_text(textwrap.dedent(CHILD_TESTS))
    env = {**os.environ, "PYTHONPATH": str(settings.BASE_DIR), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    env.pop("PYTEST_XDIST_WORKER", None)
    env.pop("PYTEST_XDIST_WORKER_COUNT", None)
    env.pop("PYTEST_ADDOPTS", None)
    command = [sys.executable, "-m", "pytest", "-c", "pytest.ini", "-p", "tests.audit_plugin", "-p", "no:cacheprovider"]
    command.extend(["-n", "2", "--dist", "load", "-q", "-rf"])
    result = subprocess.run(
        command,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "2 passed" in output, output
    assert "audit completeness across workers" in output, output
    assert "tests.example.organisation_rename_silently (wrote network_organisation without an audit entry)" in output
