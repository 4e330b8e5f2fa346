"""The declared access policy: for every URL pattern of the project, who may use it, with which
objects, and what an allowed request answers. `test_access_matrix` walks the resolver and holds
every pattern to this table; a pattern without an entry fails the test with its name.

Written from what each view is for (the issues, docs/architecture.md, the views' docstrings), not
from what the code answers. Roles are the demo users; `anonymous` is a visitor who is not signed in.

- A `Rule` has one or more `Variant`s: the objects that fill the URL's parameters (an object of
  candidate A or B, member hotline A or B, a mix of an own and a foreign object), each with the
  roles allowed to use it. Everyone else is refused: anonymous visitors are sent to sign in, a
  signed-in user gets 403, 404 (or 405), a non-staff user in the admin is sent to sign in, and
  staff without the permission get Wagtail's redirect to the admin home.
- `ok` is what an allowed GET answers (200, or the view's normal redirect). `writes` marks views
  that change state: they are also POSTed with an empty body, which must never change data for a
  refused role.
- Wagtail's own admin (pages, images, documents, users, settings...) is covered by coarse rules
  (`CORE`): never for non-staff; for staff, by Wagtail's permissions as the roles hold them.
- Markers (tests/security/world.py) say which owners' data a role may see: `visible_markers`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.security.world import DRAFT_MARKER, KINDS, ROLES, World, marker

ANONYMOUS, ADMIN, STAFF, REVIEWER, CAPACITY, GRANTS, EDITOR = ROLES[:7]
CANDIDATE, CANDIDATE2, MEMBER, DONOR, DONOR2 = ROLES[7:]


def roles(*names: str) -> frozenset[str]:
    unknown = set(names) - set(ROLES)
    assert not unknown, unknown
    return frozenset(names)


EVERYONE = roles(*ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
NOBODY: frozenset[str] = frozenset()
STAFF_ROLES = roles(ADMIN, STAFF, REVIEWER, CAPACITY, GRANTS, EDITOR)
PORTAL = roles(CANDIDATE, CANDIDATE2, MEMBER)
DONORS = roles(DONOR, DONOR2)
# The superuser holds every staff permission; "network staff" below always includes it.
NETWORK = roles(ADMIN, STAFF)
# Readers of roundtables and agreements (grants managers report on them).
ROUNDTABLE_READERS = roles(ADMIN, STAFF, GRANTS)
# The dossier of candidate A and member A: network staff and the declared reviewer.
DOSSIER_A = roles(ADMIN, STAFF, REVIEWER)
# The registry: every staff role reads hotlines, organisations and countries.
REGISTRY_READERS = STAFF_ROLES
# Analysts, training, profiles and statistics: all staff but editors.
CAPACITY_READERS = roles(ADMIN, STAFF, CAPACITY, REVIEWER, GRANTS)
CAPACITY_KEEPERS = roles(ADMIN, CAPACITY)
EDITORS = roles(ADMIN, EDITOR)
# The international reporting routes (cms.ReportingRoute): network staff and editors.
ROUTE_KEEPERS = roles(ADMIN, STAFF, EDITOR)


# -- markers -------------------------------------------------------------------------------------
def visible_markers(role: str, *, public_page: bool) -> set[str]:
    """The markers `role` may see in a response; any other marker found there is a foreign row."""
    owners = ("CA", "CB", "MA", "MB", "DA", "DB")
    everything = {marker(owner, kind) for owner in owners for kind in KINDS} | {DRAFT_MARKER}
    hotlines = ("CA", "CB", "MA", "MB")
    dossiers = {marker(owner, "DOS") for owner in hotlines}
    staff_notes = {marker(owner, "STF") for owner in hotlines}
    capacity = {marker(owner, "CAP") for owner in hotlines}
    if role in NETWORK:
        return everything
    if role in STAFF_ROLES:
        # Staff roles read the registry (and page drafts); a dossier only as its declared reviewer;
        # staff notes never; capacity data all but editors.
        seen = everything - dossiers - staff_notes
        if role == REVIEWER:
            seen |= {marker("CA", "DOS"), marker("MA", "DOS")}
        if role == EDITOR:
            seen -= capacity
        return seen
    own = {CANDIDATE: "CA", CANDIDATE2: "CB", MEMBER: "MA", DONOR: "DA", DONOR2: "DB"}.get(role)
    seen = {marker(own, kind) for kind in ("REG", "DOS", "PUB", "CAP")} if own else set()
    if public_page:
        seen |= {marker("MA", "PUB"), marker("MB", "PUB")}
    return seen


# -- rules ---------------------------------------------------------------------------------------
Param = str | Callable[[World], Any]


def lit(value: Any) -> Callable[[World], Any]:
    return lambda world: value


def secret(name: str) -> Callable[[World], str]:
    return lambda world: world.secrets[name]


def attr(name: str, attribute: str) -> Callable[[World], Any]:
    return lambda world: getattr(world[name], attribute)


@dataclass(frozen=True)
class Variant:
    """One way to fill the URL: its parameters (world object names give their pk), an optional query
    string or a ready path, and the roles allowed."""

    label: str
    allow: frozenset[str]
    params: dict[str, Param] = field(default_factory=dict)
    args: tuple[Param, ...] = ()
    path: Callable[[World], str] | None = None
    query: str | Callable[[World], str] = ""
    ok: frozenset[int] | None = None  # overrides the rule's

    def kwargs(self, world: World) -> dict[str, Any]:
        return {name: _value(world, value) for name, value in self.params.items()}

    def positional(self, world: World) -> list[Any]:
        return [_value(world, value) for value in self.args]

    def query_string(self, world: World) -> str:
        return self.query(world) if callable(self.query) else self.query


def _value(world: World, value: Param) -> Any:
    return value(world) if callable(value) else world.pk(value)


@dataclass(frozen=True)
class Rule:
    variants: tuple[Variant, ...] | Callable[[World], tuple[Variant, ...]]
    ok: frozenset[int] = frozenset({200})
    writes: bool = False
    public: bool = False
    # What a refused anonymous visitor gets: "login" (sent to sign in) or "refused" (403/404, for
    # URLs that stand on a token rather than a session).
    anonymous: str = "login"
    shadowed: bool = False
    # Whose view of the data the answer is (a token URL answers as the token's owner).
    markers_as: str | None = None
    note: str = ""

    def variants_for(self, world: World) -> tuple[Variant, ...]:
        return self.variants(world) if callable(self.variants) else self.variants


def rule(allow: Iterable[str], **kwargs: Any) -> Rule:
    return Rule(variants=(Variant("", frozenset(allow)),), **kwargs)


def one(allow: Iterable[str], **params: Param) -> tuple[Variant, ...]:
    return (Variant("", frozenset(allow), params),)


V = Variant
OK_REDIRECT = frozenset({302})
OK_ANY = frozenset({200, 302})
POST_ONLY = frozenset({405})  # an allowed GET on a POST-only view
OK_WITHOUT_MFA = frozenset({200, 302, 404})


# -- generated entries for Wagtail model viewsets ------------------------------------------------------
def model_viewset(
    namespace: str,
    obj: Param,
    *,
    view: frozenset[str],
    add: frozenset[str],
    change: frozenset[str],
    delete: frozenset[str],
    history: str = "any",
    inspect: bool = False,
    index_queries: tuple[str, ...] = (),
    object_variants: tuple[tuple[str, Param, frozenset[int] | None], ...] = (),
    pk: str = "pk",
) -> dict[str, Rule]:
    """The routes of a ModelViewSet: index (and its results), add, edit, delete, history, usage and
    (when enabled) inspect. The index opens to any of the four permissions; history to any of them
    (`history="any"`, the network registry's readers) or to writers only (Wagtail's default)."""
    readers = view | add | change | delete
    objects = object_variants or (("", obj, None),)

    def per_object(allow: frozenset[str]) -> tuple[Variant, ...]:
        return tuple(Variant(label, allow, {pk: target}, ok=ok) for label, target, ok in objects)

    index = tuple(Variant(query or "", readers, query=query) for query in ("", *index_queries))
    entries = {
        f"{namespace}:index": Rule(index),
        f"{namespace}:index_results": Rule(index),
        f"{namespace}:add": rule(add, writes=True),
        f"{namespace}:edit": Rule(per_object(change), writes=True),
        f"{namespace}:delete": Rule(per_object(delete), writes=True),
        f"{namespace}:history": Rule(per_object(readers if history == "any" else add | change | delete)),
        f"{namespace}:history_results": Rule(per_object(readers if history == "any" else add | change | delete)),
        f"{namespace}:usage": Rule(per_object(change)),
    }
    if inspect:
        entries[f"{namespace}:inspect"] = Rule(per_object(readers))
    return entries


def network_viewset(namespace: str, obj: Param, **kwargs: Any) -> dict[str, Rule]:
    return model_viewset(namespace, obj, inspect=True, index_queries=("?q=QZ", "?export=csv", "?export=xlsx"), **kwargs)


def onboarding_viewset(namespace: str, obj: Param, **kwargs: Any) -> dict[str, Rule]:
    return model_viewset(namespace, obj, history="writers", index_queries=("?q=QZ",), **kwargs)


# -- dashboards ------------------------------------------------------------------------------------
DASHBOARD_ROLES: dict[str, frozenset[str]] = {
    "network": roles(ADMIN, STAFF, GRANTS, CAPACITY, REVIEWER),
    "pipeline": NETWORK,
    "roundtables": roles(ADMIN, STAFF, GRANTS),
    "capacity": roles(ADMIN, STAFF, CAPACITY),
    "quality": NETWORK,
    "operations": roles(ADMIN, STAFF, GRANTS),
    "grants": roles(ADMIN, STAFF, GRANTS),
}


def dashboard_variants(world: World) -> tuple[Variant, ...]:
    return tuple(Variant(slug, allow, {"slug": lit(slug)}) for slug, allow in DASHBOARD_ROLES.items())


def dashboard_export_variants(world: World) -> tuple[Variant, ...]:
    variants = []
    for slug, allow in DASHBOARD_ROLES.items():
        for section in world.sections[slug]:
            for fmt in ("csv", "xlsx"):
                params = {"slug": lit(slug), "section": lit(section), "fmt": lit(fmt)}
                variants.append(Variant(f"{slug}/{section}.{fmt}", allow, params))
        unknown = {"slug": lit(slug), "section": lit("nope"), "fmt": lit("csv")}
        variants.append(Variant(f"{slug}/unknown", NOBODY, unknown))
    return tuple(variants)


def page_path(name: str) -> Callable[[World], str]:
    return lambda world: world[name].relative_url(world["site"])


# -- donor reports ---------------------------------------------------------------------------------------
def donor_grant(owner: str) -> Callable[[World], Any]:
    """The demo grant of donor `owner` ("DA": donor's, "DB": donor2's)."""

    def pk(world: World) -> Any:
        from reports.models import Grant

        return Grant.objects.filter(donor=world[owner]).order_by("pk").values_list("pk", flat=True).first()

    return pk


def donor_report(owner: str, status: str = "published") -> Callable[[World], Any]:
    """A demo report of donor `owner`'s grant with `status` (the demo publishes one per grant)."""

    def pk(world: World) -> Any:
        from reports.models import DonorReport

        reports = DonorReport.objects.filter(grant__donor=world[owner], status=status).order_by("pk")
        return reports.values_list("pk", flat=True).first()

    return pk


def grant_row(model: str) -> Callable[[World], Any]:
    """A row of donor B's grant (the grant itself for "Grant") in the Grants menu's viewsets."""

    def pk(world: World) -> Any:
        from django.apps import apps

        rows = apps.get_model("reports", model).objects
        rows = rows.filter(donor=world["DB"]) if model == "Grant" else rows.filter(grant__donor=world["DB"])
        return rows.order_by("pk").values_list("pk", flat=True).first()

    return pk


GRANT_ROWS = {
    "reports_grant": "Grant",
    "reports_work_package": "WorkPackage",
    "reports_indicator": "Indicator",
    "reports_activity": "Activity",
    "reports_deliverable": "Deliverable",
    "reports_milestone": "Milestone",
    "reports_risk": "Risk",
    "reports_budget_line": "BudgetLine",
}
REPORT_READERS = roles(ADMIN, STAFF, GRANTS)  # network staff read donor reports
REPORT_KEEPERS = roles(ADMIN, GRANTS)  # grants managers prepare, review and publish them


def grant_part(owner: str, model: str) -> Callable[[World], Any]:
    """The first row of `model` (a work package, an indicator) of donor `owner`'s published report's grant."""

    def pk(world: World) -> Any:
        from django.apps import apps

        from reports.models import DonorReport

        report = DonorReport.objects.filter(grant__donor=world[owner], status="published").order_by("pk").first()
        rows = apps.get_model("reports", model).objects.filter(grant_id=report.grant_id if report else None)
        return rows.order_by("pk").values_list("pk", flat=True).first()

    return pk


def donor_report_part(name: str, model: str) -> Rule:
    """A POST-only narrative form of a report for one of its grant's rows (`name` is the URL's keyword)."""
    return Rule(
        tuple(
            V(f"donor {owner[1]}'s report", REPORT_KEEPERS, {"pk": donor_report(owner), name: grant_part(owner, model)})
            for owner in ("DA", "DB")
        ),
        ok=POST_ONLY,
        writes=True,
    )


def donor_report_admin(*, allow: frozenset[str], ok: frozenset[int] = frozenset({200})) -> Rule:
    return Rule(
        (
            V("donor A's report", allow, {"pk": donor_report("DA")}),
            V("donor B's report", allow, {"pk": donor_report("DB")}),
        ),
        ok=ok,
        writes=allow == REPORT_KEEPERS,
    )


# -- the table ---------------------------------------------------------------------------------------
POLICY: dict[str, Rule] = {
    # -- site-wide ------------------------------------------------------------------------------
    "healthz": rule(EVERYONE, public=True),
    "[admin/login/]": rule(EVERYONE, ok=OK_REDIRECT, public=True, note="to allauth's sign-in (MFA, rate limits)"),
    "[admin/password_reset/]": rule(EVERYONE, ok=OK_REDIRECT, public=True, note="to allauth's reset"),
    "[_util/login/]": rule(
        EVERYONE, ok=OK_REDIRECT, public=True, note="Wagtail's page-privacy sign-in, sent to allauth's"
    ),
    "wagtailadmin_login": Rule((), shadowed=True, note="replaced by the redirect to allauth"),
    "wagtailadmin_password_reset": Rule((), shadowed=True, note="replaced by the redirect to allauth"),
    "wagtailcore_login": Rule((), shadowed=True, note="would sign staff in without MFA: redirected"),
    "wagtailadmin_reports:site_history": Rule((), shadowed=True, note="replaced by core_site_history"),
    "wagtailadmin_reports:site_history_results": Rule((), shadowed=True, note="replaced by core_site_history"),
    # Wagtail's site history under the audit trail's reading rule: any staff member, each reading only
    # the entries of records they may see (the world's marked dossier events and staff notes are the
    # newest entries, so they are on the first page, in the exports and in each filter below).
    **{
        name: Rule(
            tuple(
                V(query or "first page", STAFF_ROLES, query=query)
                for query in (
                    "",
                    "?export=csv",
                    "?export=xlsx",
                    "?action=onboarding.stage_change",
                    "?action=onboarding.evidence_upload",
                    "?action=onboarding.reviewer_declare",
                    "?action=onboarding.item.submit",
                )
            )
        )
        for name in ("core_site_history", "core_site_history_results")
    },
    "set_language": rule(EVERYONE, ok=OK_REDIRECT, writes=True, public=True),
    "cms_robots": rule(EVERYONE, public=True),
    "cms_sitemap": rule(EVERYONE, public=True),
    "cms_search": Rule(
        (
            V("", EVERYONE),
            V("?q=hotline", EVERYONE, query="?q=hotline"),
            V("?q=markers", EVERYONE, query="?q=QZ"),
            V("?q=draft", EVERYONE, query="?q=draft+article"),
        ),
        public=True,
    ),
    "cms_feed_rss": rule(EVERYONE, public=True),
    "cms_feed_atom": rule(EVERYONE, public=True),
    "wagtail_serve": Rule(
        (
            V("home", EVERYONE, path=page_path("home")),
            V("article", EVERYONE, path=page_path("article")),
            V("directory", EVERYONE, path=page_path("directory")),
            V("facts", EVERYONE, path=page_path("facts")),
            V("map", EVERYONE, path=page_path("map")),
            V("draft", NOBODY, path=page_path("draft")),
            V("missing", NOBODY, path=lit("/no-such-page/")),
        ),
        public=True,
        anonymous="refused",
    ),
    "wagtaildocs_serve": Rule(
        (V("public document", EVERYONE, args=("document", attr("document", "filename"))),), public=True
    ),
    "wagtaildocs_authenticate_with_password": Rule(
        one(NOBODY, restriction_id=lit(999_999)), anonymous="refused", writes=True, public=True
    ),
    "wagtailcore_authenticate_with_password": Rule(
        one(NOBODY, page_view_restriction_id=lit(999_999), page_id="home"),
        anonymous="refused",
        writes=True,
        public=True,
    ),
    "onboarding:calendar_feed": Rule(
        (
            V("staff member's token", EVERYONE, {"token": secret("calendar")}),
            V("token nobody holds", NOBODY, {"token": secret("calendar_revoked")}),
        ),
        anonymous="refused",
        markers_as=STAFF,
        note="a secret address for calendar apps: the token, not a session, is the credential",
    ),
    # -- accounts ------------------------------------------------------------------------------------
    "accounts:home": rule(SIGNED_IN, ok=OK_ANY),
    "accounts:invitation_accept": Rule(
        (
            V("valid token", EVERYONE, {"token": secret("invitation")}),
            V("unknown token", NOBODY, {"token": secret("unknown")}),
        ),
        writes=True,
        anonymous="refused",
    ),
    "accounts_admin:invitation_index": rule(NETWORK),
    "accounts_admin:invitation_add": rule(NETWORK, writes=True),
    "accounts_admin:invitation_revoke": Rule(one(NETWORK, pk="invitation"), writes=True),
    "portal:home": rule(PORTAL),
    "donors:home": Rule(
        lambda world: (V("", DONORS if world.donor_area else NOBODY),),
        note="donor users without a donor record (before the donor area exists) have no area",
    ),
    # allauth: every signed-in user manages their own account; sign-in and reset are public.
    "account_login": rule(EVERYONE, ok=OK_ANY, writes=True, public=True),
    "account_logout": rule(EVERYONE, ok=OK_ANY, writes=True),
    "account_inactive": rule(EVERYONE, public=True),
    "account_signup": rule(EVERYONE, ok=OK_ANY, writes=True, public=True, note="sign-up is closed (invitations)"),
    "account_reauthenticate": rule(SIGNED_IN, writes=True),
    "account_email": rule(SIGNED_IN, writes=True),
    "account_email_verification_sent": rule(EVERYONE, public=True),
    "account_change_password": rule(SIGNED_IN, writes=True),
    "account_set_password": rule(SIGNED_IN, ok=OK_ANY, writes=True),
    "account_reset_password": rule(EVERYONE, ok=OK_ANY, writes=True, public=True),
    "account_reset_password_done": rule(EVERYONE, ok=OK_ANY, public=True),
    "account_confirm_login_code": rule(EVERYONE, ok=OK_ANY, writes=True, public=True),
    "account_confirm_email": Rule(one(EVERYONE, key=lit("no-such-key")), ok=OK_ANY, writes=True, public=True),
    "account_reset_password_from_key": Rule(
        one(EVERYONE, uidb36=lit("zz"), key=lit("no-such-key")), ok=OK_ANY, writes=True, public=True
    ),
    "account_reset_password_from_key_done": rule(EVERYONE, ok=OK_ANY, public=True),
    "mfa_index": rule(SIGNED_IN),
    "mfa_authenticate": rule(EVERYONE, ok=OK_ANY, writes=True, public=True, note="only during a sign-in"),
    "mfa_reauthenticate": rule(SIGNED_IN, ok=OK_ANY, writes=True),
    "mfa_activate_totp": rule(SIGNED_IN, ok=OK_ANY, writes=True),
    # Without two-factor authentication set up there is nothing to deactivate or show: 404.
    "mfa_deactivate_totp": rule(SIGNED_IN, ok=OK_WITHOUT_MFA, writes=True),
    "mfa_view_recovery_codes": rule(SIGNED_IN, ok=OK_WITHOUT_MFA),
    "mfa_generate_recovery_codes": rule(SIGNED_IN, ok=OK_WITHOUT_MFA, writes=True),
    "mfa_download_recovery_codes": rule(SIGNED_IN, ok=OK_WITHOUT_MFA),
    "usersessions_list": rule(SIGNED_IN, writes=True),
    # -- the member hotline in the portal ------------------------------------------------------------
    "portal:network_hotline": rule({MEMBER}, ok=OK_REDIRECT),
    **{
        f"portal:network_{name}": Rule(
            (
                V("member A", roles(MEMBER), {"pk": "MA"}),
                V("member B", NOBODY, {"pk": "MB"}),
                V("candidate A (not a member)", NOBODY, {"pk": "CA"}),
            ),
            writes=writes,
        )
        for name, writes in (
            ("overview", False),
            ("profile", True),
            ("annual_profiles", False),
            ("annual_profile_add", True),
            ("statistics", False),
            ("statistics_add", True),
            ("analysts", False),
            ("analyst_add", True),
            ("training", False),
        )
    },
    **{
        f"portal:network_{name}": Rule(
            (
                V("member A", roles(MEMBER), {"pk": "MA", child: f"{prefix}_MA"}),
                V("member B", NOBODY, {"pk": "MB", child: f"{prefix}_MB"}),
                V("own hotline, B's record", NOBODY, {"pk": "MA", child: f"{prefix}_MB"}),
                *extra,
            ),
            writes=True,
        )
        for name, child, prefix, extra in (
            ("annual_profile_edit", "profile_pk", "profile", ()),
            (
                "statistics_edit",
                "return_pk",
                "statistics",
                (
                    V(
                        "member A, validated",
                        roles(MEMBER),
                        {"pk": "MA", "return_pk": "statistics_validated_MA"},
                        ok=OK_REDIRECT,
                    ),
                ),
            ),
            ("analyst_edit", "analyst_pk", "analyst", ()),
        )
    },
    "portal:network_training_nominate": Rule(
        (
            V("member A", roles(MEMBER), {"pk": "MA", "event_pk": "event_upcoming"}),
            V("member B", NOBODY, {"pk": "MB", "event_pk": "event_upcoming"}),
            V("past event", NOBODY, {"pk": "MA", "event_pk": "event_past"}),
        ),
        writes=True,
    ),
    "portal:network_nomination_withdraw": Rule(
        (
            V("member A", roles(MEMBER), {"pk": "MA", "participation_pk": "nomination_MA"}),
            V("member B", NOBODY, {"pk": "MB", "participation_pk": "nomination_MB"}),
            V("own hotline, B's nomination", NOBODY, {"pk": "MA", "participation_pk": "nomination_MB"}),
        ),
        ok=POST_ONLY,
        writes=True,
    ),
    # -- onboarding in the portal ------------------------------------------------------------------------
    "portal:onboarding_status": rule(PORTAL, ok=OK_ANY),
    **{
        f"portal:onboarding_{name}": Rule(
            (
                V("candidate A", roles(CANDIDATE), {"pk": "CA"}),
                V("candidate B", roles(CANDIDATE2), {"pk": "CB"}),
                V("member A (not a candidate)", NOBODY, {"pk": "MA"}),
            ),
            writes=writes,
        )
        for name, writes in (("candidate", False), ("submit", True), ("checklist", False))
    },
    **{
        f"portal:onboarding_{name}": Rule(
            (
                V("candidate A", roles(CANDIDATE), {"pk": "roundtable_CA"}),
                V("candidate B", roles(CANDIDATE2), {"pk": "roundtable_CB"}),
            )
        )
        for name in ("roundtable", "roundtable_ics")
    },
    "portal:onboarding_checklist_item": Rule(
        (
            V("candidate A", roles(CANDIDATE), {"pk": "item_CA"}),
            V("candidate B", roles(CANDIDATE2), {"pk": "item_CB"}),
        ),
        writes=True,
    ),
    "portal:onboarding_item_assign": Rule(
        (
            V("candidate A", roles(CANDIDATE), {"pk": "item_CA"}),
            V("candidate B", roles(CANDIDATE2), {"pk": "item_CB"}),
        ),
        writes=True,
    ),
    # -- colleagues: every portal user sees their own organisation's; its managers (all demo portal
    # users are) manage them -------------------------------------------------------------------------
    "portal:colleagues": rule(PORTAL),
    "portal:colleague_invite": rule(PORTAL, writes=True),
    **{
        f"portal:colleague_{name}": Rule(
            (
                V("colleague of candidate A", roles(CANDIDATE), {"pk": "colleague_CA"}),
                V("colleague of candidate B", roles(CANDIDATE2), {"pk": "colleague_CB"}),
            ),
            writes=True,
        )
        for name in ("role", "remove")
    },
    "portal:colleague_invitation_revoke": Rule(
        (
            V("invitation of candidate A", roles(CANDIDATE), {"pk": "colleague_invitation_CA"}),
            V("invitation of candidate B", roles(CANDIDATE2), {"pk": "colleague_invitation_CB"}),
        ),
        writes=True,
    ),
    "portal:onboarding_evidence": Rule(
        (
            V("candidate A", roles(CANDIDATE), {"pk": "evidence_CA"}),
            V("candidate B", roles(CANDIDATE2), {"pk": "evidence_CB"}),
            V("member A", roles(MEMBER), {"pk": "action_evidence_MA"}),
            V("member B", NOBODY, {"pk": "action_evidence_MB"}),
        )
    ),
    "portal:onboarding_decision_letter": Rule(
        (
            V("candidate A", roles(CANDIDATE), {"pk": "decision_CA"}),
            V("candidate B", roles(CANDIDATE2), {"pk": "decision_CB"}),
        )
    ),
    "portal:onboarding_decision_appeal": Rule(
        (
            V("candidate A", roles(CANDIDATE), {"pk": "decision_CA"}),
            V("candidate B", roles(CANDIDATE2), {"pk": "decision_CB"}),
        ),
        ok=OK_REDIRECT,
        writes=True,
    ),
    # One document of the dossier (replace it); removing it asks to confirm first, or sends back
    # with the reason when it cannot be removed (a redirect).
    "portal:onboarding_document": Rule(
        (
            V("candidate A", roles(CANDIDATE), {"pk": "evidence_CA"}),
            V("candidate B", roles(CANDIDATE2), {"pk": "evidence_CB"}),
            V("member A", roles(MEMBER), {"pk": "action_evidence_MA"}),
            V("member B", NOBODY, {"pk": "action_evidence_MB"}),
        ),
        writes=True,
    ),
    "portal:onboarding_document_remove": Rule(
        (
            V("candidate A", roles(CANDIDATE), {"pk": "evidence_CA"}),
            V("candidate B", roles(CANDIDATE2), {"pk": "evidence_CB"}),
            V("member A", roles(MEMBER), {"pk": "action_evidence_MA"}),
            V("member B", NOBODY, {"pk": "action_evidence_MB"}),
        ),
        ok=frozenset({200, 302}),
        writes=True,
    ),
    "portal:onboarding_corrective_actions": rule(PORTAL),
    "portal:onboarding_corrective_action": Rule(
        (V("member A", roles(MEMBER), {"pk": "action_MA"}), V("member B", NOBODY, {"pk": "action_MB"})),
        writes=True,
    ),
    "portal:onboarding_assessment_report": Rule(
        (
            V("member A, completed", roles(MEMBER), {"pk": "assessment_MA"}),
            V("member B, completed", NOBODY, {"pk": "assessment_MB"}),
            V("candidate A, not completed", NOBODY, {"pk": "assessment_CA_open"}),
        )
    ),
    # -- the member cycle in the portal: the member's own renewal and certificate ----------------------
    "portal:membership": rule({MEMBER}, ok=OK_REDIRECT),
    "portal:membership_hotline": Rule(
        (
            V("member A", roles(MEMBER), {"pk": "MA"}),
            V("member B", NOBODY, {"pk": "MB"}),
            V("candidate A (not a member)", NOBODY, {"pk": "CA"}),
        )
    ),
    "portal:self_assessment": Rule(
        (
            V("member A's", roles(MEMBER), {"pk": "self_assessment_MA"}),
            V("member B's", NOBODY, {"pk": "self_assessment_MB"}),
        ),
        writes=True,
    ),
    **{
        f"portal:membership_{name}": Rule(
            (V("member A's pack", roles(MEMBER), {"pk": "pack_MA"}), V("member B's pack", NOBODY, {"pk": "pack_MB"})),
            writes=True,
        )
        for name in ("declare", "contacts")
    },
    # -- onboarding in the admin: the lifecycle --------------------------------------------------------
    "onboarding_admin:board": rule(NETWORK),
    "onboarding_admin:candidates": Rule((V("", NETWORK), V("?stage", NETWORK, query="?stage=exploring"))),
    "onboarding_admin:candidate_add": rule(NETWORK, writes=True),
    "onboarding_admin:candidates_reassign": rule(NETWORK, ok=POST_ONLY, writes=True),
    "onboarding_admin:candidate": Rule(one(NETWORK, pk="CB")),
    "onboarding_admin:candidate_edit": Rule(one(NETWORK, pk="CB"), writes=True),
    "onboarding_admin:transition": Rule(
        (
            V("", NETWORK, {"pk": "CB", "name": lit("start_exploring")}),
            V("unknown transition", NOBODY, {"pk": "CB", "name": lit("no-such-move")}),
        ),
        writes=True,
    ),
    "onboarding_admin:mou_alternative_add": Rule(one(NETWORK, pk="CB"), writes=True),
    "onboarding_admin:mou_alternative_decide": Rule(one(NETWORK, pk="alternative_CB"), writes=True),
    "onboarding_admin:mou_alternative_document": Rule(one(NETWORK, pk="alternative_CB")),
    "onboarding_admin:roundtable": Rule(one(ROUNDTABLE_READERS, pk="roundtable_CB")),
    "onboarding_admin:roundtable_invite": Rule(one(NETWORK, pk="roundtable_CB"), writes=True),
    # Email from records: network staff (and the candidate's lead); grants managers read roundtables only.
    "onboarding_admin:roundtable_email": Rule(one(NETWORK, pk="roundtable_CB"), writes=True),
    "onboarding_admin:candidate_email": Rule(one(NETWORK, pk="CB"), writes=True),
    "onboarding_admin:roundtable_attendance": Rule(one(NETWORK, pk="roundtable_CB"), ok=POST_ONLY, writes=True),
    "onboarding_admin:roundtable_minutes_upload": Rule(one(NETWORK, pk="roundtable_CB"), ok=POST_ONLY, writes=True),
    "onboarding_admin:roundtable_minutes": Rule(one(ROUNDTABLE_READERS, pk="roundtable_CB")),
    "onboarding_admin:roundtable_ics": Rule(one(ROUNDTABLE_READERS, pk="roundtable_CB")),
    "onboarding_admin:agreement": Rule(one(ROUNDTABLE_READERS, pk="agreement_CB")),
    "onboarding_admin:agreement_document_upload": Rule(one(NETWORK, pk="agreement_CB"), ok=POST_ONLY, writes=True),
    "onboarding_admin:agreement_document": Rule(one(ROUNDTABLE_READERS, pk="agreement_CB")),
    "onboarding_admin:agreements_expiring": rule(ROUNDTABLE_READERS),
    "onboarding_admin:coverage": rule(ROUNDTABLE_READERS),
    "onboarding_admin:coverage_country": Rule(one(ROUNDTABLE_READERS, code=attr("CB", "country_id"))),
    "onboarding_admin:calendar": rule(ROUNDTABLE_READERS, writes=True),
    # -- onboarding in the admin: the dossier (network staff; the declared reviewer of A) -------------------
    "onboarding_admin:review_queue": Rule(
        (
            V("", DOSSIER_A),
            V("filtered on candidate A", DOSSIER_A, query=lambda w: f"?candidate={w.pk('CA')}"),
            V("filtered on candidate B", DOSSIER_A, query=lambda w: f"?candidate={w.pk('CB')}"),
        )
    ),
    "onboarding_admin:review_item": Rule(
        (V("candidate A", DOSSIER_A, {"pk": "item_CA"}), V("candidate B", NETWORK, {"pk": "item_CB"})),
        writes=True,
    ),
    "onboarding_admin:evidence_download": Rule(
        (
            V("candidate A", DOSSIER_A, {"pk": "evidence_CA"}),
            V("candidate B", NETWORK, {"pk": "evidence_CB"}),
            V("member A", DOSSIER_A, {"pk": "action_evidence_MA"}),
            V("member B", NETWORK, {"pk": "action_evidence_MB"}),
        )
    ),
    # An evidence document's page and its comment thread: as its download.
    "onboarding_admin:evidence": Rule(
        (
            V("candidate A", DOSSIER_A, {"pk": "evidence_CA"}),
            V("candidate B", NETWORK, {"pk": "evidence_CB"}),
            V("member A", DOSSIER_A, {"pk": "action_evidence_MA"}),
            V("member B", NETWORK, {"pk": "action_evidence_MB"}),
        ),
        writes=True,
    ),
    "onboarding_admin:dossier": Rule(
        (
            V("candidate A", DOSSIER_A, {"pk": "CA"}),
            V("candidate B", NETWORK, {"pk": "CB"}),
            V("member A", DOSSIER_A, {"pk": "MA"}),
            V("member B", NETWORK, {"pk": "MB"}),
            V("assigned, not declared", NETWORK, {"pk": "undeclared"}),
        )
    ),
    "onboarding_admin:checklist_start": Rule(one(NETWORK, pk="CB"), ok=POST_ONLY, writes=True),
    "onboarding_admin:checklist_version": Rule(
        (V("candidate A", NETWORK, {"pk": "CA"}), V("candidate B", NETWORK, {"pk": "CB"})), writes=True
    ),
    "onboarding_admin:reviewer_assign": Rule(one(NETWORK, pk="CB"), ok=POST_ONLY, writes=True),
    "onboarding_admin:reviewer_unassign": Rule(one(NETWORK, pk="assignment_CB"), ok=POST_ONLY, writes=True),
    "onboarding_admin:assignments": rule(DOSSIER_A),
    "onboarding_admin:assignment_declare": Rule(
        (
            V("the reviewer's, declared", roles(REVIEWER), {"pk": "assignment_CA"}),
            V("the reviewer's, not declared", roles(REVIEWER), {"pk": "assignment_undeclared"}),
            V("another reviewer's", NOBODY, {"pk": "assignment_CB"}),
        ),
        writes=True,
        note="only the assigned reviewer declares; staff manage assignments on the dossier page",
    ),
    "onboarding_admin:assessments": Rule((V("", DOSSIER_A), V("?status", DOSSIER_A, query="?status=completed"))),
    "onboarding_admin:assessment_add": Rule(one(NETWORK, pk="CB"), writes=True),
    "onboarding_admin:assessment": Rule(
        (
            V("member A", DOSSIER_A, {"pk": "assessment_MA"}),
            V("member B", NETWORK, {"pk": "assessment_MB"}),
            V("candidate A, planned", DOSSIER_A, {"pk": "assessment_CA_open"}),
        )
    ),
    # The assessment page's forms, one view per action: the dossier's reviewers and network staff record
    # findings, corrective actions (and verify them) and the report; network staff confirm full membership.
    **{
        f"onboarding_admin:{name}": Rule(
            (
                V("member A", DOSSIER_A, {"pk": "assessment_MA"}),
                V("member B", NETWORK, {"pk": "assessment_MB"}),
                V("candidate A, planned", DOSSIER_A, {"pk": "assessment_CA_open"}),
            ),
            ok=POST_ONLY,
            writes=True,
        )
        for name in (
            "assessment_findings",
            "assessment_corrective_action",
            "assessment_action_verify",
            "assessment_report_complete",
            "assessment_comment",
        )
    },
    "onboarding_admin:assessment_full_membership": Rule(
        one(NETWORK, pk="assessment_CA_open"), ok=POST_ONLY, writes=True
    ),
    "onboarding_admin:assessment_edit": Rule(
        (V("candidate A", NETWORK, {"pk": "assessment_CA_open"}), V("member B", NETWORK, {"pk": "assessment_MB"})),
        writes=True,
        note="planning is network staff's; reviewers record findings and the report on the assessment page",
    ),
    "onboarding_admin:assessment_cancel": Rule(
        (V("candidate A", NETWORK, {"pk": "assessment_CA_open"}), V("member B", NETWORK, {"pk": "assessment_MB"})),
        ok=POST_ONLY,
        writes=True,
    ),
    "onboarding_admin:assessment_report": Rule(
        (V("member A", DOSSIER_A, {"pk": "assessment_MA"}), V("member B", NETWORK, {"pk": "assessment_MB"}))
    ),
    "onboarding_admin:decision_add": Rule(one(NETWORK, pk="assessment_CA_open"), writes=True),
    # A recorded decision (the demo's) is corrected by network staff only.
    "onboarding_admin:decision_correct": Rule(one(NETWORK, pk="assessment_decided"), writes=True),
    # The decision path: the General Assembly's adoption, the letter and appeals are network staff's;
    # the dossier's reviewers read the letter (as they read the decision).
    "onboarding_admin:decision_adopt": Rule(one(NETWORK, pk="assessment_adoption_MB"), writes=True),
    "onboarding_admin:decision_letter_send": Rule(one(NETWORK, pk="assessment_adoption_MB"), ok=POST_ONLY, writes=True),
    "onboarding_admin:decision_letter": Rule(
        (
            V("candidate A", DOSSIER_A, {"pk": "assessment_letter_CA"}),
            V("candidate B", NETWORK, {"pk": "assessment_letter_CB"}),
        )
    ),
    "onboarding_admin:appeal_answer": Rule(one(NETWORK, pk="appeal_CA"), ok=POST_ONLY, writes=True),
    # Independent reviews: the dossier's declared reviewers and network staff read them (the reviewer
    # the others' only after submitting their own); only an assigned reviewer writes one.
    "onboarding_admin:reviews": Rule(
        (V("candidate A", DOSSIER_A, {"pk": "CA"}), V("candidate B", NETWORK, {"pk": "CB"})), writes=True
    ),
    "onboarding_admin:review_edit": Rule(
        (V("candidate A", roles(REVIEWER), {"pk": "CA"}), V("candidate B", NOBODY, {"pk": "CB"})), writes=True
    ),
    "onboarding_admin:reviews_assessment": Rule(
        (
            V("member A", DOSSIER_A, {"assessment": "assessment_MA"}),
            V("member B", NETWORK, {"assessment": "assessment_MB"}),
        ),
        writes=True,
    ),
    "onboarding_admin:review_edit_assessment": Rule(
        (
            V("member A", roles(REVIEWER), {"assessment": "assessment_MA"}),
            V("member B", NOBODY, {"assessment": "assessment_MB"}),
        ),
        writes=True,
    ),
    # -- the member cycle in the admin: network staff only ------------------------------------------
    "onboarding_admin:member_cycle": Rule((V("", NETWORK), V("?year", NETWORK, query="?year=2025"))),
    "onboarding_admin:renewals_open": rule(NETWORK, writes=True),
    "onboarding_admin:suspension_proposal": Rule(one(NETWORK, pk="proposal_MB"), writes=True),
    "onboarding_admin:joint_visit_add": rule(NETWORK, writes=True),
    "onboarding_admin:self_assessment_request": Rule(
        (V("member A", NETWORK, {"pk": "MA"}), V("candidate A (not a member)", NOBODY, {"pk": "CA"})), writes=True
    ),
    # Read by network staff and the reviewers the member's dossier is open to.
    "onboarding_admin:self_assessment": Rule(
        (
            V("member A's", DOSSIER_A, {"pk": "self_assessment_MA"}),
            V("member B's", NETWORK, {"pk": "self_assessment_MB"}),
        )
    ),
    "onboarding_admin:template": Rule(
        (V("published", NETWORK, {"pk": "template_published"}), V("draft", NETWORK, {"pk": "template_draft"}))
    ),
    "onboarding_admin:template_publish": Rule(one(NETWORK, pk="template_draft"), ok=POST_ONLY, writes=True),
    "onboarding_admin:template_new_version": Rule(one(NETWORK, pk="template_published"), ok=POST_ONLY, writes=True),
    **onboarding_viewset(
        "onboarding_roundtables", "roundtable_CB", view=ROUNDTABLE_READERS, add=NETWORK, change=NETWORK, delete=NETWORK
    ),
    **onboarding_viewset(
        "onboarding_participants",
        "participant_CB",
        view=ROUNDTABLE_READERS,
        add=NETWORK,
        change=NETWORK,
        delete=NETWORK,
    ),
    **onboarding_viewset(
        "onboarding_action_items", "action_item_CB", view=NETWORK, add=NETWORK, change=NETWORK, delete=NETWORK
    ),
    **onboarding_viewset(
        "onboarding_agreements", "agreement_CB", view=ROUNDTABLE_READERS, add=NETWORK, change=NETWORK, delete=NETWORK
    ),
    **onboarding_viewset(
        "onboarding_assessments", "country_assessment", view=NETWORK, add=NETWORK, change=NETWORK, delete=NETWORK
    ),
    **onboarding_viewset(
        "onboarding_interactions", "interaction_CB", view=NETWORK, add=NETWORK, change=NETWORK, delete=NETWORK
    ),
    **onboarding_viewset(
        "onboarding_templates",
        "template_draft",
        view=NETWORK,
        add=NETWORK,
        change=NETWORK,
        delete=NETWORK,
        # Published versions are frozen: edit and delete send back to the template page.
        object_variants=(("draft", "template_draft", None), ("published", "template_published", OK_ANY)),
    ),
    # The texts of the emails sent from records: network staff edit them; nobody adds or deletes one.
    **onboarding_viewset(
        "onboarding_message_templates", "message_template", view=NETWORK, add=NOBODY, change=NETWORK, delete=NOBODY
    ),
    # -- the network registry in the admin ---------------------------------------------------------------
    # The hotline's history and page (inspect) for a member and both candidates: every staff role reads
    # the registry, but the entries and sections other records left there follow those records' rules.
    **network_viewset(
        "network_hotline",
        "MB",
        view=REGISTRY_READERS,
        add=NETWORK,
        change=NETWORK,
        delete=roles(ADMIN),
        object_variants=(("member B", "MB", None), ("candidate A", "CA", None), ("candidate B", "CB", None)),
    ),
    **network_viewset(
        "network_organisation", "organisation_CB", view=REGISTRY_READERS, add=NETWORK, change=NETWORK, delete=NETWORK
    ),
    **network_viewset("network_contact", "contact_CB", view=NETWORK, add=NETWORK, change=NETWORK, delete=NETWORK),
    "network_contact:retention": rule(NETWORK),
    "network_contact:erase": Rule(one(NETWORK, pk="contact_CB"), writes=True),
    # Countries are ISO 3166-1 reference data: nobody adds or deletes one, staff set the programme region.
    **network_viewset(
        "network_country", attr("CB", "country_id"), view=REGISTRY_READERS, add=NOBODY, change=NETWORK, delete=NOBODY
    ),
    **network_viewset(
        "network_analyst",
        "analyst_MB",
        view=CAPACITY_READERS,
        add=CAPACITY_KEEPERS,
        change=CAPACITY_KEEPERS,
        delete=CAPACITY_KEEPERS,
    ),
    **network_viewset(
        "network_course",
        "course",
        view=CAPACITY_READERS,
        add=CAPACITY_KEEPERS,
        change=CAPACITY_KEEPERS,
        delete=CAPACITY_KEEPERS,
    ),
    **network_viewset(
        "network_event",
        "event_past",
        view=CAPACITY_READERS,
        add=CAPACITY_KEEPERS,
        change=CAPACITY_KEEPERS,
        delete=CAPACITY_KEEPERS,
    ),
    # A training event's roster: readers of training see it; capacity staff add, mark and certify.
    "network_event:roster": Rule(one(CAPACITY_READERS, pk="event_past")),
    "network_event:roster_update": Rule(one(CAPACITY_KEEPERS, pk="event_past"), ok=POST_ONLY, writes=True),
    "network_event:roster_add": Rule(one(CAPACITY_KEEPERS, pk="event_past"), writes=True),
    **network_viewset(
        "network_participation",
        "participation",
        view=CAPACITY_READERS,
        add=CAPACITY_KEEPERS,
        change=CAPACITY_KEEPERS,
        delete=CAPACITY_KEEPERS,
    ),
    **network_viewset(
        "network_profile",
        "profile_MB",
        view=CAPACITY_READERS,
        add=CAPACITY_KEEPERS,
        change=CAPACITY_KEEPERS,
        delete=CAPACITY_KEEPERS,
    ),
    # Statistics returns: network staff validate them; the other readers read.
    **network_viewset(
        "network_statistics", "statistics_MB", view=CAPACITY_READERS, add=NETWORK, change=NETWORK, delete=NETWORK
    ),
    # A return's exchange with its hotline: its readers see it, network staff query it.
    "network_statistics:query": Rule((V("member B's return", CAPACITY_READERS, {"pk": "statistics_MB"}),), writes=True),
    # A hotline's portal users: network staff change a role or remove an access (never reviewers).
    "network_portal_users:index": Rule(
        (V("candidate A", NETWORK, {"hotline": "CA"}), V("member B", NETWORK, {"hotline": "MB"}))
    ),
    "network_portal_users:role": Rule(
        (
            V("candidate A's user", NETWORK, {"hotline": "CA", "user": lambda w: w.users[CANDIDATE].pk}),
            V("candidate B's user through A", NOBODY, {"hotline": "CA", "user": lambda w: w.users[CANDIDATE2].pk}),
        ),
        writes=True,
    ),
    "network_portal_users:revoke": Rule(
        (
            V("candidate A's user", NETWORK, {"hotline": "CA", "user": lambda w: w.users[CANDIDATE].pk}),
            V("candidate B's user through A", NOBODY, {"hotline": "CA", "user": lambda w: w.users[CANDIDATE2].pk}),
        ),
        writes=True,
    ),
    "network_workbook:index": rule(NETWORK, writes=True),
    # A run of the import (its preview and result) is its uploader's alone.
    "network_workbook:job": Rule((V("own run", roles(STAFF), args=("workbook_run",)),)),
    "network_workbook:confirm": Rule((V("own run", roles(STAFF), args=("workbook_run",)),), ok=POST_ONLY, writes=True),
    "network_workbook:export": rule(NETWORK),
    # -- dashboards --------------------------------------------------------------------------------------
    "reports_dashboards:index": rule(DASHBOARD_ROLES["network"]),
    "reports_dashboards:dashboard": Rule(dashboard_variants),
    "reports_dashboards:export": Rule(dashboard_export_variants),
    # -- grants: the admin (Grants menu); grants managers keep them, network staff read them --------------
    **network_viewset(
        "reports_donor", "DB", view=REPORT_READERS, add=REPORT_KEEPERS, change=REPORT_KEEPERS, delete=REPORT_KEEPERS
    ),
    **{
        network_key: rule_set
        for namespace, model in GRANT_ROWS.items()
        for network_key, rule_set in network_viewset(
            namespace,
            grant_row(model),
            view=REPORT_READERS,
            add=REPORT_KEEPERS,
            change=REPORT_KEEPERS,
            delete=REPORT_KEEPERS,
        ).items()
    },
    # -- donor reports: the admin (Grants menu) ----------------------------------------------------------
    "reports_donor_reports:index": rule(REPORT_READERS),
    "reports_donor_reports:add": rule(REPORT_KEEPERS, writes=True),
    "reports_donor_reports:report": donor_report_admin(allow=REPORT_READERS),
    "reports_donor_reports:preview": donor_report_admin(allow=REPORT_READERS),
    "reports_donor_reports:publish": donor_report_admin(allow=REPORT_KEEPERS),
    **{
        f"reports_donor_reports:{name}": donor_report_admin(ok=POST_ONLY, allow=REPORT_KEEPERS)
        for name in ("summary", "narrative", "submit", "return", "correct", "retry")
    },
    "reports_donor_reports:work_package": donor_report_part("package", "WorkPackage"),
    "reports_donor_reports:indicator": donor_report_part("indicator", "Indicator"),
    # A budget line's amounts by period: the grants managers' screen (GET shows, POST saves).
    "reports_budget_line:periods": Rule(
        (V("donor B's budget line", REPORT_KEEPERS, {"pk": grant_row("BudgetLine")}),), writes=True
    ),
    # A donor's logo, shown on its edit page: read with the donor (the demo's first donor has one).
    "reports_donor:logo": Rule((V("donor A's logo", REPORT_READERS, {"pk": "DA"}),)),
    # -- donor reports: the donor area and the public verification page ----------------------------------
    "donors:grant": Rule(
        (
            V("donor A's grant", roles(DONOR), {"pk": donor_grant("DA")}),
            V("donor B's grant", roles(DONOR2), {"pk": donor_grant("DB")}),
        )
    ),
    "donors:report_download": Rule(
        (
            V("donor A's published report", roles(DONOR), {"pk": donor_report("DA")}),
            V("donor B's published report", roles(DONOR2), {"pk": donor_report("DB")}),
        ),
        note="records the download",
    ),
    "donors:report_indicators": Rule(
        (
            V(
                "donor A's published report",
                roles(DONOR),
                {"pk": donor_report("DA"), "export_format": lit("csv")},
            ),
            V(
                "donor B's published report",
                roles(DONOR2),
                {"pk": donor_report("DB"), "export_format": lit("xlsx")},
            ),
        ),
        note="the indicator table as the PDF prints it; audited like the download",
    ),
    "donors:verify": rule(EVERYONE, public=True, note="anyone may check a PDF; the answer names the report only"),
    # -- the CMS snippets our app registers (partners and donors on project pages) --------------------------
    **{
        f"wagtailsnippets_cms_partnerorganisation:{action}": Rule(
            one(allow, pk="partner") if needs_pk else (V("", allow),), writes=writes
        )
        for action, allow, needs_pk, writes in (
            ("list", EDITORS, False, False),
            ("list_results", EDITORS, False, False),
            ("add", EDITORS, False, True),
            ("edit", EDITORS, True, True),
            ("delete", roles(ADMIN), True, True),
            ("usage", EDITORS, True, False),
            ("history", EDITORS, True, False),
            ("history_results", EDITORS, True, False),
            ("copy", EDITORS, True, True),
        )
    },
    # Partners are public (project pages name them): Wagtail's chooser shows them to any staff member;
    # creating one from the chooser needs the add permission.
    **{
        f"wagtailsnippetchoosers_cms_partnerorganisation:{action}": Rule(
            one(allow, pk=attr("partner", "pk")) if action == "chosen" else (V("", allow),),
            writes=action == "create",
        )
        for action, allow in (
            ("choose", STAFF_ROLES),
            ("choose_results", STAFF_ROLES),
            ("chosen", STAFF_ROLES),
            ("chosen_multiple", STAFF_ROLES),
            ("create", EDITORS),
        )
    },
    # The international reporting routes the directory names for countries without a member hotline:
    # kept by network staff and editors; Wagtail's chooser lists them to any staff member.
    **{
        f"wagtailsnippets_cms_reportingroute:{action}": Rule(
            one(allow, pk="route") if needs_pk else (V("", allow),), writes=writes
        )
        for action, allow, needs_pk, writes in (
            ("list", ROUTE_KEEPERS, False, False),
            ("list_results", ROUTE_KEEPERS, False, False),
            ("add", ROUTE_KEEPERS, False, True),
            ("edit", ROUTE_KEEPERS, True, True),
            ("delete", ROUTE_KEEPERS, True, True),
            ("usage", ROUTE_KEEPERS, True, False),
            ("history", ROUTE_KEEPERS, True, False),
            ("history_results", ROUTE_KEEPERS, True, False),
            ("copy", ROUTE_KEEPERS, True, True),
        )
    },
    **{
        f"wagtailsnippetchoosers_cms_reportingroute:{action}": Rule(
            one(allow, pk=attr("route", "pk")) if action == "chosen" else (V("", allow),),
            writes=action == "create",
        )
        for action, allow in (
            ("choose", STAFF_ROLES),
            ("choose_results", STAFF_ROLES),
            ("chosen", STAFF_ROLES),
            ("chosen_multiple", STAFF_ROLES),
            ("create", ROUTE_KEEPERS),
        )
    },
    # One search across what the user may see (core.search): any staff member, each kind scoped by
    # its list's visible_to (the world's markers check what each role finds).
    "core_admin_search": Rule(
        (
            V("", STAFF_ROLES),
            V("?q=markers", STAFF_ROLES, query="?q=QZ"),
            V("?q=dossier markers", STAFF_ROLES, query="?q=DOS7"),
        )
    ),
}


# -- Wagtail's own admin: coarse rules ------------------------------------------------------------------
@dataclass(frozen=True)
class Coarse:
    """Wagtail's core admin URLs whose names start with one of `prefixes`: staff in `allow` may use
    them, staff in `maybe` may or may not (it depends on objects and Wagtail's finer permissions),
    other staff are refused; non-staff never get in."""

    prefixes: tuple[str, ...]
    allow: frozenset[str]
    maybe: frozenset[str] = NOBODY
    public: bool = False
    anonymous: str = "login"
    redirect_ok: bool = False
    note: str = ""


PAGE_MODERATION = tuple(
    f"wagtailadmin_pages:{action}"
    for action in (
        "delete",
        "unpublish",
        "move",
        "set_page_position",
        "set_privacy",
        "lock",
        "unlock",
        "revisions_unschedule",
    )
)
CORE: tuple[Coarse, ...] = (
    Coarse(("wagtailadmin_sprite", "wagtailadmin_javascript_catalog"), EVERYONE, public=True, note="static assets"),
    Coarse(
        ("wagtailadmin_password_reset_",),
        NOBODY,
        anonymous="refused",
        note="Wagtail's own password reset is switched off (allauth's is used): 404 for everyone",
    ),
    Coarse(("wagtailadmin_error_test",), STAFF_ROLES, note="Wagtail's deliberate error page (a 500 by design)"),
    Coarse(("wagtailadmin_logout",), STAFF_ROLES, redirect_ok=True, note="signing out ends on the sign-in page"),
    Coarse(
        (
            "wagtailadmin_home",
            "wagtailadmin_account",
            "wagtailadmin_dismissibles",
            "wagtailadmin_tag_autocomplete",
            "wagtailadmin_tag_model_autocomplete",
            "wagtailadmin_block_preview",
            "wagtailadmin_editing_sessions:",
            "wagtailadmin_choose_page",
            "[admin/test404/]",
            "[admin/^.*/$]",
        ),
        STAFF_ROLES,
        note="every staff member's own admin chrome; the page and link choosers other forms use",
    ),
    Coarse(
        ("wagtailadmin_api:",),
        EDITORS,
        maybe=STAFF_ROLES,
        note="Wagtail's admin API (the CMS's pages, images and documents) answers any staff member",
    ),
    Coarse(
        (
            "wagtailadmin_pages:move_confirm",
            "wagtailadmin_pages:workflow_",
            "wagtailadmin_pages:collect_workflow",
            "wagtailadmin_pages:confirm_workflow",
            "wagtailadmin_pages:choose_parent",
            "wagtailadmin_pages:revisions_index",
        ),
        NOBODY,
        maybe=STAFF_ROLES,
        note="confirmation and redirect steps Wagtail shows to any staff member (page titles only); the "
        "actions themselves check permissions, and the world's page is in no workflow task",
    ),
    # Moving, deleting, unpublishing, locking and privacy are for moderators (the editorial workflow):
    # editors only edit and submit.
    Coarse(PAGE_MODERATION, roles(ADMIN), note="page moderation: moderators, not editors"),
    Coarse(
        ("wagtailadmin_explore", "wagtailadmin_pages:", "wagtailadmin_api:pages:", "wagtail_bulk_action"),
        EDITORS,
        note="pages: editors (Wagtail's page permissions)",
    ),
    Coarse(("simple_translation:",), EDITORS, note="translations of pages and snippets"),
    Coarse(
        ("wagtailimages_chooser:create", "wagtaildocs_chooser:create"),
        EDITORS,
        note="uploading from a chooser: editors",
    ),
    Coarse(
        ("wagtailimages_chooser:", "wagtaildocs_chooser:"),
        EDITORS,
        maybe=STAFF_ROLES,
        note="Wagtail's choosers list the CMS's images and documents to any staff member",
    ),
    Coarse(("wagtailimages", "wagtaildocs"), EDITORS, note="images and documents: editors (collection permissions)"),
    Coarse(("wagtailsnippets:",), ROUTE_KEEPERS, note="the snippets index (network staff keep the reporting routes)"),
    Coarse(
        ("wagtailadmin_workflows:task_chooser", "wagtailadmin_workflows:task_chosen"),
        roles(ADMIN),
        maybe=STAFF_ROLES,
        note="Wagtail's task chooser lists the workflow tasks' names to any staff member; only those "
        "who may add tasks can create one (others get 400)",
    ),
    Coarse(("wagtailadmin_reports:",), roles(ADMIN), maybe=STAFF_ROLES, note="reports filter by permission"),
    Coarse(("wagtaillocales:add",), NOBODY, maybe=roles(ADMIN), note="all three languages exist already"),
    Coarse(
        (
            "wagtailadmin_collections:",
            "wagtailadmin_workflows:",
            "wagtailusers_users:",
            "wagtailusers_groups:",
            "wagtailsites:",
            "wagtaillocales:",
            "wagtailredirects:",
            "wagtailsettings:",
        ),
        roles(ADMIN),
        note="site set-up, users and groups: superusers only",
    ),
)

# Server errors inside Wagtail itself, for a POST no browser sends (the form's own fields missing),
# open only to the roles allowed there; nothing is written. Kept visible in docs/security.md.
KNOWN_WAGTAIL_ERRORS: dict[str, str] = {
    "wagtailadmin_error_test": "Wagtail's deliberate error page",
    "wagtailadmin_pages:add": "StreamField reads its management field ('body-count') without checking",
    "wagtailadmin_pages:edit": "StreamField reads its management field ('body-count') without checking",
    "wagtailadmin_pages:preview_on_add": "StreamField reads its management field ('body-count') without checking",
    "wagtailadmin_pages:preview_on_edit": "StreamField reads its management field ('body-count') without checking",
    "wagtailadmin_pages:copy": "the copy form reads 'new_parent_page' from cleaned_data without checking",
    "wagtailredirects:process_import": "the import reads 'input_format' from the POST without checking",
    "wagtailsnippetchoosers_cms_partnerorganisation:create": "a snippet chooser without a creation form",
    "wagtailsnippetchoosers_cms_reportingroute:create": "a snippet chooser without a creation form",
}


# Wagtail core routes that change state (also POSTed with an empty body).
CORE_WRITES = (
    ":add",
    ":edit",
    ":delete",
    ":copy",
    ":move",
    ":move_confirm",
    ":set_page_position",
    ":unpublish",
    ":convert_alias",
    ":lock",
    ":unlock",
    ":revisions_revert",
    ":revisions_unschedule",
    ":set_privacy",
    ":enable",
    ":disable",
    ":remove",
    ":add_task",
    ":edit_task",
    ":disable_task",
    ":enable_task",
    ":add_multiple",
    ":edit_multiple",
    ":delete_multiple",
    ":create_multiple_from_uploaded_document",
    ":create_multiple_from_uploaded_image",
    ":delete_upload_multiple",
    ":create",
    ":task_chooser_create",
    ":release",
    ":ping",
    ":workflow_action",
    ":collect_workflow_action_data",
    ":confirm_workflow_cancellation",
    ":submit_page_translation",
    ":submit_snippet_translation",
    ":start_import",
    ":process_import",
    ":preview_on_add",
    ":preview_on_edit",
    "wagtailadmin_account",
    "wagtailadmin_logout",
    "wagtailadmin_dismissibles",
    "wagtail_bulk_action",
)


def coarse_rule(key: str) -> Coarse | None:
    for coarse in CORE:
        if any(key.startswith(prefix) for prefix in coarse.prefixes):
            return coarse
    return None


def core_writes(key: str) -> bool:
    return any(key.endswith(suffix) or key.startswith(suffix) for suffix in CORE_WRITES)


def core_params(world: World) -> dict[str, dict[str, Any]]:
    """Parameters for Wagtail's core routes, by route key (see `core_param` for the defaults)."""
    article = world["article"]
    return {
        "wagtailadmin_pages:add": {
            "content_type_app_name": "cms",
            "content_type_model_name": "articlepage",
            "parent_page_id": article.get_parent().pk,
        },
        "wagtailadmin_pages:preview_on_add": {
            "content_type_app_name": "cms",
            "content_type_model_name": "articlepage",
            "parent_page_id": article.get_parent().pk,
        },
        "wagtailadmin_pages:revisions_compare": {
            "pk": world.pk("home"),
            "revision_id_a": "earliest",
            "revision_id_b": "latest",
        },
        "wagtailadmin_editing_sessions:ping": {
            "app_label": "wagtailcore",
            "model_name": "page",
            "object_id": str(world.pk("home")),
            "session_id": 999_999,
        },
        "wagtail_bulk_action": {"app_label": "wagtailcore", "model_name": "page", "action": "delete"},
        "wagtailsettings:edit [admin/settings/<slug:app_name>/<slug:model_name>/]": {
            "app_name": "cms",
            "model_name": "nosuchsetting",
        },
        "simple_translation:submit_snippet_translation": {
            "app_label": "cms",
            "model_name": "partnerorganisation",
            "pk": str(world.pk("partner")),
        },
    }


def core_param(world: World, key: str, name: str) -> Any:
    """A value for parameter `name` of Wagtail core route `key` when `core_params` has none."""
    page_params = {"page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk"}
    if name in page_params:
        return world.pk("article") if name != "parent_page_id" and name != "destination_id" else world.pk("home")
    if name in ("image_id",):
        return world.pk("image")
    if name in ("document_id", "doc_id"):
        return world.pk("document")
    if name in ("uploaded_file_id", "task_state_id", "workflow_state_id", "session_id", "restriction_id"):
        return 999_999
    if name in ("uidb64", "token"):
        return "zz"
    if name == "revision_id":
        return world.pk("revision")
    if name == "filter_spec":
        return "original"
    if name in ("content_type_app_name", "app_label", "app_name"):
        return "cms"
    if name in ("content_type_model_name", "model_name"):
        return "articlepage"
    if name == "action_name":
        return "approve"
    if name in ("workflow_pk",):
        return world.pk("workflow")
    if name in ("task_id",):
        return world.pk("task")
    if name == "collection_id":
        return world.pk("collection")
    if name == "redirect_id":
        return world.pk("redirect")
    if name == "pk":
        by_namespace = {
            "wagtailadmin_collections": "collection",
            "wagtailadmin_workflows": "workflow",
            "wagtailusers_users": "user_staff",
            "wagtailusers_groups": "group",
            "wagtailsites": "site",
            "wagtaillocales": "locale",
            "wagtailadmin_api:pages": "article",
            "wagtailadmin_api:images": "image",
            "wagtailadmin_api:documents": "document",
            "wagtaildocs_chooser": "document",
            "wagtailimages_chooser": "image",
            "wagtailsettings": None,
        }
        namespace = key.split(" ")[0].rsplit(":", 1)[0]
        if "task" in key and namespace == "wagtailadmin_workflows":
            return world.pk("task")
        target = by_namespace.get(namespace, "__missing__")
        if target is None:
            return 1
        if target == "__missing__":
            raise KeyError(f"no value for {name!r} of {key}")
        if target == "user_staff":
            return world.users["staff"].pk
        value = world.pk(target)
        return str(value) if namespace.endswith("_chooser") else value
    raise KeyError(f"no value for {name!r} of {key}")
