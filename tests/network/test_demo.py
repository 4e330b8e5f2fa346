"""The demo network looks like the real one in 2023 and leaves room for candidates."""

from __future__ import annotations

import io
import random
from collections import Counter

import pytest
from django.utils import timezone

from accounts.access import organisation_id_for
from core.seeding import DemoContext
from core.workbook import export_workbook
from network import demo
from network.models import (
    Analyst,
    Country,
    Hotline,
    HotlineAnnualProfile,
    HotlineStatistics,
    ProgrammeRegion,
    TrainingCourse,
    TrainingEvent,
    TrainingParticipation,
)
from tests.network.test_workbook import sheet_rows, wipe_network

pytestmark = pytest.mark.django_db


def context(scale: int | None = None, seed: int = 2023, users: dict | None = None) -> DemoContext:
    return DemoContext(
        rng=random.Random(seed),
        seed=seed,
        scale=scale,
        password="x",
        today=timezone.localdate(),
        stdout=io.StringIO(),
        users=users or {},
    )


def test_demo_network_has_the_real_networks_shape(make_user):
    member = make_user(email="member@example.org")
    ctx = context(users={"member": member})
    demo.seed(ctx)
    today = ctx.today
    hotlines = Hotline.objects.all()
    assert hotlines.count() == 55
    countries = Counter(hotlines.values_list("country_id", flat=True))
    assert len(countries) == 50 and countries["DE"] == 3 and countries["HU"] == 2
    stages = Counter(hotlines.values_list("stage", flat=True))
    assert stages == {"full_member": 50, "provisional_member": 5}
    assert min(h.joined_on.year for h in hotlines) == 1999
    assert Analyst.objects.working_on().count() >= 240
    assert set(TrainingCourse.objects.values_list("kind", flat=True)) == set(TrainingCourse.Kind.values)
    starts = list(TrainingEvent.objects.values_list("starts_on", flat=True))
    assert min(starts) < today.replace(year=today.year - 1) and any(s > today for s in starts)
    assert TrainingParticipation.objects.certificates_expiring().exists()
    assert TrainingParticipation.objects.filter(analyst__isnull=True, participant_type="law_enforcement").exists()
    assert HotlineAnnualProfile.objects.filter(year=today.year - 1).count() == 55
    years = set(HotlineStatistics.objects.values_list("period_start__year", flat=True))
    assert years == {today.year - 3, today.year - 2, today.year - 1}
    # The demo member manages a full member hotline's host; the portal finds it.
    hotline = ctx.objects["member_hotline"]
    assert hotline.stage == "full_member" and organisation_id_for(member) == hotline.host_organisation_id
    assert list(Hotline.objects.visible_to(member).members()) == [hotline]
    assert len(ctx.objects["member_hotlines"]) == 55
    free = set(ctx.objects["free_countries"])
    assert {"GH", "NG", "IN", "NP", "AR", "MA"} <= free and not free & set(countries)
    regions = Counter(Country.objects.filter(code__in=free).values_list("programme_region", flat=True))
    assert regions[ProgrammeRegion.SUB_SAHARAN_AFRICA] >= 5 and regions[ProgrammeRegion.SOUTH_ASIA] >= 5


def test_scale_keeps_the_proportions():
    ctx = context(scale=110)
    demo.seed(ctx)
    stages = Counter(Hotline.objects.values_list("stage", flat=True))
    assert stages == {"full_member": 100, "provisional_member": 10}
    assert Analyst.objects.count() > 2 * 240


def test_same_seed_same_network():
    demo.seed(context(scale=6, seed=5))
    first = sheet_rows(export_workbook())
    wipe_network()
    demo.seed(context(scale=6, seed=5))
    assert sheet_rows(export_workbook()) == first
