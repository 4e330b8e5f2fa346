"""Where to report: the directory follows the registry at once, despite the page cache."""

from __future__ import annotations

import re

import pytest

from cms.selectors import name_sort_key
from network.models import Country, Hotline
from tests.cms.factories import make_hotline, set_stage

pytestmark = pytest.mark.django_db


def _rows(client, query: str = "") -> str:
    response = client.get("/where-to-report/" + query)
    assert response.status_code == 200
    return response.content.decode()


def test_lists_member_hotlines_with_their_public_fields(client, site_tree):
    make_hotline("DE", name="Netzwache", url="https://netzwache.example.org/report")
    make_hotline("FR", name="Signal France", serves=("MC",), stage=Hotline.Stage.PROVISIONAL_MEMBER)
    make_hotline("GH", name="Ghana Candidate Hotline", stage=Hotline.Stage.OPERATIONAL_PREPARATION)
    html = _rows(client)
    assert '<a href="https://netzwache.example.org/report" rel="noopener">Netzwache</a>' in html
    assert "Germany" in html and "France" in html
    # A hotline appears under every country it serves.
    assert "Monaco" in html and html.count("Signal France") == 2
    # Candidates are never named.
    assert "Ghana Candidate Hotline" not in html


def test_suspended_and_ceased_hotlines_leave_at_once_despite_the_cache(client, site_tree):
    first = make_hotline("DE", name="Netzwache")
    second = make_hotline("AT", name="Alpine Hotline")
    assert "Netzwache" in _rows(client)
    cached = client.get("/where-to-report/")
    assert cached["X-Page-Cache"] == "hit"

    set_stage(first, Hotline.Stage.SUSPENDED)
    html = _rows(client)
    assert "Netzwache" not in html and "Alpine Hotline" in html

    set_stage(second, Hotline.Stage.CEASED)
    assert "Alpine Hotline" not in _rows(client)

    # Reinstated: back at once too.
    set_stage(first, Hotline.Stage.FULL_MEMBER)
    assert "Netzwache" in _rows(client)


def test_bulk_updates_that_bump_the_data_version_are_seen(client, site_tree):
    from core import dataversion

    hotline = make_hotline("DE", name="Netzwache")
    assert "Netzwache" in _rows(client)
    Hotline.objects.filter(pk=hotline.pk).update(stage=Hotline.Stage.SUSPENDED)
    dataversion.bump()
    assert "Netzwache" not in _rows(client)


def test_new_members_and_changed_reporting_pages_appear(client, site_tree):
    assert "Netzwache" not in _rows(client)
    hotline = make_hotline("DE", name="Netzwache", url="https://old.example.org/")
    assert "https://old.example.org/" in _rows(client)
    hotline.public_reporting_url = "https://new.example.org/"
    hotline.save()
    html = _rows(client)
    assert "https://new.example.org/" in html and "https://old.example.org/" not in html


def test_filter_by_country_region_and_text(client, site_tree):
    make_hotline("DE", name="Netzwache")
    make_hotline("KE", name="Kenya Safe Web")
    make_hotline("BR", name="Safer Brazil")

    html = _rows(client, "?country=KE")
    assert "Kenya Safe Web" in html and "Netzwache" not in html and "Safer Brazil" not in html

    html = _rows(client, "?region=europe")
    assert "Netzwache" in html and "Kenya Safe Web" not in html

    html = _rows(client, "?q=braz")
    assert "Safer Brazil" in html and "Netzwache" not in html
    html = _rows(client, "?q=netzw")
    assert "Netzwache" in html and "Safer Brazil" not in html

    html = _rows(client, "?q=nowhere-at-all")
    assert "No hotline matches your search" in html


def test_a_country_without_a_hotline_says_so(client, site_tree):
    make_hotline("DE", name="Netzwache")
    make_hotline("TD", name="Chad Candidate", stage=Hotline.Stage.EXPLORING)
    html = _rows(client, "?country=TD")
    assert "There is no member hotline in Chad yet" in html
    assert "Report to a neighbouring country" in html
    assert "Netzwache" not in html and "Chad Candidate" not in html


def test_french_directory_shows_french_country_names(client, site_tree):
    make_hotline("DE", name="Netzwache")
    html = client.get("/fr/ou-signaler/?country=ES").content.decode()
    assert "Allemagne" in client.get("/fr/ou-signaler/").content.decode()
    # Searching is accent- and case-insensitive, in the visitor's language and in English.
    make_hotline("US", name="Safer States")
    assert "Safer States" in client.get("/fr/ou-signaler/?q=etats").content.decode()
    assert "Safer States" in client.get("/fr/ou-signaler/?q=UNITED").content.decode()
    assert "Il n’y a pas encore de hotline membre en Espagne" in html or "Espagne" in html


def test_the_whole_table_is_rendered_once_per_registry_version_and_language(client, site_tree, settings, monkeypatch):
    """The unfiltered table is the same for every visitor in a language until the registry changes: a
    page that misses the page cache for another reason (a page published, the benchmark's misses)
    reuses it without reading the directory, and a registry change renders it again at once."""
    from django.template.loader_tags import IncludeNode

    from cms import selectors

    settings.BENCH_PAGE_CACHE_MISS = True
    make_hotline("DE", name="Netzwache")
    tables: list[str] = []
    reads: list[str] = []
    render, directory = IncludeNode.render, selectors.directory

    def note(self, context):
        if "directory_table" in str(self.template.var):
            tables.append(context.get("LANGUAGE_CODE") or "")
        return render(self, context)

    def read(**filters):
        reads.append(filters["query"])
        return directory(**filters)

    monkeypatch.setattr(IncludeNode, "render", note)
    monkeypatch.setattr(selectors, "directory", read)
    first = _rows(client)
    assert "Netzwache" in first and len(tables) == 1 and reads == [""]
    again = client.get("/where-to-report/", HTTP_X_BENCH_CACHE="miss")
    assert again["X-Page-Cache"] == "miss" and again.content == first.encode()
    assert len(tables) == 1 and reads == [""], "the table came from the cache, the directory was not read"
    assert "Netzwache" in _rows(client, "?q=netz") and len(tables) == 2  # filtered: rendered

    make_hotline("FR", name="Signal France")
    assert "Signal France" in _rows(client) and len(tables) == 3
    assert "Signal France" in _rows(client) and len(tables) == 3
    assert "Netzwache" in client.get("/fr/ou-signaler/").content.decode()
    assert len(tables) == 4  # French: its own table


def test_each_entry_follows_its_hotline_and_the_visitors_language(client, site_tree):
    """A hotline's entry is built once per language and kept while its public fields stay the same: the
    visitor still reads it in their own language, and a change to it shows at once."""
    hotline = make_hotline("DE", name="Netzwache", reporting_languages="de")
    assert "Reports in: German" in _rows(client)
    assert "Allemand" in client.get("/fr/ou-signaler/").content.decode()
    assert "Reports in: German" in _rows(client)
    hotline.reporting_languages = "de, en"
    hotline.save()
    assert "Reports in: German, English" in _rows(client)
    assert "Allemand, Anglais" in client.get("/fr/ou-signaler/").content.decode()


def test_the_country_filter_lists_every_country_by_name_and_marks_the_chosen_one(client, site_tree):
    page = _rows(client, "?country=FR")
    options = re.findall(r'<option value="([A-Z]{2})"( selected)?>([^<]*)</option>', page)
    assert len(options) == Country.objects.count()
    assert [code for code, chosen, _name in options if chosen] == ["FR"]
    names = [name for _code, _chosen, name in options]
    assert names == sorted(names, key=name_sort_key)
    assert ("CI", "", "Côte d&#x27;Ivoire") in options  # escaped as the page escapes text
    french = client.get("/fr/ou-signaler/").content.decode()
    assert '<option value="DE">Allemagne</option>' in french
