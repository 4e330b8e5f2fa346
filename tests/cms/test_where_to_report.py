"""A country without a member hotline is not a dead end, and the site search leads to a country's
"where to report" entry in each language."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Locale

from cms.models import HotlineDirectoryPage, ReportingRoute
from network.models import AnonymousReports, Hotline
from tests.cms.factories import make_hotline, set_stage
from tests.cms.site import publish

pytestmark = pytest.mark.django_db


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def _route(language: str, name: str, *, key: uuid.UUID | None = None, **fields) -> ReportingRoute:
    route = ReportingRoute(
        locale=Locale.objects.get(language_code=language),
        translation_key=key or uuid.uuid4(),
        name=name,
        url=fields.pop("url", "https://report.example.org/"),
        **fields,
    )
    route.full_clean()
    route.save()
    return route


def _spanish_directory(site_tree) -> HotlineDirectoryPage:
    spanish = Locale.objects.get(language_code="es")
    home_es = site_tree.home.copy_for_translation(spanish).specific
    home_es.slug = "home-es"
    publish(home_es)
    directory_es = site_tree.directory.copy_for_translation(spanish).specific
    directory_es.title = "Dónde denunciar"
    directory_es.slug = "donde-denunciar"
    publish(directory_es)
    return directory_es


def test_an_uncovered_country_names_the_regional_hotlines_and_the_international_route(client, site_tree):
    make_hotline(
        "ZA",
        name="Southern Watch",
        description="Takes reports from across the region.",
        reporting_languages="en, af",
        anonymous_reports=AnonymousReports.YES,
        accepts_regional_reports=True,
    )
    make_hotline("KE", name="Kenya Line", accepts_regional_reports=False)  # same region, its own country only
    make_hotline("DE", name="Netzwache", accepts_regional_reports=True)  # another region
    _route("en", "Global Reporting Gateway", address="report@example.org", languages="en, fr", description="Anywhere.")

    html = _page(client, "/where-to-report/?country=TD")
    assert "There is no member hotline in Chad yet" in html
    assert "Hotlines in Sub-Saharan Africa that take reports from the whole region" in html
    assert "Southern Watch" in html and "based in South Africa" in html
    assert "Takes reports from across the region." in html
    assert "Reports in: English, Afrikaans" in html and "Reports can be anonymous" in html
    assert "Kenya Line" not in html and "Netzwache" not in html
    assert "Global Reporting Gateway" in html and "report@example.org" in html
    assert "Reports in: English, French" in html


def test_without_a_regional_hotline_the_route_is_still_named(client, site_tree):
    make_hotline("DE", name="Netzwache")
    _route("en", "Global Reporting Gateway")
    html = _page(client, "/where-to-report/?country=TD")
    assert "Global Reporting Gateway" in html and "Netzwache" not in html
    assert "Hotlines in Sub-Saharan Africa" not in html


def test_searching_the_directory_for_an_uncovered_country_opens_its_entry(client, site_tree):
    make_hotline("ZA", name="Southern Watch", accepts_regional_reports=True)
    html = _page(client, "/where-to-report/?q=chad")
    assert "There is no member hotline in Chad yet" in html and "Southern Watch" in html
    # Several uncovered countries match: each is offered.
    html = _page(client, "/where-to-report/?q=guinea")
    assert "?country=GN" in html and "?country=GW" in html and "?country=GQ" in html


def test_hotline_cards_show_description_languages_and_anonymity(client, site_tree):
    make_hotline(
        "DE",
        name="Netzwache",
        description="Reports about Germany.",
        reporting_languages="de, en",
        anonymous_reports=AnonymousReports.NO,
    )
    html = _page(client, "/where-to-report/")
    assert "Reports about Germany." in html
    assert "Reports in: German, English" in html and "Reporters give their name" in html
    # In French, language names are French.
    assert "Allemand" in _page(client, "/fr/ou-signaler/")


def test_routes_follow_the_visitors_language_with_the_default_as_fallback(client, site_tree):
    key = uuid.uuid4()
    _route("en", "Global Reporting Gateway", key=key)
    _route("fr", "Passerelle mondiale", key=key)
    _route("en", "Regional Helpdesk")  # not translated yet
    french = _page(client, "/fr/ou-signaler/?country=TD")
    assert "Passerelle mondiale" in french and "Global Reporting Gateway" not in french
    assert "Regional Helpdesk" in french
    english = _page(client, "/where-to-report/?country=TD")
    assert "Global Reporting Gateway" in english and "Passerelle mondiale" not in english


def test_a_route_needs_an_address_and_known_language_codes(site_tree):
    with pytest.raises(ValidationError) as error:
        _route("en", "Nowhere", url="", languages="en, xx")
    assert set(error.value.message_dict) == {"url", "languages"}


def test_cached_directory_pages_follow_new_routes_and_hotline_changes(client, site_tree):
    hotline = make_hotline("ZA", name="Southern Watch")
    assert "Southern Watch" not in _page(client, "/where-to-report/?country=TD")
    assert client.get("/where-to-report/?country=TD")["X-Page-Cache"] == "hit"

    hotline.accepts_regional_reports = True
    hotline.save()
    assert "Southern Watch" in _page(client, "/where-to-report/?country=TD")

    route = _route("en", "Global Reporting Gateway")
    assert "Global Reporting Gateway" in _page(client, "/where-to-report/?country=TD")
    route.name = "Worldwide Gateway"
    route.save()
    assert "Worldwide Gateway" in _page(client, "/where-to-report/?country=TD")
    route.delete()
    assert "Worldwide Gateway" not in _page(client, "/where-to-report/?country=TD")

    set_stage(hotline, Hotline.Stage.SUSPENDED)
    assert "Southern Watch" not in _page(client, "/where-to-report/?country=TD")


def test_site_search_leads_to_where_to_report_in_three_languages(client, site_tree):
    _spanish_directory(site_tree)
    make_hotline("DE", name="Netzwache")

    english = _page(client, "/search/?q=germany")
    assert '<a href="/where-to-report/?country=DE">Where to report in Germany</a>' in english
    french = _page(client, "/fr/search/?q=allemagne")
    assert "/fr/ou-signaler/?country=DE" in french and "Allemagne" in french
    spanish = _page(client, "/es/search/?q=alemania")
    assert "/es/donde-denunciar/?country=DE" in spanish and "Alemania" in spanish

    # A hotline's name leads to its home country's entry.
    by_name = _page(client, "/fr/search/?q=netzwa")
    assert "/fr/ou-signaler/?country=DE" in by_name and "Netzwache" in by_name

    # A country without a member hotline is found too: its entry says where to report instead.
    chad = _page(client, "/es/search/?q=chad")
    assert "/es/donde-denunciar/?country=TD" in chad
    assert "There is no member hotline" in _page(client, "/where-to-report/?country=TD")


def test_candidates_are_never_offered_by_the_site_search(client, site_tree):
    make_hotline("KE", name="Kenya Candidate", stage=Hotline.Stage.EXPLORING)
    html = _page(client, "/search/?q=kenya+candidate")
    assert "Kenya Candidate" not in html


def test_the_member_keeps_the_new_fields_in_its_portal_profile():
    from network.forms import PublicProfileForm

    fields = PublicProfileForm.base_fields
    assert {"reporting_languages", "anonymous_reports", "accepts_regional_reports", "description"} <= set(fields)


def test_reporting_languages_are_checked_and_normalised(site_tree):
    hotline = make_hotline("DE", name="Netzwache")
    hotline.reporting_languages = " DE, en,de "
    hotline.full_clean()
    assert hotline.reporting_languages == "de, en"
    hotline.reporting_languages = "de, qq"
    with pytest.raises(ValidationError) as error:
        hotline.full_clean()
    assert "qq" in str(error.value.message_dict["reporting_languages"])
