"""Reads for grants: the dashboards' grant filter (choices, a grant's coverage as a scope), the events
a grant's activities leave out, and the names of indicator statuses and scopes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Q,
)
from django.utils.translation import gettext_lazy

from network.models import (
    Country,
    TrainingEvent,
)
from onboarding.models import (
    Roundtable,
)
from reports.donor import report_data
from reports.models import Activity, Grant, Indicator
from reports.scope import GrantCoverage


# -- Grants -----------------------------------------------------------------------------------
# The dashboards' grant filter reads these: the choices, and a grant's coverage as a scope.
def grant_options(*, user: Any) -> list[tuple[str, str]]:
    """(code, label) of the grants `user` may filter by."""
    return [(code, f"{code}: {title}") for code, title in Grant.objects.visible_to(user).values_list("code", "title")]


def grant_coverage(*, code: str, user: Any) -> GrantCoverage:
    grant = Grant.objects.visible_to(user).filter(code=code).first()
    if grant is None:
        raise LookupError(f"No grant with the code {code!r}.")
    return grant_coverage_of(grant=grant)


def grant_coverage_of(*, grant: Any) -> GrantCoverage:
    """The grant's countries and the roundtables and training events its activities are linked to
    (None for a kind of event no activity links: then its countries alone narrow the counts); a grant
    without countries covers them all. Three or four queries."""
    countries = frozenset(grant.countries.values_list("code", flat=True))
    if not countries:
        # A grant without countries in scope (an operating grant for the whole network) covers every country.
        countries = frozenset(Country.objects.values_list("code", flat=True))
    roundtables = frozenset(
        Activity.roundtables.through.objects.filter(activity__grant=grant).values_list("roundtable_id", flat=True)
    )
    training_events = frozenset(
        Activity.training_events.through.objects.filter(activity__grant=grant).values_list(
            "trainingevent_id", flat=True
        )
    )
    return GrantCoverage(
        code=grant.code,
        countries=countries,
        roundtables=roundtables or None,
        training_events=training_events or None,
    )


@dataclass(frozen=True)
class UnlinkedEvents:
    """Events in a grant's countries and span that none of its activities links: what its figures leave
    out once it links some (while it links none of a kind, every such event counts by country)."""

    roundtables: list[Roundtable]
    training_events: list[TrainingEvent]
    links_roundtables: bool
    links_training_events: bool


def grant_unlinked_events(*, grant: Any, limit: int = 50) -> UnlinkedEvents:
    """Roundtables (not cancelled) in the grant's countries, and training events held there or attended by
    participants from there, within the grant's span, that no activity of the grant links (the first
    `limit` of each, soonest first). A fixed number of queries."""
    coverage = grant_coverage_of(grant=grant)
    countries = list(coverage.countries)
    start, end = grant.starts_on, grant.ends_on
    roundtables = (
        Roundtable.objects.exclude(status=Roundtable.Status.CANCELLED)
        .filter(country_id__in=countries, starts_at__date__range=(start, end))
        .exclude(grant_activities__grant=grant)
        .select_related("country")
        .order_by("starts_at", "pk")
    )
    from_countries = (
        Q(country_id__in=countries)
        | Q(participations__analyst__hotline__country_id__in=countries)
        | Q(participations__organisation__country_id__in=countries)
    )
    events = (
        TrainingEvent.objects.filter(from_countries, starts_on__lte=end, ends_on__gte=start)
        .exclude(grant_activities__grant=grant)
        .select_related("course", "country")
        .distinct()
        .order_by("starts_on", "pk")
    )
    return UnlinkedEvents(
        roundtables=list(roundtables[:limit]),
        training_events=list(events[:limit]),
        links_roundtables=coverage.roundtables is not None,
        links_training_events=coverage.training_events is not None,
    )


# Where an indicator stands, named in the reader's language (the keys are report_data's statuses).
INDICATOR_STATUS_TEXT = {
    report_data.ACHIEVED: gettext_lazy("Target achieved"),
    report_data.ON_TRACK: gettext_lazy("On track"),
    report_data.AT_RISK: gettext_lazy("At risk"),
    report_data.BEHIND: gettext_lazy("Behind"),
}
# An indicator's scope, named in the reader's language (the keys are `Indicator.Scope`'s).
INDICATOR_SCOPE_TEXT = dict(Indicator.Scope.choices)
