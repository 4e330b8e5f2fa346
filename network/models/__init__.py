"""The network registry: countries, organisations, people, hotlines, analysts, training, capacity.

The toolkit never stores abuse material, report contents or content URLs: statistics are
aggregate numbers per hotline and period, analysts are pseudonymous codes. One module per part:
`registry` (countries, organisations, contacts), `hotlines` (and analysts), `training`,
`capacity` (annual profiles, statistics returns); each depends only on the ones before it.
"""

from network.models.capacity import HotlineAnnualProfile, HotlineStatistics, StatisticsMessage, percentage
from network.models.hotlines import (
    ANALYST_CODE,
    Analyst,
    AnalystQuerySet,
    AnonymousReports,
    Hotline,
    HotlineQuerySet,
    HotlineScopedQuerySet,
    analyst_working_on,
    is_language_code,
    language_codes,
)
from network.models.registry import (
    Contact,
    ContactQuerySet,
    Country,
    CountryQuerySet,
    Organisation,
    OrganisationQuerySet,
    ProgrammeRegion,
    Sector,
)
from network.models.training import (
    TrainingCourse,
    TrainingCourseQuerySet,
    TrainingEvent,
    TrainingEventQuerySet,
    TrainingParticipation,
    TrainingParticipationQuerySet,
    add_months,
)

__all__ = [
    "ANALYST_CODE",
    "Analyst",
    "AnalystQuerySet",
    "AnonymousReports",
    "Contact",
    "ContactQuerySet",
    "Country",
    "CountryQuerySet",
    "Hotline",
    "HotlineAnnualProfile",
    "HotlineQuerySet",
    "HotlineScopedQuerySet",
    "HotlineStatistics",
    "Organisation",
    "OrganisationQuerySet",
    "ProgrammeRegion",
    "Sector",
    "StatisticsMessage",
    "TrainingCourse",
    "TrainingCourseQuerySet",
    "TrainingEvent",
    "TrainingEventQuerySet",
    "TrainingParticipation",
    "TrainingParticipationQuerySet",
    "add_months",
    "analyst_working_on",
    "is_language_code",
    "language_codes",
    "percentage",
]
