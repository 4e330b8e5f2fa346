"""Donor report data: the selector freezes the grant's figures from the live records (indicators by
the registry's definitions on the grant's scope, annexes with small counts suppressed, candidate names
only with consent) in a fixed number of queries, and the data survives a JSON round trip unchanged."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onboarding.models import Roundtable
from reports import aggregations as agg
from reports.donor import assembly
from reports.donor import report_data as rd
from reports.grants import selectors as grant_selectors
from reports.models import Activity, Deliverable, Indicator
from tests.reports.donor_world import GENERATED_ON, JUSTIFICATION, PERIOD, SUMMARY, build_donor_world, country


def report(grant, **kwargs):
    return assembly.donor_report_data(
        grant=grant,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        version=kwargs.pop("version", 1),
        summary=SUMMARY,
        generated_on=GENERATED_ON,
        **kwargs,
    )


# -- Pure rules --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("achieved", "elapsed", "status"),
    [
        (10.0, 0.5, rd.ACHIEVED),
        (12.0, 0.1, rd.ACHIEVED),
        (5.0, 0.5, rd.ON_TRACK),  # half way, half the time
        (4.5, 0.5, rd.ON_TRACK),  # 90 % of the expected progress
        (3.0, 0.5, rd.AT_RISK),
        (2.0, 0.5, rd.BEHIND),
        (None, 0.5, rd.BEHIND),
    ],
)
def test_indicator_status_compares_progress_with_time_elapsed(achieved, elapsed, status):
    assert agg.indicator_status(baseline=0, target=10, achieved=achieved, elapsed=elapsed) == status


def test_a_target_below_the_baseline_is_a_reduction():
    assert agg.indicator_status(baseline=30, target=10, achieved=9, elapsed=0.5) == rd.ACHIEVED
    assert agg.indicator_status(baseline=30, target=10, achieved=20, elapsed=0.5) == rd.ON_TRACK
    assert agg.indicator_status(baseline=30, target=10, achieved=29, elapsed=0.5) == rd.BEHIND


def test_small_counts_are_hidden_and_cannot_be_worked_out_from_the_total():
    cells = [("a", "A", 6), ("b", "B", 7), ("c", "C", 2), ("d", "D", 0)]
    counts, total, hidden = assembly.suppress_counts(cells, total=15)
    # "c" is small; "a" (the next smallest) is hidden with it so that 15 - 7 leaves two unknowns: it is
    # "suppressed", never "fewer than 5" (it is 6).
    assert [(c.key, c.count, c.hidden) for c in counts] == [
        ("a", None, rd.SUPPRESSED),
        ("b", 7, ""),
        ("c", None, rd.SMALL),
    ]
    assert (total, hidden) == (15, "")
    counts, total, hidden = assembly.suppress_counts([("a", "A", 3)], total=3)
    assert [c.count for c in counts] == [None] and (total, hidden) == (None, rd.SMALL)
    counts, total, hidden = assembly.suppress_counts([("a", "A", 9), ("b", "B", 5)], total=14)
    assert [c.count for c in counts] == [9, 5] and total == 14
    counts, total, hidden = assembly.suppress_counts([("a", "A", 9), ("b", "B", 1)])
    assert [(c.count, c.hidden) for c in counts] == [(9, ""), (None, rd.SMALL)] and total is None
    # One small cell and no other: the total is hidden instead, as suppressed.
    counts, total, hidden = assembly.suppress_counts([("a", "A", 2)], total=7)
    assert [c.count for c in counts] == [None] and (total, hidden) == (None, rd.SUPPRESSED)


def line(**overrides) -> rd.IndicatorLine:
    fields = {
        "code": "I1",
        "title": "t",
        "source": "metric",
        "metric_key": "analysts",
        "definition": "d",
        "unit": "u",
        "scope": "network",
        "scope_text": "The whole network",
        "baseline": 0.0,
        "baseline_on": "2024-12-31",
        "baseline_note": "",
        "target": 10.0,
        "achieved": 3.0,
        "progress": 30.0,
        "status": rd.BEHIND,
        "status_text": "Behind",
        "counts_people": True,
        "work_package": None,
    }
    return rd.IndicatorLine(**{**fields, **overrides})


def test_an_indicator_that_counts_people_hides_small_values_and_the_progress_that_would_give_them_away():
    shown = rd.shown_indicator(line(), 5)
    assert (shown.achieved, shown.achieved_hidden) == (None, rd.SMALL)
    assert (shown.baseline, shown.baseline_hidden) == (0.0, "")
    assert (shown.progress, shown.progress_hidden) == (None, rd.SUPPRESSED)
    shown = rd.shown_indicator(line(achieved=8.0, progress=80.0), 5)
    assert (shown.achieved, shown.progress, shown.achieved_hidden, shown.progress_hidden) == (8.0, 80.0, "", "")
    # Not a count of people (hotlines, events): never hidden.
    shown = rd.shown_indicator(line(counts_people=False), 5)
    assert (shown.achieved, shown.progress) == (3.0, 30.0)


def test_a_report_frozen_with_the_first_schema_is_still_read():
    data = minimal_data(
        indicators=(line(counts_people=False, scope="grant", scope_text="", baseline_on=None, progress=30.0),),
        trainings=(
            rd.TrainingAnnexLine(
                "E",
                "t",
                "core",
                "Core",
                "2025-02-01",
                "2025-02-02",
                "Kenya",
                False,
                (rd.Count("analyst", "Analyst", None, rd.SMALL),),
                (rd.Count("KE", "Kenya", 7),),
                7,
            ),
        ),
    )
    payload = rd.to_json(data)
    version_1 = {**payload, "schema_version": 1}
    version_1["indicators"] = [
        {
            key: value
            for key, value in {**row, "percentage": 30.0}.items()
            if key not in ("scope", "scope_text", "baseline_on", "baseline_note", "progress", "counts_people")
        }
        for row in payload["indicators"]
    ]
    version_1["trainings"] = [
        {
            **{key: value for key, value in row.items() if key != "people_trained_hidden"},
            "by_participant_type": [{"key": "analyst", "label": "Analyst", "count": None}],
            "by_country": [{"key": "KE", "label": "Kenya", "count": 7}],
        }
        for row in payload["trainings"]
    ]
    assert rd.from_json(version_1) == data


def minimal_data(**overrides) -> rd.DonorReportData:
    fields = {
        "schema_version": rd.SCHEMA_VERSION,
        "grant_code": "G",
        "grant_title": "T",
        "programme": "",
        "call_identifier": "",
        "agreement_number": "",
        "grant_kind": "action",
        "grant_kind_text": "Action grant",
        "grant_starts_on": "2025-01-01",
        "grant_ends_on": "2025-12-31",
        "amount": 0.0,
        "currency": "EUR",
        "cofunding_rate": 50.0,
        "countries": (),
        "donor_name": "D",
        "beneficiary": "B",
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "version": 1,
        "generated_on": "2025-07-01",
        "language": "en",
        "summary": "",
        "objectives": "",
    }
    return rd.DonorReportData(**{**fields, **overrides})


def test_json_round_trip_gives_equal_data_for_a_hand_built_report():
    data = minimal_data(
        amount=10,  # an int where a float is declared comes back as the same number
        countries=("Ελλάδα", "Україна"),
        language="fr",
        indicators=(
            rd.IndicatorLine(
                "I1",
                "t",
                "manual",
                "",
                "why",
                "u",
                "grant",
                "The grant's coverage",
                0.0,
                None,
                "",
                10.0,
                None,
                None,
                rd.BEHIND,
                "Behind",
                False,
                2,
            ),
        ),
        roundtables=(rd.RoundtableAnnexLine("c", "t", "2025-02-01", "Kenya", (rd.Count("k", "K", None),), None, 7),),
        candidates_by_stage=(rd.CandidateStageLine("exploring", "Exploring", None, ("خط المساعدة",)),),
    )
    stored = json.loads(json.dumps(rd.to_json(data)))
    back = rd.from_json(stored)
    assert back == data
    assert rd.to_json(back) == stored
    assert isinstance(back.roundtables, tuple) and isinstance(back.roundtables[0].participants_by_sector, tuple)


def test_from_json_refuses_another_schema_version_and_unknown_fields():
    payload = rd.to_json(minimal_data())
    with pytest.raises(ValueError, match="schema version"):
        rd.from_json({**payload, "schema_version": 99})
    with pytest.raises(ValueError, match="Unknown fields"):
        rd.from_json({**payload, "surprise": 1})


# -- The selector ------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_report_data_freezes_the_grant_and_its_records():
    world = build_donor_world()
    data = report(world.grant)

    assert (data.grant_code, data.agreement_number, data.donor_name) == (
        "GF-EXP-2025",
        "GA-2024-0117",
        "Global Child Safety Fund",
    )
    assert (data.period_start, data.period_end, data.generated_on, data.version) == (
        "2025-01-01",
        "2025-12-31",
        "2026-01-20",
        1,
    )
    assert data.programme == "Safe Online" and data.call_identifier == "SO-2024-CALL-2"
    assert data.countries == ("Ghana", "Kenya")
    assert data.summary == SUMMARY
    assert [wp.number for wp in data.work_packages] == [1, 2]

    i1, i2, i3 = data.indicators
    # One linked roundtable was held since the grant started (the Kumasi one is not the grant's, the
    # other is from 2024, before the grant): a quarter of the way from 0 to 4.
    assert (i1.code, i1.source, i1.achieved, i1.target, i1.progress) == ("I1", "metric", 1.0, 4.0, 25.0)
    assert (i1.scope, i1.scope_text, i1.baseline_on, i1.counts_people) == (
        "grant",
        "The grant's coverage",
        "2024-12-31",
        False,
    )
    assert i1.status == rd.BEHIND and i1.status_text == "Behind"
    assert "roundtables held" in i1.definition.lower()
    assert (i2.achieved, i2.progress, i2.status) == (1.0, 50.0, rd.ON_TRACK)
    assert (i3.source, i3.achieved, i3.progress, i3.status) == ("manual", 1250.0, 125.0, rd.ACHIEVED)
    assert i3.definition == JUSTIFICATION

    engagement, training = data.activities
    # Events of the period only: the 2024 roundtable is before the grant, so not counted at all.
    assert (engagement.roundtables, engagement.training_events, engagement.other_events) == (1, 0, 2)
    assert (engagement.roundtables_cumulative, engagement.roundtable_codes) == (1, ("accra-2025",))
    assert (training.actual_start, training.actual_end, training.status) == ("2025-05-05", "2025-05-07", "done")
    assert [d.code for d in data.deliverables] == ["D1.1"] and data.deliverables[0].status_text == "Accepted"
    assert data.milestones[0].achieved_on == "2025-05-07"
    assert data.risks[0].impact_text == "High"

    assert [(b.category, b.planned, b.actual, b.execution) for b in data.budget_lines] == [
        ("personnel", 100000.0, 45000.5, 45.0),
        ("travel", 20000.0, 12000.0, 60.0),
    ]
    assert (data.budget_planned, data.budget_actual, data.budget_execution) == (120000.0, 57000.5, 47.5)


@pytest.mark.django_db
def test_annexes_count_the_grants_events_and_suppress_small_counts():
    world = build_donor_world()
    data = report(world.grant)

    (accra,) = data.roundtables
    assert (accra.code, accra.date, accra.country) == ("accra-2025", "2025-03-10", "Ghana")
    # Organisations invited, by sector: organisations are never hidden, small counts included.
    sectors = {cell.key: (cell.count, cell.hidden) for cell in accra.participants_by_sector}
    assert sectors == {"law_enforcement": (6, ""), "government": (7, ""), "industry_isp": (2, "")}
    assert (accra.invited, accra.attended) == (15, 11)

    (nairobi,) = data.trainings
    assert (nairobi.code, nairobi.course_kind, nairobi.country) == ("CORE-NBO-2025", "core", "Kenya")
    # People trained: 2 NGO staff are fewer than 5; the 5 analysts are suppressed with them, since the
    # total shows (13 - 6 would give 7 for the two together, not each).
    by_type = {cell.key: (cell.count, cell.hidden) for cell in nairobi.by_participant_type}
    assert by_type == {"analyst": (None, rd.SUPPRESSED), "law_enforcement": (6, ""), "ngo": (None, rd.SMALL)}
    assert {cell.label: cell.count for cell in nairobi.by_country} == {"Kenya": 13}
    assert (nairobi.people_trained, nairobi.people_trained_hidden) == (13, "")


@pytest.mark.django_db
def test_candidates_are_named_only_with_their_hosts_consent():
    world = build_donor_world()
    data = report(world.grant)

    stages = {line.stage: line for line in data.candidates_by_stage}
    # Nepal is outside the grant; Kenya is a member, not a candidate.
    assert set(stages) == {"exploring", "stakeholder_engagement"}
    assert stages["stakeholder_engagement"].names == ("Ghana Safe Line (Ghana Child Online Trust)",)
    assert stages["exploring"].names == ()  # Accra Youth Network did not consent
    # Candidates are organisations: their counts are shown, however small.
    assert [stages[stage].count for stage in ("exploring", "stakeholder_engagement")] == [1, 1]
    text = json.dumps(rd.to_json(data))
    assert "Accra Web Watch" not in text and "Accra Youth Network" not in text


@pytest.mark.django_db
def test_labels_are_frozen_in_the_reports_language():
    world = build_donor_world()
    data = report(world.grant, language="fr")
    english = report(world.grant)
    assert data.language == "fr"
    # The registry's definitions are translated: the French report keeps the French text.
    assert data.indicators[0].definition != english.indicators[0].definition


@pytest.mark.django_db
def test_the_selectors_data_survives_a_json_round_trip():
    world = build_donor_world()
    data = report(world.grant)
    stored = json.loads(json.dumps(rd.to_json(data)))
    assert rd.from_json(stored) == data


def _grow(world):
    """Five more of every kind of row: indicators, activities with events, deliverables."""
    grant = world.grant
    for index in range(5):
        Indicator.objects.create(
            grant=grant, code=f"X{index}", title="More", metric_key="roundtables_held", target=10, order=10 + index
        )
        Indicator.objects.create(
            grant=grant, code=f"M{index}", title="Manual", manual_value=Decimal(3), justification="Counted.", target=5
        )
        activity = Activity.objects.create(grant=grant, title=f"Extra {index}", planned_start=date(2025, 2, 1))
        roundtable = Roundtable.objects.create(
            code=f"extra-{index}", title="Extra", country=country("KE"), status="held", starts_at=_at(2025, 8, 1)
        )
        activity.roundtables.set([roundtable])
        Deliverable.objects.create(grant=grant, code=f"D9.{index}", title="Extra", due_on=date(2025, 9, 1))


def _at(year, month, day):
    from tests.reports.donor_world import at

    return at(date(year, month, day))


@pytest.mark.django_db
def test_the_selector_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    world = build_donor_world()
    with CaptureQueriesContext(connection) as small:
        report(world.grant)
    _grow(world)
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = report(world.grant)
    assert len(data.indicators) == 13 and len(data.roundtables) == 6
    assert len(small.captured_queries) <= 25


@pytest.mark.django_db
def test_a_grants_coverage_is_its_countries_and_the_events_its_activities_link(make_user):
    from accounts.roles import Role

    world = build_donor_world()
    coverage = grant_selectors.grant_coverage_of(grant=world.grant)
    assert coverage.code == "GF-EXP-2025"
    assert coverage.countries == {"GH", "KE"}
    assert set(Roundtable.objects.filter(pk__in=coverage.roundtables).values_list("code", flat=True)) == {
        "accra-2025",
        "accra-2024",
    }
    assert len(coverage.training_events) == 1
    # The dashboards' grant filter offers it to grants staff, and to nobody else.
    staff = make_user(Role.GRANTS)
    assert grant_selectors.grant_options(user=staff) == [
        ("GF-EXP-2025", "GF-EXP-2025: Expanding the hotline network in Africa")
    ]
    assert grant_selectors.grant_coverage(code="GF-EXP-2025", user=staff) == coverage
    outsider = make_user(Role.EDITOR)
    assert grant_selectors.grant_options(user=outsider) == []
    with pytest.raises(LookupError):
        grant_selectors.grant_coverage(code="GF-EXP-2025", user=outsider)
