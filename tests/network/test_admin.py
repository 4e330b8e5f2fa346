"""The Network admin menu: access by role, no stage in forms, audited changes, exports, query counts."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from core.audit import audit
from network.models import Contact, Country, Hotline, Organisation
from tests.network.factories import (
    AnalystFactory,
    AnnualProfileFactory,
    ContactFactory,
    CourseFactory,
    EventFactory,
    HotlineFactory,
    OrganisationFactory,
    ParticipationFactory,
    StatisticsFactory,
)

# These tests read `response.context`.
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]

INDEXES = [
    "network_hotline:index",
    "network_organisation:index",
    "network_contact:index",
    "network_country:index",
    "network_analyst:index",
    "network_course:index",
    "network_event:index",
    "network_participation:index",
    "network_profile:index",
    "network_statistics:index",
    "network_contact:retention",
    "network_workbook:index",
]


def denied(response) -> bool:
    """Wagtail answers a PermissionDenied with a redirect to the admin home (or to login)."""
    return response.status_code == 302 and not response.url.startswith("/admin/network")


def test_network_menu_and_every_screen_for_network_staff(client_for, staff_user, side_a):
    client = client_for(staff_user)
    home = client.get("/admin/").content.decode()
    assert "Network" in home and reverse("network_hotline:index") in home
    for name in INDEXES:
        assert client.get(reverse(name)).status_code == 200, name
    for name in ("network_hotline", "network_organisation", "network_contact", "network_analyst"):
        obj = {
            "network_hotline": side_a.hotline,
            "network_organisation": side_a.hotline.host_organisation,
            "network_contact": side_a.contact,
            "network_analyst": side_a.analyst,
        }[name]
        assert client.get(reverse(f"{name}:inspect", args=(obj.pk,))).status_code == 200, name
        assert client.get(reverse(f"{name}:history", args=(obj.pk,))).status_code == 200, name


def test_roles_see_what_their_work_needs(client_for, make_user, side_a, capacity_user, editor_user):
    capacity = client_for(capacity_user)
    for name in (
        "network_analyst:index",
        "network_event:index",
        "network_participation:index",
        "network_hotline:index",
    ):
        assert capacity.get(reverse(name)).status_code == 200, name
    for name in ("network_contact:index", "network_contact:retention", "network_workbook:index"):
        assert denied(capacity.get(reverse(name))), name
    assert denied(capacity.get(reverse("network_contact:erase", args=(side_a.contact.pk,))))
    assert denied(capacity.get(reverse("network_hotline:edit", args=(side_a.hotline.pk,))))
    assert capacity.get(reverse("network_analyst:edit", args=(side_a.analyst.pk,))).status_code == 200
    editor = client_for(editor_user)
    assert editor.get(reverse("network_hotline:index")).status_code == 200
    assert denied(editor.get(reverse("network_analyst:index")))
    assert denied(editor.get(reverse("network_statistics:index")))


def test_portal_users_and_anonymous_never_reach_the_admin_screens(client, client_for, side_a):
    for who in (client, client_for(side_a.user)):
        for name in ("network_hotline:index", "network_workbook:index", "network_contact:retention"):
            response = who.get(reverse(name))
            assert response.status_code == 302 and "/login" in response.url, name
        response = who.get(reverse("network_hotline:inspect", args=(side_a.hotline.pk,)))
        assert response.status_code == 302 and "/login" in response.url


def test_stage_is_never_in_the_edit_form(client_for, staff_user, side_a):
    client = client_for(staff_user)
    url = reverse("network_hotline:edit", args=(side_a.hotline.pk,))
    form = client.get(url).context["form"]
    assert "stage" not in form.fields and "stage_entered_at" not in form.fields
    assert "stage" not in client_for(staff_user).get(reverse("network_hotline:add")).context["form"].fields


def _hotline_post(hotline: Hotline, **changes) -> dict:
    data = {
        "brand_name": hotline.brand_name,
        "host_organisation": hotline.host_organisation_id,
        "country": hotline.country_id,
        "countries_served": [hotline.country_id],
        "public_reporting_url": hotline.public_reporting_url,
        "description": hotline.description,
        "joined_on": hotline.joined_on.isoformat(),
        "full_member_on": hotline.full_member_on.isoformat(),
        "point_of_contact": hotline.point_of_contact_id,
        "stage": "ceased",
    }
    data.update(changes)
    return data


def test_admin_create_edit_delete_are_recorded_with_actor_and_changed_fields(client_for, staff_user, superuser, side_a):
    client = client_for(staff_user)
    hotline = side_a.hotline
    response = client.post(
        reverse("network_hotline:edit", args=(hotline.pk,)),
        _hotline_post(
            hotline, brand_name="Hotline A Renamed", secure_exchange_access="on", secure_exchange_since="2024-05-01"
        ),
    )
    assert response.status_code == 302
    hotline.refresh_from_db()
    assert hotline.brand_name == "Hotline A Renamed" and hotline.stage == Hotline.Stage.FULL_MEMBER
    entry = ModelLogEntry.objects.for_instance(hotline).get(action="wagtail.edit")
    assert entry.user == staff_user
    assert entry.data["changed"]["brand_name"] == ["Hotline A", "Hotline A Renamed"]
    assert entry.data["changed"]["secure_exchange_since"] == [None, "2024-05-01"]
    assert "stage" not in entry.data["changed"]
    history = client.get(reverse("network_hotline:history", args=(hotline.pk,))).content.decode()
    assert "Brand name" in history and "Hotline A Renamed" in history and "Changes" in history

    response = client.post(reverse("network_organisation:add"), {"name": "New Host", "type": "ngo", "country": "KE"})
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="New Host")
    created = ModelLogEntry.objects.for_instance(organisation).get(action="wagtail.create")
    assert created.user == staff_user and created.data["changed"]["country"] == [None, "KE"]

    response = client.post(reverse("network_organisation:delete", args=(organisation.pk,)))
    assert response.status_code == 302 and not Organisation.objects.filter(name="New Host").exists()
    deleted = ModelLogEntry.objects.get(action="wagtail.delete", object_id=str(organisation.pk))
    assert deleted.user == staff_user and deleted.data["changed"]["name"] == ["New Host", None]

    # A host of a hotline is protected: a clear message, no error page, nothing deleted.
    root = client_for(superuser)
    host = side_a.hotline.host_organisation
    response = root.post(reverse("network_organisation:delete", args=(host.pk,)), follow=True)
    assert Organisation.objects.filter(pk=host.pk).exists()
    assert "cannot be deleted" in response.content.decode()


def test_history_shows_foreign_keys_by_name_and_other_entries_data(client_for, staff_user, side_a):
    client = client_for(staff_user)
    other = ContactFactory(organisation=side_a.hotline.host_organisation, name="Second Person")
    client.post(
        reverse("network_hotline:edit", args=(side_a.hotline.pk,)),
        _hotline_post(side_a.hotline, point_of_contact=other.pk),
    )
    audit(side_a.hotline, "network.hotline.profile_update", user=staff_user, data={"reason": "Agreed at the meeting"})
    page = client.get(reverse("network_hotline:inspect", args=(side_a.hotline.pk,))).content.decode()
    assert "Person A (Host A) → Second Person (Host A)" in page
    assert "Agreed at the meeting" in page


def test_countries_only_have_their_programme_region_and_time_zone_edited(client_for, staff_user, superuser):
    client = client_for(staff_user)
    url = reverse("network_country:edit", args=("KE",))
    assert list(client.get(url).context["form"].fields) == ["programme_region", "time_zone"]
    assert Country.objects.get(code="KE").time_zone == "Africa/Nairobi"  # from the tz database
    client.post(url, {"programme_region": "middle_east_north_africa", "time_zone": "Africa/Nairobi", "name": "Renamed"})
    kenya = Country.objects.get(code="KE")
    assert (kenya.programme_region, kenya.name) == ("middle_east_north_africa", "Kenya")
    entry = ModelLogEntry.objects.for_instance(kenya).get(action="wagtail.edit")
    assert entry.data["changed"] == {"programme_region": ["sub_saharan_africa", "middle_east_north_africa"]}
    for who in (client, client_for(superuser)):
        assert denied(who.get(reverse("network_country:add")))
        assert denied(who.get(reverse("network_country:delete", args=("KE",))))
    assert Country.objects.filter(code="KE").exists()


@pytest.mark.parametrize("view", ["history", "inspect"])
def test_hotline_history_follows_the_rule_of_the_record_each_entry_comes_from(client_for, make_user, side_a, view):
    """A registry reader sees the registry's entries; a staff note (stage-change reason) only with the
    stage history's permission; another app's action nobody declared only as a superuser."""
    from accounts.roles import Role

    hotline = side_a.hotline
    audit(hotline, "network.hotline.profile_update", data={"reason": "Registry note R1"})
    audit(hotline, "onboarding.stage_change", data={"reason": "Staff reason S1"})
    audit(hotline, "reports.donor_report.create", data={"reason": "Undeclared U1"})
    url = reverse(f"network_hotline:{view}", args=(hotline.pk,))

    def page(user):
        return client_for(user).get(url).content.decode()

    editor = page(make_user(Role.EDITOR, email="editor.history@example.org"))
    assert "Registry note R1" in editor and "Staff reason S1" not in editor and "Undeclared U1" not in editor
    staff = page(make_user(Role.NETWORK_STAFF, email="staff.history@example.org"))
    assert "Registry note R1" in staff and "Staff reason S1" in staff and "Undeclared U1" not in staff
    root = page(make_user(email="root.history@example.org", is_superuser=True, is_staff=True))
    assert "Undeclared U1" in root


def test_hotline_page_shows_capacity_statistics_and_history(client_for, staff_user, side_a, capacity_user):
    today = timezone.localdate()
    course = CourseFactory(title="Image certification", kind="online_certification", certificate_valid_months=12)
    past = EventFactory(course=course, starts_on=today - timedelta(days=340), ends_on=today - timedelta(days=340))
    ParticipationFactory(
        event=past, analyst=side_a.analyst, certified_on=past.ends_on, certificate_expires_on=today + timedelta(days=25)
    )
    AnalystFactory(
        hotline=side_a.hotline, code="A-09", ended_on=today - timedelta(days=10), started_on=date(2020, 1, 1)
    )
    audit(
        side_a.hotline, "network.hotline.profile_update", user=staff_user, data={"changed": {"description": ["", "x"]}}
    )
    html = client_for(staff_user).get(reverse("network_hotline:inspect", args=(side_a.hotline.pk,))).content.decode()
    for expected in (
        "A-01",
        "A-09",
        "1 active, 1 former",
        "Image certification",
        "Person A",
        "Statistics over time",
        "Public profile updated",
        "Public description",
    ):
        assert expected in html, expected
    assert (
        "Person A"
        not in client_for(capacity_user)
        .get(reverse("network_hotline:inspect", args=(side_a.hotline.pk,)))
        .content.decode()
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_list_exports_never_carry_a_live_formula(client_for, staff_user, fmt):
    """Every text cell, the related objects' too, passes the one guard; a leading tab or carriage
    return was once let through."""
    organisation = OrganisationFactory(name="\t=HYPERLINK(host)")
    HotlineFactory(brand_name="\r=HYPERLINK(evil)", host_organisation=organisation, full_member_on=None)
    response = client_for(staff_user).get(reverse("network_hotline:index"), {"export": fmt})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        cells = [cell for row in csv.reader(io.StringIO(body.decode(), newline="")) for cell in row]
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        # A carriage return is written as Excel's escape for it, which openpyxl leaves as it is.
        cells = [
            cell.replace("_x000D_", "\r")
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if isinstance(cell, str)
        ]
    assert "'\r=HYPERLINK(evil)" in cells
    assert "'\t=HYPERLINK(host)" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_filtered_list_exports_as_spreadsheet(client_for, staff_user, side_a, side_b):
    HotlineFactory(brand_name="=HYPERLINK(evil)", stage=Hotline.Stage.EXPLORING, full_member_on=None)
    client = client_for(staff_user)
    response = client.get(
        reverse("network_hotline:index"), {"export": "csv", "stage": "full_member", "region": "europe"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Brand name"
    assert sorted(r[0] for r in rows[1:]) == ["Hotline A", "Hotline B"]
    everything = client.get(reverse("network_hotline:index"), {"export": "csv"})
    assert "'=HYPERLINK(evil)" in b"".join(everything.streaming_content).decode()
    xlsx = client.get(reverse("network_analyst:index"), {"export": "xlsx", "hotline": side_a.hotline.pk})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    filtered = client.get(reverse("network_analyst:index"), {"hotline": side_b.hotline.pk}).content.decode()
    assert "B-01" in filtered and "A-01" not in filtered


def _grow(count: int) -> None:
    """`count` more hotlines with a full set of records each."""
    course = CourseFactory()
    for n in range(count):
        organisation = OrganisationFactory()
        contact = ContactFactory(organisation=organisation)
        hotline = HotlineFactory(host_organisation=organisation, point_of_contact=contact)
        analyst = AnalystFactory(hotline=hotline)
        event = EventFactory(course=course, online=False, city="Lisbon", country_id="PT")
        ParticipationFactory(event=event, analyst=analyst, status="nominated")
        AnnualProfileFactory(hotline=hotline)
        StatisticsFactory(hotline=hotline)
        ModelLogEntry.objects.log_action(hotline, "wagtail.edit", data={"changed": {"brand_name": ["x", f"y{n}"]}})


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def test_admin_list_pages_keep_a_constant_number_of_queries(client_for, superuser, django_assert_max_num_queries):
    client = client_for(superuser)
    _grow(2)
    urls = [reverse(name) for name in INDEXES[:-1]]
    hotline = Hotline.objects.first()
    urls += [
        reverse("network_hotline:inspect", args=(hotline.pk,)),
        reverse("network_hotline:history", args=(hotline.pk,)),
    ]
    small = {url: _queries(client, url) for url in urls}
    _grow(12)
    for url in urls:
        with django_assert_max_num_queries(small[url]):
            client.get(url)
        with django_assert_max_num_queries(small[url]):
            client.get(url, {"export": "csv"} if "history" not in url and "inspect" not in url else {})


def test_contacts_past_retention_are_listed_and_erased_with_confirmation(client_for, staff_user, side_a, capacity_user):
    old = ContactFactory(
        organisation=side_a.hotline.host_organisation,
        name="Old Person",
        sector="law_enforcement",
        email="old@example.org",
        phone="+32 1",
        retain_until=timezone.localdate() - timedelta(days=1),
    )
    client = client_for(staff_user)
    client.post(
        reverse("network_contact:edit", args=(old.pk,)),
        {
            "organisation": old.organisation_id,
            "name": "Old Person",
            "role": "Inspector",
            "sector": "law_enforcement",
            "email": "old.person@example.org",
            "phone": "+32 1",
            "lawful_basis": "legitimate_interest",
            "retain_until": old.retain_until.isoformat(),
        },
    )
    listing = client.get(reverse("network_contact:retention")).content.decode()
    assert "Old Person" in listing and "Person A" not in listing
    erase = reverse("network_contact:erase", args=(old.pk,))
    confirm = client.get(erase)
    assert confirm.status_code == 200 and "Yes, erase" in confirm.content.decode()
    assert Contact.objects.get(pk=old.pk).name == "Old Person"  # GET changes nothing
    assert client.post(erase).status_code == 302
    old.refresh_from_db()
    assert old.is_erased and old.name == f"Erased contact {old.pk}"
    assert (old.email, old.phone, old.role) == ("", "", "")
    assert (old.sector, old.organisation_id) == ("law_enforcement", side_a.hotline.host_organisation_id)
    assert Contact.objects.filter(organisation=old.organisation, sector="law_enforcement").count() == 1
    assert "Old Person" not in client.get(reverse("network_contact:retention")).content.decode()
    entries = ModelLogEntry.objects.for_instance(old)
    assert entries.filter(action="network.contact.erase", user=staff_user).exists()
    dump = str([(e.label, e.data) for e in entries])
    assert "Old Person" not in dump and "old.person@example.org" not in dump and "Inspector" not in dump
    history = client.get(reverse("network_contact:history", args=(old.pk,))).content.decode()
    assert "Personal data erased" in history and "Old Person" not in history
    assert client.post(erase, follow=True).status_code == 200  # already erased: a message, nothing else
    assert denied(client_for(capacity_user).post(erase))


def test_event_codes_and_certificate_expiry_are_filled_in(client_for, capacity_user, side_a):
    client = client_for(capacity_user)
    course = CourseFactory(kind="welfare", certificate_valid_months=12)
    response = client.post(
        reverse("network_event:add"),
        {"course": course.pk, "starts_on": "2024-04-02", "ends_on": "2024-04-03", "city": "Riga", "country": "LV"},
    )
    assert response.status_code == 302
    event = course.events.get()
    assert event.code == "WELFARE-2024-04"
    response = client.post(
        reverse("network_participation:add"),
        {
            "event": event.pk,
            "participant_type": "analyst",
            "analyst": side_a.analyst.pk,
            "status": "completed",
            "certified_on": "2024-04-03",
        },
    )
    assert response.status_code == 302
    place = event.participations.get()
    assert place.certificate_expires_on == date(2025, 4, 3)
    entry = ModelLogEntry.objects.for_instance(place).get(action="wagtail.create")
    assert entry.user == capacity_user and entry.data["changed"]["certificate_expires_on"] == [None, "2025-04-03"]


def test_future_certificate_expiries_are_shown_as_dates_not_just_now(client_for, make_user):
    from accounts.roles import Role

    today = timezone.localdate()
    ParticipationFactory(certified_on=today - timedelta(days=2), certificate_expires_on=today + timedelta(days=400))
    page = client_for(make_user(Role.NETWORK_STAFF)).get(reverse("network_participation:index")).content.decode()
    assert (today + timedelta(days=400)).isoformat() in page
    assert f"2 days ago ({(today - timedelta(days=2)).isoformat()})" in page
    assert "Just now" not in page and "just now" not in page


def test_exported_choice_labels_are_djangos_own_in_the_active_language():
    """Exports read a choice's label from the field's choices once per export (not Django's method per
    row): the cell is what `get_<field>_display()` gives, in the language of the request, through a
    relation too, and a stored value that is no longer a choice is written as it is."""
    from django.utils import translation

    from core.admin import OptionalRelationExportMixin
    from network.models import TrainingParticipation

    completed = ParticipationFactory(participant_type=TrainingParticipation.ParticipantType.ANALYST)
    nominated = ParticipationFactory(status=TrainingParticipation.Status.NOMINATED, event=completed.event)
    legacy = ParticipationFactory(event=completed.event)
    TrainingParticipation.objects.filter(pk=legacy.pk).update(status="withdrawn-long-ago")
    legacy.refresh_from_db()

    class Export(OptionalRelationExportMixin):
        list_export = ["get_status_display", "event.course.get_kind_display", "get_participant_type_display", "pk"]

    for language in ("en", "fr"):
        with translation.override(language):
            export = Export()
            for item in (completed, nominated, legacy):
                row = export.to_row_dict(item)
                assert row == {
                    "get_status_display": item.get_status_display(),
                    "event.course.get_kind_display": item.event.course.get_kind_display(),
                    "get_participant_type_display": item.get_participant_type_display(),
                    "pk": item.pk,
                }
    assert Export().to_row_dict(legacy)["get_status_display"] == "withdrawn-long-ago"
    english = Export().to_row_dict(nominated)["get_status_display"]
    with translation.override("fr"):
        assert Export().to_row_dict(nominated)["get_status_display"] not in ("", english)
