"""The workbook framework, exercised through the registry's real sheets."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from core.workbook import export_workbook, import_workbook
from network.models import Country, Organisation

pytestmark = pytest.mark.django_db


def _sheet_rows(data: bytes, name: str) -> list[tuple]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(row) for row in book[name].iter_rows(values_only=True)]


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ORG_HEADER = ["name", "type", "country", "website", "registration_number", "publish_name_consent"]


def test_import_creates_and_updates_by_natural_key():
    data = _workbook(
        {
            "Organisations": [
                ORG_HEADER,
                ["Safer Web Kenya", "ngo", "KE", "https://safer.example.org", "", "TRUE"],
            ]
        }
    )
    result = import_workbook(data)
    assert result.ok, result.errors
    org = Organisation.objects.get(name="Safer Web Kenya")
    assert (org.country_id, org.publish_name_consent) == ("KE", True)
    assert result.changes["Organisations"].created == 1

    again = import_workbook(_workbook({"Organisations": [ORG_HEADER, ["Safer Web Kenya", "ngo", "TZ", "", "", "no"]]}))
    assert again.ok
    assert again.changes["Organisations"].updated == 1
    org.refresh_from_db()
    assert org.country_id == "TZ"


def test_broken_workbook_writes_nothing_and_names_every_problem():
    data = _workbook(
        {
            "Organisations": [
                ORG_HEADER,
                ["Good Org", "ngo", "KE", "", "", ""],
                ["Bad Country Org", "ngo", "XX", "", "", ""],
                ["Bad Type Org", "spaceship", "KE", "", "", ""],
                ["Good Org", "ngo", "KE", "", "", ""],
                ["Bad Web Org", "ngo", "KE", "not a url", "", ""],
            ]
        }
    )
    result = import_workbook(data)
    assert not result.ok
    found = {(e.sheet, e.row, e.column) for e in result.errors}
    assert ("Organisations", 4, "type") in found
    assert ("Organisations", 5, "name") in found  # duplicate of row 2
    assert Organisation.objects.count() == 0


def test_row_errors_found_while_writing_roll_everything_back():
    data = _workbook(
        {
            "Organisations": [
                ORG_HEADER,
                ["Fine Org", "ngo", "KE", "", "", ""],
                ["Unknown Country Org", "ngo", "XX", "", "", ""],
                ["Bad Web Org", "ngo", "KE", "not a url", "", ""],
            ]
        }
    )
    result = import_workbook(data)
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "not in the Countries sheet" in messages[(3, "country")]
    assert (4, "website") in messages
    assert Organisation.objects.count() == 0
    assert not result.written


def test_unknown_sheet_and_column_are_reported():
    data = _workbook({"Organisations": [[*ORG_HEADER, "colour"]], "Spaceships": [["name"]]})
    result = import_workbook(data)
    assert {(e.sheet, e.column) for e in result.errors} >= {
        ("Organisations", "colour"),
        ("Spaceships", ""),
    }


def test_not_a_workbook():
    result = import_workbook(b"this is not a spreadsheet")
    assert not result.ok
    assert "XLSX" in result.errors[0].message


def test_dry_run_previews_without_writing():
    data = _workbook({"Organisations": [ORG_HEADER, ["Preview Org", "ngo", "KE", "", "", ""]]})
    result = import_workbook(data, dry_run=True)
    assert result.ok and not result.written
    assert result.changes["Organisations"].created == 1
    assert not Organisation.objects.exists()


def test_countries_can_only_be_updated():
    header = [
        "code",
        "name",
        "alpha3",
        "numeric",
        "m49_region",
        "m49_subregion",
        "programme_region",
    ]
    result = import_workbook(_workbook({"Countries": [header, ["ZZ", "Nowhere", "ZZZ", "999", "", "", ""]]}))
    assert not result.ok
    assert not Country.objects.filter(code="ZZ").exists()
    kenya = list(Country.objects.filter(code="KE").values_list(*header)[0])
    kenya[6] = "middle_east_north_africa"
    assert import_workbook(_workbook({"Countries": [header, kenya]})).ok
    assert Country.objects.get(code="KE").programme_region == "middle_east_north_africa"


def test_export_import_export_round_trip_is_lossless():
    Organisation.objects.create(name="=cmd|' /C calc'!A0", type="company", country_id="FR")
    Organisation.objects.create(
        name="Ligne Sûre",
        type="ngo",
        country_id="SN",
        website="https://ligne.example.org",
        publish_name_consent=True,
    )
    first = export_workbook()
    assert _sheet_rows(first, "Organisations")[1][0].startswith("'=")  # never a live formula
    Organisation.objects.all().delete()
    result = import_workbook(first)
    assert result.ok, result.errors
    assert Organisation.objects.filter(name="=cmd|' /C calc'!A0").exists()
    second = export_workbook()
    for name in ("Countries", "Organisations"):
        assert _sheet_rows(first, name) == _sheet_rows(second, name)


def test_text_starting_with_a_tab_or_carriage_return_is_never_a_live_formula_in_the_workbook():
    """The guard once missed a leading tab or carriage return."""
    for name in ("\t=cmd|' /C calc'!A0", "\r@SUM(1+1)", "'=already quoted"):
        Organisation.objects.create(name=name, type="company", country_id="FR")
    first = export_workbook()
    names = [row[0] for row in _sheet_rows(first, "Organisations")[1:]]
    assert all(name.startswith("'") for name in names), names
    Organisation.objects.all().delete()
    assert import_workbook(first).ok
    # Import removes exactly the apostrophe export added.
    assert Organisation.objects.filter(name="'=already quoted").exists()


def test_data_format_doc_is_up_to_date():
    from core.management.commands.workbook_docs import DOC
    from core.workbook import workbook_markdown

    assert DOC.read_text(encoding="utf-8") == workbook_markdown(), "run: python manage.py workbook_docs"
