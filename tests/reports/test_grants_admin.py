"""The Grants admin menu: who may use it, the grant's page, indicator rules in the form, exports, query counts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts.models import Affiliation
from accounts.roles import Role
from network.models import Country, Organisation, TrainingCourse, TrainingEvent
from onboarding.models import Roundtable
from reports.models import (
    Activity,
    BudgetLine,
    Deliverable,
    Donor,
    DonorReport,
    Grant,
    Indicator,
    Milestone,
    Risk,
    WorkPackage,
)

# These tests read `response.context`.
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]

INDEXES = [
    "reports_donor:index",
    "reports_grant:index",
    "reports_work_package:index",
    "reports_indicator:index",
    "reports_activity:index",
    "reports_deliverable:index",
    "reports_milestone:index",
    "reports_risk:index",
    "reports_budget_line:index",
]


def make_grant(code: str, *, donor: Donor | None = None, countries: tuple[str, ...] = ("GH",)) -> Grant:
    donor = donor or Donor.objects.create(name=f"Fund for {code}")
    grant = Grant.objects.create(
        donor=donor,
        code=code,
        title=f"Grant {code}",
        kind=Grant.Kind.ACTION,
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31),
        amount=Decimal("500000"),
        currency="EUR",
    )
    grant.countries.set(Country.objects.filter(code__in=countries))
    wp = WorkPackage.objects.create(grant=grant, number=1, title="Stakeholder engagement")
    Indicator.objects.create(grant=grant, code="I1", title="Roundtables", metric_key="roundtables_held", target=5)
    Activity.objects.create(grant=grant, work_package=wp, title="Roundtables", planned_start=date(2025, 2, 1))
    Deliverable.objects.create(grant=grant, code="D1", title="Country review", due_on=date(2025, 6, 30))
    Milestone.objects.create(grant=grant, code="MS1", title="First roundtable", due_on=date(2025, 5, 1))
    Risk.objects.create(grant=grant, description="Elections delay the ministry's support.")
    BudgetLine.objects.create(grant=grant, category="travel", planned=Decimal("1000"), actual=Decimal("250"))
    return grant


def affiliated(make_user, target) -> object:
    user = make_user()
    Affiliation.objects.create(user=user, content_type=ContentType.objects.get_for_model(target), object_id=target.pk)
    return user


def indicator_post(grant: Grant, **values) -> dict:
    return {
        "grant": grant.pk,
        "code": "I9",
        "title": "People briefed",
        "scope": "grant",
        "baseline": "0",
        "target": "10",
        "order": "1",
    } | values


def refused(response) -> bool:
    """Wagtail answers a signed-in user without the permission with a redirect to the admin home (or 403)."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


# -- access ----------------------------------------------------------------------------------------------
def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(reverse("reports_grant:index"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_donor_and_hotline_users_cannot_use_the_grants_admin(make_user, client_for):
    grant = make_grant("GF-1")
    donor_user = affiliated(make_user, grant.donor)
    hotline_user = affiliated(
        make_user, Organisation.objects.create(name="Host", type="ngo", country=Country.objects.get(code="GH"))
    )
    for user in (donor_user, hotline_user):
        client = client_for(user)
        for url in (
            reverse("reports_grant:index"),
            reverse("reports_grant:inspect", args=(grant.pk,)),
            reverse("reports_indicator:add") + f"?grant={grant.pk}",
        ):
            response = client.get(url)
            assert response.status_code in (302, 403), (user, url, response.status_code)
            if response.status_code == 302:
                assert "login" in response["Location"]


def test_staff_without_a_grants_role_see_no_grants(make_user, client_for):
    grant = make_grant("GF-1")
    client = client_for(make_user(Role.CAPACITY))
    assert refused(client.get(reverse("reports_grant:index")))
    # The grant is not among what they may see: not found.
    assert client.get(reverse("reports_grant:inspect", args=(grant.pk,))).status_code == 404


def test_network_staff_read_grants_but_do_not_change_them(client_for, staff_user):
    grant = make_grant("GF-1")
    client = client_for(staff_user)
    assert client.get(reverse("reports_grant:index")).status_code == 200
    page = client.get(reverse("reports_grant:inspect", args=(grant.pk,)))
    assert page.status_code == 200
    assert reverse("reports_indicator:add") not in page.content.decode()
    assert refused(client.get(reverse("reports_grant:edit", args=(grant.pk,))))
    assert refused(client.get(reverse("reports_indicator:add")))
    assert refused(client.post(reverse("reports_grant:delete", args=(grant.pk,))))
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_grants_manager_sees_the_grants_menu_and_every_list(make_user, client_for):
    make_grant("GF-1")
    client = client_for(make_user(Role.GRANTS))
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Grants" in home
    for name in INDEXES:
        assert client.get(reverse(name)).status_code == 200, name


# -- create and edit -------------------------------------------------------------------------------------
def test_grants_manager_creates_a_grant_with_countries_and_edits_it(make_user, client_for):
    donor = Donor.objects.create(name="Global Fund for Child Safety Online")
    manager = make_user(Role.GRANTS)
    client = client_for(manager)
    form = client.get(reverse("reports_grant:add")).content.decode()
    assert "Sub-Saharan Africa" in form  # countries grouped by programme region
    data = {
        "donor": donor.pk,
        "code": "GF-EXP-2025",
        "title": "Expanding the network",
        "kind": "action",
        "starts_on": "2025-01-01",
        "ends_on": "2027-12-31",
        "reporting_period_months": "12",
        "report_due_days": "60",
        "amount": "1850000",
        "currency": "usd",
        "cofunding_rate": "100",
        "countries": ["GH", "KE"],
    }
    response = client.post(reverse("reports_grant:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    grant = Grant.objects.get(code="GF-EXP-2025")
    assert grant.currency == "USD"
    assert sorted(grant.countries.values_list("code", flat=True)) == ["GH", "KE"]
    entry = ModelLogEntry.objects.for_instance(grant).get()
    assert entry.user_id == manager.pk and "title" in entry.data["changed"]

    response = client.post(
        reverse("reports_grant:edit", args=(grant.pk,)), data | {"ends_on": "2024-12-31", "countries": ["GH"]}
    )
    assert response.status_code == 200
    assert "A grant ends on or after the day it starts." in response.content.decode()
    response = client.post(reverse("reports_grant:edit", args=(grant.pk,)), data | {"countries": ["GH"]})
    assert response.status_code == 302
    assert list(grant.countries.values_list("code", flat=True)) == ["GH"]


def test_child_forms_open_pre_filled_with_the_grant_and_return_to_its_page(make_user, client_for):
    grant = make_grant("GF-1")
    other = make_grant("EU-1", countries=("BE",))
    client = client_for(make_user(Role.GRANTS))
    page = client.get(reverse("reports_grant:inspect", args=(grant.pk,))).content.decode()
    for name in ("work_package", "indicator", "activity", "deliverable", "milestone", "risk", "budget_line"):
        assert f"{reverse(f'reports_{name}:add')}?grant={grant.pk}" in page, name
    form = client.get(reverse("reports_deliverable:add"), {"grant": grant.pk})
    assert form.context["form"].initial["grant"] == grant.pk
    # Only the grant's own work packages are offered.
    assert list(form.context["form"].fields["work_package"].queryset) == list(grant.work_packages.all())
    response = client.post(
        reverse("reports_deliverable:add") + f"?grant={grant.pk}",
        {
            "grant": grant.pk,
            "work_package": other.work_packages.get().pk,
            "code": "D2",
            "title": "Roundtable reports",
            "due_on": "2025-09-30",
            "status": "planned",
            "dissemination": "public",
        },
    )
    assert response.status_code == 200
    assert "work_package" in response.context["form"].errors
    response = client.post(
        reverse("reports_deliverable:add") + f"?grant={grant.pk}",
        {
            "grant": grant.pk,
            "work_package": grant.work_packages.get().pk,
            "code": "D2",
            "title": "Roundtable reports",
            "due_on": "2025-09-30",
            "status": "planned",
            "dissemination": "public",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reports_grant:inspect", args=(grant.pk,))
    assert grant.deliverables.filter(code="D2").exists()


def test_activity_form_offers_the_roundtables_of_the_grants_countries(make_user, client_for):
    grant = make_grant("GF-1", countries=("GH",))
    at = timezone.make_aware(timezone.datetime(2025, 3, 1, 9))
    ghana = Roundtable.objects.create(code="RT-GH-1", title="Ghana roundtable", country_id="GH", starts_at=at)
    kenya = Roundtable.objects.create(code="RT-KE-1", title="Kenya roundtable", country_id="KE", starts_at=at)
    course = TrainingCourse.objects.create(title="Core", kind="core")
    during = TrainingEvent.objects.create(
        code="C-1", course=course, starts_on=date(2025, 4, 1), ends_on=date(2025, 4, 2)
    )
    TrainingEvent.objects.create(code="C-0", course=course, starts_on=date(2020, 4, 1), ends_on=date(2020, 4, 2))
    client = client_for(make_user(Role.GRANTS))
    form = client.get(reverse("reports_activity:add"), {"grant": grant.pk}).context["form"]
    assert list(form.fields["roundtables"].queryset) == [ghana]
    assert list(form.fields["training_events"].queryset) == [during]
    response = client.post(
        reverse("reports_activity:add") + f"?grant={grant.pk}",
        {
            "grant": grant.pk,
            "title": "National roundtables",
            "kind": "roundtable",
            "status": "done",
            "planned_start": "2025-03-01",
            "actual_start": "2025-03-01",
            "actual_end": "2025-03-01",
            "roundtables": [ghana.pk],
            "training_events": [during.pk],
        },
    )
    assert response.status_code == 302
    activity = grant.activities.get(title="National roundtables")
    assert list(activity.roundtables.all()) == [ghana]
    page = client.get(reverse("reports_grant:inspect", args=(grant.pk,))).content.decode()
    assert "National roundtables" in page and "2025-03-01" in page
    response = client.post(
        reverse("reports_activity:add") + f"?grant={grant.pk}",
        {
            "grant": grant.pk,
            "title": "Elsewhere",
            "kind": "roundtable",
            "status": "planned",
            "planned_start": "2025-03-01",
            "roundtables": [kenya.pk],
        },
    )
    assert response.status_code == 200 and "roundtables" in response.context["form"].errors


# -- indicators ------------------------------------------------------------------------------------------
def test_indicator_metric_is_a_select_of_single_number_metrics_with_definitions(make_user, client_for):
    grant = make_grant("GF-1")
    client = client_for(make_user(Role.GRANTS))
    response = client.get(reverse("reports_indicator:add"), {"grant": grant.pk})
    choices = dict(response.context["form"].fields["metric_key"].choices)
    assert "roundtables_held" in choices and "certified_analysts" in choices
    assert "hotlines_by_stage" not in choices  # a breakdown, not one number
    assert "What each metric counts" in response.content.decode()


def test_indicator_without_metric_or_manual_value_is_refused(make_user, client_for):
    grant = make_grant("GF-1")
    client = client_for(make_user(Role.GRANTS))
    response = client.post(reverse("reports_indicator:add") + f"?grant={grant.pk}", indicator_post(grant))
    assert response.status_code == 200
    assert response.context["form"].errors["metric_key"] == [
        "Choose a metric, or enter a manual value with its justification."
    ]
    assert not grant.indicators.filter(code="I9").exists()


def test_manual_indicator_needs_a_justification(make_user, client_for):
    grant = make_grant("GF-1")
    client = client_for(make_user(Role.GRANTS))
    url = reverse("reports_indicator:add") + f"?grant={grant.pk}"
    response = client.post(url, indicator_post(grant, manual_value="86"))
    assert response.status_code == 200
    assert response.context["form"].errors["justification"] == [
        "A manual value needs a justification: where does the number come from?"
    ]
    assert "A manual value needs a justification" in response.content.decode()
    response = client.post(url, indicator_post(grant, manual_value="86", justification="Attendance lists."))
    assert response.status_code == 302
    assert grant.indicators.get(code="I9").manual_value == Decimal("86")


def test_indicator_with_both_a_metric_and_a_manual_value_is_refused(make_user, client_for):
    grant = make_grant("GF-1")
    client = client_for(make_user(Role.GRANTS))
    response = client.post(
        reverse("reports_indicator:add") + f"?grant={grant.pk}",
        indicator_post(grant, metric_key="roundtables_held", manual_value="3", justification="x"),
    )
    assert response.context["form"].errors["manual_value"] == ["Choose either a metric or a manual value, not both."]


# -- delete ----------------------------------------------------------------------------------------------
def test_a_grant_with_reports_cannot_be_deleted(make_user, client_for):
    grant = make_grant("GF-1")
    DonorReport.objects.create(grant=grant, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31))
    client = client_for(make_user(Role.GRANTS))
    response = client.post(reverse("reports_grant:delete", args=(grant.pk,)), follow=True)
    assert Grant.objects.filter(pk=grant.pk).exists()
    assert "cannot be deleted while donor reports refer to it" in response.content.decode()
    assert not ModelLogEntry.objects.filter(action="wagtail.delete").exists()


def test_a_grant_without_reports_is_deleted_with_its_rows(make_user, client_for):
    grant = make_grant("GF-1")
    client = client_for(make_user(Role.GRANTS))
    response = client.post(reverse("reports_grant:delete", args=(grant.pk,)))
    assert response.status_code == 302
    assert not Grant.objects.exists() and not Indicator.objects.exists()


# -- lists -----------------------------------------------------------------------------------------------
def test_filtered_grant_list_exports_as_a_spreadsheet(make_user, client_for):
    fund = Donor.objects.create(name="Global Fund for Child Safety Online")
    make_grant("GF-1", donor=fund)
    make_grant("EU-1")
    client = client_for(make_user(Role.GRANTS))
    response = client.get(reverse("reports_grant:index"), {"export": "csv", "donor": fund.pk})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0].startswith("Code,Title,Donor")
    assert "GF-1" in text and "EU-1" not in text
    response = client.get(reverse("reports_indicator:index"), {"export": "xlsx", "manual": "false"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_exports_leave_empty_cells_for_missing_optional_links(make_user, client_for):
    """A donor without a country and an activity outside any work package export as empty cells."""
    grant = make_grant("GF-2")
    Activity.objects.create(grant=grant, title="Coordination call", planned_start=date(2025, 3, 1))
    client = client_for(make_user(Role.GRANTS))
    for name in ("reports_donor:index", "reports_activity:index"):
        for fmt in ("csv", "xlsx"):
            response = client.get(reverse(name), {"export": fmt})
            assert response.status_code == 200, (name, fmt)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert body
    text = b"".join(client.get(reverse("reports_activity:index"), {"export": "csv"}).streaming_content).decode()
    assert "Coordination call" in text and "Roundtables" in text


def test_list_pages_keep_a_bounded_number_of_queries(make_user, client_for, django_assert_max_num_queries):
    client = client_for(make_user(Role.GRANTS))
    make_grant("GF-1")
    urls = [reverse(name) for name in INDEXES]
    first = Grant.objects.get()
    urls.append(reverse("reports_grant:inspect", args=(first.pk,)))

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        return len(captured)

    small = {url: count(url) for url in urls}
    for n in range(8):
        grant = make_grant(f"G-{n}")
        for m in range(2, 6):
            Activity.objects.create(grant=grant, title=f"A{m}", planned_start=date(2025, 1, 1) + timedelta(days=m))
        Activity.objects.create(grant=first, title=f"More {n}", planned_start=date(2025, 1, 1))
        Indicator.objects.create(grant=first, code=f"M{n}", title="Manual", manual_value=1, justification="x", target=2)
    for url in urls:
        with django_assert_max_num_queries(small[url]):
            client.get(url)
        if "inspect" not in url:
            with django_assert_max_num_queries(small[url]):
                client.get(url, {"export": "csv"})


def _member(code: str, joined: date) -> None:
    from network.models import Hotline

    host = Organisation.objects.create(name=f"Host {code}", type=Organisation.Type.NGO, country_id=code)
    hotline = Hotline.objects.create(
        brand_name=f"Line {code}", host_organisation=host, country_id=code, joined_on=joined, full_member_on=joined
    )
    Hotline.objects.filter(pk=hotline.pk).update(stage="full_member", stage_entered_at=timezone.now())


def test_a_metric_indicators_baseline_is_measured_on_its_scope_and_another_needs_a_justification(make_user, client_for):
    grant = make_grant("GF-1", countries=("GH",))
    _member("DE", date(2015, 1, 1))
    _member("FR", date(2020, 1, 1))
    _member("GH", date(2026, 3, 1))  # joined after the baseline day (2024-12-31)
    client = client_for(make_user(Role.GRANTS))
    url = reverse("reports_indicator:add") + f"?grant={grant.pk}"

    # Left empty, the baseline is the metric measured on the indicator's scope on the baseline day.
    post = indicator_post(grant, code="K1", metric_key="member_hotlines", scope="network", baseline="")
    assert client.post(url, post).status_code == 302
    network = grant.indicators.get(code="K1")
    assert (network.baseline, network.baseline_measured, network.baseline_day) == (2, 2, date(2024, 12, 31))
    post = indicator_post(grant, code="K2", metric_key="member_hotlines", scope="grant", baseline="")
    assert client.post(url, post).status_code == 302
    assert grant.indicators.get(code="K2").baseline == 0  # no member in Ghana then

    # Another value is refused without a written justification naming the measured one.
    post = indicator_post(grant, code="K3", metric_key="member_hotlines", scope="network", baseline="54")
    response = client.post(url, post)
    assert response.status_code == 200
    assert response.context["form"].errors["baseline_justification"] == [
        "The baseline measured for this metric on its scope is 2. Explain why the indicator uses 54 instead, "
        "or leave the baseline empty to use the measured one."
    ]
    post["baseline_justification"] = "The association's 2024 annual report counts 54 members."
    assert client.post(url, post).status_code == 302
    overridden = grant.indicators.get(code="K3")
    assert overridden.baseline_overridden and overridden.baseline_measured == 2

    # The frozen baseline stays when the data changes, and the grant's page says how it was set.
    _member("BE", date(2018, 1, 1))
    edit = reverse("reports_indicator:edit", args=[network.pk])
    assert (
        client.post(
            edit,
            indicator_post(grant, code="K1", metric_key="member_hotlines", scope="network", baseline="2", target="12"),
        ).status_code
        == 302
    )
    network.refresh_from_db()
    assert (network.baseline, network.baseline_measured, network.target) == (2, 2, 12)
    page = client.get(reverse("reports_grant:inspect", args=[grant.pk])).content.decode()
    assert "The whole network" in page and "measured 2" in page
    assert "The association&#x27;s 2024 annual report counts 54 members." in page
