"""The donor report PDF: the exact figures of the data in its text, byte-identical renders of the same
data (also after the JSON round trip the stored report goes through), names in Latin, Cyrillic, Greek
and Arabic scripts drawn with the embedded DejaVu fonts, small counts suppressed, the contents with the
right page numbers, "Page X of Y", and the document's metadata."""

from __future__ import annotations

import base64
import io
import json
import re
from dataclasses import replace
from types import SimpleNamespace

import pypdf
import pytest

from reports.donor import assembly, pdf, profiles
from reports.donor import report_data as rd
from tests.reports.donor_world import GENERATED_ON, JUSTIFICATION, PERIOD, SUMMARY, build_donor_world

CYRILLIC = "Україна: Гаряча лінія «Безпечний інтернет»"
GREEK = "Γραμμή Ασφαλούς Διαδικτύου"
ARABIC = "خط المساعدة للأطفال"
TRAVEL_JUSTIFICATION = "The spring meeting was held online; travel moves to the second half."


AUTHORITY = "the European Health and Digital Executive Agency (HaDEA)"
ACKNOWLEDGEMENT = "This work is supported by the Global Child Safety Fund."
WORK_DONE = (
    "<p>The secretariat ran the <b>annual meeting</b> and two trainings.</p>"
    "<ul><li>Members' meeting in March</li><li>Core training in Athens</li></ul>"
    "<ol><li>First step</li><li>Second step</li></ol>"
)


def logo_png() -> str:
    """A small PNG logo, base64 (as the profile freezes it)."""
    from PIL import Image

    image = Image.new("RGBA", (120, 40), (20, 90, 160, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode("ascii")


def profile_fields(profile: str, language: str = "en") -> dict[str, str]:
    donor = SimpleNamespace(report_profile=profile, acknowledgement=ACKNOWLEDGEMENT, logo_name="")
    texts = profiles.texts_for(donor=donor, grant=SimpleNamespace(granting_authority=AUTHORITY), language=language)
    return {
        "profile": texts.profile,
        "funding_statement": texts.funding_statement,
        "disclaimer": texts.disclaimer,
        "acknowledgement": texts.acknowledgement,
        "logo_png": logo_png() if profile == profiles.GENERIC else "",
    }


def hand_built(profile: str = profiles.EU, language: str = "en") -> rd.DonorReportData:
    return rd.DonorReportData(
        schema_version=rd.SCHEMA_VERSION,
        grant_code="EU-OG-2026",
        grant_title="Operating grant for coordination and capacity building",
        programme="Digital Europe",
        call_identifier="DIGITAL-2025-SAFER-01",
        agreement_number="101234567",
        grant_kind="operating",
        grant_kind_text="Operating grant",
        grant_starts_on="2026-01-01",
        grant_ends_on="2026-12-31",
        amount=1234567.89,
        currency="EUR",
        cofunding_rate=90.0,
        countries=("Ελλάδα", "Україна"),
        donor_name="European Commission" if profile == profiles.EU else "Global Child Safety Fund",
        beneficiary="International Association of Hotlines",
        period_start="2026-01-01",
        period_end="2026-06-30",
        version=3,
        generated_on="2026-07-15",
        language=language,
        summary="A half year of coordination.\n\nSecond paragraph.",
        objectives="Coordinate the network.",
        work_packages=(
            rd.WorkPackageLine(1, "Coordination", "Run the network.", "Secretariat", "2026-01-01", None),
            rd.WorkPackageLine(2, "Capacity building", "Train analysts.", "Training team", "2026-01-01", "2026-12-31"),
        ),
        indicators=(
            rd.IndicatorLine(
                "K1",
                "Member hotlines",
                "metric",
                "member_hotlines",
                "Hotlines that are members.",
                "hotlines",
                "network",
                "The whole network",
                52.0,
                "2025-12-31",
                "",
                57.0,
                54.0,
                40.0,
                rd.AT_RISK,
                "At risk",
                False,
                1,
                explanation="Two candidates postponed their admission to the autumn.",
            ),
            rd.IndicatorLine(
                "K2",
                "Analysts trained",
                "manual",
                "",
                JUSTIFICATION,
                "people",
                "grant",
                "The grant's coverage",
                0.0,
                "2025-12-31",
                "",
                400.0,
                137.0,
                34.3,
                rd.BEHIND,
                "Behind",
                False,
                None,
            ),
            rd.IndicatorLine(
                "K3",
                "Certified analysts in the new hotlines",
                "metric",
                "certified_analysts",
                "Analysts holding a valid certificate.",
                "analysts",
                "grant",
                "The grant's coverage",
                2.0,
                "2025-12-31",
                "Counted by hand before the toolkit held certificates.",
                8.0,
                3.0,
                16.7,
                rd.BEHIND,
                "Behind",
                True,
                None,
            ),
            rd.IndicatorLine(
                "K4",
                "Training events held",
                "metric",
                "training_events",
                "Training events held.",
                "events",
                "grant",
                "The grant's coverage",
                0.0,
                "2025-12-31",
                "",
                4.0,
                2.0,
                50.0,
                rd.ON_TRACK,
                "On track",
                False,
                2,
                in_period=2.0,
            ),
            rd.IndicatorLine(
                "K5",
                "Peer exchanges",
                "manual",
                "",
                "Counted by the secretariat.",
                "exchanges",
                "grant",
                "The grant's coverage",
                0.0,
                "2025-12-31",
                "",
                6.0,
                0.0,
                0.0,
                rd.BEHIND,
                "Behind",
                False,
                2,
            ),
        ),
        activities=(
            rd.ActivityLine(
                "Annual meeting",
                "meeting",
                "Meeting or conference",
                "done",
                "Implemented",
                1,
                "2026-03-01",
                "2026-03-03",
                "2026-03-10",
                "2026-03-12",
                0,
                0,
                1,
            ),
            rd.ActivityLine(
                "Stakeholder roundtables",
                "roundtable",
                "Roundtables",
                "ongoing",
                "Ongoing",
                1,
                "2026-01-15",
                "2026-12-15",
                "2026-02-11",
                None,
                1,
                0,
                0,
                roundtables_cumulative=3,
                roundtable_codes=("kyiv-2026",),
            ),
            rd.ActivityLine(
                "Analyst trainings",
                "training",
                "Training",
                "ongoing",
                "Ongoing",
                2,
                "2026-04-01",
                "2026-11-30",
                "2026-04-01",
                None,
                0,
                2,
                0,
                training_events_cumulative=2,
                training_event_codes=("CORE-ATH-2026", "ADV-ONLINE-2026"),
            ),
            rd.ActivityLine(
                "Press work", "other", "Other", "planned", "Planned", None, "2026-05-01", None, None, None, 0, 0, 0
            ),
        ),
        deliverables=(
            rd.DeliverableLine(
                "D1.1", "Annual report", 1, "2026-06-30", None, "planned", "Planned", "public", "Public"
            ),
        ),
        milestones=(
            rd.MilestoneLine(
                "MS1",
                "Members' meeting held",
                1,
                "2026-03-31",
                "2026-03-12",
                "Minutes",
                rd.MILESTONE_ACHIEVED,
                "Achieved",
            ),
            rd.MilestoneLine(
                "MS2", "Training curriculum adopted", 2, "2026-05-31", None, "Board decision", rd.MILESTONE_LATE, "Late"
            ),
        ),
        risks=(
            rd.RiskLine("Staff turnover", None, "low", "Low", "medium", "Medium", "Handover notes", "open", "Open"),
        ),
        budget_lines=(
            rd.BudgetLineRow(
                "personnel",
                "Personnel",
                "Secretariat",
                800000.0,
                391234.56,
                48.9,
                period_planned=400000.0,
                period_actual=391234.56,
                period_variance=-8765.44,
                period_variance_share=-2.2,
            ),
            rd.BudgetLineRow(
                "travel",
                "Travel and subsistence",
                "",
                100000.0,
                0.0,
                0.0,
                period_planned=50000.0,
                period_actual=0.0,
                period_variance=-50000.0,
                period_variance_share=-100.0,
                variance_justification=TRAVEL_JUSTIFICATION,
            ),
            rd.BudgetLineRow("equipment", "Equipment", "Servers", 0.0, 0.0, None),
        ),
        budget_planned=900000.0,
        budget_actual=391234.56,
        budget_execution=43.5,
        budget_period_planned=450000.0,
        budget_period_actual=391234.56,
        budget_period_variance_share=-13.1,
        roundtables=(
            rd.RoundtableAnnexLine(
                "kyiv-2026",
                f"Roundtable {CYRILLIC}",
                "2026-02-11",
                "Ukraine",
                (rd.Count("law_enforcement", "Law enforcement", 3), rd.Count("government", "Government", 8)),
                11,
                9,
            ),
        ),
        trainings=(
            rd.TrainingAnnexLine(
                "CORE-ATH-2026",
                "Core training",
                "core",
                "Core training",
                "2026-04-01",
                "2026-04-03",
                "Greece",
                False,
                (rd.Count("analyst", "Hotline analyst", 17),),
                (rd.Count("GR", GREEK, 17),),
                17,
            ),
            rd.TrainingAnnexLine(
                "ADV-ONLINE-2026",
                "Advanced workshop",
                "advanced",
                "Advanced workshop",
                "2026-05-04",
                "2026-05-05",
                "",
                True,
                (
                    rd.Count("analyst", "Hotline analyst", None, rd.SUPPRESSED),
                    rd.Count("law_enforcement", "Law enforcement", None, rd.SMALL),
                    rd.Count("ngo", "NGO", 9),
                ),
                (
                    rd.Count("CY", "Cyprus", None, rd.SMALL),
                    rd.Count("GR", GREEK, None, rd.SMALL),
                    rd.Count("UA", "Україна", None, rd.SMALL),
                ),
                17,
            ),
        ),
        candidates_by_stage=(rd.CandidateStageLine("exploring", "Exploring", 2, (GREEK, ARABIC)),),
        data_as_of="2026-07-15T09:30",
        interim=False,
        **profile_fields(profile, language),
        work_package_narratives=(
            rd.WorkPackageNarrativeLine(
                1,
                "Coordination",
                WORK_DONE,
                "The members' meeting moved by a week to follow the Board.",
                "None needed.",
            ),
        ),
        ethics="No ethical issues arose in the period.",
        dissemination="Two newsletters and a press release on the annual meeting.",
        conclusions="The network is on course; trainings pick up in the second half.",
        report_contact="Ana Pereira, grants manager, grants@example.org",
        budget_variance_threshold=15,
    )


def text_of(document: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(document)).pages]


def fonts_of(document: bytes) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(document)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            names.add(str(font.get("/BaseFont")))
    return names


@pytest.fixture(scope="module")
def rendered() -> tuple[rd.DonorReportData, bytes]:
    data = hand_built()
    return data, pdf.build_donor_report(data)


def test_the_pdf_shows_the_datas_figures(rendered):
    _data, document = rendered
    text = " ".join(" ".join(text_of(document)).split())
    for expected in (
        "European Commission",
        "101234567",
        "DIGITAL-2025-SAFER-01",
        "International Association of Hotlines",
        "2026-01-01 – 2026-06-30",
        "A half year of coordination.",
        "K1 Member hotlines The whole network hotlines 52 57 54 40 % At risk",
        "K2 Analysts trained The grant's coverage people 0 400 137 34.3 % Behind",
        "Progress from baseline to target",
        "391,234.56",
        "800,000",
        "48.9 %",
        "43.5 %",
        "1,234,567.89",
        "Annual meeting",
        "2026-03-10 – 2026-03-12",
        "D1.1",
        "MS1",
        "Staff turnover",
        "Handover notes",
    ):
        assert expected in text, expected


def test_a_manual_indicator_shows_its_justification(rendered):
    _data, document = rendered
    text = " ".join(" ".join(text_of(document)).split())
    assert f"Manual value: {JUSTIFICATION}" in text


def test_small_counts_of_people_read_fewer_than_five_and_counts_hidden_to_protect_them_read_suppressed(rendered):
    _data, document = rendered
    text = " ".join(" ".join(text_of(document)).split())
    # An indicator counting people: 2 and 3 are hidden, and the progress that would give them away.
    assert (
        "K3 Certified analysts in the new hotlines The grant's coverage analysts "
        "fewer than 5 8 fewer than 5 suppressed Behind" in text
    )
    assert "Not the measured value: Counted by hand before the toolkit held certificates." in text
    annex = " ".join(text.split("Annexes", 2)[-1].split())
    # Organisations are never hidden.
    assert "Law enforcement: 3" in annex and "Government: 8" in annex
    # People: one small count named, the cell hidden with it "suppressed" (never "fewer than 5").
    assert "Hotline analyst: suppressed" in annex
    assert "Law enforcement: fewer than 5" in annex
    # A row whose every cell is small is one line.
    assert "3 countries with fewer than 5 participants each" in annex
    assert "Cyprus" not in annex
    assert "Exploring 2" in annex


def test_the_same_data_renders_to_the_same_bytes(rendered):
    data, document = rendered
    assert pdf.build_donor_report(data) == document
    stored = json.loads(json.dumps(rd.to_json(data)))
    assert pdf.build_donor_report(rd.from_json(stored)) == document


def test_different_data_renders_differently(rendered):
    data, document = rendered
    assert pdf.build_donor_report(replace(data, version=4)) != document


def test_names_in_other_scripts_are_drawn_with_the_embedded_dejavu_fonts(rendered):
    _data, document = rendered
    text = "\n".join(text_of(document))
    assert "Україна" in text
    assert GREEK in text
    # Arabic is shaped before drawing: joined letter forms (the presentation forms block).
    assert re.search("[\ufe70-\ufeff]", text)
    assert pdf.shaped(ARABIC) != ARABIC
    fonts = fonts_of(document)
    assert fonts and all("DejaVuSans" in name for name in fonts), fonts
    reader = pypdf.PdfReader(io.BytesIO(document))
    descriptors = [
        font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        if "/DescendantFonts" in font.get_object()
        else font.get_object()["/FontDescriptor"].get_object()
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    ]
    assert all("/FontFile2" in descriptor for descriptor in descriptors)


def test_contents_list_each_section_with_its_page(rendered):
    _data, document = rendered
    reader = pypdf.PdfReader(io.BytesIO(document))
    pages = text_of(document)
    contents = reader.pages[1].extract_text(extraction_mode="layout")
    assert "Contents" in contents
    for heading in ("1. Publishable summary", "3. Indicators", "6. Risks and mitigation", "7. Budget execution"):
        line = next(line for line in contents.splitlines() if heading in line)
        listed = int(line.split()[-1])
        first = next(index for index, page in enumerate(pages[2:], start=3) if heading in page)
        assert listed == first, heading


def test_every_page_after_the_cover_has_the_header_and_page_x_of_y(rendered):
    _data, document = rendered
    pages = text_of(document)
    assert "Page" not in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert f"Page {number} of {len(pages)}" in page
        assert "101234567" in page


def test_the_documents_metadata(rendered):
    _data, document = rendered
    reader = pypdf.PdfReader(io.BytesIO(document))
    meta = reader.metadata
    assert meta.title == "EU-OG-2026 report 2026-01-01 – 2026-06-30, version 3"
    assert meta.author == "International Association of Hotlines"
    assert "European Commission" in meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert meta["/CreationDate"].startswith("D:20260715")
    assert pdf.GENERATOR_VERSION


def test_headings_follow_the_reports_language(rendered):
    data, _document = rendered
    french = pdf.build_donor_report(replace(data, language="fr"))
    reader = pypdf.PdfReader(io.BytesIO(french))
    assert reader.trailer["/Root"]["/Lang"] == "fr"


# -- From the live records ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_report_of_a_hand_built_grant_shows_its_numbers_and_renders_again_identically():
    world = build_donor_world()
    data = assembly.donor_report_data(
        grant=world.grant,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        version=1,
        summary=SUMMARY,
        generated_on=GENERATED_ON,
    )
    document = pdf.build_donor_report(data)
    text = " ".join(" ".join(text_of(document)).split())
    for expected in (
        "GA-2024-0117",
        "Global Child Safety Fund",
        "I1 Roundtables held The grant's coverage roundtables 0 4 1 25 % Behind",
        "I2 Training events held The grant's coverage events 0 2 1 50 % On track",
        "I3 Visits to the awareness campaign The grant's coverage visits 0 1,000 1,250 125 % Target achieved",
        JUSTIFICATION,
        "45,000.50",
        "57,000.50",
        "47.5 %",
        "2 roundtables",
        "accra-2025 Accra stakeholder roundtable",
        "Government / ministry: 7",
        "Law enforcement: 6",
        "Hotline analyst: suppressed",
        "NGO: fewer than 5",
        "Ghana Safe Line (Ghana Child Online Trust)",
        "CORE-NBO-2025",
        "Kenya: 13",
    ):
        assert expected in text, expected
    assert "Accra Web Watch" not in text
    assert "Kumasi" not in text
    again = pdf.build_donor_report(rd.from_json(json.loads(json.dumps(rd.to_json(data)))))
    assert again == document
