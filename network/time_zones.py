"""Countries' time zones, from the standard tz database (IANA), as Python's `zoneinfo` reads it.

A meeting's time is typed and shown in its own time zone; a country's *main* zone is the default.
The tz database lists each country's zones in `zone.tab` (shipped by the `tzdata` package, else the
system's `/usr/share/zoneinfo`); the main zone is the first one listed, except for the few
countries where that is not the capital's (`CAPITAL_ZONES`). Staff can change a country's zone.
"""

from __future__ import annotations

import functools
from datetime import datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# Where zone.tab's first zone for the country is not where its capital is.
CAPITAL_ZONES = {
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "UZ": "Asia/Tashkent",
}


def _zone_tab() -> str:
    try:
        return resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return Path("/usr/share/zoneinfo/zone.tab").read_text(encoding="utf-8")


@functools.cache
def main_zones() -> dict[str, str]:
    """{ISO 3166-1 alpha-2 code: main IANA zone} for every country the tz database lists."""
    zones: dict[str, str] = {}
    for line in _zone_tab().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _coordinates, zone, *_comment = line.split("\t")
        zones.setdefault(code, zone.strip())
    return zones | CAPITAL_ZONES


def main_zone(country_code: str) -> str:
    return main_zones().get(country_code.upper(), "UTC")


@functools.cache
def zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(available_timezones()) if "/" in name or name == "UTC"]


def is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file path
        return False
    return True


def zone_label(name: str, moment: datetime) -> str:
    """ "Asia/Kathmandu (UTC+05:45)": the zone and its offset at that moment."""
    offset = moment.astimezone(ZoneInfo(name)).strftime("%z")
    return f"{name} (UTC{offset[:3]}:{offset[3:]})"
