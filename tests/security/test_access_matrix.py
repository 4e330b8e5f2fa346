"""The access matrix: every URL pattern of the project (walked from the resolver), filled with objects
of two candidates, two member hotlines (and two donors once the donor area exists), requested as
anonymous and as every demo role, GET and, for views that change state, an empty POST; each answer
is held to the declared policy (tests/security/policy.py) and searched for other owners' markers
(tests/security/world.py)."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
from django.urls import reverse

from tests.security import policy
from tests.security.matrix import (
    Answer,
    Clients,
    Route,
    Tally,
    explicit_rule,
    foreign_markers,
    hits,
    iterate,
    judge_coarse,
    judge_explicit,
    rule_for,
    variant_path,
    variants_of,
    walk_routes,
)
from tests.security.policy import Rule
from tests.security.world import KINDS, OWNERS, ROLES, World, marker

ALL_MARKERS = {marker(owner, kind) for owner in (*OWNERS, "DA", "DB") for kind in KINDS} | {policy.DRAFT_MARKER}


# Under pytest-xdist the matrix is shared out role by role (SPLIT_BY_TEST in tests/conftest.py, handed
# out first); the module's other tests go together.
pytestmark = pytest.mark.usefixtures("world_files")


def test_every_url_pattern_has_a_policy_entry() -> None:
    routes = walk_routes()
    missing = [f"{r.key}  ({r.route}, {r.module})" for r in routes if rule_for(r) is None]
    assert not missing, "URL patterns without an entry in tests/security/policy.py:\n" + "\n".join(missing)
    keys = {r.key for r in routes} | {r.name for r in routes if r.name}
    stale = sorted(set(policy.POLICY) - keys)
    assert not stale, f"policy entries for URL patterns that no longer exist: {stale}"


def test_views_that_accept_posts_are_declared_as_writing() -> None:
    """A class-based view of ours with a `post` method changes state: its entry must say so, so the
    matrix POSTs to it as every role."""
    undeclared = []
    for route in walk_routes():
        rule = explicit_rule(route)
        view_class = getattr(route.pattern.callback, "view_class", None)
        accepts_post = hasattr(view_class, "post") and "post" in getattr(view_class, "http_method_names", ())
        if isinstance(rule, Rule) and not rule.shadowed and route.ours and accepts_post and not rule.writes:
            undeclared.append(route.key)
    assert not undeclared, f"views that accept POST but are not declared writes=True: {undeclared}"


def test_shadowed_routes_are_unreachable() -> None:
    for route in walk_routes():
        rule = explicit_rule(route)
        if isinstance(rule, Rule) and rule.shadowed:
            assert not hits(reverse(route.name), route), f"{route.key} is reachable"


# What each role must find somewhere in the matrix's answers: each kind of data showed up to those who
# may see it (otherwise "no foreign rows" would prove nothing).
EXPECTED_SEEN = {
    ("candidate", marker("CA", "REG")),
    ("candidate", marker("CA", "DOS")),
    ("candidate2", marker("CB", "REG")),
    ("candidate2", marker("CB", "DOS")),
    ("member", marker("MA", "REG")),
    ("member", marker("MA", "DOS")),
    ("member", marker("MA", "PUB")),
    ("reviewer", marker("CA", "DOS")),
    ("reviewer", marker("MA", "DOS")),
    ("reviewer", marker("MB", "REG")),
    ("staff", marker("CB", "DOS")),
    ("staff", marker("MB", "DOS")),
    ("capacity", marker("MB", "REG")),
    ("capacity", marker("MB", "CAP")),
    ("member", marker("MA", "CAP")),
    ("staff", marker("MB", "STF")),
    ("staff", marker("CB", "STF")),
    ("reviewer", marker("MB", "CAP")),
    ("anonymous", marker("MA", "PUB")),
    ("anonymous", marker("MB", "PUB")),
    ("editor", policy.DRAFT_MARKER),
}
# Once the donor area exists, each donor's users see their own donor's name, and only theirs.
EXPECTED_SEEN_DONORS = {
    ("donor", marker("DA", "REG")),
    ("donor2", marker("DB", "REG")),
    ("grants", marker("DB", "REG")),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role: str, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """The whole matrix, one role per test (so that parallel workers share it out): every URL pattern
    and object variant requested as this role, GET and, for views that change state, POST."""
    started = time.monotonic()
    clients = Clients(world, roles=(role,))
    routes = walk_routes()
    tally = Tally()
    statuses: Counter[int] = Counter()
    timings: Counter[str] = Counter()
    known: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    for route, found in iterate(routes):
        route_started = time.monotonic()
        tally.routes += 1
        try:
            variants = variants_of(route, found, world)
        except Exception as exc:
            tally.fail(route, "", "-", "-", f"cannot fill the parameters: {exc!r}")
            continue
        tally.pairs += 1
        if isinstance(found, Rule):
            methods = ("GET", "POST") if found.writes else ("GET",)
            public = found.public
        else:
            methods = ("GET", "POST") if policy.core_writes(route.key) else ("GET",)
            public = found.public
        for variant in variants:
            try:
                path = variant_path(route, variant, world)
            except Exception as exc:
                tally.fail(route, variant.label, "-", "-", f"cannot build the URL: {exc!r}")
                continue
            if not hits(path, route):
                tally.fail(route, variant.label, "-", "-", f"{path} reaches another pattern")
                continue
            for method in methods:
                answer: Answer = clients.request(role, method, path)
                tally.requests += 1
                statuses[answer.status] += 1
                if isinstance(found, Rule):
                    problem = judge_explicit(found, variant, role, method, answer)
                else:
                    problem = judge_coarse(found, role, method, answer)
                let_in = variant.allow if isinstance(found, Rule) else found.allow | found.maybe
                if problem and answer.status == 500 and route.key in policy.KNOWN_WAGTAIL_ERRORS and role in let_in:
                    known[f"{method} {route.key}"] += 1
                elif problem:
                    tally.fail(route, variant.label or path, role, method, problem)
                viewer = (found.markers_as if isinstance(found, Rule) else None) or role
                seen.update((role, m) for m in ALL_MARKERS if m.lower() in answer.text)
                leaked = foreign_markers(answer, viewer, public_page=public, all_markers=ALL_MARKERS)
                if leaked:
                    tally.fail(route, variant.label or path, role, method, f"foreign rows: {leaked} at {path}")
        timings[route.key] += time.monotonic() - route_started
    seconds = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\naccess matrix as {role}: {tally.routes} URL patterns; "
            f"{tally.requests} requests (object variants, GET and POST) in {seconds:.0f} s; "
            f"statuses {dict(sorted(statuses.items()))}"
        )
        print("known server errors inside Wagtail (policy.KNOWN_WAGTAIL_ERRORS):", dict(known))
        print("slowest:", ", ".join(f"{key} {seconds:.1f}s" for key, seconds in timings.most_common(10)))
    assert not tally.failures, f"{len(tally.failures)} access problems:\n" + "\n".join(tally.failures)
    # The markers are really there: each kind of data showed up to those who may see it.
    expected = EXPECTED_SEEN | (EXPECTED_SEEN_DONORS if world.donor_area else set())
    expected = {(who, what) for who, what in expected if who == role}
    assert expected <= seen, f"markers never seen where they should show: {sorted(expected - seen)}"


def test_every_expected_marker_belongs_to_a_role_of_the_matrix() -> None:
    """The expectations above are checked role by role: none may name a role the matrix never runs."""
    assert {who for who, _what in EXPECTED_SEEN | EXPECTED_SEEN_DONORS} <= set(ROLES)


@pytest.mark.django_db
def test_derived_views_follow_the_rule_of_the_record_each_part_comes_from(world: World) -> None:
    """A hotline's history and page, and the site history, show each entry and section only to those
    who may see the record it comes from: staff notes to network staff, a dossier's events to its
    declared reviewer, capacity data not to editors. (The access matrix checks every role on every
    URL; this names what each role must and must not find on these pages.)"""
    clients = Clients(world)

    def text(role: str, path: str) -> str:
        answer = clients.request(role, "GET", path)
        assert answer.status == 200, (role, path, answer.status)
        return answer.text

    def page(name: str, owner: str) -> str:
        return reverse(f"network_hotline:{name}", args=[world.pk(owner)])

    site_history = reverse("wagtailadmin_reports:site_history")
    for role in ("staff", "reviewer", "capacity", "grants", "editor"):
        for owner in ("CA", "CB", "MA", "MB"):
            for name in ("history", "inspect"):
                found = text(role, page(name, owner))
                leaked = foreign_markers(Answer(200, "", found), role, public_page=False, all_markers=ALL_MARKERS)
                assert not leaked, (role, owner, name, leaked)
        leaked = foreign_markers(
            Answer(200, "", text(role, site_history)), role, public_page=False, all_markers=ALL_MARKERS
        )
        assert not leaked, (role, "site history", leaked)

    # What each may see is there (otherwise the absence above proves nothing).
    assert marker("CB", "STF").lower() in text("staff", page("history", "CB"))
    assert marker("CB", "DOS").lower() in text("staff", page("inspect", "CB"))
    assert marker("MA", "DOS").lower() in text("reviewer", page("history", "MA"))
    assert marker("MB", "CAP").lower() in text("capacity", page("inspect", "MB"))
    assert marker("CB", "STF").lower() in text("staff", site_history) or marker("CA", "STF").lower() in text(
        "staff", site_history
    )
    editor_page = text("editor", page("inspect", "MB"))
    for heading in ("analysts-heading", "training-heading", "statistics-heading", "contacts-heading"):
        assert heading not in editor_page
    assert "statistics-heading" in text("capacity", page("inspect", "MB"))


@pytest.mark.django_db
def test_wagtail_page_sign_in_cannot_bypass_mfa(client: Any, make_user: Any, settings: Any) -> None:
    """Wagtail's own front-end sign-in form (`/_util/login/`) would accept a password alone: it is
    sent to allauth's sign-in, which asks a staff member with MFA for the second factor."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.roles import Role
    from tests.accounts.factories import TEST_PASSWORD

    settings.ACCOUNTS_REQUIRE_STAFF_MFA = True
    user = make_user(Role.NETWORK_STAFF, email="mfa.staff@example.org")
    TOTP.activate(user, generate_totp_secret())
    for prefix in ("", "/fr", "/es"):
        response = client.post(f"{prefix}/_util/login/", {"username": user.email, "password": TOTP and TEST_PASSWORD})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert client.get("/admin/")["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")


def _unused(route: Route) -> None:  # pragma: no cover
    pass
