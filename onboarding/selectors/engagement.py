"""Reads of engagement: stakeholder coverage per country, agreements expiring and open action items, and
the roundtables' calendar. Every function that serves a user starts from `visible_to(user)`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import (
    Contact,
    Country,
    Hotline,
    Organisation,
    Sector,
)
from onboarding.models import (
    ActionItem,
    Agreement,
    AgreementParty,
    Roundtable,
    RoundtableParticipant,
)

# -- Stakeholder coverage ---------------------------------------------------------------------
# Sectors every country needs at the table; a gap is one of these that nobody from attended.
EXPECTED_SECTORS: tuple[str, ...] = (
    Sector.LAW_ENFORCEMENT,
    Sector.GOVERNMENT,
    Sector.INDUSTRY_ISP,
    Sector.INDUSTRY_HOSTING,
    Sector.INDUSTRY_PLATFORM,
    Sector.INDUSTRY_MOBILE,
    Sector.NGO,
)
COVERAGE_LEVELS = ("invited", "attended", "committed", "agreement_signed")


def coverage_level_labels() -> dict[str, str]:
    return {
        "invited": _("Invited"),
        "attended": _("Attended"),
        "committed": _("Committed"),
        "agreement_signed": _("Agreement signed"),
        "": _("None yet"),
    }


@dataclass(frozen=True)
class CoverageCell:
    sector: str
    invited: int = 0
    attended: int = 0
    committed: int = 0
    agreement_signed: int = 0

    @property
    def expected(self) -> bool:
        return self.sector in EXPECTED_SECTORS

    @property
    def gap(self) -> bool:
        return self.expected and self.attended == 0 and self.agreement_signed == 0

    @property
    def level(self) -> str:
        """The furthest status any organisation of this sector has reached ("" for none)."""
        return next((name for name in reversed(COVERAGE_LEVELS) if getattr(self, name)), "")

    @property
    def sector_label(self) -> str:
        return str(Sector(self.sector).label)


@dataclass(frozen=True)
class CountryCoverage:
    country: Country
    cells: list[CoverageCell]

    @property
    def gaps(self) -> list[CoverageCell]:
        return [cell for cell in self.cells if cell.gap]


def coverage(
    *,
    user: Any,
    country: Country | None = None,
    today: date | None = None,
    candidates_only: bool = False,
    region: str = "",
) -> list[CountryCoverage]:
    """Sector x status counts of distinct organisations, per country: every country with a roundtable
    (not cancelled), an agreement in force or a candidate, or just `country`; `candidates_only` keeps
    the countries with a candidate in the lifecycle, `region` those of one programme region. The
    stakeholder coverage dashboard computes the same cells from its frames
    (`reports.aggregations.coverage_cells`; a parity test runs both on the same rows). A fixed number of
    queries whatever the number of countries."""
    today = today or timezone.localdate()
    roundtables = Roundtable.objects.visible_to(user).exclude(status=Roundtable.Status.CANCELLED)
    participants = RoundtableParticipant.objects.filter(roundtable__in=roundtables)
    agreements = Agreement.objects.visible_to(user).in_force(today)
    if country is not None:
        participants = participants.filter(roundtable__country=country)
        agreements = agreements.filter(country=country)
        countries = [country]
    else:
        with_candidates = Hotline.objects.visible_to(user).candidates().values("country_id")
        with_agreements = AgreementParty.objects.filter(agreement__in=agreements).values("agreement__country_id")
        chosen = Country.objects.filter(
            Q(pk__in=roundtables.values("country_id")) | Q(pk__in=with_candidates) | Q(pk__in=with_agreements)
        )
        if candidates_only:
            chosen = chosen.filter(pk__in=with_candidates)
        if region:
            chosen = chosen.filter(programme_region=region)
        countries = list(chosen.order_by("name"))
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    rows = participants.values("roundtable__country_id", "sector").annotate(
        invited=Count("organisation", distinct=True),
        attended=Count("organisation", filter=Q(status=RoundtableParticipant.Status.ATTENDED), distinct=True),
        committed=Count("organisation", filter=Q(committed=True), distinct=True),
    )
    for row in rows:
        counts[(row["roundtable__country_id"], row["sector"])].update(
            invited=row["invited"], attended=row["attended"], committed=row["committed"]
        )
    signed = (
        AgreementParty.objects.filter(agreement__in=agreements)
        .values("agreement__country_id", "sector")
        .annotate(n=Count("organisation", distinct=True))
    )
    for row in signed:
        counts[(row["agreement__country_id"], row["sector"])]["agreement_signed"] = row["n"]
    return [
        CountryCoverage(
            country=c,
            cells=[CoverageCell(sector=sector, **counts.get((c.pk, sector), {})) for sector in Sector.values],
        )
        for c in countries
    ]


# -- Lists ------------------------------------------------------------------------------------
def agreements_expiring(*, user: Any, within_days: int = 90, today: date | None = None) -> list[Agreement]:
    return list(
        Agreement.objects.visible_to(user)
        .expiring(within_days=within_days, on=today)
        .select_related("country", "hotline")
        .prefetch_related("parties__organisation")
        .order_by("expires_on", "reference")
    )


def open_action_items(*, user: Any, today: date | None = None) -> list[ActionItem]:
    today = today or timezone.localdate()
    return list(
        ActionItem.objects.visible_to(user)
        .open()
        .select_related("roundtable__country", "roundtable__hotline", "owner_user", "owner_organisation")
        .order_by("due_on", "id")
    )


# -- Calendar ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    start: datetime | date
    end: datetime | date
    description: str = ""
    location: str = ""
    cancelled: bool = False
    updated: datetime | None = None


def roundtable_event(roundtable: Roundtable) -> CalendarEvent:
    """The .ics event: start and end as instants (UTC), the local time and zone written out too."""
    lines = [_("Local time: %(when)s") % {"when": roundtable.when_label}, roundtable.get_format_display()]
    if roundtable.hotline_id:
        lines.append(_("Candidate: %(hotline)s") % {"hotline": roundtable.hotline})
    if roundtable.agenda:
        lines += ["", _("Agenda:"), roundtable.agenda]
    return CalendarEvent(
        uid=f"roundtable-{roundtable.pk}@onboarding",
        summary=_("Roundtable: %(title)s") % {"title": roundtable.title},
        start=roundtable.starts_at,
        end=roundtable.end,
        description="\n".join(str(line) for line in lines),
        location=roundtable.venue,
        cancelled=roundtable.status == Roundtable.Status.CANCELLED,
        updated=roundtable.updated_at,
    )


def calendar_events_for(*, user: Any, now: datetime | None = None, past_days: int = 180) -> list[CalendarEvent]:
    """A staff member's feed: roundtables (recent and upcoming) and the open action items they own."""
    now = now or timezone.now()
    roundtables = (
        Roundtable.objects.visible_to(user)
        .filter(starts_at__gte=now - timedelta(days=past_days))
        .select_related("hotline")
        .order_by("starts_at")
    )
    events = [roundtable_event(r) for r in roundtables]
    for item in ActionItem.objects.visible_to(user).open().filter(owner_user=user).select_related("roundtable"):
        events.append(
            CalendarEvent(
                uid=f"action-item-{item.pk}@onboarding",
                summary=_("Due: %(title)s") % {"title": item.title},
                start=item.due_on,
                end=item.due_on + timedelta(days=1),
                description=_("Agreed at: %(roundtable)s") % {"roundtable": item.roundtable.title},
            )
        )
    return events


# The sector an organisation of each type usually takes part as (a suggestion staff may change).
SECTOR_OF_TYPE = {
    Organisation.Type.NGO: Sector.NGO,
    Organisation.Type.GOVERNMENT: Sector.GOVERNMENT,
    Organisation.Type.LAW_ENFORCEMENT: Sector.LAW_ENFORCEMENT,
    Organisation.Type.REGULATOR: Sector.REGULATOR,
    Organisation.Type.ACADEMIA: Sector.ACADEMIA,
    Organisation.Type.INTERNATIONAL_ORG: Sector.INTERNATIONAL_ORG,
    Organisation.Type.DONOR: Sector.DONOR,
}


@dataclass(frozen=True)
class Invitable:
    organisation: Organisation
    # The sector its contacts are recorded in most often, else the one its type suggests ("" if none).
    suggested_sector: str


def invitable_organisations(
    *, roundtable: Roundtable, user: Any, country: Country | None = None, query: str = "", limit: int = 200
) -> list[Invitable]:
    """Organisations of `country` (the roundtable's by default) not invited to it yet, matching `query`
    (name), each with a suggested sector; at most `limit`, by name."""
    organisations = (
        Organisation.objects.visible_to(user)
        .filter(country=country or roundtable.country)
        .exclude(roundtable_participations__roundtable=roundtable, roundtable_participations__contact__isnull=True)
        .order_by("name")
    )
    if query.strip():
        organisations = organisations.filter(name__icontains=query.strip())
    chosen = list(organisations[:limit])
    sectors: dict[int, Counter[str]] = defaultdict(Counter)
    rows = Contact.objects.filter(organisation__in=chosen).exclude(sector="").values_list("organisation_id", "sector")
    for organisation_id, sector in rows:
        sectors[organisation_id][sector] += 1
    return [
        Invitable(
            organisation,
            sectors[organisation.pk].most_common(1)[0][0]
            if sectors[organisation.pk]
            else SECTOR_OF_TYPE.get(organisation.type, ""),
        )
        for organisation in chosen
    ]
