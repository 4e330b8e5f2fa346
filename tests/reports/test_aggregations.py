"""Aggregations on hand-built frames: exact numbers, empty frames, periods without events, scopes.
No database: frames are built in memory with the selectors' columns."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from reports import aggregations as agg
from reports.scope import GrantCoverage, Period, Scope
from tests.reports.frames import empty_frames, frame, geo

TODAY = date(2024, 6, 30)
NOW = pd.Timestamp("2024-06-30 12:00")
Y2023 = Period(date(2023, 1, 1), date(2023, 12, 31))
Y2024 = Period(date(2024, 1, 1), date(2024, 12, 31))
Y2019 = Period(date(2019, 1, 1), date(2019, 12, 31))
EUROPE = Scope.of(regions=["europe"])
AFRICA = Scope.of(world_regions=["Africa"])
TARGETS = {"identified": 14, "exploring": 21, "feasibility_review": 25, "stakeholder_engagement": 180}


def records(table: pd.DataFrame) -> list[dict]:
    """Rows as dicts, with None for missing values (pandas keeps NaN in float columns)."""
    return table.astype(object).where(table.notna(), None).to_dict("records")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


HOTLINES = [
    {
        "hotline_id": 1,
        "brand_name": "Germany line",
        "stage": "full_member",
        "joined_on": date(2015, 5, 1),
        "full_member_on": date(2016, 5, 1),
        "created_at": at(date(2015, 1, 1)),
        **geo("DE"),
    },
    {
        "hotline_id": 2,
        "brand_name": "France line",
        "stage": "full_member",
        "joined_on": date(2018, 1, 1),
        "full_member_on": date(2019, 1, 1),
        "created_at": at(date(2017, 1, 1)),
        **geo("FR"),
    },
    {
        "hotline_id": 3,
        "brand_name": "Kenya line",
        "stage": "provisional_member",
        "joined_on": date(2024, 6, 20),
        "created_at": at(date(2021, 12, 1)),
        "stage_entered_at": at(date(2024, 6, 20)),
        **geo("KE"),
    },
    {
        "hotline_id": 4,
        "brand_name": "Belgium line",
        "stage": "full_member",
        "joined_on": date(2022, 6, 1),
        "full_member_on": date(2024, 6, 1),
        "created_at": at(date(2022, 1, 1)),
        **geo("BE"),
    },
    {
        "hotline_id": 5,
        "brand_name": "Ghana line",
        "stage": "stakeholder_engagement",
        "stage_entered_at": datetime(2024, 1, 1, tzinfo=UTC),
        "created_at": at(date(2023, 1, 5)),
        **geo("GH"),
    },
    {
        "hotline_id": 6,
        "brand_name": "Nepal line",
        "stage": "exploring",
        "stage_entered_at": datetime(2024, 6, 1, tzinfo=UTC),
        "created_at": at(date(2024, 4, 20)),
        **geo("NP"),
    },
    {
        "hotline_id": 7,
        "brand_name": "Brazil line",
        "stage": "on_hold",
        "paused_stage": "exploring",
        "stage_entered_at": datetime(2023, 1, 1, tzinfo=UTC),
        "created_at": at(date(2022, 12, 1)),
        **geo("BR"),
    },
    {
        "hotline_id": 8,
        "brand_name": "Luxembourg line",
        "stage": "suspended",
        "joined_on": date(2010, 1, 1),
        "created_at": at(date(2009, 1, 1)),
        **geo("LU"),
    },
]
SERVED = {1: ["DE"], 2: ["FR", "LU"], 3: ["KE"], 4: ["BE", "LU"], 5: [], 6: [], 7: [], 8: ["LU"]}
CHANGES = [
    (5, "", "identified", date(2023, 1, 10)),
    (5, "identified", "exploring", date(2023, 2, 1)),
    (5, "exploring", "feasibility_review", date(2023, 3, 1)),
    (5, "feasibility_review", "stakeholder_engagement", date(2024, 1, 1)),
    (3, "", "identified", date(2022, 1, 1)),
    (3, "identified", "exploring", date(2022, 2, 1)),
    (3, "exploring", "provisional_member", date(2024, 6, 20)),
    (6, "", "identified", date(2024, 5, 1)),
    (6, "identified", "exploring", date(2024, 6, 1)),
]


@pytest.fixture
def hotlines() -> pd.DataFrame:
    return frame("hotlines", HOTLINES)


@pytest.fixture
def hotline_countries() -> pd.DataFrame:
    rows = []
    for hotline in HOTLINES:
        base = {
            key: hotline[key]
            for key in ("hotline_id", "stage", "country", "country_name", "programme_region", "world_region")
        }
        base.update({key: hotline.get(key) for key in ("joined_on", "full_member_on")})
        served = SERVED[hotline["hotline_id"]] or [None]
        rows += [{**base, **(geo(code, "served_") if code else {})} for code in served]
    return frame("hotline_countries", rows)


@pytest.fixture
def stage_changes() -> pd.DataFrame:
    return frame(
        "stage_changes",
        [{"hotline_id": h, "from_stage": f, "to_stage": t, "changed_at": at(d, 9)} for h, f, t, d in CHANGES],
    )


# -- Members and countries -------------------------------------------------------------------------
def test_members_today_and_in_a_period(hotlines):
    assert agg.member_count(hotlines, period=None, scope=None) == 4
    assert agg.full_member_count(hotlines, period=None, scope=None) == 3
    period = Period(date(2018, 1, 1), date(2020, 12, 31))
    assert agg.member_count(hotlines, period=period, scope=None) == 2
    assert agg.full_member_count(hotlines, period=period, scope=None) == 2
    # Belgium joined in 2022 but became a full member only in 2024.
    assert agg.full_member_count(hotlines, period=Y2023, scope=None) == 2
    assert agg.member_count(hotlines, period=None, scope=EUROPE) == 3
    assert agg.member_count(hotlines, period=None, scope=AFRICA) == 1


def test_new_members(hotlines):
    assert agg.new_member_count(hotlines, period=None, scope=None, today=TODAY) == 1  # Kenya, this year
    assert (
        agg.new_member_count(hotlines, period=Period(date(2018, 1, 1), date(2018, 12, 31)), scope=None, today=TODAY)
        == 1
    )
    assert agg.new_member_count(hotlines, period=Y2019, scope=None, today=TODAY) == 0
    table = agg.new_members_by_year(hotlines, period=None, scope=EUROPE, today=TODAY)
    assert table["year"].tolist() == list(range(2015, 2023))
    assert dict(zip(table["year"], table["new_members"], strict=True)) == {
        2015: 1,
        2016: 0,
        2017: 0,
        2018: 1,
        2019: 0,
        2020: 0,
        2021: 0,
        2022: 1,
    }


def test_members_by_region(hotlines):
    regions = ["europe", "sub_saharan_africa", "south_asia"]
    assert agg.members_by_region(hotlines, period=None, scope=None, regions=regions) == {
        "europe": 3,
        "sub_saharan_africa": 1,
        "south_asia": 0,
    }


def test_countries_covered(hotline_countries):
    # DE, FR, LU (served by France and Belgium, counted once), KE, BE; not the suspended or candidates.
    assert agg.countries_covered_count(hotline_countries, period=None, scope=None) == 5
    assert agg.countries_covered_count(hotline_countries, period=None, scope=EUROPE) == 4
    assert agg.countries_covered_count(hotline_countries, period=None, scope=AFRICA) == 1
    assert agg.countries_covered_count(hotline_countries, period=None, scope=Scope.of(countries=["lu", "GH"])) == 1
    assert (
        agg.countries_covered_count(hotline_countries, period=Period(date(2018, 1, 1), date(2020, 12, 31)), scope=None)
        == 3
    )
    table = agg.countries_by_region(hotline_countries, period=None, scope=None, regions=["europe", "south_asia"])
    assert table.to_dict("records") == [
        {"region": "europe", "countries": 4},
        {"region": "south_asia", "countries": 0},
        {"region": "sub_saharan_africa", "countries": 1},
    ]


def test_coverage_gaps(hotlines, hotline_countries):
    assessments = frame(
        "country_assessments",
        [
            {**geo("GH"), "on_target_list": True, "overall_rating": "favourable", "assessed_on": date(2023, 1, 1)},
            {**geo("NP"), "on_target_list": True, "overall_rating": "conditional", "assessed_on": date(2024, 1, 1)},
            {**geo("ZM"), "on_target_list": True, "overall_rating": "favourable", "assessed_on": date(2024, 1, 1)},
            {**geo("LU"), "on_target_list": True, "overall_rating": "favourable", "assessed_on": date(2024, 1, 1)},
            {**geo("BR"), "on_target_list": False, "overall_rating": "unfavourable", "assessed_on": date(2024, 1, 1)},
        ],
    )
    gaps = agg.coverage_gaps(assessments, hotline_countries, hotlines, scope=None)
    assert gaps.to_dict("records") == [
        {"country": "Nepal", "region": "south_asia", "rating": "conditional", "candidate_stage": "exploring"},
        {
            "country": "Ghana",
            "region": "sub_saharan_africa",
            "rating": "favourable",
            "candidate_stage": "stakeholder_engagement",
        },
        {"country": "Zambia", "region": "sub_saharan_africa", "rating": "favourable", "candidate_stage": ""},
    ]
    assert agg.coverage_gap_count(assessments, hotline_countries, hotlines, scope=None) == 1
    assert agg.coverage_gap_count(assessments, hotline_countries, hotlines, scope=EUROPE) == 0


# -- Lifecycle ---------------------------------------------------------------------------------------
def test_stages_on_a_past_day_come_from_the_history(hotlines, stage_changes):
    stages = [
        "identified",
        "exploring",
        "feasibility_review",
        "stakeholder_engagement",
        "provisional_member",
        "full_member",
        "on_hold",
        "suspended",
    ]
    today = agg.hotlines_by_stage(hotlines, stage_changes, period=None, scope=None, today=TODAY, stages=stages)
    assert today == {
        "identified": 0,
        "exploring": 1,
        "feasibility_review": 0,
        "stakeholder_engagement": 1,
        "provisional_member": 1,
        "full_member": 3,
        "on_hold": 1,
        "suspended": 1,
    }
    mid_2023 = Period(date(2023, 1, 1), date(2023, 6, 30))
    # Ghana was in feasibility review, Kenya exploring; Nepal did not exist yet; hotlines without
    # history count at their current stage from their creation.
    assert agg.hotlines_by_stage(hotlines, stage_changes, period=mid_2023, scope=None, today=TODAY, stages=stages) == {
        "identified": 0,
        "exploring": 1,
        "feasibility_review": 1,
        "stakeholder_engagement": 0,
        "provisional_member": 0,
        "full_member": 3,
        "on_hold": 1,
        "suspended": 1,
    }
    assert agg.active_candidate_count(hotlines, stage_changes, period=None, scope=None, today=TODAY) == 3
    early_2022 = Period(date(2022, 1, 1), date(2022, 1, 10))
    assert agg.active_candidate_count(hotlines, stage_changes, period=early_2022, scope=None, today=TODAY) == 1
    assert agg.active_candidate_count(hotlines, stage_changes, period=None, scope=AFRICA, today=TODAY) == 1


def test_stage_region_table(hotlines, stage_changes):
    table = agg.stage_region_table(
        hotlines,
        stage_changes,
        period=None,
        scope=EUROPE,
        today=TODAY,
        stages=["exploring", "full_member", "suspended"],
        regions=["europe", "south_asia"],
    )
    assert list(table.columns) == ["region", "full_member", "suspended"]
    assert table.to_dict("records") == [
        {"region": "europe", "full_member": 3, "suspended": 1},
        {"region": "south_asia", "full_member": 0, "suspended": 0},
    ]


def test_median_days_in_stage(hotlines, stage_changes):
    medians = agg.median_days_in_stage(stage_changes, hotlines, period=None, scope=None, today=TODAY)
    # identified: Ghana 22, Kenya 31, Nepal 31; exploring: Ghana 28, Kenya 870; feasibility: Ghana 306.
    assert medians["identified"] == 31.0
    assert medians["exploring"] == 449.0
    assert medians["feasibility_review"] == 306.0
    assert medians["stakeholder_engagement"] is None  # Ghana is still there
    in_2024 = agg.median_days_in_stage(stage_changes, hotlines, period=Y2024, scope=None, today=TODAY)
    assert (in_2024["identified"], in_2024["exploring"], in_2024["feasibility_review"]) == (31.0, 870.0, 306.0)
    assert set(agg.median_days_in_stage(stage_changes, hotlines, period=Y2019, scope=None, today=TODAY).values()) == {
        None
    }


def test_time_in_stage_and_stalled_candidates(hotlines, stage_changes):
    table = agg.time_in_stage_table(
        stage_changes, hotlines, period=None, scope=None, today=TODAY, now=NOW, targets=TARGETS
    ).set_index("stage")
    assert table.loc["exploring"].to_dict() == {
        "target_days": 21,
        "completed_stays": 2,
        "median_days_completed": 449.0,
        "in_stage_now": 1,
        "median_days_now": 29.0,
        "over_target_now": 1,
    }
    assert table.loc["stakeholder_engagement", "median_days_now"] == 181.0
    stalled = agg.stalled_candidates(hotlines, scope=None, now=NOW, targets=TARGETS)
    # Nepal: 29 days exploring (target 21); Ghana: 181 days in stakeholder engagement (180). Not on hold.
    assert stalled[["brand_name", "days_in_stage", "target_days", "days_over"]].to_dict("records") == [
        {"brand_name": "Nepal line", "days_in_stage": 29, "target_days": 21, "days_over": 8},
        {"brand_name": "Ghana line", "days_in_stage": 181, "target_days": 180, "days_over": 1},
    ]
    assert agg.stalled_candidates(hotlines, scope=EUROPE, now=NOW, targets=TARGETS).empty


def test_funnel_and_conversion(hotlines, stage_changes):
    funnel = agg.funnel(stage_changes, hotlines, period=None, scope=None, today=TODAY).set_index("stage")
    assert funnel["reached"].tolist() == [3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0]
    assert funnel.loc["exploring", "in_stage_now"] == 1
    assert funnel.loc["provisional_member", "in_stage_now"] == 1
    assert agg.funnel(stage_changes, hotlines, period=Y2019, scope=None, today=TODAY)["reached"].sum() == 0
    # Ghana, Kenya and Nepal entered exploring; Kenya became a member.
    assert agg.conversion_counts(stage_changes, hotlines, period=None, scope=None, today=TODAY) == (3, 1)
    assert agg.conversion_rate(stage_changes, hotlines, period=None, scope=None, today=TODAY) == 33.3
    assert agg.conversion_rate(stage_changes, hotlines, period=Y2023, scope=None, today=TODAY) == 0.0
    assert agg.conversion_rate(stage_changes, hotlines, period=Y2019, scope=None, today=TODAY) is None


# -- Roundtables and agreements -----------------------------------------------------------------------
@pytest.fixture
def roundtables() -> pd.DataFrame:
    rows = [
        (1, "GH", "held", date(2023, 3, 1)),
        (2, "GH", "held", date(2023, 9, 1)),
        (3, "KE", "held", date(2024, 2, 1)),
        (4, "KE", "cancelled", date(2024, 5, 1)),
        (5, "NP", "held", date(2023, 6, 1)),
        (6, "NP", "planned", date(2024, 8, 1)),
    ]
    return frame(
        "roundtables",
        [{"roundtable_id": pk, "status": status, "starts_at": at(day), **geo(code)} for pk, code, status, day in rows],
    )


@pytest.fixture
def participants(roundtables) -> pd.DataFrame:
    by_id = roundtables.set_index("roundtable_id")
    rows = [
        (1, 11, "law_enforcement", "attended", False),
        (1, 12, "government", "attended", True),
        (1, 13, "industry_isp", "invited", False),
        (2, 11, "law_enforcement", "attended", False),
        (3, 21, "law_enforcement", "absent", False),
        (3, 22, "industry_platform", "attended", False),
        (4, 23, "ngo", "attended", False),
        (5, 31, "ngo", "attended", False),
    ]
    return frame(
        "roundtable_participants",
        [
            {
                "roundtable_id": rt,
                "organisation_id": org,
                "sector": sector,
                "status": status,
                "committed": committed,
                "roundtable_status": by_id.loc[rt, "status"],
                "starts_at": by_id.loc[rt, "starts_at"].to_pydatetime().replace(tzinfo=UTC),
                **geo(by_id.loc[rt, "country"]),
            }
            for rt, org, sector, status, committed in rows
        ],
    )


@pytest.fixture
def agreements() -> pd.DataFrame:
    return frame(
        "agreements",
        [
            {
                "agreement_id": 1,
                "kind": "le_mou",
                "status": "signed",
                "signed_on": date(2023, 5, 1),
                "expires_on": date(2024, 8, 1),
                "created_at": at(date(2023, 4, 1)),
                **geo("KE"),
            },
            {
                "agreement_id": 2,
                "kind": "le_mou",
                "status": "negotiating",
                "created_at": at(date(2024, 1, 10)),
                **geo("GH"),
            },
            {
                "agreement_id": 3,
                "kind": "le_mou",
                "status": "signed",
                "signed_on": date(2024, 3, 1),
                "created_at": at(date(2024, 2, 1)),
                **geo("NP"),
            },
            {
                "agreement_id": 4,
                "kind": "letter_of_support",
                "status": "signed",
                "signed_on": date(2024, 3, 1),
                "created_at": at(date(2024, 2, 1)),
                **geo("GH"),
            },
            {
                "agreement_id": 5,
                "kind": "le_mou",
                "status": "terminated",
                "signed_on": date(2020, 1, 1),
                "created_at": at(date(2019, 12, 1)),
                **geo("BR"),
            },
        ],
    )


def test_roundtables_held(roundtables):
    assert agg.roundtables_held_count(roundtables, period=None, scope=None, today=TODAY) == 4
    assert agg.roundtables_held_count(roundtables, period=Y2023, scope=None, today=TODAY) == 3
    assert agg.roundtables_held_count(roundtables, period=Y2019, scope=None, today=TODAY) == 0
    assert agg.roundtables_held_count(roundtables, period=None, scope=AFRICA, today=TODAY) == 3
    assert agg.roundtables_held_count(roundtables, period=None, scope=Scope.of(countries=["NP"]), today=TODAY) == 1
    grant = GrantCoverage(code="G1", countries=frozenset({"GH", "KE"}), roundtables=frozenset({1, 3}))
    assert agg.roundtables_held_count(roundtables, period=None, scope=Scope.of(grant=grant), today=TODAY) == 2
    table = agg.roundtables_by_year(roundtables, period=None, scope=None, today=TODAY)
    assert table.to_dict("records") == [
        {"year": 2023, "held": 3, "planned": 0},
        {"year": 2024, "held": 1, "planned": 1},
    ]


def test_sector_coverage_and_matrix(participants, agreements):
    sectors = ["law_enforcement", "government", "industry_isp", "industry_platform", "ngo"]
    assert agg.roundtable_sector_coverage(participants, period=None, scope=None, today=TODAY, sectors=sectors) == {
        "law_enforcement": 2,
        "government": 1,
        "industry_isp": 0,
        "industry_platform": 1,
        "ngo": 1,
    }
    assert agg.roundtable_sector_coverage(participants, period=Y2024, scope=None, today=TODAY, sectors=sectors) == {
        "law_enforcement": 0,
        "government": 0,
        "industry_isp": 0,
        "industry_platform": 1,
        "ngo": 0,
    }
    parties = frame(
        "agreement_parties",
        [
            {
                "agreement_id": 1,
                "organisation_id": 21,
                "sector": "law_enforcement",
                "agreement_status": "signed",
                "signed_on": date(2023, 5, 1),
                "expires_on": date(2024, 8, 1),
                **geo("KE"),
            },
        ],
    )
    matrix = agg.coverage_matrix(participants, parties, scope=None, today=TODAY, sectors=sectors)
    assert matrix.to_dict("records") == [
        {
            "country": "GH",
            "country_name": "Ghana",
            "law_enforcement": 2,
            "government": 3,
            "industry_isp": 1,
            "industry_platform": 0,
            "ngo": 0,
        },
        {
            "country": "KE",
            "country_name": "Kenya",
            "law_enforcement": 4,
            "government": 0,
            "industry_isp": 0,
            "industry_platform": 2,
            "ngo": 0,
        },
        {
            "country": "NP",
            "country_name": "Nepal",
            "law_enforcement": 0,
            "government": 0,
            "industry_isp": 0,
            "industry_platform": 0,
            "ngo": 2,
        },
    ]
    empty = agg.coverage_matrix(participants.iloc[0:0], parties.iloc[0:0], scope=None, today=TODAY, sectors=sectors)
    assert list(empty.columns) == ["country", "country_name", *sectors] and empty.empty


def test_law_enforcement_mous(agreements):
    assert agg.mous_signed_count(agreements, period=None, scope=None, today=TODAY) == 3
    assert agg.mous_signed_count(agreements, period=Y2024, scope=None, today=TODAY) == 1
    assert agg.mous_pending_count(agreements, period=None, scope=None, today=TODAY) == 1
    assert (
        agg.mous_pending_count(agreements, period=Period(date(2024, 1, 1), date(2024, 2, 15)), scope=None, today=TODAY)
        == 2
    )
    assert agg.mous_pending_count(agreements, period=Y2023, scope=None, today=TODAY) == 0
    assert agg.mous_expiring_count(agreements, period=None, scope=None, today=TODAY) == 1
    assert (
        agg.mous_expiring_count(agreements, period=Period(date(2024, 1, 1), date(2024, 2, 15)), scope=None, today=TODAY)
        == 0
    )
    table = agg.mous_by_country(agreements, period=None, scope=None, today=TODAY)
    assert table.to_dict("records") == [
        {"country": "Brazil", "signed_in_period": 1, "in_force": 0, "pending": 0, "expiring": 0},
        {"country": "Ghana", "signed_in_period": 0, "in_force": 0, "pending": 1, "expiring": 0},
        {"country": "Kenya", "signed_in_period": 1, "in_force": 1, "pending": 0, "expiring": 1},
        {"country": "Nepal", "signed_in_period": 1, "in_force": 1, "pending": 0, "expiring": 0},
    ]


# -- Capacity and training ---------------------------------------------------------------------------
@pytest.fixture
def analysts() -> pd.DataFrame:
    hotlines = {h["hotline_id"]: h for h in HOTLINES}

    def analyst(pk: int, hotline: int, code: str, **dates: date) -> dict:
        h = hotlines[hotline]
        return {
            "analyst_id": pk,
            "hotline_id": hotline,
            "code": code,
            "brand_name": h["brand_name"],
            "hotline_stage": h["stage"],
            "hotline_joined_on": h.get("joined_on"),
            **geo(h["country"]),
            **dates,
        }

    return frame(
        "analysts",
        [
            analyst(101, 1, "DE-1"),
            analyst(102, 1, "DE-2", ended_on=date(2024, 6, 29)),
            analyst(103, 1, "DE-3", started_on=date(2024, 7, 10)),
            analyst(201, 2, "FR-1"),
            analyst(301, 3, "KE-1"),
            analyst(302, 3, "KE-2"),
            analyst(501, 5, "GH-1"),
        ],
    )


@pytest.fixture
def training_events() -> pd.DataFrame:
    return frame(
        "training_events",
        [
            {
                "event_id": 1,
                "code": "CORE-2023-03",
                "course_kind": "core",
                "course_title": "Core",
                "starts_on": date(2023, 3, 1),
                "ends_on": date(2023, 3, 3),
                **geo("BE"),
            },
            {
                "event_id": 2,
                "code": "CA-2024-02",
                "course_kind": "content_assessment",
                "course_title": "Content",
                "starts_on": date(2024, 2, 1),
                "ends_on": date(2024, 2, 2),
                "online": True,
            },
            {
                "event_id": 3,
                "code": "CORE-2024-09",
                "course_kind": "core",
                "course_title": "Core",
                "starts_on": date(2024, 9, 1),
                "ends_on": date(2024, 9, 2),
                **geo("KE"),
            },
        ],
    )


@pytest.fixture
def places(analysts, training_events) -> pd.DataFrame:
    def place(pk: int, event: int, analyst: int | None, status: str = "completed", **extra) -> dict:
        return {
            "participation_id": pk,
            "event_id": event,
            "analyst_id": analyst,
            "status": status,
            "participant_type": extra.pop("participant_type", "analyst"),
            **extra,
        }

    participations = frame(
        "participations",
        [
            place(1, 1, 101, certified_on=date(2023, 3, 3), certificate_expires_on=date(2024, 8, 15)),
            place(2, 1, 201, certified_on=date(2023, 3, 3), certificate_expires_on=date(2025, 3, 3)),
            place(3, 2, 301, certified_on=date(2024, 2, 2), certificate_expires_on=date(2024, 6, 1)),
            place(4, 2, 302, status="not_completed"),
            place(5, 1, 102, certified_on=date(2023, 3, 3), certificate_expires_on=date(2024, 7, 1)),
            place(6, 2, 501),
            place(
                7,
                1,
                None,
                participant_type="law_enforcement",
                organisation_country="KE",
                organisation_programme_region="sub_saharan_africa",
                organisation_world_region="Africa",
            ),
            place(8, 2, None, participant_type="ngo"),
            place(9, 3, 101, status="confirmed"),
        ],
    )
    return agg.training_places(participations, training_events, analysts)


def test_training_places_join_events_and_analysts(places):
    by_id = places.set_index("participation_id")
    assert by_id.loc[1, ["analyst_code", "brand_name", "course_kind", "country"]].tolist() == [
        "DE-1",
        "Germany line",
        "core",
        "DE",
    ]
    assert by_id.loc[7, "country"] == "KE"  # the organisation's country
    assert by_id.loc[8, "country"] == ""  # online event, no organisation
    assert list(places.columns) == list(agg.PLACE_COLUMNS)


def test_analysts_and_single_analyst_hotlines(hotlines, analysts):
    assert agg.analyst_count(analysts, period=None, scope=None, today=TODAY) == 4
    assert (
        agg.analyst_count(analysts, period=Period(date(2018, 1, 1), date(2020, 12, 31)), scope=None, today=TODAY) == 3
    )
    per_hotline = agg.analysts_per_hotline(hotlines, analysts, period=None, scope=None, today=TODAY)
    assert dict(zip(per_hotline["brand_name"], per_hotline["analysts"], strict=True)) == {
        "Belgium line": 0,
        "France line": 1,
        "Germany line": 1,
        "Kenya line": 2,
    }
    assert agg.analysts_per_hotline_distribution(per_hotline, cap=3).to_dict("records") == [
        {"analysts": "0", "hotlines": 1},
        {"analysts": "1", "hotlines": 2},
        {"analysts": "2", "hotlines": 1},
        {"analysts": "3+", "hotlines": 0},
    ]
    assert agg.single_analyst_count(hotlines, analysts, period=None, scope=None, today=TODAY) == 2
    assert agg.single_analyst_count(hotlines, analysts, period=None, scope=AFRICA, today=TODAY) == 0


def test_training(places, training_events):
    kinds = ["core", "content_assessment", "welfare"]
    assert agg.analysts_trained_by_kind(places, period=None, scope=None, today=TODAY, kinds=kinds) == {
        "core": 3,
        "content_assessment": 2,
        "welfare": 0,
    }
    assert agg.analysts_trained_by_kind(places, period=Y2024, scope=None, today=TODAY, kinds=kinds) == {
        "core": 0,
        "content_assessment": 2,
        "welfare": 0,
    }
    types = ["analyst", "law_enforcement", "ngo", "industry"]
    assert agg.people_trained_by_type(places, period=None, scope=None, today=TODAY, types=types) == {
        "analyst": 5,
        "law_enforcement": 1,
        "ngo": 1,
        "industry": 0,
    }
    assert agg.people_trained_by_type(places, period=None, scope=AFRICA, today=TODAY, types=types) == {
        "analyst": 2,
        "law_enforcement": 1,
        "ngo": 0,
        "industry": 0,
    }
    assert agg.training_events_held_count(training_events, places, period=None, scope=None, today=TODAY) == 2
    assert agg.training_events_held_count(training_events, places, period=None, scope=EUROPE, today=TODAY) == 1
    assert agg.training_events_held_count(training_events, places, period=None, scope=AFRICA, today=TODAY) == 2
    assert agg.training_events_held_count(training_events, places, period=Y2019, scope=None, today=TODAY) == 0


def test_certificates(places):
    assert agg.certified_analyst_count(places, period=None, scope=None, today=TODAY) == 2
    may = Period(date(2024, 1, 1), date(2024, 5, 1))
    assert agg.certified_analyst_count(places, period=may, scope=None, today=TODAY) == 4
    expiring = agg.certificates_expiring(places, period=None, scope=None, today=TODAY)
    assert expiring.to_dict("records") == [
        {"analyst_code": "DE-1", "brand_name": "Germany line", "course": "Core", "expires_on": "2024-08-15"}
    ]
    assert agg.certificates_expiring_count(places, period=may, scope=None, today=TODAY) == 2
    assert agg.certificates_issued_count(places, period=None, scope=None, today=TODAY) == 4
    assert agg.certificates_issued_count(places, period=Y2024, scope=None, today=TODAY) == 1
    assert agg.certificates_issued_count(places, period=Y2019, scope=None, today=TODAY) == 0
    timeline = agg.certificate_expiry_timeline(places, scope=None, today=TODAY)
    assert timeline["month"].tolist()[:3] == ["2024-06", "2024-07", "2024-08"] and len(timeline) == 12
    assert dict(zip(timeline["month"], timeline["certificates"], strict=True)) == {
        **dict.fromkeys(timeline["month"], 0),
        "2024-08": 1,
        "2025-03": 1,
    }
    by_year = agg.certificates_by_year(places, period=None, scope=None, today=TODAY)
    assert by_year.to_dict("records") == [
        {"year": 2023, "issued": 3, "expiring": 0},
        {"year": 2024, "issued": 1, "expiring": 3},
        {"year": 2025, "issued": 0, "expiring": 1},
    ]


# -- Operations ---------------------------------------------------------------------------------------
@pytest.fixture
def statistics() -> pd.DataFrame:
    def ret(hotline: int, code: str, year: int, reports: int, urls: int, removed: float | None, status="validated"):
        return {
            "hotline_id": hotline,
            "period_start": date(year, 1, 1),
            "period_end": date(year, 12, 31),
            "reports_received": reports,
            "content_urls_processed": urls,
            "share_removed_within_3_days": removed,
            "validation_status": status,
            **geo(code),
        }

    return frame(
        "statistics",
        [
            ret(1, "DE", 2022, 1000, 400, 50.0),
            ret(1, "DE", 2023, 1200, 600, 80.0),
            ret(3, "KE", 2023, 100, 0, None, "submitted"),
            ret(2, "FR", 2023, 999, 999, 10.0, "queried"),
            ret(4, "BE", 2023, 300, 200, 60.0),
        ],
    )


def test_statistics(statistics):
    assert agg.reports_received(statistics, period=None, scope=None, today=TODAY) == 2600
    assert agg.content_urls_processed(statistics, period=None, scope=None, today=TODAY) == 1200
    # (50 x 400 + 80 x 600 + 60 x 200) / 1200
    assert agg.share_removed_within_3_days(statistics, period=None, scope=None, today=TODAY) == 66.7
    assert agg.reports_received(statistics, period=Y2023, scope=None, today=TODAY) == 1600
    assert agg.share_removed_within_3_days(statistics, period=Y2023, scope=None, today=TODAY) == 75.0
    assert agg.share_removed_within_3_days(statistics, period=None, scope=AFRICA, today=TODAY) is None
    assert agg.reports_received(statistics, period=Y2019, scope=None, today=TODAY) == 0
    assert agg.statistics_by_year(statistics, period=None, scope=None, today=TODAY).to_dict("records") == [
        {
            "year": 2022,
            "returns": 1,
            "reports_received": 1000,
            "content_urls_processed": 400,
            "share_removed_within_3_days": 50.0,
        },
        {
            "year": 2023,
            "returns": 3,
            "reports_received": 1600,
            "content_urls_processed": 800,
            "share_removed_within_3_days": 75.0,
        },
    ]
    by_region = agg.statistics_by_region(
        statistics, period=None, scope=None, today=TODAY, regions=["europe", "sub_saharan_africa", "south_asia"]
    )
    assert records(by_region) == [
        {
            "region": "europe",
            "returns": 3,
            "reports_received": 2500,
            "content_urls_processed": 1200,
            "share_removed_within_3_days": 66.7,
        },
        {
            "region": "sub_saharan_africa",
            "returns": 1,
            "reports_received": 100,
            "content_urls_processed": 0,
            "share_removed_within_3_days": None,
        },
        {
            "region": "south_asia",
            "returns": 0,
            "reports_received": 0,
            "content_urls_processed": 0,
            "share_removed_within_3_days": None,
        },
    ]


# -- Empty data ------------------------------------------------------------------------------------------
def test_every_aggregation_on_empty_frames():
    f = empty_frames()
    p = {"period": None, "scope": None}
    pt = {**p, "today": TODAY}
    assert agg.member_count(f["hotlines"], **p) == 0
    assert agg.full_member_count(f["hotlines"], **p) == 0
    assert agg.new_member_count(f["hotlines"], **pt) == 0
    assert agg.members_by_region(f["hotlines"], **p, regions=["europe"]) == {"europe": 0}
    assert agg.countries_covered_count(f["hotline_countries"], **p) == 0
    assert agg.hotlines_by_stage(f["hotlines"], f["stage_changes"], **pt, stages=["identified"]) == {"identified": 0}
    assert agg.hotlines_by_stage(
        f["hotlines"], f["stage_changes"], period=Y2019, scope=None, today=TODAY, stages=["identified"]
    ) == {"identified": 0}
    assert agg.active_candidate_count(f["hotlines"], f["stage_changes"], **pt) == 0
    assert set(agg.median_days_in_stage(f["stage_changes"], f["hotlines"], **pt).values()) == {None}
    assert agg.conversion_rate(f["stage_changes"], f["hotlines"], **pt) is None
    assert agg.funnel(f["stage_changes"], f["hotlines"], **pt)["reached"].sum() == 0
    assert agg.stalled_candidates(f["hotlines"], scope=None, now=NOW, targets=TARGETS).empty
    assert (
        agg.time_in_stage_table(f["stage_changes"], f["hotlines"], **pt, now=NOW, targets=TARGETS)["in_stage_now"].sum()
        == 0
    )
    assert agg.coverage_gap_count(f["country_assessments"], f["hotline_countries"], f["hotlines"], scope=None) == 0
    assert agg.roundtables_held_count(f["roundtables"], **pt) == 0
    assert agg.roundtables_by_year(f["roundtables"], **pt).empty
    assert agg.roundtable_sector_coverage(f["roundtable_participants"], **pt, sectors=["ngo"]) == {"ngo": 0}
    assert agg.mous_signed_count(f["agreements"], **pt) == 0
    assert agg.mous_pending_count(f["agreements"], **pt) == 0
    assert agg.mous_expiring_count(f["agreements"], **pt) == 0
    assert agg.mous_by_country(f["agreements"], **pt).empty
    assert agg.analyst_count(f["analysts"], **pt) == 0
    assert agg.single_analyst_count(f["hotlines"], f["analysts"], **pt) == 0
    assert agg.analysts_trained_by_kind(f["training_places"], **pt, kinds=["core"]) == {"core": 0}
    assert agg.people_trained_by_type(f["training_places"], **pt, types=["ngo"]) == {"ngo": 0}
    assert agg.certified_analyst_count(f["training_places"], **pt) == 0
    assert agg.certificates_expiring_count(f["training_places"], **pt) == 0
    assert agg.certificates_issued_count(f["training_places"], **pt) == 0
    assert agg.certificate_expiry_timeline(f["training_places"], scope=None, today=TODAY)["certificates"].sum() == 0
    assert agg.certificates_by_year(f["training_places"], **pt).empty
    assert agg.training_events_held_count(f["training_events"], f["training_places"], **pt) == 0
    assert agg.reports_received(f["statistics"], **pt) == 0
    assert agg.content_urls_processed(f["statistics"], **pt) == 0
    assert agg.share_removed_within_3_days(f["statistics"], **pt) is None
    assert agg.statistics_by_year(f["statistics"], **pt).empty
    assert agg.statistics_by_region(f["statistics"], **pt, regions=["europe"])["returns"].tolist() == [0]
    assert agg.qa_reviews_done_count(f["assessments"], **pt) == 0
    assert agg.qa_reviews_by_year(f["assessments"], **pt).empty
    assert agg.qa_reviews_due_count(f["hotlines"], f["assessments"], **pt, cycle_months=36, first_review_months=12) == 0
    assert agg.open_corrective_action_count(f["corrective_actions"], **pt) == 0


def test_scope_combines_regions_countries_world_regions_and_grants():
    countries = frame("hotlines", [{"hotline_id": n, **geo(code)} for n, code in enumerate(["DE", "KE", "GH", "NP"])])
    assert agg.in_scope(countries, None).all()
    assert agg.in_scope(countries, Scope.of(regions=["europe"], countries=["NP"])).tolist() == [
        True,
        False,
        False,
        True,
    ]
    assert agg.in_scope(countries, Scope.of(regions=["sub_saharan_africa"], world_regions=["Africa"])).sum() == 2
    grant = GrantCoverage(code="G", countries=frozenset({"KE"}))
    assert agg.in_scope(countries, Scope.of(world_regions=["Africa"], grant=grant)).tolist() == [
        False,
        True,
        False,
        False,
    ]
    assert Scope.of(regions=["europe"]).key() != Scope.of(world_regions=["europe"]).key()


# -- Quality ---------------------------------------------------------------------------------------------
@pytest.fixture
def assessment_actions() -> pd.DataFrame:
    def row(assessment: int, hotline: int, code: str, kind: str, status: str, **fields) -> dict:
        return {
            "assessment_id": assessment,
            "reference": f"AS-{assessment}",
            "hotline_id": hotline,
            "kind": kind,
            "status": status,
            "brand_name": f"{code} line",
            **geo(code),
            **fields,
        }

    raised = at(date(2021, 3, 1))
    old = {
        "recommendation": "passed_with_actions",
        "starts_on": date(2021, 2, 1),
        "ends_on": date(2021, 2, 3),
        "report_completed_at": at(date(2021, 3, 1)),
    }
    return frame(
        "assessment_actions",
        [
            row(
                1,
                1,
                "DE",
                "qa_review",
                "completed",
                **old,
                action_id=11,
                action_title="Welfare policy",
                action_status="verified",
                action_due_on=date(2021, 6, 1),
                action_created_at=raised,
                action_verified_at=at(date(2021, 6, 1)),
            ),
            row(
                1,
                1,
                "DE",
                "qa_review",
                "completed",
                **old,
                action_id=12,
                action_title="Retention schedule",
                action_status="open",
                action_due_on=date(2024, 6, 20),
                action_created_at=raised,
            ),
            row(
                1,
                1,
                "DE",
                "qa_review",
                "completed",
                **old,
                action_id=13,
                action_title="Access log",
                action_status="completed",
                action_due_on=date(2024, 6, 25),
                action_created_at=raised,
            ),
            row(
                2,
                1,
                "DE",
                "qa_review",
                "completed",
                recommendation="passed",
                starts_on=date(2023, 5, 1),
                ends_on=date(2023, 5, 2),
                report_completed_at=at(date(2023, 6, 1)),
            ),
            row(3, 3, "KE", "qa_review", "planned", starts_on=date(2024, 7, 10)),
            row(
                4,
                5,
                "GH",
                "pre_membership",
                "in_progress",
                starts_on=date(2024, 6, 1),
                action_id=41,
                action_title="Legal opinion",
                action_status="in_progress",
                action_due_on=date(2024, 8, 1),
                action_created_at=at(date(2024, 6, 10)),
            ),
        ],
    )


def test_assessments_and_corrective_actions_split_from_one_frame(assessment_actions):
    assessments = agg.assessments_of(assessment_actions)
    assert assessments["assessment_id"].tolist() == [1, 2, 3, 4]
    actions = agg.corrective_actions_of(assessment_actions)
    assert actions["id"].tolist() == [11, 12, 13, 41]
    assert actions["assessment_reference"].tolist() == ["AS-1", "AS-1", "AS-1", "AS-4"]


def test_quality_assurance_reviews_done_and_due(hotlines, assessment_actions):
    assessments = agg.assessments_of(assessment_actions)
    assert agg.qa_reviews_done_count(assessments, period=None, scope=None, today=TODAY) == 2
    assert agg.qa_reviews_done_count(assessments, period=Y2023, scope=None, today=TODAY) == 1
    assert agg.qa_reviews_done_count(assessments, period=Y2019, scope=None, today=TODAY) == 0
    assert records(agg.qa_reviews_by_year(assessments, period=None, scope=None, today=TODAY)) == [
        {"year": 2021, "passed": 0, "passed_with_actions": 1, "failed": 0},
        {"year": 2023, "passed": 1, "passed_with_actions": 0, "failed": 0},
    ]
    due = agg.qa_reviews_due(
        hotlines, assessments, period=None, scope=None, today=TODAY, cycle_months=36, first_review_months=12
    )
    # Germany: reviewed 2023-06-01, next in 2026. France: full member since 2019-01-01, none since: due
    # 2022-01-01. Belgium: full member since 2024-06-01: due 2027. Kenya: provisional since 2024-06-20,
    # first review due 2025-06-20 (not within 90 days of 2024-06-30), though one is planned.
    assert records(due[["brand_name", "last_review", "due_on", "state", "scheduled"]]) == [
        {
            "brand_name": "France line",
            "last_review": "",
            "due_on": "2022-01-01",
            "state": "overdue",
            "scheduled": False,
        },
    ]
    on_2025 = Period(date(2025, 1, 1), date(2025, 5, 1))
    later = agg.qa_reviews_due(
        hotlines, assessments, period=on_2025, scope=None, today=TODAY, cycle_months=36, first_review_months=12
    )
    # On 2025-05-01 Kenya's first review (2025-06-20) is within 90 days.
    assert records(later[["brand_name", "due_on", "state", "scheduled"]]) == [
        {"brand_name": "France line", "due_on": "2022-01-01", "state": "overdue", "scheduled": False},
        {"brand_name": "Kenya line", "due_on": "2025-06-20", "state": "due", "scheduled": True},
    ]
    # Kenya on 2024-06-30 but with a 10-month first review: due 2025-04-20, beyond 90 days; with 3 months: due.
    soon = agg.qa_reviews_due(
        hotlines, assessments, period=None, scope=AFRICA, today=TODAY, cycle_months=36, first_review_months=3
    )
    assert records(soon[["brand_name", "due_on", "state", "scheduled"]]) == [
        {"brand_name": "Kenya line", "due_on": "2024-09-20", "state": "due", "scheduled": True},
    ]


def test_open_corrective_actions(assessment_actions):
    actions = agg.corrective_actions_of(assessment_actions)
    table = agg.open_corrective_actions(actions, period=None, scope=None, today=TODAY)
    assert records(table[["title", "status", "overdue"]]) == [
        {"title": "Retention schedule", "status": "open", "overdue": True},
        {"title": "Access log", "status": "completed", "overdue": False},
        {"title": "Legal opinion", "status": "in_progress", "overdue": False},
    ]
    assert agg.open_corrective_action_count(actions, period=Y2023, scope=None, today=TODAY) == 2
    assert (
        agg.open_corrective_action_count(
            actions, period=Period(date(2021, 3, 1), date(2021, 5, 1)), scope=None, today=TODAY
        )
        == 3
    )
    assert agg.open_corrective_action_count(actions, period=Y2019, scope=None, today=TODAY) == 0
    assert agg.open_corrective_action_count(actions, period=None, scope=AFRICA, today=TODAY) == 1


def test_add_months_keeps_the_day_or_takes_the_month_end():
    days = pd.Series(pd.to_datetime(["2024-01-31", "2023-02-28", None, "2020-02-29"]).astype("datetime64[us]"))
    assert agg.add_months(days, 1).dt.strftime("%Y-%m-%d").tolist()[:2] == ["2024-02-29", "2023-03-28"]
    assert pd.isna(agg.add_months(days, 1)[2])
    assert agg.add_months(days, 36).dt.strftime("%Y-%m-%d").tolist()[3] == "2023-02-28"
