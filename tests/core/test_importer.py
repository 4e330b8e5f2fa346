"""The set-based import: the lifecycle is never bypassed, a restore is complete, the preview tells the truth."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from wagtail.models import ModelLogEntry

from accounts.models import User
from accounts.roles import Role
from accounts.services import invitation_accept, invitation_create
from core.workbook import CHANGED, export_workbook, import_workbook
from network.models import Hotline, Organisation
from onboarding import services
from onboarding.models import StageChange
from tests.accounts.factories import UserFactory
from tests.core.restore import record_missing_histories
from tests.network.factories import ContactFactory, HotlineFactory, OrganisationFactory, country
from tests.onboarding.test_workbook import wipe

pytestmark = pytest.mark.django_db


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


def rows_of(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {name: [tuple(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}


def candidate_in_feasibility_review() -> Hotline:
    staff = UserFactory(role=Role.NETWORK_STAFF)
    hotline = services.candidate_create(
        brand_name="Candidate Line",
        country=country("KE"),
        new_host_name="Candidate Host",
        identified_on=date(2026, 1, 5),
        source="referral",
        lead_staff=None,
        acting_user=staff,
    )
    Hotline.objects.filter(pk=hotline.pk).update(stage=Hotline.Stage.FEASIBILITY_REVIEW)
    return Hotline.objects.get(pk=hotline.pk)


# -- 1. lifecycle fields only move through the lifecycle ---------------------------------------------
def test_an_import_never_moves_a_recorded_hotline_through_the_lifecycle(tmp_path):
    hotline = candidate_in_feasibility_review()
    one_row = workbook(
        {
            "Hotlines": [
                ["brand_name", "host_organisation", "country", "stage", "joined_on", "full_member_on"],
                [hotline.brand_name, "Candidate Host", "KE", "full_member", "2026-01-01", "2026-02-01"],
            ]
        }
    )
    result = import_workbook(one_row)
    found = {(e.sheet, e.row, e.column): e.message for e in result.errors}
    assert "stage changes go through the lifecycle" in found[("Hotlines", 2, "stage")]
    assert "feasibility_review" in found[("Hotlines", 2, "stage")] and "full_member" in found[("Hotlines", 2, "stage")]
    assert ("Hotlines", 2, "joined_on") in found and ("Hotlines", 2, "full_member_on") in found
    hotline.refresh_from_db()
    assert (hotline.stage, hotline.joined_on) == ("feasibility_review", None)
    assert not Hotline.objects.in_directory().filter(pk=hotline.pk).exists()

    path = tmp_path / "bypass.xlsx"
    path.write_bytes(one_row)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_network", str(path), "--dry-run", stdout=out, stderr=err)
    assert "Hotlines, row 2, column stage" in err.getvalue() and "lifecycle" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("import_network", str(path), stdout=out, stderr=err)
    assert Hotline.objects.get(pk=hotline.pk).stage == "feasibility_review"


def test_the_stage_history_of_a_recorded_hotline_is_the_lifecycles_alone():
    hotline = candidate_in_feasibility_review()
    result = import_workbook(
        workbook(
            {
                "Stage history": [
                    ["hotline", "changed_at", "from_stage", "to_stage", "reason"],
                    [hotline.brand_name, "2026-03-01 10:00", "feasibility_review", "full_member", "Fast track"],
                ]
            }
        )
    )
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("Stage history", 2, "changed_at")]
    assert "only through the lifecycle" in result.errors[0].message
    assert StageChange.objects.filter(hotline=hotline).count() == 1


def test_a_new_hotline_is_restored_only_with_a_history_that_ends_in_its_stage():
    OrganisationFactory(name="Host", country=country("KE"))
    hotlines = [["brand_name", "host_organisation", "country", "stage", "stage_entered_at"]]
    history = [["hotline", "changed_at", "from_stage", "to_stage", "reason"]]
    no_history = import_workbook(
        workbook({"Hotlines": [*hotlines, ["New Line", "Host", "KE", "full_member", "2024-05-01 10:00"]]})
    )
    assert [(e.row, e.column) for e in no_history.errors] == [(2, "stage")]
    assert "stage history" in no_history.errors[0].message

    disagreeing = import_workbook(
        workbook(
            {
                "Hotlines": [*hotlines, ["New Line", "Host", "KE", "full_member", "2024-05-01 10:00"]],
                "Stage history": [
                    *history,
                    ["New Line", "2024-01-01 09:00", "", "identified", "Identified"],
                    ["New Line", "2024-05-01 10:00", "identified", "exploring", "Exploring"],
                ],
            }
        )
    )
    assert "Stage history, row 3" in disagreeing.errors[0].message and "exploring" in disagreeing.errors[0].message
    assert not Hotline.objects.filter(brand_name="New Line").exists()

    agreeing = import_workbook(
        workbook(
            {
                "Hotlines": [*hotlines, ["New Line", "Host", "KE", "exploring", "2024-05-01 10:00"]],
                "Stage history": [
                    *history,
                    ["New Line", "2024-01-01 09:00", "", "identified", "Identified"],
                    ["New Line", "2024-05-01 10:00", "identified", "exploring", "Exploring"],
                ],
            }
        )
    )
    assert agreeing.ok, agreeing.errors
    assert Hotline.objects.get(brand_name="New Line").stage_changes.count() == 2


# -- 2. a complete restore ------------------------------------------------------------------------------
def test_a_restore_into_an_empty_database_brings_the_accounts_back_without_their_secrets():
    from tests.onboarding.world import build_world

    world = build_world()
    admin = UserFactory(email="root.restore@example.org", is_superuser=True, is_staff=True)
    gone = UserFactory(email="left@example.org", is_active=False)
    User.objects.filter(pk=world.candidate.pk).update(language="fr")  # the language of their emails
    record_missing_histories()
    first = export_workbook()
    accounts = {row[0]: row for row in rows_of(first)["Accounts"][1:]}
    header = rows_of(first)["Accounts"][0]
    assert header == (
        "email",
        "first_name",
        "last_name",
        "language",
        "roles",
        "superuser",
        "affiliation_type",
        "affiliation",
        "portal_role",
        "active",
    )
    assert accounts[world.staff.email][4] == "Network staff"
    assert accounts[world.candidate.email][3] == "fr"
    assert accounts[world.candidate.email][6:9] == ("organisation", world.hotline.host_organisation.name, "manager")
    assert accounts[admin.email][5] is True and accounts[gone.email][9] is False
    assert world.staff.password not in str(rows_of(first))  # never a password (hash) in the workbook

    wipe()
    assert not User.objects.exists()
    result = import_workbook(first)
    assert result.ok, result.errors[:5]
    assert rows_of(export_workbook()) == rows_of(first)  # identical workbooks
    restored = User.objects.get(email=world.reviewer.email)
    assert not restored.is_active and not restored.has_usable_password() and restored.awaiting_invitation
    assert restored.groups.get().name == "Accreditation reviewer"
    assert world.reviewer.email in result.invitations_needed and gone.email not in result.invitations_needed
    assert User.objects.get(email=world.candidate.email).language == "fr"
    affiliation = User.objects.get(email=world.candidate.email).affiliation_or_none
    assert affiliation.target.name == world.hotline.host_organisation.name
    assert ModelLogEntry.objects.filter(action="accounts.import.create").count() == User.objects.count()

    # The invitation is how the person gets in: it activates the restored account, roles kept.
    inviter = UserFactory(role=Role.NETWORK_STAFF, email="inviter@example.org")
    created = invitation_create(email=restored.email, role=Role.REVIEWER, acting_user=inviter)
    token = created.url.rstrip("/").rsplit("/", 1)[1]
    user = invitation_accept(token=token, password="a-long-new-password-2026")
    assert user.pk == restored.pk and user.is_active and not user.awaiting_invitation
    assert user.check_password("a-long-new-password-2026")


def test_accounts_that_exist_keep_their_roles_and_a_superuser_is_restored_only_by_a_superuser():
    staff = UserFactory(role=Role.NETWORK_STAFF, email="keeper@example.org")
    header = ["email", "first_name", "last_name", "roles", "superuser", "active"]
    promoted = import_workbook(
        workbook({"Accounts": [header, ["keeper@example.org", "Kim", "Keeper", "Network staff; Editor", False, True]]})
    )
    assert [(e.row, e.column) for e in promoted.errors] == [(2, "roles")]
    assert "changed in the admin" in promoted.errors[0].message
    assert staff.groups.count() == 1

    renamed = import_workbook(
        workbook({"Accounts": [header, ["KEEPER@example.org", "Kim", "Keeper", "Network staff", False, True]]})
    )
    assert renamed.ok, renamed.errors
    assert User.objects.get(pk=staff.pk).get_full_name() == "Kim Keeper"

    root = workbook({"Accounts": [header, ["root2@example.org", "Root", "Two", "", True, True]]})
    from network.services import network_import

    refused = network_import(data=root, dry_run=False, acting_user=staff)
    assert [(e.row, e.column) for e in refused.errors] == [(2, "superuser")]
    assert import_workbook(root).ok  # from the command line: the operator's own server
    assert User.objects.get(email="root2@example.org").is_superuser


# -- 3. a preview people can trust -----------------------------------------------------------------------
def test_the_preview_shows_each_changed_field_and_nothing_spurious():
    host = OrganisationFactory(name="Preview Host", country=country("GH"), website="https://old.example.org")
    OrganisationFactory(name="Quiet Org", country=country("GH"))
    # Microseconds, which a spreadsheet cannot hold, are not a change.
    ContactFactory(organisation=host, name="Ama", erased_at=timezone.now().replace(microsecond=654321))
    HotlineFactory(brand_name="Preview Line", host_organisation=host, stage_entered_at=timezone.now())
    record_missing_histories()
    first = export_workbook()
    unchanged = import_workbook(first, dry_run=True)
    assert unchanged.ok, unchanged.errors
    assert all(c.created == c.updated == 0 for c in unchanged.changes.values()), {
        k: (c.created, c.updated) for k, c in unchanged.changes.items() if c.created or c.updated
    }
    assert unchanged.changes["Organisations"].unchanged == 2

    book = load_workbook(io.BytesIO(first))
    sheet = book["Organisations"]
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "Preview Host":
            row[headers.index("website")].value = "https://new.example.org"
    sheet.append(["Brand New Org", "ngo", "GH", "", "", False])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = import_workbook(buffer.getvalue(), dry_run=True)
    changes = preview.changes["Organisations"]
    assert (changes.created, changes.updated, changes.unchanged) == (1, 1, 1)
    changed = next(r for r in changes.rows if r.status == CHANGED)
    assert changed.key == "Preview Host"
    assert [(f.column, f.old, f.new) for f in changed.fields] == [
        ("website", "https://old.example.org", "https://new.example.org")
    ]
    assert Organisation.objects.get(name="Preview Host").website == "https://old.example.org"
    assert not preview.written

    written = import_workbook(buffer.getvalue())
    assert written.written
    host.refresh_from_db()
    assert host.website == "https://new.example.org"
    entry = ModelLogEntry.objects.for_instance(host).get(action="network.import.update")
    assert entry.data["changed"] == {"website": ["https://old.example.org", "https://new.example.org"]}


def test_the_import_validates_and_writes_in_bulk_without_a_query_per_row():
    def organisations(count: int, start: int) -> bytes:
        rows = [["name", "type", "country", "website"]]
        rows += [[f"Org {n:04d}", "ngo", "KE", f"https://org{n}.example.org"] for n in range(start, start + count)]
        return workbook({"Organisations": rows})

    def queries(data: bytes, *, dry_run: bool) -> int:
        with CaptureQueriesContext(connection) as captured:
            result = import_workbook(data, dry_run=dry_run)
        assert result.ok, result.errors[:3]
        return len(captured.captured_queries)

    assert queries(organisations(10, 0), dry_run=True) == queries(organisations(200, 0), dry_run=True)
    small, large = queries(organisations(10, 1000), dry_run=False), queries(organisations(200, 2000), dry_run=False)
    assert large <= small + 4  # batches of inserts, not a query per row
    assert Organisation.objects.filter(name__startswith="Org ").count() == 210


def test_a_row_error_anywhere_writes_nothing_and_names_sheet_row_and_column():
    OrganisationFactory(name="Host", country=country("KE"))
    result = import_workbook(
        workbook(
            {
                "Organisations": [["name", "type", "country"], ["Fine Org", "ngo", "KE"]],
                "Contacts": [
                    ["organisation", "name", "lawful_basis", "consent_date", "retain_until"],
                    ["Fine Org", "Ok Person", "legitimate_interest", "", "2030-01-01"],
                    ["Host", "Bad Person", "consent", "", "2030-01-01"],
                ],
            }
        )
    )
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("Contacts", 3, "consent_date")]
    assert not Organisation.objects.filter(name="Fine Org").exists()


def test_unique_rules_are_checked_across_the_database_and_the_workbook():
    header = ["code", "name", "alpha3", "numeric"]
    taken = import_workbook(workbook({"Countries": [header, ["KE", "Kenya", "TZA", "404"]]}))
    assert [(e.row, e.column) for e in taken.errors] == [(2, "alpha3")]
    assert "already exists" in taken.errors[0].message
    twice = import_workbook(
        workbook({"Countries": [header, ["KE", "Kenya", "XXA", "404"], ["TZ", "Tanzania", "XXA", "834"]]})
    )
    assert [(e.row, e.column, e.message) for e in twice.errors] == [
        (2, "alpha3", "Same ISO alpha-3 as row 3."),
        (3, "alpha3", "Same ISO alpha-3 as row 2."),
    ]
