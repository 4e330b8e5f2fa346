"""The network workbook: every network sheet round-trips; a broken workbook writes nothing."""

from __future__ import annotations

import io
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from core.seeding import DemoContext
from core.workbook import export_workbook, import_workbook
from network import demo, services
from network.models import (
    Analyst,
    Contact,
    Hotline,
    HotlineAnnualProfile,
    HotlineStatistics,
    Organisation,
    TrainingCourse,
    TrainingEvent,
    TrainingParticipation,
)
from onboarding import demo as onboarding_demo
from onboarding.models import StageChange
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
    country,
)

# These tests read `response.context`.
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]

NETWORK_SHEETS = [
    "Countries",
    "Organisations",
    "Contacts",
    "Hotlines",
    "Analysts",
    "Training courses",
    "Training events",
    "Training participations",
    "Annual profiles",
    "Statistics",
]


def sheet_rows(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {name: [tuple(row) for row in book[name].iter_rows(values_only=True)] for name in NETWORK_SHEETS}


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def wipe_network() -> None:
    """Every network row but the reference countries."""
    for model in (
        StageChange,
        TrainingParticipation,
        TrainingEvent,
        TrainingCourse,
        HotlineStatistics,
        HotlineAnnualProfile,
        Analyst,
        Hotline,
        Contact,
        Organisation,
    ):
        model._base_manager.all().delete()


def full_network() -> None:
    """One of everything, with the awkward cases: erased contact, paused stage, empty shares."""
    host = OrganisationFactory(
        name="Ligne Sûre",
        country=country("SN"),
        website="https://ligne.example.org",
        publish_name_consent=True,
        registration_number="SN-1",
    )
    police = OrganisationFactory(name="=Police Unit", type="law_enforcement", country=country("SN"))
    point = ContactFactory(organisation=host, name="Awa Diop", lawful_basis="consent", consent_date=date(2024, 2, 1))
    erased = ContactFactory(organisation=host, name="Gone Person", sector="government")
    services.contact_erase(contact=erased, acting_user=_network_staff())
    member = HotlineFactory(
        brand_name="Ligne Sûre Sénégal",
        host_organisation=host,
        point_of_contact=point,
        secure_exchange_access=True,
        secure_exchange_since=date(2015, 3, 3),
        description="Line one\nLine two",
        joined_on=date(2012, 1, 1),
        full_member_on=date(2013, 6, 1),
    )
    member.countries_served.add(country("GM"))
    paused = HotlineFactory(
        brand_name="Paused Line",
        stage=Hotline.Stage.ON_HOLD,
        paused_stage="exploring",
        joined_on=None,
        full_member_on=None,
        public_reporting_url="",
        stage_entered_at=timezone.make_aware(datetime(2024, 5, 6, 7, 8, 9, 123456)),
    )
    for hotline, paused_in in ((member, ""), (paused, "exploring")):
        StageChange.objects.create(
            hotline=hotline,
            from_stage=paused_in,
            to_stage=hotline.stage,
            reason="Restored history",
            changed_at=hotline.stage_entered_at,
        )
    analyst = AnalystFactory(hotline=member, code="SN-01", role="manager", started_on=date(2019, 1, 1))
    AnalystFactory(hotline=member, code="SN-02", ended_on=date(2022, 1, 1), started_on=date(2019, 1, 1))
    AnalystFactory(hotline=paused, code="SN-01")
    course = CourseFactory(title="Core", kind="core", certificate_valid_months=24, description="Basics")
    joint = CourseFactory(title="Joint", kind="law_enforcement_joint", certificate_valid_months=None)
    event = EventFactory(
        code="CORE-2024-03",
        course=course,
        starts_on=date(2024, 3, 4),
        ends_on=date(2024, 3, 6),
        online=False,
        city="Dakar",
        country=country("SN"),
        provider="The association",
    )
    joint_event = EventFactory(code="JOINT-2024-05", course=joint, starts_on=date(2024, 5, 1), ends_on=date(2024, 5, 1))
    ParticipationFactory(
        event=event,
        analyst=analyst,
        certified_on=date(2024, 3, 6),
        certificate_expires_on=date(2026, 3, 6),
        organisation=host,
    )
    ParticipationFactory(
        event=joint_event, analyst=None, participant_type="law_enforcement", reference="LE-01", organisation=police
    )
    AnnualProfileFactory(
        hotline=member,
        year=2023,
        languages="fr, wo",
        welfare_policy=True,
        welfare_policy_reviewed_on=date(2023, 2, 2),
        psychological_support="regular",
        le_mou_in_force=True,
        fte=Decimal("2.25"),
        submitted_at=timezone.make_aware(datetime(2024, 1, 2, 3, 4, 5)),
    )
    StatisticsFactory(
        hotline=member,
        period_start=date(2023, 1, 1),
        period_end=date(2023, 12, 31),
        share_assessed_illegal=Decimal("33.33"),
        share_removed_within_3_days=Decimal("30.5"),
        share_referred_le_within_3_days=Decimal("33.33"),
        validation_status="validated",
    )
    StatisticsFactory(
        hotline=member,
        period_start=date(2022, 1, 1),
        period_end=date(2022, 12, 31),
        share_assessed_illegal=None,
        share_removed_within_3_days=None,
        share_referred_le_within_3_days=None,
        source="import",
    )


def _network_staff():
    from tests.accounts.factories import UserFactory

    return UserFactory(role=Role.NETWORK_STAFF)


def test_export_import_into_empty_network_then_export_again_gives_the_same_workbook():
    full_network()
    first = export_workbook()
    wipe_network()
    result = import_workbook(first)
    assert result.ok, result.errors
    assert result.changes["Hotlines"].created == 2 and result.changes["Training participations"].created == 2
    second = export_workbook()
    before, after = sheet_rows(first), sheet_rows(second)
    for name in NETWORK_SHEETS:
        assert before[name] == after[name], name
    assert len(before["Contacts"]) == 3 and before["Hotlines"][1][0] == "Ligne Sûre Sénégal"
    # Every row the import wrote has its history entry with the fields it set.
    hotline = Hotline.objects.get(brand_name="Ligne Sûre Sénégal")
    entry = ModelLogEntry.objects.for_instance(hotline).get(action="network.import.create")
    assert entry.data["changed"]["stage"] == [None, "full_member"] and entry.data["sheet"] == "Hotlines"
    # Importing the same workbook again changes nothing.
    again = import_workbook(second)
    assert again.ok and all(c.created == c.updated == 0 for c in again.changes.values())


def test_demo_network_round_trips(make_user):
    ctx = DemoContext(
        rng=random.Random(7), seed=7, scale=8, password="x", today=timezone.localdate(), stdout=io.StringIO()
    )
    ctx.users["staff"] = make_user(Role.NETWORK_STAFF, email="staff.demo@example.org")
    demo.seed(ctx)
    onboarding_demo.seed(ctx)  # the hotlines' stage histories: a restore needs them
    first = export_workbook()
    from tests.onboarding.test_workbook import wipe

    wipe()
    result = import_workbook(first)
    assert result.ok, result.errors[:5]
    assert sheet_rows(export_workbook()) == sheet_rows(first)


def broken_sheets() -> dict[str, list[list]]:
    return {
        "Organisations": [
            ["name", "type", "country"],
            ["Good Host", "ngo", "KE"],
            ["Bad Country Host", "ngo", "XX"],
        ],
        "Hotlines": [
            ["brand_name", "host_organisation", "country", "stage"],
            ["Good Line", "Good Host", "KE", "full_member"],
            ["Orphan Line", "Nobody Org", "KE", "exploring"],
        ],
        "Stage history": [
            ["hotline", "changed_at", "from_stage", "to_stage", "reason"],
            ["Good Line", "2020-01-01 10:00", "", "full_member", "Restored"],
            ["Orphan Line", "2020-01-01 10:00", "", "exploring", "Restored"],
        ],
        "Analysts": [
            ["code", "hotline", "role"],
            ["KE-01", "Good Line", "analyst"],
            ["KE-02", "Good Line", "analyst"],
            ["KE-01", "Good Line", "manager"],
        ],
        "Statistics": [
            ["hotline", "period_start", "period_end", "reports_received", "content_urls_processed"],
            ["Good Line", "2023-01-01", "2023-12-31", -5, 10],
        ],
    }


def test_broken_workbook_writes_nothing_and_names_each_problem():
    counts = [Organisation.objects.count(), Hotline.objects.count(), ModelLogEntry.objects.count()]
    # One run names every problem: the duplicate analyst code, the bad country code, the unknown
    # organisation and the negative count.
    result = import_workbook(workbook(broken_sheets()))
    found = {(e.sheet, e.row, e.column): e.message for e in result.errors}
    assert "Duplicate of row 2" in found[("Analysts", 4, "code")]
    assert "XX" in found[("Organisations", 3, "country")]
    assert "Countries sheet" in found[("Organisations", 3, "country")]
    assert "Nobody Org" in found[("Hotlines", 3, "host_organisation")]
    assert "greater than or equal to 0" in found[("Statistics", 2, "reports_received")]
    assert "has errors in the Hotlines sheet" in found[("Stage history", 3, "hotline")]
    assert len(result.errors) == 5, result.errors
    assert not result.written
    assert [Organisation.objects.count(), Hotline.objects.count(), ModelLogEntry.objects.count()] == counts


def test_statistics_and_participation_rules_apply_on_import():
    HotlineFactory(brand_name="Line")
    EventFactory(code="EV-1")
    result = import_workbook(
        workbook(
            {
                "Statistics": [
                    [
                        "hotline",
                        "period_start",
                        "period_end",
                        "reports_received",
                        "content_urls_processed",
                        "share_assessed_illegal",
                        "share_removed_within_3_days",
                    ],
                    ["Line", "2023-01-01", "2023-12-31", 5, 10, 20, 30],
                    ["Line", "2023-06-01", "2024-05-31", 5, 10, 20, 10],
                ],
                "Training participations": [
                    ["event", "hotline", "analyst", "reference", "participant_type", "status"],
                    ["EV-1", "Line", "ZZ-99", "", "analyst", "completed"],
                    ["EV-1", "", "", "", "law_enforcement", "completed"],
                ],
            }
        )
    )
    found = {(e.sheet, e.row, e.column) for e in result.errors}
    assert ("Statistics", 2, "share_removed_within_3_days") in found
    assert ("Training participations", 2, "analyst") in found
    assert ("Training participations", 3, "reference") in found
    assert not HotlineStatistics.objects.exists() and not TrainingParticipation.objects.exists()


def test_admin_import_previews_then_imports_on_confirmation(
    client_for, staff_user, capacity_user, django_capture_on_commit_callbacks
):
    from core.models import WorkbookImport

    client = client_for(staff_user)
    index = reverse("network_workbook:index")
    good = workbook({"Organisations": [["name", "type", "country"], ["Preview Host", "ngo", "GH"]]})
    # The check runs as a background task (here at once): the page then lists every row it would write.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(index, {"workbook": SimpleUploadedFile("network.xlsx", good)})
    assert response.status_code == 302
    preview = WorkbookImport.objects.get()
    assert (preview.dry_run, preview.status, preview.percent) == (True, "done", 100)
    response = client.get(response["Location"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Import now" in html and "Organisations" in html and "Preview Host" in html
    assert not Organisation.objects.filter(name="Preview Host").exists()
    # Someone else cannot see or confirm the run.
    other = client_for(_network_staff())
    assert other.get(reverse("network_workbook:job", args=[preview.pk])).status_code == 404
    assert other.post(reverse("network_workbook:confirm", args=[preview.pk])).status_code == 404
    assert not Organisation.objects.filter(name="Preview Host").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("network_workbook:confirm", args=[preview.pk]))
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Preview Host")
    assert ModelLogEntry.objects.for_instance(organisation).get(action="network.import.create").user == staff_user
    done = client.get(response["Location"])
    assert "was imported" in done.content.decode()
    # The confirmation works once.
    client.post(reverse("network_workbook:confirm", args=[preview.pk]))
    assert Organisation.objects.filter(name="Preview Host").count() == 1
    assert WorkbookImport.objects.filter(dry_run=False).count() == 1

    broken = workbook(broken_sheets())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(index, {"workbook": SimpleUploadedFile("broken.xlsx", broken)})
    response = client.get(response["Location"])
    assert response.status_code == 400
    assert "Duplicate of row 2" in response.content.decode() and "Import now" not in response.content.decode()
    not_xlsx = client.post(index, {"workbook": SimpleUploadedFile("network.xlsx", b"%PDF-1.4 not a sheet")})
    assert not_xlsx.status_code == 200 and not_xlsx.context["form"].errors["workbook"]

    export = client.get(reverse("network_workbook:export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "Preview Host" in str(sheet_rows(export.content)["Organisations"])
    outsider = client_for(capacity_user)
    assert outsider.get(reverse("network_workbook:export")).status_code == 302
    assert outsider.post(index, {"workbook": SimpleUploadedFile("network.xlsx", good)}).status_code == 302
    assert outsider.get(reverse("network_workbook:job", args=[preview.pk])).status_code == 302


def test_the_admin_preview_shows_the_lifecycle_refusal_and_the_changes_field_by_field(
    client_for, staff_user, django_capture_on_commit_callbacks
):
    hotline = HotlineFactory(
        brand_name="Candidate Line", stage=Hotline.Stage.FEASIBILITY_REVIEW, joined_on=None, full_member_on=None
    )
    OrganisationFactory(name="Renamed Site Org", country=country("GH"), website="https://old.example.org")
    client = client_for(staff_user)
    data = workbook(
        {
            "Organisations": [
                ["name", "type", "country", "website"],
                ["Renamed Site Org", "ngo", "GH", "https://new.example.org"],
            ],
            "Hotlines": [
                ["brand_name", "host_organisation", "country", "stage"],
                ["Candidate Line", hotline.host_organisation.name, hotline.country_id, "full_member"],
            ],
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("network_workbook:index"), {"workbook": SimpleUploadedFile("w.xlsx", data)})
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 400
    assert "stage changes go through the lifecycle" in html and "Import now" not in html
    hotline.refresh_from_db()
    assert hotline.stage == "feasibility_review"


def test_a_preview_waiting_for_a_stopped_worker_says_so(client_for, staff_user, settings):
    from datetime import timedelta

    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for(staff_user)
    data = workbook({"Organisations": [["name", "type", "country"], ["Queued Org", "ngo", "GH"]]})
    response = client.post(reverse("network_workbook:index"), {"workbook": SimpleUploadedFile("q.xlsx", data)})
    from core.models import WorkbookImport

    job = WorkbookImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and 'http-equiv="refresh"' in page
    assert "background worker seems to be stopped" not in page
    # Nothing ran it: the task (queued after the request's commit) waits; ten minutes later the page says why.
    from network.tasks import run_workbook_import

    run_workbook_import.enqueue(job.pk)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))
    page = client.get(response["Location"]).content.decode()
    assert "The background worker seems to be stopped: reports are queued." in page
    assert "background worker seems to be stopped" in client.get(reverse("network_workbook:index")).content.decode()


def test_dates_in_the_future_are_fine_for_events_but_not_for_consent():
    today = timezone.localdate()
    OrganisationFactory(name="Org")
    result = import_workbook(
        workbook(
            {
                "Contacts": [
                    ["organisation", "name", "lawful_basis", "consent_date", "retain_until"],
                    ["Org", "Future Consent", "consent", (today + timedelta(days=5)).isoformat(), "2030-01-01"],
                ]
            }
        )
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "consent_date")]


def test_the_workbook_download_answers_get_only(client_for, staff_user):
    """A download changes nothing: the export answers GET (and HEAD), and refuses other methods."""
    client = client_for(staff_user)
    url = reverse("network_workbook:export")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="network-')
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200
