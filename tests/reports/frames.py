"""Hand-built frames for aggregation tests: rows given as dicts, shaped by the selectors' columns."""

from __future__ import annotations

from typing import Any

import pandas as pd

from reports import aggregations, selectors

DEFAULTS = {"str": "", "int": None, "float": None, "bool": False, "date": None, "datetime": None}

COLUMNS = {
    "hotlines": selectors.HOTLINE_COLUMNS,
    "hotline_countries": selectors.HOTLINE_COUNTRY_COLUMNS,
    "stage_changes": selectors.STAGE_CHANGE_COLUMNS,
    "analysts": selectors.ANALYST_COLUMNS,
    "participations": selectors.PARTICIPATION_COLUMNS,
    "training_events": selectors.TRAINING_EVENT_COLUMNS,
    "roundtables": selectors.ROUNDTABLE_COLUMNS,
    "roundtable_participants": selectors.PARTICIPANT_COLUMNS,
    "agreements": selectors.AGREEMENT_COLUMNS,
    "agreement_parties": selectors.AGREEMENT_PARTY_COLUMNS,
    "statistics": selectors.STATISTICS_COLUMNS,
    "country_assessments": selectors.TARGET_COUNTRY_COLUMNS,
    "assessment_actions": selectors.ASSESSMENT_ACTION_COLUMNS,
}

# Countries used in the tests: code -> (name, programme region, UN M49 region).
COUNTRIES = {
    "BE": ("Belgium", "europe", "Europe"),
    "DE": ("Germany", "europe", "Europe"),
    "FR": ("France", "europe", "Europe"),
    "LU": ("Luxembourg", "europe", "Europe"),
    "KE": ("Kenya", "sub_saharan_africa", "Africa"),
    "GH": ("Ghana", "sub_saharan_africa", "Africa"),
    "NP": ("Nepal", "south_asia", "Asia"),
    "BR": ("Brazil", "latin_america_caribbean", "Americas"),
    "ZM": ("Zambia", "sub_saharan_africa", "Africa"),
}


def geo(code: str, prefix: str = "") -> dict[str, str]:
    """The geography columns of a row in `code` (`prefix` for e.g. "served_")."""
    name, region, world = COUNTRIES[code]
    return {
        f"{prefix}country": code,
        f"{prefix}country_name": name,
        f"{prefix}programme_region": region,
        f"{prefix}world_region": world,
    }


def frame(name: str, rows: list[dict[str, Any]] = ()) -> pd.DataFrame:
    """A frame `name` as its selector returns it; unknown keys in a row are an error."""
    columns = COLUMNS[name]
    names = {column.name for column in columns}
    for row in rows:
        unknown = set(row) - names
        assert not unknown, f"{name}: unknown columns {unknown}"
    records = [tuple(row.get(column.name, DEFAULTS[column.kind]) for column in columns) for row in rows]
    return selectors._frame(records, columns)


def empty_frames() -> dict[str, pd.DataFrame]:
    frames = {name: frame(name) for name in COLUMNS}
    frames["training_places"] = aggregations.training_places(
        frames["participations"], frames["training_events"], frames["analysts"]
    )
    frames["assessments"] = aggregations.assessments_of(frames["assessment_actions"])
    frames["corrective_actions"] = aggregations.corrective_actions_of(frames["assessment_actions"])
    return frames
