"""Onboarding sheets in the network workbook: export, import into an empty database, export again."""

from __future__ import annotations

import io
import random

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from core.seeding import DemoContext
from core.workbook import export_workbook, import_workbook, registry
from network import demo as network_demo
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
from onboarding import models as m
from tests.onboarding.world import build_world

pytestmark = pytest.mark.django_db

ONBOARDING_SHEETS = [s.name for s in registry().sheets() if s.order > 100]


def sheet_rows(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {name: [tuple(row) for row in book[name].iter_rows(values_only=True)] for name in ONBOARDING_SHEETS}


def wipe() -> None:
    """Every onboarding and registry row but the reference countries (accounts stay)."""
    for model in (
        m.AgreementParty,
        m.Agreement,
        m.ActionItem,
        m.RoundtableParticipant,
        m.Roundtable,
        m.Interaction,
        m.MouAlternative,
        m.StageChange,
        m.CandidateProfile,
        m.CountryAssessment,
        m.PrivateDocument,
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


def test_sheets_come_after_the_registrys():
    orders = {s.name: s.order for s in registry().sheets()}
    assert min(orders[name] for name in ONBOARDING_SHEETS) > orders["Hotlines"]
    assert ONBOARDING_SHEETS == [
        "Candidate profiles",
        "Stage history",
        "Country assessments",
        "Interactions",
        "Roundtables",
        "Roundtable participants",
        "Action items",
        "Agreements",
        "Agreement parties",
        "MoU alternatives",
    ]


def test_round_trip_into_an_empty_database_loses_nothing(make_user):
    from datetime import timedelta

    from accounts.roles import Role
    from onboarding import services

    world = build_world()
    services.hotline_transition(
        hotline=world.hotline2,
        transition="put_on_hold",
        reason="Elections",
        review_date=timezone.localdate() + timedelta(days=50),
        expected_stage=world.hotline2.stage,
        acting_user=world.staff,
    )
    services.mou_alternative_decide(
        alternative=world.alternative, approve=True, note="Fine", acting_user=make_user(Role.NETWORK_STAFF)
    )
    first = export_workbook()
    rows = sheet_rows(first)
    assert all(len(rows[name]) > 1 for name in ONBOARDING_SHEETS), {k: len(v) for k, v in rows.items()}
    wipe()
    result = import_workbook(first)
    assert result.ok, result.errors[:5]
    assert sheet_rows(export_workbook()) == rows
    change = m.StageChange.objects.get()
    assert (change.changed_by, change.to_stage, change.reason) == (world.staff, "on_hold", "Elections")
    assert change.review_date == timezone.localdate() + timedelta(days=50)
    restored = Hotline.objects.get(brand_name=world.hotline2.brand_name)
    assert (restored.stage, restored.paused_stage) == ("on_hold", "stakeholder_engagement")
    assert m.MouAlternative.objects.get().status == "approved"
    again = import_workbook(first)
    assert again.ok
    assert all(again.changes[name].created == again.changes[name].updated == 0 for name in ONBOARDING_SHEETS)


def test_demo_onboarding_round_trips(make_user):
    ctx = DemoContext(
        rng=random.Random(3), seed=3, scale=12, password="x", today=timezone.localdate(), stdout=io.StringIO()
    )
    ctx.users["staff"] = make_user(email="staff.demo@example.org")
    network_demo.seed(ctx)
    onboarding_demo.seed(ctx)
    first = export_workbook()
    wipe()
    result = import_workbook(first)
    assert result.ok, result.errors[:5]
    assert sheet_rows(export_workbook()) == sheet_rows(first)
    assert m.StageChange.objects.filter(changed_by__email="staff.demo@example.org").exists()


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
    world = build_world()
    before = m.Roundtable.objects.count(), m.Agreement.objects.count()
    data = _workbook(
        {
            "Roundtables": [
                ["code", "title", "country", "hotline", "status", "starts_at", "format", "venue"],
                ["RT-GH-NEW", "Fine", "GH", world.hotline.brand_name, "planned", "2030-01-01 09:00", "online", ""],
                [
                    "RT-GH-BAD",
                    "Wrong country",
                    "KE",
                    world.hotline.brand_name,
                    "planned",
                    "2030-01-01 09:00",
                    "online",
                    "",
                ],
                ["RT-GH-FUT", "Held in future", "GH", "", "held", "2030-01-01 09:00", "in_person", "Hall"],
            ],
            "Agreements": [
                ["reference", "kind", "title", "country", "status", "signed_on"],
                ["AG-X-1", "le_mou", "Unsigned signed", "GH", "signed", ""],
            ],
        }
    )
    result = import_workbook(data)
    problems = {(e.sheet, e.row, e.column) for e in result.errors}
    assert ("Roundtables", 3, "hotline") in problems
    assert ("Roundtables", 4, "status") in problems
    assert ("Agreements", 2, "signed_on") in problems
    assert (m.Roundtable.objects.count(), m.Agreement.objects.count()) == before
