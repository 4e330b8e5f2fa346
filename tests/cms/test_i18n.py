"""English at /, French at /fr/, Spanish at /es/; the areas without a prefix follow the visitor's
choice; the compiled catalogues are current and cover the site, portal, donor area and emails."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation

from tests.cms.factories import make_hotline

pytestmark = pytest.mark.django_db


def test_a_french_url_serves_french_content(client, site_tree):
    response = client.get("/fr/")
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Réseau de hotlines" in html
    assert "Signalez les contenus trouvés en ligne." in html
    # Site chrome from the compiled French catalogue.
    assert "Aller au contenu principal" in html
    assert ">Accueil<" in html
    assert "Le réseau aujourd&#x27;hui" in html or "Le réseau aujourd'hui" in html
    assert "Hotlines membres" in html  # the live figure's label, from reports.metrics


def test_french_and_spanish_directory(client, site_tree):
    make_hotline("DE", name="Netzwache")
    html = client.get("/fr/ou-signaler/").content.decode()
    assert "Allemagne" in html and "Europe" in html
    assert "Où signaler, par pays" in html
    html = client.get("/fr/ou-signaler/?country=ES").content.decode()
    assert "Il n'y a pas encore de hotline membre pour ce pays : Espagne" in html.replace("&#x27;", "'")
    with translation.override("es"):
        from cms.selectors import region_label

        assert region_label("latin_america_caribbean") == "América Latina y el Caribe"


def test_english_stays_at_the_root_whatever_the_browser_prefers(client, site_tree):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get("/", headers={"accept-language": "fr"})
    assert '<html lang="en"' in response.content.decode()
    assert "Skip to main content" in response.content.decode()


def test_language_links_point_to_the_translated_page(client, site_tree):
    html = client.get("/where-to-report/").content.decode()
    assert '<a href="/fr/ou-signaler/" lang="fr" hreflang="fr">Français</a>' in html
    # No Spanish translation of the directory: the link goes to the Spanish home page if any, else
    # it is left out. Here there is no Spanish home page at all.
    assert 'hreflang="es">Español' not in html
    # A page without a French translation links to the French home page.
    assert '<a href="/fr/" lang="fr" hreflang="fr">Français</a>' in client.get("/about/").content.decode()
    # Public pages carry no form that needs a CSRF token (they are cached and shared).
    assert "csrfmiddlewaretoken" not in html


def test_portal_and_account_pages_follow_the_visitors_choice(client, site_tree):
    client.post("/i18n/setlang/", {"language": "es", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="es"' in html and "Ir al contenido principal" in html
    client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})
    assert "Aller au contenu principal" in client.get("/accounts/login/").content.decode()
    # Without a choice, the browser's preference.
    fresh = client.__class__()
    html = fresh.get("/accounts/login/", headers={"accept-language": "es"}).content.decode()
    assert '<html lang="es"' in html


def test_emails_are_translated(make_user):
    inviter = make_user(first_name="Ada", last_name="Admin")
    context = {
        "inviter": inviter,
        "site_name": "Hotline network",
        "role_label": "Editor",
        "target": "",
        "url": "https://example.org/x",
        "days": 14,
    }
    with translation.override("fr"):
        text = render_to_string("accounts/email/invitation.txt", context)
    assert "vous invite à utiliser l'outil Hotline network" in text
    assert "expire dans 14 jours" in text
    with translation.override("es"):
        text = render_to_string("accounts/email/invitation.txt", context)
    assert "le invita a la herramienta Hotline network" in text


def test_compiled_catalogues_are_current():
    call_command("compile_translations", "--check")


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_string_of_the_site_portal_shell_and_emails_is_translated(language):
    """Strings of cms, accounts and core (the public site, the portal and donor shells, emails), of the
    hotline portal (member and onboarding pages and views), of the donor area, of every email template, and
    of the models, forms, rules and services whose labels and messages a portal user reads."""
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"))
    owned = (
        "cms/",
        "accounts/",
        "core/",
        "reports/metrics",
        # The hotline portal: member hotline and onboarding pages and views.
        "network/portal",
        "network/templates/network/portal",
        "onboarding/portal",
        "onboarding/templates/onboarding/portal",
        # The donor area: a donor's grants, their published reports and the report verification page.
        "reports/donor/views.py",
        "reports/templates/reports/donors/",
        # Statuses, choices, validation and error messages a portal user sees, and email subjects.
        "network/models",  # the package (and the module it was)
        "network/forms.py",
        "network/services.py",
        "network/selectors.py",
        "onboarding/models",  # the models package (and the .po files' older references to models.py)
        "onboarding/forms.py",
        "onboarding/services",  # the services package (and the module it was)
        "onboarding/selectors",  # the selectors package (and the .po files' older references to selectors.py)
        "onboarding/workflow.py",
        "onboarding/gates.py",
        "onboarding/checklist_rules.py",
        "onboarding/reminders.py",
    )
    missing = [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete
        and any(
            path.startswith(owned) or ("/templates/" in path and "/email/" in path) for path, _line in entry.occurrences
        )
        and not entry.translated()
    ]
    assert missing == []


def test_country_names_in_the_visitors_language_sort_naturally():
    from cms.selectors import country_name, name_sort_key

    with translation.override("fr"):
        assert country_name("KR", "South Korea") == "Corée du Sud"
        assert country_name("US", "United States") == "États-Unis"
    with translation.override("es"):
        assert country_name("DE", "Germany") == "Alemania"
    assert country_name("DE", "Germany", language="en") == "Germany"
    assert sorted(["Zambie", "États-Unis", "Espagne"], key=name_sort_key) == ["Espagne", "États-Unis", "Zambie"]
