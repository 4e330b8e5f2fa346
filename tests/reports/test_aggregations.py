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
        "stage_entered_at": at(date(2016, 5, 1)),
        **geo("DE"),
    },
    {
        "hotline_id": 2,
        "brand_name": "France line",
        "stage": "full_member",
        "joined_on": date(2018, 1, 1),
        "full_member_on": date(2019, 1, 1),
        "created_at": at(date(2017, 1, 1)),
        "stage_entered_at": at(date(2019, 1, 1)),
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
        "stage_entered_at": at(date(2024, 6, 1)),
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
        "full_member_on": date(2011, 1, 1),
        "created_at": at(date(2009, 1, 1)),
        # Suspended on 2024-03-01, with no stage history: a member (full) before that day.
        "stage_entered_at": at(date(2024, 3, 1)),
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
P2018_2020 = Period(date(2018, 1, 1), date(2020, 12, 31))


def test_members_today_and_in_a_period(hotlines, stage_changes):
    def members(period=None, scope=None):
        return agg.member_count(hotlines, stage_changes, period=period, scope=scope, today=TODAY)

    def full(period=None, scope=None):
        return agg.full_member_count(hotlines, stage_changes, period=period, scope=scope, today=TODAY)

    assert (members(), full()) == (4, 3)  # Germany, France, Belgium (full), Kenya (provisional)
    # Germany, France and Luxembourg (suspended only in 2024); Kenya joined in 2024, Belgium in 2022.
    assert (members(P2018_2020), full(P2018_2020)) == (3, 3)
    # 2023: Belgium a provisional member (full only in 2024), Luxembourg still a full member.
    assert (members(Y2023), full(Y2023)) == (4, 3)
    assert members(scope=EUROPE) == 3
    assert members(scope=AFRICA) == 1


def test_a_periods_figures_do_not_move_with_what_happened_after_it(hotlines, stage_changes):
    before = {
        "members": agg.member_count(hotlines, stage_changes, period=Y2023, scope=None, today=TODAY),
        "full": agg.full_member_count(hotlines, stage_changes, period=Y2023, scope=None, today=TODAY),
        "stages": agg.hotlines_by_stage(
            hotlines, stage_changes, period=Y2023, scope=None, today=TODAY, stages=["provisional_member", "full_member"]
        ),
    }
    # In 2024 France is suspended and Belgium (provisional in 2023) promoted, through the lifecycle.
    later = hotlines.copy()
    later.loc[later["hotline_id"] == 2, "stage"] = "suspended"
    later.loc[later["hotline_id"] == 2, "stage_entered_at"] = pd.Timestamp("2024-03-01 10:00")
    history = pd.concat(
        [
            stage_changes,
            frame(
                "stage_changes",
                [
                    {
                        "hotline_id": 2,
                        "from_stage": "full_member",
                        "to_stage": "suspended",
                        "changed_at": at(date(2024, 3, 1)),
                    },
                    {
                        "hotline_id": 4,
                        "from_stage": "provisional_member",
                        "to_stage": "full_member",
                        "changed_at": at(date(2024, 6, 1)),
                    },
                ],
            ),
        ],
        ignore_index=True,
    )
    after = {
        "members": agg.member_count(later, history, period=Y2023, scope=None, today=TODAY),
        "full": agg.full_member_count(later, history, period=Y2023, scope=None, today=TODAY),
        "stages": agg.hotlines_by_stage(
            later, history, period=Y2023, scope=None, today=TODAY, stages=["provisional_member", "full_member"]
        ),
    }
    assert after == before
    assert (before["members"], before["full"]) == (4, 3)
    assert (before["stages"]["provisional_member"], before["stages"]["full_member"]) == (1, 3)
    # Today France is no longer a member.
    assert agg.member_count(later, history, period=None, scope=None, today=TODAY) == 3


def test_stages_on_a_day_follow_the_history_then_the_recorded_dates():
    rows = frame(
        "hotlines",
        [
            # 1: history only from 2023 (a suspension); a full member before, by its recorded dates.
            {
                "hotline_id": 1,
                "stage": "suspended",
                "joined_on": date(2010, 1, 1),
                "full_member_on": date(2012, 1, 1),
                "stage_entered_at": at(date(2023, 5, 1)),
                "created_at": at(date(2024, 1, 1)),
            },
            # 2: no history: ceased on 2022-01-01; a provisional member from 2015 until then.
            {
                "hotline_id": 2,
                "stage": "ceased",
                "joined_on": date(2015, 1, 1),
                "stage_entered_at": at(date(2022, 1, 1)),
                "created_at": at(date(2024, 1, 1)),
            },
            # 3: a candidate without history or joining date: its stage from its creation on.
            {
                "hotline_id": 3,
                "stage": "exploring",
                "stage_entered_at": at(date(2024, 5, 1)),
                "created_at": at(date(2021, 1, 1)),
            },
            # 4: history that starts with its creation.
            {
                "hotline_id": 4,
                "stage": "exploring",
                "stage_entered_at": at(date(2022, 1, 1)),
                "created_at": at(date(2021, 6, 1)),
            },
        ],
    )
    history = frame(
        "stage_changes",
        [
            {"hotline_id": 1, "from_stage": "full_member", "to_stage": "suspended", "changed_at": at(date(2023, 5, 1))},
            {"hotline_id": 4, "from_stage": "", "to_stage": "identified", "changed_at": at(date(2021, 6, 1))},
            {"hotline_id": 4, "from_stage": "identified", "to_stage": "exploring", "changed_at": at(date(2022, 1, 1))},
        ],
    )

    def on(day: date) -> list[str]:
        return agg.stages_on(rows, history, day=day, today=TODAY).tolist()

    assert on(date(2009, 6, 1)) == ["", "", "", ""]
    assert on(date(2011, 6, 1)) == ["provisional_member", "", "", ""]
    assert on(date(2016, 6, 1)) == ["full_member", "provisional_member", "", ""]
    assert on(date(2021, 7, 1)) == ["full_member", "provisional_member", "exploring", "identified"]
    assert on(date(2023, 6, 1)) == ["suspended", "ceased", "exploring", "exploring"]
    assert on(TODAY) == ["suspended", "ceased", "exploring", "exploring"]


def test_new_members(hotlines):
    assert agg.new_member_count(hotlines, period=None, scope=None, today=TODAY) == 1  # Kenya, this year
    assert (
        agg.new_member_count(hotlines, period=Period(date(2018, 1, 1), date(2018, 12, 31)), scope=None, today=TODAY)
        == 1
    )
    assert agg.new_member_count(hotlines, period=Y2019, scope=None, today=TODAY) == 0
    # Luxembourg joined in 2010: it is suspended today, but it was a new member then.
    assert (
        agg.new_member_count(hotlines, period=Period(date(2010, 1, 1), date(2010, 12, 31)), scope=None, today=TODAY)
        == 1
    )
    table = agg.new_members_by_year(hotlines, period=None, scope=EUROPE, today=TODAY)
    assert table["year"].tolist() == list(range(2010, 2023))
    assert dict(zip(table["year"], table["new_members"], strict=True)) == {
        **dict.fromkeys(range(2010, 2023), 0),
        2010: 1,
        2015: 1,
        2018: 1,
        2022: 1,
    }
    assert table["new_members"].sum() == agg.new_member_count(
        hotlines, period=Period(date(2000, 1, 1), TODAY), scope=EUROPE, today=TODAY
    )


def test_members_by_region(hotlines, stage_changes):
    regions = ["europe", "sub_saharan_africa", "south_asia"]
    assert agg.members_by_region(hotlines, stage_changes, period=None, scope=None, today=TODAY, regions=regions) == {
        "europe": 3,
        "sub_saharan_africa": 1,
        "south_asia": 0,
    }
    assert agg.members_by_region(
        hotlines, stage_changes, period=P2018_2020, scope=None, today=TODAY, regions=regions
    ) == {"europe": 3, "sub_saharan_africa": 0, "south_asia": 0}


def test_countries_covered(hotlines, stage_changes, hotline_countries):
    def covered(period=None, scope=None) -> list[str]:
        countries = agg.countries_covered_on(
            hotlines, stage_changes, hotline_countries, period=period, scope=scope, today=TODAY
        )
        return sorted(countries["country"])

    # DE, FR, LU (served by France and Belgium, counted once), KE, BE; not the suspended or candidates.
    assert covered() == ["BE", "DE", "FR", "KE", "LU"]
    assert covered(scope=EUROPE) == ["BE", "DE", "FR", "LU"]
    assert covered(scope=AFRICA) == ["KE"]
    assert covered(scope=Scope.of(countries=["lu", "GH"])) == ["LU"]
    # 2018-2020: Germany, France (serving Luxembourg) and Luxembourg, then a member.
    assert covered(P2018_2020) == ["DE", "FR", "LU"]
    countries = agg.countries_covered_on(
        hotlines, stage_changes, hotline_countries, period=None, scope=None, today=TODAY
    )
    table = agg.countries_by_region(countries, regions=["europe", "south_asia"])
    assert table.to_dict("records") == [
        {"region": "europe", "countries": 4},
        {"region": "south_asia", "countries": 0},
        {"region": "sub_saharan_africa", "countries": 1},
    ]


def test_coverage_gaps(hotlines, stage_changes, hotline_countries):
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

    def gaps(period=None, scope=None) -> list[dict]:
        table = agg.coverage_gaps(
            assessments, hotline_countries, hotlines, stage_changes, period=period, scope=scope, today=TODAY
        )
        return table.to_dict("records")

    # Every row counts: the figure is the number of rows (a candidate being set up is named beside it).
    assert gaps() == [
        {"country": "Nepal", "region": "south_asia", "rating": "conditional", "candidate_stage": "exploring"},
        {
            "country": "Ghana",
            "region": "sub_saharan_africa",
            "rating": "favourable",
            "candidate_stage": "stakeholder_engagement",
        },
        {"country": "Zambia", "region": "sub_saharan_africa", "rating": "favourable", "candidate_stage": ""},
    ]
    assert gaps(scope=EUROPE) == []
    # At the end of 2021 no candidate was in Ghana or Nepal yet; Luxembourg was covered.
    assert [(row["country"], row["candidate_stage"]) for row in gaps(Period(date(2021, 1, 1), date(2021, 12, 31)))] == [
        ("Nepal", ""),
        ("Ghana", ""),
        ("Zambia", ""),
    ]


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
    # Ghana was in feasibility review, Kenya exploring, from the history; Nepal did not exist yet.
    # Without history: Brazil on hold since 2023-01-01; Belgium a provisional member (joined 2022,
    # full in 2024); Luxembourg a full member (suspended only in 2024).
    assert agg.hotlines_by_stage(hotlines, stage_changes, period=mid_2023, scope=None, today=TODAY, stages=stages) == {
        "identified": 0,
        "exploring": 1,
        "feasibility_review": 1,
        "stakeholder_engagement": 0,
        "provisional_member": 1,
        "full_member": 3,
        "on_hold": 1,
        "suspended": 0,
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
    # A roundtable the grant's activities link counts wherever it took place (Nepal's, number 5)...
    linked = GrantCoverage(code="G2", countries=frozenset({"GH", "KE"}), roundtables=frozenset({1, 5}))
    assert agg.roundtables_held_count(roundtables, period=None, scope=Scope.of(grant=linked), today=TODAY) == 2
    # ... within the regions chosen; and a grant that links none counts those in its countries.
    africa_linked = Scope.of(world_regions=["Africa"], grant=linked)
    assert agg.roundtables_held_count(roundtables, period=None, scope=africa_linked, today=TODAY) == 1
    unlinked = GrantCoverage(code="G3", countries=frozenset({"GH", "KE"}))
    assert agg.roundtables_held_count(roundtables, period=None, scope=Scope.of(grant=unlinked), today=TODAY) == 3
    table = agg.roundtables_by_year(roundtables, period=None, scope=None, today=TODAY)
    assert table.to_dict("records") == [
        {"year": 2023, "held": 3, "planned": 0},
        {"year": 2024, "held": 1, "planned": 1},
    ]


def test_sector_coverage_and_matrix(roundtables, participants, hotlines, stage_changes):
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

    def matrix(period=None, scope=None) -> list[dict]:
        return agg.coverage_matrix(
            roundtables,
            participants,
            parties,
            hotlines,
            stage_changes,
            period=period,
            scope=scope,
            today=TODAY,
            sectors=sectors,
        ).to_dict("records")

    def row(code: str, name: str, **levels: int) -> dict:
        return {"country": code, "country_name": name, **dict.fromkeys(sectors, 0), **levels}

    # Rows: countries with a roundtable (not cancelled), an agreement in force or a candidate (Brazil,
    # on hold, has none of the others). Kenya's cancelled roundtable invited nobody.
    assert matrix() == [
        row("BR", "Brazil"),
        row("GH", "Ghana", law_enforcement=2, government=3, industry_isp=1),
        row("KE", "Kenya", law_enforcement=4, industry_platform=2),
        row("NP", "Nepal", ngo=2),
    ]
    # On 2023-06-30: the roundtables up to then, the Kenyan MoU (signed 2023-05-01) and the candidates
    # of that day (Ghana, Kenya, Brazil; Nepal not yet).
    assert matrix(Period(date(2023, 1, 1), date(2023, 6, 30))) == [
        row("BR", "Brazil"),
        row("GH", "Ghana", law_enforcement=2, government=3, industry_isp=1),
        row("KE", "Kenya", law_enforcement=4),
        row("NP", "Nepal", ngo=2),
    ]
    cells = agg.coverage_cells(roundtables, participants, parties, day=TODAY, today=TODAY, scope=None)
    ghana = cells[cells["country"] == "GH"].set_index("sector")
    # The Ghanaian police came to both roundtables: one organisation.
    assert ghana.loc["law_enforcement", ["invited", "attended", "committed", "agreement_signed"]].tolist() == [
        1,
        1,
        0,
        0,
    ]
    empty = agg.coverage_matrix(
        roundtables.iloc[0:0],
        participants.iloc[0:0],
        parties.iloc[0:0],
        hotlines.iloc[0:0],
        stage_changes.iloc[0:0],
        period=None,
        scope=None,
        today=TODAY,
        sectors=sectors,
    )
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


def test_analysts_and_single_analyst_hotlines(hotlines, stage_changes, analysts):
    def count(period=None, scope=None) -> int:
        return agg.analyst_count(analysts, hotlines, stage_changes, period=period, scope=scope, today=TODAY)

    # DE-1, FR-1, KE-1, KE-2: DE-2 left yesterday, DE-3 starts in July, GH-1 is a candidate's.
    assert count() == 4
    # At the end of 2020: DE-1, DE-2 (still there then) and FR-1; Kenya was not a member yet.
    assert count(P2018_2020) == 3
    per_hotline = agg.analysts_per_hotline(hotlines, stage_changes, analysts, period=None, scope=None, today=TODAY)
    assert dict(zip(per_hotline["brand_name"], per_hotline["analysts"], strict=True)) == {
        "Belgium line": 0,
        "France line": 1,
        "Germany line": 1,
        "Kenya line": 2,
    }
    assert per_hotline["analysts"].sum() == count()
    assert agg.analysts_per_hotline_distribution(per_hotline, cap=3).to_dict("records") == [
        {"analysts": "0", "hotlines": 1},
        {"analysts": "1", "hotlines": 2},
        {"analysts": "2", "hotlines": 1},
        {"analysts": "3+", "hotlines": 0},
    ]
    africa = agg.analysts_per_hotline(hotlines, stage_changes, analysts, period=None, scope=AFRICA, today=TODAY)
    assert africa["analysts"].tolist() == [2]


def test_working_on_a_day_counts_the_first_and_last_days():
    started = pd.Series(pd.to_datetime(["2024-01-10", None, "2024-01-10"]).astype("datetime64[s]"))
    ended = pd.Series(pd.to_datetime(["2024-02-10", "2024-01-01", None]).astype("datetime64[s]"))
    assert agg.working_on(started, ended, date(2024, 1, 10)).tolist() == [True, False, True]
    assert agg.working_on(started, ended, date(2024, 2, 10)).tolist() == [True, False, True]
    assert agg.working_on(started, ended, date(2024, 2, 11)).tolist() == [False, False, True]
    assert agg.working_on(started, ended, date(2023, 12, 31)).tolist() == [False, True, False]


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


def test_certificates(places, analysts, hotlines, stage_changes):
    def certified(period=None, scope=None) -> int:
        return agg.certified_analyst_count(
            places, analysts, hotlines, stage_changes, period=period, scope=scope, today=TODAY
        )

    def working(period=None, scope=None) -> int:
        return agg.analyst_count(analysts, hotlines, stage_changes, period=period, scope=scope, today=TODAY)

    # DE-1 and FR-1; KE-1's expired on 2024-06-01, DE-2 (valid to July) left on 2024-06-29.
    assert certified() == 2
    may = Period(date(2024, 1, 1), date(2024, 5, 1))
    # On 2024-05-01: DE-1, DE-2, FR-1. KE-1's certificate was valid, but Kenya was not a member yet:
    # certified analysts are always among the analysts counted that day.
    assert certified(may) == 3
    for period in (None, may, Y2023, P2018_2020):
        assert certified(period) <= working(period)
    expiring = agg.certificates_expiring(places, period=None, scope=None, today=TODAY)
    assert expiring.to_dict("records") == [
        {"analyst_code": "DE-1", "brand_name": "Germany line", "course": "Core", "expires_on": "2024-08-15"}
    ]
    # On 2024-05-01 (of any hotline's working analysts): DE-2 on 2024-07-01, KE-1 on 2024-06-01.
    assert len(agg.certificates_expiring(places, period=may, scope=None, today=TODAY)) == 2
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


def test_a_grant_that_links_training_events_counts_their_certificates_only(
    places, analysts, hotlines, stage_changes, training_events
):
    # A grant linking only the 2024 content-assessment course (event 2), then only the 2023 core course.
    grant = Scope.of(
        grant=GrantCoverage(code="G", countries=frozenset({"DE", "FR", "KE"}), training_events=frozenset({2}))
    )
    assert agg.certificates_issued_count(places, period=None, scope=grant, today=TODAY) == 1  # KE-1's
    assert (
        agg.certified_analyst_count(places, analysts, hotlines, stage_changes, period=None, scope=grant, today=TODAY)
        == 0
    )
    linked = Scope.of(
        grant=GrantCoverage(code="G", countries=frozenset({"DE", "FR", "KE"}), training_events=frozenset({1}))
    )
    assert (
        agg.certified_analyst_count(places, analysts, hotlines, stage_changes, period=None, scope=linked, today=TODAY)
        == 2
    )
    # An event the grant funded counts wherever it took place: the Belgian course for a Nepal-only grant.
    nepal = Scope.of(grant=GrantCoverage(code="N", countries=frozenset({"NP"}), training_events=frozenset({1})))
    assert agg.certificates_issued_count(places, period=None, scope=nepal, today=TODAY) == 3
    assert agg.training_events_held_count(training_events, places, period=None, scope=nepal, today=TODAY) == 1


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
    h, sc = f["hotlines"], f["stage_changes"]
    p = {"period": None, "scope": None}
    pt = {**p, "today": TODAY}
    assert agg.member_count(h, sc, **pt) == 0
    assert agg.full_member_count(h, sc, **pt) == 0
    assert agg.new_member_count(h, **pt) == 0
    assert agg.members_by_region(h, sc, **pt, regions=["europe"]) == {"europe": 0}
    assert agg.countries_covered_on(h, sc, f["hotline_countries"], **pt).empty
    assert agg.hotlines_by_stage(h, sc, **pt, stages=["identified"]) == {"identified": 0}
    assert agg.hotlines_by_stage(h, sc, period=Y2019, scope=None, today=TODAY, stages=["identified"]) == {
        "identified": 0
    }
    assert agg.active_candidate_count(h, sc, **pt) == 0
    assert set(agg.median_days_in_stage(sc, h, **pt).values()) == {None}
    assert agg.conversion_rate(sc, h, **pt) is None
    assert agg.funnel(sc, h, **pt)["reached"].sum() == 0
    assert agg.stalled_candidates(h, scope=None, now=NOW, targets=TARGETS).empty
    assert agg.time_in_stage_table(sc, h, **pt, now=NOW, targets=TARGETS)["in_stage_now"].sum() == 0
    assert agg.coverage_gaps(f["country_assessments"], f["hotline_countries"], h, sc, **pt).empty
    assert agg.roundtables_held_count(f["roundtables"], **pt) == 0
    assert agg.roundtables_by_year(f["roundtables"], **pt).empty
    assert agg.roundtable_sector_coverage(f["roundtable_participants"], **pt, sectors=["ngo"]) == {"ngo": 0}
    assert agg.coverage_cells(
        f["roundtables"], f["roundtable_participants"], f["agreement_parties"], day=TODAY, today=TODAY, scope=None
    ).empty
    assert agg.mous_signed_count(f["agreements"], **pt) == 0
    assert agg.mous_pending_count(f["agreements"], **pt) == 0
    assert agg.mous_expiring_count(f["agreements"], **pt) == 0
    assert agg.mous_by_country(f["agreements"], **pt).empty
    assert agg.analyst_count(f["analysts"], h, sc, **pt) == 0
    assert agg.analysts_per_hotline(h, sc, f["analysts"], **pt).empty
    assert agg.analysts_trained_by_kind(f["training_places"], **pt, kinds=["core"]) == {"core": 0}
    assert agg.people_trained_by_type(f["training_places"], **pt, types=["ngo"]) == {"ngo": 0}
    assert agg.certified_analyst_count(f["training_places"], f["analysts"], h, sc, **pt) == 0
    assert agg.certificates_expiring(f["training_places"], **pt).empty
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
    assert agg.qa_reviews_due(h, sc, f["assessments"], **pt, cycle_months=36, first_review_months=12).empty
    assert agg.qa_unreviewed_members(h, sc, f["assessments"], **pt, first_review_months=12).empty
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
    # A grant's key names what it covers: another country or funded activity is another cache entry.
    keys = {
        Scope.of(grant=coverage).key()
        for coverage in (
            grant,
            GrantCoverage(code="G", countries=frozenset({"KE", "GH"})),
            GrantCoverage(code="G", countries=frozenset({"KE"}), roundtables=frozenset({3})),
            GrantCoverage(code="G", countries=frozenset({"KE"}), roundtables=frozenset()),
            GrantCoverage(code="G", countries=frozenset({"KE"}), training_events=frozenset({3})),
        )
    }
    assert len(keys) == 5
    assert Scope.of(grant=grant).key() == Scope.of(grant=GrantCoverage(code="G", countries=frozenset({"KE"}))).key()


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
            row(
                5,
                2,
                "FR",
                "qa_review",
                "completed",
                recommendation="passed",
                starts_on=date(2021, 1, 10),
                ends_on=date(2021, 1, 12),
                report_completed_at=at(date(2021, 1, 15)),
            ),
            row(
                6,
                4,
                "BE",
                "qa_review",
                "completed",
                recommendation="failed",
                starts_on=date(2023, 1, 30),
                ends_on=date(2023, 2, 1),
                report_completed_at=at(date(2023, 2, 1)),
            ),
        ],
    )


def test_assessments_and_corrective_actions_split_from_one_frame(assessment_actions):
    assessments = agg.assessments_of(assessment_actions)
    assert assessments["assessment_id"].tolist() == [1, 2, 3, 4, 5, 6]
    actions = agg.corrective_actions_of(assessment_actions)
    assert actions["id"].tolist() == [11, 12, 13, 41]
    assert actions["assessment_reference"].tolist() == ["AS-1", "AS-1", "AS-1", "AS-4"]


def test_quality_assurance_reviews_done_and_due(hotlines, stage_changes, assessment_actions):
    assessments = agg.assessments_of(assessment_actions)
    assert agg.qa_reviews_done_count(assessments, period=None, scope=None, today=TODAY) == 4
    assert agg.qa_reviews_done_count(assessments, period=Y2023, scope=None, today=TODAY) == 2
    assert agg.qa_reviews_done_count(assessments, period=Y2019, scope=None, today=TODAY) == 0
    assert records(agg.qa_reviews_by_year(assessments, period=None, scope=None, today=TODAY)) == [
        {"year": 2021, "passed": 1, "passed_with_actions": 1, "failed": 0},
        {"year": 2023, "passed": 1, "passed_with_actions": 0, "failed": 1},
    ]

    def due(period=None, scope=None, first=12) -> list[dict]:
        table = agg.qa_reviews_due(
            hotlines,
            stage_changes,
            assessments,
            period=period,
            scope=scope,
            today=TODAY,
            cycle_months=36,
            first_review_months=first,
        )
        return records(table[["brand_name", "stage", "last_review", "due_on", "state", "scheduled"]])

    def unreviewed(period=None) -> list[dict]:
        table = agg.qa_unreviewed_members(
            hotlines, stage_changes, assessments, period=period, scope=None, today=TODAY, first_review_months=12
        )
        return records(table[["brand_name", "stage", "joined_on", "first_due_on", "scheduled"]])

    # Today: France's review of 2021 makes the next due on 2024-01-15. Germany's is due in 2026;
    # Belgium, a full member since 2024-06-01, in 2027 (from the later of its review and full membership).
    assert due() == [
        {
            "brand_name": "France line",
            "stage": "full_member",
            "last_review": "2021-01-15",
            "due_on": "2024-01-15",
            "state": "overdue",
            "scheduled": False,
        }
    ]
    # Kenya has no review on record: its first review falls due 12 months after joining (2025-06-20),
    # not within 90 days of today; it is among the members with no review recorded.
    assert unreviewed() == [
        {
            "brand_name": "Kenya line",
            "stage": "provisional_member",
            "joined_on": "2024-06-20",
            "first_due_on": "2025-06-20",
            "scheduled": True,
        }
    ]
    # Its first review is due within 90 days on 2025-04-01, overdue on 2025-07-01 (and still unreviewed).
    kenya = [("Kenya line", "", "2025-06-20", "due")]
    spring, summer = Period(date(2025, 1, 1), date(2025, 4, 1)), Period(date(2025, 1, 1), date(2025, 7, 1))
    assert [(r["brand_name"], r["last_review"], r["due_on"], r["state"]) for r in due(spring, AFRICA)] == kenya
    assert [(r["brand_name"], r["state"]) for r in due(summer, AFRICA)] == [("Kenya line", "overdue")]
    assert [row["brand_name"] for row in unreviewed(summer)] == ["Kenya line"]
    # On 2023-12-31: Luxembourg (suspended only in 2024), a member since 2010 with no review on record,
    # overdue since its first review fell due in 2011; France due within 90 days; Belgium, then
    # provisional, 12 months after its 2023 review.
    assert due(Y2023) == [
        {
            "brand_name": "Luxembourg line",
            "stage": "full_member",
            "last_review": "",
            "due_on": "2011-01-01",
            "state": "overdue",
            "scheduled": False,
        },
        {
            "brand_name": "France line",
            "stage": "full_member",
            "last_review": "2021-01-15",
            "due_on": "2024-01-15",
            "state": "due",
            "scheduled": False,
        },
        {
            "brand_name": "Belgium line",
            "stage": "provisional_member",
            "last_review": "2023-02-01",
            "due_on": "2024-02-01",
            "state": "due",
            "scheduled": False,
        },
    ]
    assert unreviewed(Y2023) == [
        {
            "brand_name": "Luxembourg line",
            "stage": "full_member",
            "joined_on": "2010-01-01",
            "first_due_on": "2011-01-01",
            "scheduled": False,
        }
    ]
    # With a 6-month provisional cycle Belgium was overdue at the end of 2023.
    assert [(row["brand_name"], row["due_on"], row["state"]) for row in due(Y2023, EUROPE, first=6)] == [
        ("Luxembourg line", "2010-07-01", "overdue"),
        ("Belgium line", "2023-08-01", "overdue"),
        ("France line", "2024-01-15", "due"),
    ]
    assert due(scope=AFRICA) == []


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
