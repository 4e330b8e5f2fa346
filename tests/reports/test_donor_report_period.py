"""A donor report describes its period: events, activities, deliverables, milestones and spending of
the period only (with the cumulative figure beside it, labelled as such), the narrative staff wrote,
the donor's profile texts; and a report whose sections disagree is refused, never built."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from onboarding.models import Roundtable
from reports.donor import assembly
from reports.donor import report_data as rd
from reports.models import (
    Activity,
    BudgetLine,
    BudgetPeriodAmount,
    Deliverable,
    DonorReport,
    Indicator,
    IndicatorExplanation,
    Milestone,
    ReportProfile,
    WorkPackage,
    WorkPackageNarrative,
)
from tests.reports.donor_world import GENERATED_ON, PERIOD, at, build_donor_world, country

SECOND_PERIOD = (date(2026, 1, 1), date(2026, 12, 31))
AFTER_BOTH = datetime(2027, 2, 1, 9, 30, tzinfo=UTC)


def report(grant, period=PERIOD, **kwargs):
    return assembly.donor_report_data(
        grant=grant,
        period_start=period[0],
        period_end=period[1],
        version=1,
        generated_on=GENERATED_ON,
        now=kwargs.pop("now", AFTER_BOTH),
        **kwargs,
    )


def _second_year(world):
    """A roundtable held in 2026, linked to the engagement activity; a milestone reached in 2026."""
    grant = world.grant
    lagos = Roundtable.objects.create(
        code="tamale-2026",
        title="Tamale roundtable",
        country=country("GH"),
        status="held",
        starts_at=at(date(2026, 3, 3)),
    )
    Activity.objects.get(grant=grant, title="Roundtables in Ghana").roundtables.add(lagos)
    Milestone.objects.create(
        grant=grant, code="MS3", title="Second roundtable", due_on=date(2025, 12, 1), achieved_on=date(2026, 3, 3)
    )
    Deliverable.objects.create(
        grant=grant,
        code="D1.2",
        title="Ghana roundtable report",
        due_on=date(2025, 11, 30),
        submitted_on=date(2026, 4, 1),
        status=Deliverable.Status.ACCEPTED,
    )


@pytest.mark.django_db
def test_events_after_the_period_are_never_counted_in_it():
    world = build_donor_world()
    _second_year(world)

    first = report(world.grant)
    engagement = next(line for line in first.activities if line.title == "Roundtables in Ghana")
    assert (engagement.roundtables, engagement.roundtables_cumulative) == (1, 1)
    assert [line.code for line in first.roundtables] == ["accra-2025"]
    i1 = next(line for line in first.indicators if line.code == "I1")
    assert (i1.in_period, i1.achieved) == (1.0, 1.0)
    # Reached after the period: late on the period's last day, with no achievement date.
    ms3 = next(line for line in first.milestones if line.code == "MS3")
    assert (ms3.status, ms3.achieved_on) == (rd.MILESTONE_LATE, None)
    d12 = next(line for line in first.deliverables if line.code == "D1.2")
    assert (d12.status, d12.submitted_on) == (Deliverable.Status.DELAYED, None)

    second = report(world.grant, period=SECOND_PERIOD)
    engagement = next(line for line in second.activities if line.title == "Roundtables in Ghana")
    # The period's own roundtable, and the cumulative figure since the grant's start beside it.
    assert (engagement.roundtables, engagement.roundtables_cumulative) == (1, 2)
    assert engagement.roundtable_codes == ("tamale-2026",)
    assert [line.code for line in second.roundtables] == ["tamale-2026"]
    i1 = next(line for line in second.indicators if line.code == "I1")
    assert (i1.in_period, i1.achieved) == (1.0, 2.0)
    ms3 = next(line for line in second.milestones if line.code == "MS3")
    assert (ms3.status, ms3.achieved_on) == (rd.MILESTONE_ACHIEVED, "2026-03-03")
    # Achieved in the first period and not due in the second: not in the second report.
    assert "MS2" not in [line.code for line in second.milestones]
    # The training activity ended in 2025 and links nothing in 2026: not the second period's.
    assert "Core training for Kenyan analysts" not in [line.title for line in second.activities]


@pytest.mark.django_db
def test_an_activitys_status_is_the_one_on_the_periods_last_day():
    world = build_donor_world()
    training = Activity.objects.get(grant=world.grant, title="Core training for Kenyan analysts")
    Activity.objects.filter(pk=training.pk).update(actual_end=date(2026, 2, 1))
    data = report(world.grant)
    line = next(line for line in data.activities if line.title == training.title)
    # Started in May 2025, planned to end in April: delayed on 2025-12-31, its 2026 end not shown.
    assert (line.status, line.actual_start, line.actual_end) == (Activity.Status.DELAYED, "2025-05-05", None)


@pytest.mark.django_db
def test_an_unfinished_period_is_interim_and_its_late_items_are_judged_on_the_day_the_data_is_read():
    world = build_donor_world()
    Milestone.objects.create(grant=world.grant, code="MS9", title="Later", due_on=date(2026, 11, 30))
    during = report(world.grant, period=SECOND_PERIOD, now=datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
    assert during.interim is True and during.data_as_of == "2026-06-01 12:00 UTC"
    assert next(line for line in during.milestones if line.code == "MS9").status == rd.MILESTONE_UPCOMING
    after = report(world.grant, period=SECOND_PERIOD)
    assert after.interim is False and after.data_as_of == "2027-02-01 09:30 UTC"
    assert next(line for line in after.milestones if line.code == "MS9").status == rd.MILESTONE_LATE


@pytest.mark.django_db
def test_the_budget_shows_the_periods_planned_and_actual_and_the_cumulative_position():
    world = build_donor_world()
    personnel = BudgetLine.objects.get(grant=world.grant, category="personnel")
    BudgetPeriodAmount(
        budget_line=personnel, period_start=PERIOD[0], period_end=PERIOD[1], planned=50000, actual=Decimal("40000")
    ).save()
    BudgetPeriodAmount(
        budget_line=personnel, period_start=SECOND_PERIOD[0], period_end=SECOND_PERIOD[1], planned=50000, actual=9000
    ).save()
    personnel.refresh_from_db()
    assert personnel.actual == Decimal("49000")  # the line's actual is the sum of its periods'

    first = report(world.grant)
    line = next(line for line in first.budget_lines if line.category == "personnel")
    assert (line.period_planned, line.period_actual, line.period_variance, line.period_variance_share) == (
        50000.0,
        40000.0,
        -10000.0,
        -20.0,
    )
    # Cumulative up to the period's end: the 2026 spending is not in the 2025 report.
    assert (line.planned, line.actual) == (100000.0, 40000.0)
    travel = next(line for line in first.budget_lines if line.category == "travel")
    assert (travel.period_planned, travel.period_actual, travel.actual) == (None, None, 12000.0)
    assert (first.budget_period_planned, first.budget_period_actual) == (50000.0, 40000.0)
    assert first.budget_actual == 52000.0

    second = report(world.grant, period=SECOND_PERIOD)
    line = next(line for line in second.budget_lines if line.category == "personnel")
    assert (line.period_actual, line.actual) == (9000.0, 49000.0)


@pytest.mark.django_db
def test_a_period_amount_follows_the_grants_periods_and_a_large_variance_needs_a_justification():
    world = build_donor_world()
    personnel = BudgetLine.objects.get(grant=world.grant, category="personnel")
    wrong = BudgetPeriodAmount(
        budget_line=personnel, period_start=date(2025, 3, 1), period_end=date(2025, 12, 31), planned=10
    )
    with pytest.raises(ValidationError) as error:
        wrong.full_clean()
    assert "2025-01-01 to 2025-12-31" in str(error.value)
    strayed = BudgetPeriodAmount(
        budget_line=personnel, period_start=PERIOD[0], period_end=PERIOD[1], planned=50000, actual=30000
    )
    with pytest.raises(ValidationError) as error:
        strayed.full_clean()
    assert "variance_justification" in error.value.message_dict
    strayed.variance_justification = "A post stayed vacant."
    strayed.full_clean()
    too_much = BudgetPeriodAmount(budget_line=personnel, period_start=PERIOD[0], period_end=PERIOD[1], planned=100001)
    with pytest.raises(ValidationError) as error:
        too_much.full_clean()
    assert "planned" in error.value.message_dict


@pytest.mark.django_db
def test_the_narrative_is_frozen_cleaned_and_placed_with_its_work_package_and_indicator():
    world = build_donor_world()
    draft = DonorReport.objects.create(
        grant=world.grant,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        summary="A good year.",
        ethics="No ethical issue arose.",
        dissemination="Two newsletters.",
        conclusions="Keep going.",
    )
    wp1 = WorkPackage.objects.get(grant=world.grant, number=1)
    WorkPackageNarrative.objects.create(
        report=draft,
        work_package=wp1,
        work_done=(
            '<p data-block-key="a">Held <b>one</b> roundtable<script>alert(1)</script>.</p><ul><li>Ghana</li></ul>'
        ),
        deviations="None.",
    )
    IndicatorExplanation.objects.create(
        report=draft, indicator=Indicator.objects.get(grant=world.grant, code="I1"), explanation="Elections."
    )
    data = report(world.grant, narrative=assembly.narrative_of(draft))
    assert (data.summary, data.ethics, data.dissemination, data.conclusions) == (
        "A good year.",
        "No ethical issue arose.",
        "Two newsletters.",
        "Keep going.",
    )
    (narrative,) = data.work_package_narratives
    assert (narrative.number, narrative.title) == (1, "Country engagement")
    assert narrative.work_done == "<p>Held <b>one</b> roundtable.</p><ul><li>Ghana</li></ul>"
    assert next(line for line in data.indicators if line.code == "I1").explanation == "Elections."
    assert rd.from_json(rd.to_json(data)) == data


@pytest.mark.django_db
def test_an_eu_grant_carries_the_eus_texts_and_another_donors_grant_only_its_own():
    world = build_donor_world()
    donor = world.grant.donor
    donor.acknowledgement = "Supported by the Global Child Safety Fund."
    donor.save()
    generic = report(world.grant)
    assert (generic.profile, generic.acknowledgement) == (
        rd.PROFILE_GENERIC,
        "Supported by the Global Child Safety Fund.",
    )
    assert generic.funding_statement == "" and generic.disclaimer == ""
    assert "European Union" not in str(rd.to_json(generic))

    donor.report_profile = ReportProfile.EU
    donor.save()
    world.grant.granting_authority = "the European Health and Digital Executive Agency (HaDEA)"
    world.grant.save()
    eu = report(world.grant)
    assert eu.profile == rd.PROFILE_EU and eu.funding_statement == "Funded by the European Union"
    assert eu.disclaimer.startswith("Views and opinions expressed are however those of the author(s) only")
    assert "the European Health and Digital Executive Agency (HaDEA)" in eu.disclaimer
    assert eu.acknowledgement == ""
    french = report(world.grant, language="fr")
    assert french.funding_statement != eu.funding_statement


@pytest.mark.django_db
def test_a_report_whose_sections_disagree_is_refused(monkeypatch):
    world = build_donor_world()
    # An annex that loses an event the training activity counts in the period: the pass refuses.
    monkeypatch.setattr(assembly, "_training_annex", lambda *args, **kwargs: ())
    with pytest.raises(assembly.InconsistentReport) as refused:
        report(world.grant)
    problems = " ".join(refused.value.problems)
    assert "CORE-NBO-2025" in problems and "Annex B" in problems
    # The indicator counting training events says 1 in the period, the annex 0.
    assert "Indicator I2 counts 1 trainings in the period; the annex lists 0." in problems


def test_the_consistency_pass_checks_every_figure_told_twice():
    base = rd.DonorReportData(
        schema_version=rd.SCHEMA_VERSION,
        grant_code="G",
        grant_title="G",
        programme="",
        call_identifier="",
        agreement_number="",
        grant_kind="action",
        grant_kind_text="Action grant",
        grant_starts_on="2025-01-01",
        grant_ends_on="2026-12-31",
        amount=10.0,
        currency="EUR",
        cofunding_rate=0.0,
        countries=(),
        donor_name="D",
        beneficiary="B",
        period_start="2025-01-01",
        period_end="2025-12-31",
        version=1,
        generated_on="2026-01-02",
        language="en",
        summary="",
        objectives="",
        data_as_of="2026-01-02 10:00 UTC",
    )
    assert rd.consistency_problems(base) == []
    budget = rd.BudgetLineRow("travel", "Travel", "", 100.0, 40.0, 40.0, period_planned=50.0, period_actual=45.0)
    from dataclasses import replace

    wrong_total = replace(base, budget_lines=(budget,), budget_planned=100.0, budget_actual=41.0)
    assert rd.consistency_problems(wrong_total) == [
        "The budget's cumulative actual is not the sum of its lines.",
        "Budget line Travel '' spent more in the period than since the start.",
    ]
    late = rd.MilestoneLine("MS1", "M", None, "2025-06-01", "2026-02-01", "", rd.MILESTONE_ACHIEVED, "Achieved")
    assert rd.consistency_problems(replace(base, milestones=(late,))) == [
        "Milestone MS1 is marked achieved on 2026-02-01, after the period."
    ]
    interim = replace(base, interim=True)
    assert rd.consistency_problems(interim) == [
        "The report is marked interim, but its period had ended when the data was read."
    ]
