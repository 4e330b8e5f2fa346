"""What an indicator is computed for: a period and a scope. Pure values, no Django.

- `Period`: an inclusive date range. `None` instead of a period means "now" for snapshot
  indicators (members today) and "all time" for event counts (roundtables held).
- `Scope`: part of the network. Geography is a set of countries given as programme regions
  and/or country codes (a country is in when it matches either), optionally narrowed to UN M49
  regions and to a grant's coverage. No scope means the whole network.
- `GrantCoverage`: what a grant funds: its countries and, when known, the activities it paid for
  (roundtables, training events). A grant's scope narrows country-level figures to its countries
  and activity counts to its activities; donor reporting builds it from the grant records.

`Scope.key()` and `Period.key()` are stable strings for cache keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Period:
    """An inclusive date range."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"The period ends ({self.end}) before it starts ({self.start}).")

    def key(self) -> str:
        return f"{self.start.isoformat()}:{self.end.isoformat()}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class GrantCoverage:
    """The countries a grant covers and, when recorded, the activities it funded (ids).

    `roundtables` / `training_events` of None mean "not recorded per activity": activity counts are
    then narrowed by the grant's countries only.
    """

    code: str
    countries: frozenset[str]
    roundtables: frozenset[int] | None = None
    training_events: frozenset[int] | None = None

    def key(self) -> str:
        """The grant and a digest of what it covers: a change to its countries or funded activities is
        another key, wherever the coverage was read."""
        parts = [
            ",".join(sorted(self.countries)),
            "-" if self.roundtables is None else ",".join(map(str, sorted(self.roundtables))),
            "-" if self.training_events is None else ",".join(map(str, sorted(self.training_events))),
        ]
        return f"{self.code}/{hashlib.sha256('|'.join(parts).encode()).hexdigest()[:16]}"


@dataclass(frozen=True)
class Scope:
    """Hotlines, countries and activities in part of the network.

    A country is in scope when it is in one of `regions` (programme regions) or `countries` (ISO
    codes), or when neither is given; and, when given, when its UN M49 region is one of
    `world_regions` and it is one of the grant's countries.
    """

    regions: frozenset[str] = field(default_factory=frozenset)
    countries: frozenset[str] = field(default_factory=frozenset)
    world_regions: frozenset[str] = field(default_factory=frozenset)
    grant: GrantCoverage | None = None

    @classmethod
    def of(
        cls,
        *,
        regions: Iterable[str] = (),
        countries: Iterable[str] = (),
        world_regions: Iterable[str] = (),
        grant: GrantCoverage | None = None,
    ) -> Scope:
        return cls(
            frozenset(regions),
            frozenset(code.upper() for code in countries),
            frozenset(world_regions),
            grant,
        )

    @property
    def is_everything(self) -> bool:
        return not (self.regions or self.countries or self.world_regions or self.grant)

    def key(self) -> str:
        parts = [
            "r=" + ",".join(sorted(self.regions)),
            "c=" + ",".join(sorted(self.countries)),
            "w=" + ",".join(sorted(self.world_regions)),
            "g=" + (self.grant.key() if self.grant else ""),
        ]
        return ";".join(parts)


# An indicator's scope (`reports.models.Indicator.Scope`): what its metric is measured over.
GRANT_SCOPE = "grant"
NETWORK_SCOPE = "network"


def indicator_scope(kind: str, coverage: GrantCoverage, within: Scope | None = None) -> Scope | None:
    """The scope an indicator's metric is measured over: the grant's coverage, or the whole network
    (each narrowed to the regions and countries of `within`, a dashboard's filter, when given)."""
    base = within or Scope()
    if kind == GRANT_SCOPE:
        return Scope(base.regions, base.countries, base.world_regions, coverage)
    if kind != NETWORK_SCOPE:
        raise ValueError(f"Unknown indicator scope {kind!r}.")
    return None if base.is_everything else Scope(base.regions, base.countries, base.world_regions, None)


def period_key(period: Period | None) -> str:
    return period.key() if period else "-"


def scope_key(scope: Scope | None) -> str:
    return scope.key() if scope else "-"
