"""What the public site reads from the registry and the metrics.

Only public fields of member hotlines (provisional and full: `Hotline.objects.in_directory()`)
ever leave here: brand name, countries, public reporting page, description, the languages it takes
reports in, whether reports can be anonymous, whether it takes reports from the rest of its region.
Candidates appear only as a country status on the map, never by name. Every function runs a fixed number of queries,
whatever the number of hotlines.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pycountry
from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page

from core import dataversion
from network.models import Country, Hotline, ProgrammeRegion
from reports import metrics
from reports.metrics import Context, MetricValue, Period, Scope
from reports.selectors import Frames

# The models the public pages read besides their own content: the directory, the map, the facts
# page and every live figure. They make the "registry" data topic (`core.dataversion`), which the
# pages that show them put in their cache keys: a write to any other model (a dossier, a review, a
# grant) leaves every public page cached. tests/cms/test_cache_topics.py checks this set against the
# queries those pages run.
REGISTRY_MODELS = frozenset(
    {
        "network.Country",
        "network.Hotline",
        "network.Hotline_countries_served",
        "network.Analyst",
        "onboarding.StageChange",
        "onboarding.Roundtable",
    }
)
REGISTRY_TOPIC = "registry"
# What the public pages compute from the registry lives in the shared cache under the registry's data
# version and the day (a figure of "today" moves at midnight without any write): a page that misses
# the page cache for another reason (a page published, another language) reads it without a query.
REGISTRY_CACHE_SECONDS = 6 * 60 * 60


def _registry_prefix() -> str:
    return f"cms:registry:{dataversion.current(REGISTRY_TOPIC)}:{timezone.localdate().isoformat()}:"


def registry_cached[T](name: str, build: Callable[[], T]) -> T:
    """`build()`'s value (computed from the registry models only), cached until the registry changes."""
    key = _registry_prefix() + name
    found = cache.get(key)
    if found is None:
        # Stored as a one-tuple: a value of None is a value, not a miss.
        found = (build(),)
        cache.set(key, found, REGISTRY_CACHE_SECONDS)
    return found[0]


@lru_cache(maxsize=8)
def _iso3166_translation(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_name(code: str, fallback: str, *, language: str | None = None) -> str:
    """A country's name in the active language (ISO 3166 translations shipped with pycountry)."""
    language = (language or translation.get_language() or "en").split("-")[0]
    if language == "en":
        return fallback
    record = pycountry.countries.get(alpha_2=code)
    if record is None:
        return fallback
    catalogue = _iso3166_translation(language)
    # The everyday name ("Corée du Sud") where ISO has one, else the official short name.
    for english in (getattr(record, "common_name", None), record.name):
        if english and (translated := catalogue.gettext(english)) != english:
            return translated
    return fallback


def name_sort_key(name: str) -> str:
    """Sort "États-Unis" with the E's, not after Z."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def region_label(code: str) -> str:
    return str(ProgrammeRegion(code).label) if code in ProgrammeRegion.values else str(_("Other"))


# --- Where to report ------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryHotline:
    name: str
    reporting_url: str
    home_country: str
    description: str = ""
    # Names of the languages reports are taken in, in the visitor's language.
    languages: tuple[str, ...] = ()
    # "Reports can be anonymous" / "Reporters give their name", or "" when the hotline has not said.
    anonymous: str = ""


@dataclass(frozen=True)
class DirectoryCountry:
    code: str
    name: str
    region: str
    region_label: str
    hotlines: tuple[DirectoryHotline, ...]


@dataclass(frozen=True)
class ReportingRouteEntry:
    name: str
    url: str
    address: str
    languages: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class UncoveredCountry:
    """A country no member hotline serves, and where to report from it instead."""

    code: str
    name: str
    region_label: str
    # Member hotlines of its programme region that take reports from the rest of their region.
    regional_hotlines: tuple[DirectoryHotline, ...]
    routes: tuple[ReportingRouteEntry, ...]


@dataclass(frozen=True)
class Directory:
    countries: tuple[DirectoryCountry, ...]
    # Set when the visitor chose (or searched for) a country that no member hotline serves.
    uncovered: UncoveredCountry | None
    hotline_count: int
    # Other countries without a member hotline whose names match the visitor's search: (code, name).
    uncovered_matches: tuple[tuple[str, str], ...] = ()

    @property
    def uncovered_country(self) -> str | None:
        return self.uncovered.name if self.uncovered else None


@dataclass(frozen=True)
class _HotlineRow:
    name: str
    reporting_url: str
    home_code: str
    home_name: str
    home_region: str
    description: str
    languages: str
    anonymous: str
    regional: bool
    # Countries it takes reports for (code, name, programme region; its home country among them).
    served: tuple[tuple[str, str, str], ...]


def _directory_rows() -> list[_HotlineRow]:
    """Each member hotline's public fields and the countries it takes reports for."""
    rows = []
    hotlines = (
        Hotline.objects.in_directory()
        .select_related("country")
        .prefetch_related(Prefetch("countries_served", queryset=Country.objects.order_by("code")))
        .order_by("brand_name")
    )
    for hotline in hotlines:
        served = {c.code: (c.code, c.name, c.programme_region) for c in hotline.countries_served.all()}
        home = hotline.country
        served.setdefault(home.code, (home.code, home.name, home.programme_region))
        rows.append(
            _HotlineRow(
                hotline.brand_name,
                hotline.public_reporting_url,
                home.code,
                home.name,
                home.programme_region,
                hotline.description,
                hotline.reporting_languages,
                hotline.anonymous_reports,
                hotline.accepts_regional_reports,
                tuple(served.values()),
            )
        )
    return rows


@lru_cache(maxsize=8)
def _iso639_translation(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def language_names(codes: str, *, language: str | None = None) -> tuple[str, ...]:
    """The names of these ISO 639-1 codes ("en, fr") in the visitor's language."""
    from network.models import language_codes

    language = (language or translation.get_language() or "en").split("-")[0]
    catalogue = _iso639_translation(language) if language != "en" else None
    names = []
    for code in language_codes(codes):
        record = pycountry.languages.get(alpha_2=code)
        if record is None:
            continue
        names.append(catalogue.gettext(record.name) if catalogue else record.name)
    return tuple(names)


def _entry(row: _HotlineRow) -> DirectoryHotline:
    """A member hotline as the directory shows it, in the active language."""
    return _entry_in(row, translation.get_language() or "")


# A pure function of the row (its public fields, read under the registry's version) and the language:
# each process keeps the entries it built, so a page that misses the cache builds only what changed.
@lru_cache(maxsize=8192)
def _entry_in(row: _HotlineRow, language: str) -> DirectoryHotline:
    from network.models import AnonymousReports

    anonymous = str(AnonymousReports(row.anonymous).label) if row.anonymous in AnonymousReports.values else ""
    return DirectoryHotline(
        row.name,
        row.reporting_url,
        country_name(row.home_code, row.home_name),
        row.description,
        language_names(row.languages),
        anonymous,
    )


def _country_records() -> list[tuple[str, str, str]]:
    return list(Country.objects.order_by("code").values_list("code", "name", "programme_region"))


def reporting_routes() -> tuple[ReportingRouteEntry, ...]:
    """The international reporting routes staff keep, in the visitor's language (a route not
    translated yet is shown from the default language)."""
    from cms.models import ReportingRoute  # cms.models imports this module

    active = Locale.get_active()
    routes = list(ReportingRoute.objects.select_related("locale").order_by("sort_order", "name"))
    here = {route.translation_key for route in routes if route.locale_id == active.pk}
    default = Locale.get_default()
    chosen = [
        route
        for route in routes
        if route.locale_id == active.pk or (route.translation_key not in here and route.locale_id == default.pk)
    ]
    return tuple(
        ReportingRouteEntry(route.name, route.url, route.address, language_names(route.languages), route.description)
        for route in chosen
    )


def uncovered_country(code: str, name: str, programme_region: str, rows: list[_HotlineRow]) -> UncoveredCountry:
    regional = tuple(
        _entry(row) for row in rows if row.regional and programme_region and row.home_region == programme_region
    )
    return UncoveredCountry(
        code,
        country_name(code, name),
        region_label(programme_region) if programme_region else "",
        regional,
        reporting_routes(),
    )


def directory(*, query: str = "", country: str = "", region: str = "") -> Directory:
    """Member hotlines by the country they take reports for, filtered as the visitor asked. A chosen
    country that no member hotline serves (or the one such country a search names) is not a dead
    end: `uncovered` says where to report from it instead."""
    by_country: dict[str, list[DirectoryHotline]] = {}
    countries: dict[str, tuple[str, str, str]] = {}
    hotlines = registry_cached("directory-v2", _directory_rows)
    language = translation.get_language() or ""
    for row in hotlines:
        entry = _entry_in(row, language)
        for served_country in row.served:
            countries[served_country[0]] = served_country
            by_country.setdefault(served_country[0], []).append(entry)

    needle = name_sort_key(query.strip())  # accent- and case-insensitive
    country = country.strip().upper()
    rows: list[DirectoryCountry] = []
    for code, entries in by_country.items():
        _code, record_name, programme_region = countries[code]
        name = country_name(code, record_name)
        if country and code != country:
            continue
        if region and programme_region != region:
            continue
        if needle and not (
            needle in name_sort_key(name)
            or needle in name_sort_key(record_name)
            or any(needle in name_sort_key(entry.name) for entry in entries)
        ):
            continue
        rows.append(DirectoryCountry(code, name, programme_region, region_label(programme_region), tuple(entries)))
    rows.sort(key=lambda row: name_sort_key(row.name))
    uncovered = None
    matches: tuple[tuple[str, str], ...] = ()
    if not rows and (country or needle):
        records = registry_cached("countries", _country_records)
        if country:
            candidates = [record for record in records if record[0] == country]
        else:
            candidates = [
                record
                for record in records
                if record[0] not in by_country
                and (not region or record[2] == region)
                and (needle in name_sort_key(country_name(record[0], record[1])) or needle in name_sort_key(record[1]))
            ]
        if len(candidates) == 1:
            uncovered = uncovered_country(*candidates[0], hotlines)
        else:
            named = [(code, country_name(code, name)) for code, name, _region in candidates]
            matches = tuple(sorted(named, key=lambda item: name_sort_key(item[1])))[:20]
    return Directory(tuple(rows), uncovered, len(hotlines), matches)


def directory_search(query: str) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """For the site search: the countries whose name (in the visitor's language or in English)
    contains `query`, as (code, name), and the member hotlines whose name does, as (name, home
    country code, home country name). Both lead to a country's "where to report" entry."""
    needle = name_sort_key(query.strip())
    if len(needle) < 2:
        return [], []
    countries = [
        (code, country_name(code, name))
        for code, name, _region in registry_cached("countries", _country_records)
        if needle in name_sort_key(country_name(code, name)) or needle in name_sort_key(name)
    ]
    countries.sort(key=lambda item: name_sort_key(item[1]))
    hotlines = [
        (row.name, row.home_code, country_name(row.home_code, row.home_name))
        for row in registry_cached("directory-v2", _directory_rows)
        if needle in name_sort_key(row.name)
    ]
    return countries[:10], hotlines[:10]


def country_choices() -> tuple[tuple[str, str], ...]:
    """Every country, by its name in the active language (for the directory's filter)."""
    records = tuple((code, name) for code, name, _region in registry_cached("countries", _country_records))
    return _country_choices_in(records, translation.get_language() or "")


@lru_cache(maxsize=16)
def _country_choices_in(records: tuple[tuple[str, str], ...], language: str) -> tuple[tuple[str, str], ...]:
    rows = [(code, country_name(code, name)) for code, name in records]
    return tuple(sorted(rows, key=lambda row: name_sort_key(row[1])))


# --- Network map ----------------------------------------------------------------------------

MEMBER, CANDIDATE, NONE = "member", "candidate", "none"


@dataclass(frozen=True)
class CountryStatus:
    iso3: str
    name: str
    status: str


def _country_status_rows() -> list[tuple[str, str, str, str]]:
    members = Hotline.objects.members().values("pk")
    member_codes = set(Country.objects.filter(home_hotlines__in=members).values_list("code", flat=True)) | set(
        Country.objects.filter(hotlines_serving__in=members).values_list("code", flat=True)
    )
    candidate_codes = set(Hotline.objects.candidates().values_list("country_id", flat=True))
    return [
        (code, iso3, name, MEMBER if code in member_codes else CANDIDATE if code in candidate_codes else NONE)
        for code, iso3, name in Country.objects.values_list("code", "alpha3", "name")
    ]


def country_statuses() -> list[CountryStatus]:
    """Each country's place in the network: a member hotline reports for it, a candidate is being
    set up there, or neither."""
    statuses = [
        CountryStatus(iso3, country_name(code, name), status)
        for code, iso3, name, status in registry_cached("country-statuses", _country_status_rows)
    ]
    statuses.sort(key=lambda row: name_sort_key(row.name))
    return statuses


def status_labels() -> dict[str, str]:
    return {
        MEMBER: str(_("Member hotline")),
        CANDIDATE: str(_("Hotline being set up")),
        NONE: str(_("No hotline yet")),
    }


# --- Figures --------------------------------------------------------------------------------

FACTS_METRICS = (
    "member_hotlines",
    "full_members",
    "countries_covered",
    "analysts",
    "new_members",
    "hotlines_by_region",
)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str
    unit: str
    # The number as the public sees it (small counts suppressed); for a breakdown, its total.
    display: str
    breakdown: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FigureRequest:
    key: str
    start: date | None = None
    end: date | None = None
    region: str = ""


def _figure_cache_key(prefix: str, request: FigureRequest) -> str:
    return f"{prefix}figure:{request.key}:{request.start}:{request.end}:{request.region}"


def is_public_metric(key: str) -> bool:
    try:
        return metrics.get(key).public
    except KeyError:
        return False


def figure_values(requests: list[FigureRequest]) -> list[MetricValue]:
    """The values of these public metrics: from the shared cache, the missing ones computed together
    (the frames they read are loaded once)."""
    for request in requests:
        if not metrics.get(request.key).public:
            raise ValueError(f"The metric {request.key!r} is not public.")
    prefix = _registry_prefix()
    keys = [_figure_cache_key(prefix, request) for request in requests]
    # Stored as one-tuples: a value of None (no data) is a value, not a miss.
    found = {key: entry[0] for key, entry in cache.get_many(keys).items()}
    frames = None
    computed: dict[str, MetricValue] = {}
    for request, key in zip(requests, keys, strict=True):
        if key in found or key in computed:
            continue
        frames = frames if frames is not None else Frames()
        period = Period(request.start, request.end) if request.start and request.end else None
        scope = Scope.of(regions=[request.region]) if request.region else None
        computed[key] = metrics.evaluate(metrics.get(request.key), frames, Context.at(period=period, scope=scope))
    if computed:
        cache.set_many({key: (value,) for key, value in computed.items()}, REGISTRY_CACHE_SECONDS)
    return [found[key] if key in found else computed[key] for key in keys]


def _figure(request: FigureRequest, value: MetricValue) -> Figure:
    metric = metrics.get(request.key)
    people = metric.counts_people
    breakdown: tuple[tuple[str, str], ...] = ()
    if isinstance(value, dict):
        breakdown = tuple(
            (region_label(code), metrics.display_count(count, people=people)) for code, count in value.items()
        )
        display = metrics.display_count(sum(value.values()), people=people)
    else:
        display = metrics.display_count(value, people=people)
    return Figure(request.key, str(metric.label), str(metric.definition), str(metric.unit), display, breakdown)


def public_figure(key: str, *, start: date | None = None, end: date | None = None, region: str = "") -> Figure:
    """One public metric, ready to show with its definition. Small counts of people are not shown
    ("fewer than 5"); counts of hotlines and countries are."""
    request = FigureRequest(key, start, end, region)
    return _figure(request, figure_values([request])[0])


def facts_figures() -> list[Figure]:
    requests = [FigureRequest(key) for key in FACTS_METRICS]
    return [_figure(request, value) for request, value in zip(requests, figure_values(requests), strict=True)]


# -- site search ---------------------------------------------------------------------------------------
SEARCH_MAX_QUERY = 200
# Control characters (NUL among them: PostgreSQL refuses it, SQLite's full-text parser chokes).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def search_terms(raw: str) -> str:
    """A visitor's query as the search backend can take any of them: control characters become
    spaces, quotes come in pairs (an unpaired one is dropped, it would leave a phrase open), runs of
    spaces shrink, and it is at most SEARCH_MAX_QUERY characters. Empty when nothing is left."""
    text = _CONTROL.sub(" ", raw)[:SEARCH_MAX_QUERY]
    if text.count('"') % 2:
        cut = text.rfind('"')
        text = text[:cut] + text[cut + 1 :]
    return " ".join(text.split())


def pages_matching(*, query: str) -> QuerySet:
    """Live public pages in the active language that match `query` (already `search_terms`)."""
    pages = Page.objects.live().public().filter(locale=Locale.get_active()).specific()
    return pages.search(query)
