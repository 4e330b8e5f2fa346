"""Every service that changes state writes its audit entry (see tests/audit_plugin.py).

This module runs last: by then every test has called the services through the session's wrappers.
Under pytest-xdist a worker sees only its own share of the calls: the controller runs the same checks
over every worker's calls at the end (tests/audit_plugin.py); the last test here, and
tests/security/test_audit_parallel_run.py, show it does.
"""

from __future__ import annotations

import pytest

from tests import audit_plugin


def test_services_are_found():
    names = set(audit_plugin.services)
    assert "onboarding.services.hotline_transition" in names
    assert "accounts.services.invitation_create" in names
    assert "network.services.contact_erase" in names


def test_every_state_changing_service_call_wrote_an_audit_entry():
    problems = {name: sorted(set(reasons)) for name, reasons in audit_plugin.violations.items()}
    assert not problems, "services that changed data without an audit entry: " + "; ".join(
        f"{name} ({', '.join(reasons)})" for name, reasons in sorted(problems.items())
    )


def test_every_service_is_exercised_by_the_suite(request):
    if not audit_plugin.state["whole_suite"]:
        pytest.skip("only meaningful when the whole suite runs")
    if audit_plugin.is_worker(request.config):
        pytest.skip("under xdist the controller checks this over every worker's calls (tests/audit_plugin.py)")
    never = sorted(set(audit_plugin.services) - audit_plugin.called)
    assert not never, "services no test calls (so their audit entry is unchecked): " + ", ".join(never)


def test_the_check_catches_a_service_that_forgets_its_audit_entry(db):
    from network.models import Organisation

    def organisation_rename_silently(*, organisation, name):
        organisation.name = name
        organisation.save()

    wrapped = audit_plugin._wrap("tests.example.organisation_rename_silently", organisation_rename_silently)
    from network.models import Country

    kenya = {"name": "Kenya", "alpha3": "KEN", "numeric": "404"}
    country, _created = Country.objects.get_or_create(code="KE", defaults=kenya)
    organisation = Organisation.objects.create(name="Before", type="ngo", country=country)
    before = dict(audit_plugin.violations)
    try:
        wrapped(organisation=organisation, name="After")
        assert audit_plugin.violations["tests.example.organisation_rename_silently"] == [
            "wrote network_organisation without an audit entry"
        ]
    finally:
        audit_plugin.violations.clear()
        audit_plugin.violations.update(before)


def _output(*, called=(), violations=None, whole_suite=True, services=("a.services.one", "a.services.two")):
    return {
        "services": list(services),
        "called": list(called),
        "violations": violations or {},
        "whole_suite": whole_suite,
        "checks": True,
    }


def test_the_checks_over_workers_join_their_calls_and_their_violations():
    # Each service called on one worker or the other: nothing is missing.
    assert audit_plugin.problems([_output(called=["a.services.one"]), _output(called=["a.services.two"])]) == []
    # A service no worker called, in a whole-suite run only.
    missing = audit_plugin.problems([_output(called=["a.services.one"]), _output(called=["a.services.one"])])
    assert missing == ["services no test calls (so their audit entry is unchecked): a.services.two"]
    partial = [_output(called=["a.services.one"], whole_suite=False), _output(called=[], whole_suite=False)]
    assert audit_plugin.problems(partial) == []
    # A violation on any one worker fails, named with its reasons from every worker.
    both = [
        _output(called=["a.services.one", "a.services.two"], violations={"a.services.two": ["wrote x without"]}),
        _output(violations={"a.services.two": ["wrote y without", "wrote x without"]}),
    ]
    assert audit_plugin.problems(both) == [
        "services that changed data without an audit entry: a.services.two (wrote x without, wrote y without)"
    ]
