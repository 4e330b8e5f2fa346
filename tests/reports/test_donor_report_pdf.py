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


def flat(document: bytes) -> str:
    return " ".join(" ".join(text_of(document)).split())


def test_the_pdf_shows_the_datas_figures(rendered):
    _data, document = rendered
    text = flat(document)
    for expected in (
        "European Commission",
        "101234567",
        "DIGITAL-2025-SAFER-01",
        "International Association of Hotlines",
        "1 January 2026 – 30 June 2026",
        "A half year of coordination.",
        "K1 Member hotlines The whole network hotlines 52 57 — 54 40 % At risk",
        "K2 Analysts trained The grant's coverage people 0 400 — 137 34.3 % Behind",
        "K4 Training events held The grant's coverage events 0 4 2 2 cumulative since start 50 % On track",
        "Progress from baseline to target",
        "391,234.56",
        "800,000",
        "48.9 %",
        "43.5 %",
        "1,234,567.89 EUR",
        "Annual meeting",
        "10 March 2026 – 12 March 2026",
        "1 roundtable (3 cumulative since start)",
        "D1.1",
        "MS1",
        "MS2 Training curriculum adopted WP2 31 May 2026 — Late Board decision",
        "Staff turnover",
        "Handover notes",
        "Data as of 15 July 2026, 09:30 UTC",
        "Contact: Ana Pereira, grants manager, grants@example.org",
    ):
        assert expected in text, expected


def test_the_sample_data_is_consistent():
    assert rd.consistency_problems(hand_built()) == []
    assert rd.consistency_problems(hand_built(profiles.GENERIC)) == []


def test_a_manual_indicator_shows_its_justification(rendered):
    _data, document = rendered
    text = flat(document)
    assert f"Manual value: {JUSTIFICATION}" in text


def test_small_counts_of_people_read_fewer_than_five_and_counts_hidden_to_protect_them_read_suppressed(rendered):
    _data, document = rendered
    text = flat(document)
    # An indicator counting people: 2 and 3 are hidden, and the progress that would give them away.
    assert (
        "K3 Certified analysts in the new hotlines The grant's coverage analysts "
        "fewer than 5 8 — fewer than 5 suppressed Behind" in text
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
    for heading in HEADINGS:
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


HEADINGS = (
    "1. Publishable summary",
    "2. Objectives and work packages",
    "3. Indicators",
    "4. Ethical issues",
    "5. Dissemination and communication",
    "6. Deliverables and milestones",
    "7. Risks and mitigation",
    "8. Budget",
    "9. Conclusions and recommendations",
    "10. Declaration and contact",
    "Annexes",
)


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


def test_the_sections_come_in_the_order_of_a_periodic_technical_report_with_every_narrative_heading(rendered):
    _data, document = rendered
    body = flat(document).split("Annexes", 1)[1]  # after the contents
    positions = [body.find(heading) for heading in HEADINGS[:-1]]
    assert all(position >= 0 for position in positions), dict(zip(HEADINGS, positions, strict=False))
    assert positions == sorted(positions)
    wp1 = body.split("WP1. Coordination", 1)[1].split("WP2. Capacity building", 1)[0]
    for heading in (
        "Activities planned and implemented in the period",
        "Work done in the period",
        "Deviations from the plan and their justification",
        "Corrective measures",
    ):
        assert heading in wp1, heading
    # The rich text: bold kept as text, list items as bullets and numbers.
    assert "The secretariat ran the annual meeting and two trainings." in wp1
    assert "• Members' meeting in March" in wp1 and "1. First step" in wp1 and "2. Second step" in wp1
    assert "The members' meeting moved by a week to follow the Board." in wp1
    # A work package without a narrative says so, under each heading.
    wp2 = body.split("WP2. Capacity building", 1)[1].split("3. Indicators", 1)[0]
    assert wp2.count("Not provided.") == 3
    assert "Activities outside the work packages" in wp2 and "Press work" in wp2
    for text in (
        "No ethical issues arose in the period.",
        "Two newsletters and a press release on the annual meeting.",
        "The network is on course; trainings pick up in the second half.",
        "The beneficiary declares that the information in this report is, to the best of its knowledge, "
        "complete, reliable and true.",
    ):
        assert text in body, text


def test_empty_narrative_sections_say_not_provided(rendered):
    data, _document = rendered
    empty = replace(data, summary="", ethics="", dissemination="", conclusions="", work_package_narratives=())
    body = flat(pdf.build_donor_report(empty)).split("Annexes", 1)[1]
    for heading, following in (
        ("1. Publishable summary", "In the period"),
        ("4. Ethical issues", "5. Dissemination"),
        ("5. Dissemination and communication", "6. Deliverables"),
        ("9. Conclusions and recommendations", "10. Declaration"),
    ):
        assert body.split(heading, 1)[1].split(following, 1)[0].strip().startswith("Not provided."), heading


def test_indicators_behind_or_at_risk_show_their_explanation_or_that_none_was_given(rendered):
    _data, document = rendered
    text = flat(document)
    explanations = text.split("Indicators behind or at risk: explanations", 2)[-1].split("Indicators: progress")[0]
    assert "K1 Member hotlines — At risk Two candidates postponed their admission to the autumn." in explanations
    assert "K2 Analysts trained — Behind No explanation given." in explanations
    assert "K5 Peer exchanges — Behind No explanation given." in explanations
    assert "K4 Training events held" not in explanations  # on track: nothing to explain


def test_the_budget_shows_the_period_with_variance_and_justification_and_the_cumulative_position(rendered):
    _data, document = rendered
    text = flat(document)
    budget = text.split("8. Budget", 2)[-1].split("9. Conclusions", 1)[0]
    period = budget.split("The period 1 January 2026 – 30 June 2026", 1)[1].split("Cumulative position", 1)[0]
    assert "Personnel Secretariat 400,000 391,234.56 −8,765.44 −2.2 %" in period
    assert "Travel and subsistence — 50,000 0 −50,000 −100 %" in period
    assert f"Justification: {TRAVEL_JUSTIFICATION}" in period
    assert "Equipment Servers not entered not entered — —" in period
    assert "Total 450,000 391,234.56 −58,765.44 −13.1 %" in period
    cumulative = budget.split("Cumulative position since the grant's start", 1)[1]
    assert "Planned for the grant Spent since the start Execution" in cumulative
    assert "Total 900,000 391,234.56 43.5 %" in cumulative
    summary = text.split("1. Publishable summary", 2)[-1].split("2. Objectives", 1)[0]
    assert "391,234.56 EUR were spent in the period against 450,000 EUR planned for it (variance −13.1 %)" in summary
    assert "Cumulative since start: 391,234.56 EUR of the grant's 900,000 EUR were spent (43.5 %)." in summary


def test_a_variance_above_the_threshold_without_justification_says_so(rendered):
    data, _document = rendered
    lines = (replace(data.budget_lines[0]), replace(data.budget_lines[1], variance_justification=""))
    text = flat(pdf.build_donor_report(replace(data, budget_lines=(*lines, data.budget_lines[2]))))
    assert "No justification given." in text


def test_an_eu_report_shows_the_statement_and_emblem_on_every_page_and_the_disclaimer_naming_the_authority(rendered):
    _data, document = rendered
    pages = text_of(document)
    disclaimer = " ".join(profiles.eu_disclaimer(AUTHORITY).split())
    assert "Funded by the European Union" in pages[0]
    assert disclaimer in " ".join(pages[0].split())
    assert "or the European Health and Digital Executive Agency (HaDEA)" in disclaimer
    for page in pages[1:]:
        assert "Funded by the European Union" in page
    declaration = " ".join(" ".join(pages).split()).split("10. Declaration and contact")[-1]
    assert disclaimer in declaration
    # The emblem is drawn (blue and gold fills), not an image.
    reader = pypdf.PdfReader(io.BytesIO(document))
    cover = reader.pages[0].get_contents().get_data().decode("latin-1")
    assert "0 .2 .6 rg" in cover and "1 .8 0 rg" in cover


def test_a_generic_report_shows_its_acknowledgement_and_logo_and_nothing_of_the_eu():
    document = pdf.build_donor_report(hand_built(profiles.GENERIC))
    pages = text_of(document)
    text = flat(document)
    assert ACKNOWLEDGEMENT in " ".join(pages[0].split())
    for page in pages[1:]:
        assert ACKNOWLEDGEMENT in " ".join(page.split())
    assert "European Union" not in text and "HaDEA" not in text and "granting authority" not in text
    reader = pypdf.PdfReader(io.BytesIO(document))
    assert reader.pages[0].images, "the donor's logo is on the cover"
    cover = reader.pages[0].get_contents().get_data().decode("latin-1")
    assert "1 .8 0 rg" not in cover  # no gold stars
    assert pdf.build_donor_report(hand_built(profiles.GENERIC)) == document
    interim = pdf.build_donor_report(replace(hand_built(profiles.GENERIC), interim=True, data_as_of="2026-06-20T08:05"))
    assert all("DejaVuSans" in name for name in fonts_of(interim)), fonts_of(interim)


def test_a_long_acknowledgement_is_cut_to_one_line_in_the_footer():
    long = "This report was made possible by the generous support of the Global Child Safety Fund " * 4
    document = pdf.build_donor_report(replace(hand_built(profiles.GENERIC), acknowledgement=long.strip()))
    footer = text_of(document)[3]
    assert "…" in footer
    assert long.strip() not in " ".join(footer.split())


def test_an_interim_report_is_marked_on_the_cover(rendered):
    data, document = rendered
    assert "Interim report" not in flat(document)
    interim = pdf.build_donor_report(replace(data, interim=True, data_as_of="2026-06-20T08:05"))
    cover = " ".join(text_of(interim)[0].split())
    assert "Interim report" in cover
    assert "The reporting period had not ended when the data was read (data as of 20 June 2026, 08:05 UTC)." in cover
    for page in text_of(interim)[1:]:
        assert "Interim report · 101234567" in page


def test_the_annexes_are_dated_at_the_periods_end(rendered):
    _data, document = rendered
    annex = flat(document).split("Annexes")[-1]
    assert "A. Roundtables held in the period 1 January 2026 – 30 June 2026" in annex
    assert "B. Trainings in the period 1 January 2026 – 30 June 2026" in annex
    assert "C. Candidate hotlines by stage on 30 June 2026" in annex
    assert "11 February 2026" in annex


def test_a_french_report_is_in_french(rendered):
    data = hand_built(profiles.EU, "fr")
    document = pdf.build_donor_report(data)
    text = flat(document)
    for expected in (
        "Rapport technique périodique",
        "1. Résumé publiable",
        "2. Objectifs et lots de travail",
        "Travaux réalisés pendant la période",
        "Écarts par rapport au plan et leur justification",
        "Mesures correctives",
        "LT1. Coordination",
        "4. Questions éthiques",
        "10. Déclaration et contact",
        "Financé par l'Union européenne",
        "30 juin 2026",
        "Page 2 sur",
        "Non renseigné.",
        "non saisi",
        "cumulé depuis le début",
        "Données au 15 juillet 2026, 09:30 UTC",
        "1 234 567,89 EUR",  # grouped with no-break spaces (read back as spaces), a decimal comma
    ):
        assert expected in text, expected
    for english in ("Publishable summary", "Work done in the period", "Not provided.", "June", "Funded by"):
        assert english not in text, english
    assert pypdf.PdfReader(io.BytesIO(document)).trailer["/Root"]["/Lang"] == "fr"


def test_a_spanish_report_writes_its_dates_in_spanish():
    text = flat(pdf.build_donor_report(hand_built(profiles.GENERIC, "es")))
    assert "30 de junio de 2026" in text
    assert "1. Resumen publicable" in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "30 June 2026"), ("fr", "30 juin 2026"), ("es", "30 de junio de 2026")],
)
def test_a_day_is_written_in_the_language(language, expected):
    from django.utils import translation

    with translation.override(language):
        assert pdf.day("2026-06-30") == expected
        assert pdf.day(None) == "—"


def test_the_eu_emblem_has_the_official_proportions():
    height = 60.0
    emblem = pdf.eu_emblem(height)
    assert (emblem.width, emblem.height) == (90.0, 60.0)
    flag, *stars = emblem.contents
    assert flag.fillColor == pdf.layout.EU_BLUE and len(stars) == 12
    for star in stars:
        xs, ys = star.points[0::2], star.points[1::2]
        centre = (sum(xs) / 10, sum(ys) / 10)
        # Points on a circle of a third of the height around the flag's centre; each star's radius 1/18.
        assert abs(((centre[0] - 45) ** 2 + (centre[1] - 30) ** 2) ** 0.5 - height / 3) < 0.05
        tip = (xs[0], ys[0])
        assert abs(tip[0] - centre[0]) < 0.05 and abs(tip[1] - centre[1] - height / 18) < 0.05  # upright
        assert star.fillColor == pdf.layout.EU_YELLOW


def test_a_long_indicator_chart_splits_between_pages_instead_of_leaving_one_empty(rendered):
    data, _document = rendered
    many = tuple(replace(data.indicators[0], code=f"K{n}", title=f"Indicator {n}") for n in range(1, 41))
    chart = pdf.indicator_chart(replace(data, indicators=many))
    _width, height = chart.wrap(pdf.WIDTH, 800)
    parts = chart.split(pdf.WIDTH, height / 2)
    assert len(parts) == 2 and len(parts[0].rows) + len(parts[1].rows) == 40
    assert parts[1].continued
    # Zero progress is drawn as a visible mark with its value.
    zero = pdf.indicator_chart(replace(data, indicators=(replace(data.indicators[0], progress=0.0),)))
    assert zero.rows[0].values == (0.0,)


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
        JUSTIFICATION,
        "45,000.50",
        "57,000.50",
        "47.5 %",
        "1 roundtable (1 cumulative since start)",
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
    # The in-period column holds a figure for counts of events (the cumulative one is then labelled).
    for row in (
        "I1 Roundtables held The grant's coverage roundtables 0 4 IN 1 CUMULATIVE25 % Behind",
        "I2 Training events held The grant's coverage events 0 2 IN 1 CUMULATIVE50 % On track",
        "I3 Visits to the awareness campaign The grant's coverage visits 0 1,000 — 1,250 125 % Target achieved",
    ):
        pattern = re.escape(row).replace("IN", r"(?:—|\d+)").replace("CUMULATIVE", "(?:cumulative since start )?")
        assert re.search(pattern, text), row
    assert "Accra Web Watch" not in text
    assert "Kumasi" not in text
    again = pdf.build_donor_report(rd.from_json(json.loads(json.dumps(rd.to_json(data)))))
    assert again == document
