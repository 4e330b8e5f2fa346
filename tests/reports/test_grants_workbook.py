"""Donor and grant sheets in the network workbook: export, import into an empty database, export again."""

from __future__ import annotations

import io
import random
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from accounts.models import User
from core.seeding import DemoContext
from core.workbook import export_workbook, import_workbook, registry
from network.models import TrainingCourse, TrainingEvent
from onboarding.models import Roundtable
from reports import demo as reports_demo
from reports.models import (
    Activity,
    BudgetLine,
    BudgetPeriodAmount,
    Deliverable,
    Donor,
    Grant,
    Indicator,
    Milestone,
    Risk,
    WorkPackage,
)
from tests.core.restore import wipe_accounts

pytestmark = pytest.mark.django_db

GRANT_SHEETS = [
    "Donors",
    "Grants",
    "Work packages",
    "Indicators",
    "Activities",
    "Deliverables",
    "Milestones",
    "Risks",
    "Budget lines",
    "Budget by period",
]
GRANT_MODELS = (
    BudgetPeriodAmount,
    BudgetLine,
    Risk,
    Milestone,
    Deliverable,
    Indicator,
    Activity,
    WorkPackage,
    Grant,
    Donor,
)


def sheet_rows(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {name: [tuple(row) for row in book[name].iter_rows(values_only=True)] for name in GRANT_SHEETS}


def wipe_grants() -> None:
    for model in GRANT_MODELS:
        model._base_manager.all().delete()
    wipe_accounts()


def build_grant() -> Grant:
    at = timezone.make_aware(timezone.datetime(2025, 3, 4, 9))
    roundtable = Roundtable.objects.create(
        code="RT-GH-2025-03-04", title="Ghana", country_id="GH", starts_at=at, format="online", venue="Video call"
    )
    course = TrainingCourse.objects.create(title="Core training", kind="core")
    event = TrainingEvent.objects.create(
        code="CORE-2025-04", course=course, starts_on=date(2025, 4, 1), ends_on=date(2025, 4, 3), online=True
    )
    donor = Donor.objects.create(name="Global Fund for Child Safety Online", short_name="GFCSO", country_id="CH")
    grant = Grant.objects.create(
        donor=donor,
        code="GF-EXP-2025",
        title="Expanding the network",
        programme="Safe Online Futures",
        agreement_number="GFCSO/2025/0417",
        kind=Grant.Kind.ACTION,
        starts_on=date(2025, 1, 1),
        ends_on=date(2027, 12, 31),
        amount=Decimal("1850000.50"),
        currency="USD",
        cofunding_rate=Decimal("87.50"),
        reporting_period_months=12,
        objectives="New hotlines.",
    )
    grant.countries.set(["GH", "KE"])
    wp1 = WorkPackage.objects.create(grant=grant, number=1, title="Management", lead="Secretariat")
    wp2 = WorkPackage.objects.create(
        grant=grant, number=2, title="Roundtables", starts_on=date(2025, 1, 1), ends_on=date(2026, 6, 30)
    )
    Indicator.objects.create(
        grant=grant,
        work_package=wp2,
        code="I1",
        title="Roundtables held",
        metric_key="roundtables_held",
        baseline=Decimal("0"),
        target=Decimal("12"),
        unit="roundtables",
        order=1,
    )
    Indicator.objects.create(
        grant=grant,
        code="I2",
        title="Officials briefed",
        manual_value=Decimal("86.25"),
        justification="Attendance lists.",
        target=Decimal("120"),
        order=2,
    )
    activity = Activity.objects.create(
        grant=grant,
        work_package=wp2,
        title="National roundtables",
        kind=Activity.Kind.ROUNDTABLE,
        status=Activity.Status.DONE,
        planned_start=date(2025, 3, 1),
        planned_end=date(2025, 6, 30),
        actual_start=date(2025, 3, 4),
        actual_end=date(2025, 6, 30),
        other_events="A ministry briefing.",
    )
    activity.roundtables.set([roundtable])
    activity.training_events.set([event])
    Activity.objects.create(grant=grant, title="Country reviews", planned_start=date(2025, 1, 1))
    Deliverable.objects.create(
        grant=grant, work_package=wp1, code="D1.1", title="Handbook", due_on=date(2025, 4, 1), status="accepted"
    )
    Milestone.objects.create(
        grant=grant, work_package=wp2, code="MS1", title="First roundtable", due_on=date(2025, 5, 1), verification="x"
    )
    Risk.objects.create(grant=grant, work_package=wp2, description="Elections.", likelihood="high", mitigation="Wait.")
    trips = BudgetLine.objects.create(grant=grant, category="travel", description="Trips", planned=Decimal("310000"))
    BudgetPeriodAmount.objects.create(
        budget_line=trips,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        planned=Decimal("100000"),
        actual=Decimal("140000.25"),
        variance_justification="Two extra missions.",
    )
    BudgetPeriodAmount.objects.create(
        budget_line=trips, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), planned=Decimal("100000")
    )
    BudgetLine.objects.create(grant=grant, category="personnel", planned=Decimal("780000"), actual=Decimal("1.05"))
    return grant


def test_grant_sheets_come_after_the_registry_and_onboarding():
    orders = {sheet.name: sheet.order for sheet in registry().sheets()}
    assert min(orders[name] for name in GRANT_SHEETS) > max(orders["Roundtables"], orders["Training events"])
    assert [name for name in orders if name in GRANT_SHEETS] == GRANT_SHEETS


def test_round_trip_into_an_empty_database_loses_nothing():
    build_grant()
    first = export_workbook()
    rows = sheet_rows(first)
    assert all(len(rows[name]) > 1 for name in GRANT_SHEETS), {k: len(v) for k, v in rows.items()}
    wipe_grants()
    result = import_workbook(first)
    assert result.ok, result.errors[:5]
    assert sheet_rows(export_workbook()) == rows
    grant = Grant.objects.get(code="GF-EXP-2025")
    assert (grant.amount, grant.cofunding_rate, grant.currency) == (Decimal("1850000.50"), Decimal("87.50"), "USD")
    assert sorted(grant.countries.values_list("code", flat=True)) == ["GH", "KE"]
    activity = grant.activities.get(title="National roundtables")
    assert activity.work_package.number == 2
    assert list(activity.roundtables.values_list("code", flat=True)) == ["RT-GH-2025-03-04"]
    assert list(activity.training_events.values_list("code", flat=True)) == ["CORE-2025-04"]
    trips = grant.budget_lines.get(category="travel")
    assert trips.actual == Decimal("140000.25")
    assert list(trips.period_amounts.values_list("planned", "actual", "variance_justification")) == [
        (Decimal("100000"), Decimal("140000.25"), "Two extra missions."),
        (Decimal("100000"), None, ""),
    ]
    manual = grant.indicators.get(code="I2")
    assert (manual.manual_value, manual.justification, manual.metric_key) == (
        Decimal("86.25"),
        "Attendance lists.",
        "",
    )
    again = import_workbook(first)
    assert again.ok
    assert all(again.changes[name].created == again.changes[name].updated == 0 for name in GRANT_SHEETS)


def test_demo_grants_round_trip(make_user):
    ctx = DemoContext(
        rng=random.Random(5), seed=5, scale=None, password="x", today=timezone.localdate(), stdout=io.StringIO()
    )
    ctx.users["donor"] = make_user(email="donor.demo@example.org")
    reports_demo.seed(ctx)
    assert [g.kind for g in ctx.objects["grants"]] == ["action", "operating"]
    assert User.objects.get(email="donor.demo@example.org").affiliation_or_none.object_id == ctx.objects["donors"][0].pk
    first = export_workbook()
    wipe_grants()
    result = import_workbook(first)
    assert result.ok, result.errors[:5]
    assert sheet_rows(export_workbook()) == sheet_rows(first)


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_bad_rows_are_named_and_nothing_is_written():
    build_grant()
    before = {model: model.objects.count() for model in GRANT_MODELS}
    data = _workbook(
        {
            "Grants": [
                ["code", "donor", "title", "kind", "starts_on", "ends_on", "amount", "currency", "cofunding_rate",
                 "reporting_period_months"],
                ["NEW-1", "Global Fund for Child Safety Online", "Fine", "action", "2026-01-01", "2026-12-31",
                 "1000", "EUR", "100", "12"],
                ["BAD-1", "No Such Donor", "Unknown donor", "action", "2026-01-01", "2026-12-31",
                 "1000", "EUR", "100", "12"],
                ["BAD-2", "Global Fund for Child Safety Online", "Backwards", "action", "2026-12-31", "2026-01-01",
                 "1000", "EUR", "100", "12"],
            ],
            "Indicators": [
                ["grant", "code", "title", "work_package", "metric_key", "manual_value", "justification", "baseline",
                 "target", "order"],
                ["NEW-1", "I1", "Unjustified", "", "", "5", "", "0", "10", "1"],
                ["GF-EXP-2025", "I9", "Unknown package", "7", "roundtables_held", "", "", "0", "10", "1"],
                ["GF-EXP-2025", "I8", "Neither", "", "", "", "", "0", "10", "1"],
            ],
        }
    )  # fmt: skip
    result = import_workbook(data)
    problems = {(e.sheet, e.row, e.column) for e in result.errors}
    assert ("Grants", 3, "donor") in problems
    assert ("Grants", 4, "ends_on") in problems
    assert ("Indicators", 2, "justification") in problems
    assert ("Indicators", 3, "work_package") in problems
    assert ("Indicators", 4, "metric_key") in problems
    assert {model: model.objects.count() for model in GRANT_MODELS} == before


def test_budget_by_period_rows_are_held_to_the_model_rules():
    build_grant()
    header = [
        "grant",
        "category",
        "description",
        "period_start",
        "period_end",
        "planned",
        "actual",
        "variance_justification",
    ]
    data = _workbook(
        {
            "Budget by period": [
                header,
                # Not one of the grant's reporting periods.
                ["GF-EXP-2025", "travel", "Trips", "2025-02-01", "2025-12-31", 10, 10, ""],
                # Spending far from the plan without a justification.
                ["GF-EXP-2025", "travel", "Trips", "2027-01-01", "2027-12-31", 1000, 5000, ""],
                # A line that does not exist.
                ["GF-EXP-2025", "equipment", "Laptops", "2025-01-01", "2025-12-31", 10, 10, ""],
            ]
        }
    )
    result = import_workbook(data)
    assert not result.ok
    failing = {(error.row, error.column) for error in result.errors}
    assert (2, "period_start") in failing and (3, "variance_justification") in failing and (4, "grant") in failing
    assert BudgetPeriodAmount.objects.count() == 2
    assert BudgetLine.objects.get(category="travel").actual == Decimal("140000.25")
    # A valid row is written and the line's actual follows the sum of its periods.
    data = _workbook(
        {
            "Budget by period": [
                header,
                ["GF-EXP-2025", "travel", "Trips", "2026-01-01", "2026-12-31", 100000, 95000, ""],
            ]
        }
    )
    result = import_workbook(data)
    assert result.ok, result.errors[:5]
    assert BudgetLine.objects.get(category="travel").actual == Decimal("235000.25")
