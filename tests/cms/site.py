"""A small public site: English pages of every type, French home and directory pages.

The public site's tests share one copy per run (`site_tree_in_database`, a data set of
`tests/migrated.py`): building it publishes a dozen pages, about half a second each time.
"""

from __future__ import annotations

import io
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test.utils import override_settings
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page, Site

from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    Audience,
    CampaignPage,
    FactsPage,
    HomePage,
    HotlineDirectoryPage,
    NetworkMapPage,
    ProjectPage,
    ResourceDocument,
    ResourceIndexPage,
    ResourcePage,
    StandardPage,
)
from tests import migrated
from tests.demo import storage_settings


def stream(*blocks: tuple[str, Any]) -> list[dict[str, Any]]:
    return [{"type": kind, "value": value, "id": str(uuid.uuid4())} for kind, value in blocks]


def publish(page: Page) -> Page:
    page.save_revision().publish()
    return page


def add(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    return publish(page)


def make_document(title: str = "Guide") -> Any:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, title)
    pdf.save()
    document = get_document_model()(title=title)
    document.file.save("guide.pdf", ContentFile(buffer.getvalue()), save=False)
    document.save()
    return document


@dataclass
class SiteTree:
    home: HomePage
    about: StandardPage
    news: ArticleIndexPage
    article: ArticlePage
    directory: HotlineDirectoryPage
    facts: FactsPage
    map: NetworkMapPage
    resources: ResourceIndexPage
    resource: ResourcePage
    campaign: CampaignPage
    project: ProjectPage
    home_fr: HomePage
    directory_fr: HotlineDirectoryPage

    def reload(self, page: Page) -> Page:
        return page.specific_class.objects.get(pk=page.pk)


def build_site_tree() -> SiteTree:
    """English pages of every type, and French home and directory pages (also used by browser tests)."""
    Site.objects.all().delete()
    Page.objects.filter(depth=2).delete()  # Wagtail's welcome page
    root = Page.get_first_root_node()
    home = HomePage(
        title="Hotline network",
        slug="home",
        intro="Report child sexual abuse material found online.",
        figures=stream(("figure", {"metric": "member_hotlines", "start": None, "end": None, "region": ""})),
    )
    root.add_child(instance=home)
    publish(home)
    Site.objects.create(
        hostname="testserver", port=80, root_page=home, is_default_site=True, site_name="Hotline network"
    )

    about = add(
        home,
        StandardPage(
            title="About the network",
            slug="about",
            show_in_menus=True,
            intro="Who we are.",
            body=stream(
                ("paragraph", "<p>Member hotlines assess reports.</p>"),
                ("quote", {"quote": "No country without a hotline.", "attribution": "Mission"}),
            ),
        ),
    )
    news = add(home, ArticleIndexPage(title="News", slug="news", show_in_menus=True))
    document = make_document()
    directory = add(
        home,
        HotlineDirectoryPage(
            title="Where to report",
            slug="where-to-report",
            show_in_menus=True,
            intro="<p>Find your hotline.</p>",
            no_hotline_text="<p>Report to a neighbouring country's hotline.</p>",
        ),
    )
    article = add(
        news,
        ArticlePage(
            title="How a hotline handles your report",
            slug="how-a-hotline-works",
            category="education",
            summary="From report to removal.",
            date=date(2026, 3, 1),
            body=stream(
                ("paragraph", "<p>Analysts assess each report.</p>"),
                ("quote", {"quote": "Every report counts.", "attribution": "An analyst"}),
                (
                    "call_to_action",
                    {
                        "title": "Found something?",
                        "text": "Report it.",
                        "page": directory.pk,
                        "url": "",
                        "button_label": "Where to report",
                    },
                ),
                ("document", {"document": document.pk, "title": "Our reporting guide"}),
                ("live_figure", {"metric": "countries_covered", "start": None, "end": None, "region": ""}),
            ),
        ),
    )
    article.tags.add("reporting")
    publish(article)
    facts = add(home, FactsPage(title="Facts and figures", slug="facts", intro="<p>Live figures.</p>"))
    network_map = add(home, NetworkMapPage(title="Network map", slug="map"))
    resources = add(home, ResourceIndexPage(title="Resources", slug="resources"))
    resource = ResourcePage(title="How to report safely", slug="report-safely", kind="guide", summary="Do and don't.")
    resources.add_child(instance=resource)
    resource.audiences.set(Audience.objects.filter(code="public"))
    ResourceDocument.objects.create(resource=resource, document=document, sort_order=0)
    publish(resource)
    campaign = CampaignPage(
        title="Report, don't share",
        slug="report-dont-share",
        summary="A campaign.",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        channels=["social_media", "press"],
    )
    home.add_child(instance=campaign)
    campaign.audiences.set(Audience.objects.filter(code__in=["public", "ngo"]))
    publish(campaign)
    project = add(
        home,
        ProjectPage(
            title="Network expansion",
            slug="network-expansion",
            summary="New hotlines through country roundtables.",
            start_date=date(2025, 1, 1),
            end_date=date(2027, 12, 31),
            objectives=stream(("objective", "Hold roundtables in each country.")),
            figures=stream(
                ("figure", {"metric": "new_members", "start": "2025-01-01", "end": "2027-12-31", "region": ""})
            ),
        ),
    )

    french = Locale.objects.get(language_code="fr")
    home_fr = home.copy_for_translation(french).specific
    home_fr.title = "Réseau de hotlines"
    home_fr.slug = "home-fr"
    home_fr.intro = "Signalez les contenus trouvés en ligne."
    publish(home_fr)
    directory_fr = directory.copy_for_translation(french).specific
    directory_fr.title = "Où signaler"
    directory_fr.slug = "ou-signaler"
    publish(directory_fr)
    return SiteTree(
        home=home,
        about=about,
        news=news,
        article=article,
        directory=directory,
        facts=facts,
        map=network_map,
        resources=resources,
        resource=resource,
        campaign=campaign,
        project=project,
        home_fr=HomePage.objects.get(pk=home_fr.pk),
        directory_fr=HotlineDirectoryPage.objects.get(pk=directory_fr.pk),
    )


# -- one site tree per run ------------------------------------------------------------------------------
DATA_SET = "site_tree"


def site_tree_pages() -> dict[str, int]:
    """Build the site tree and name its pages by primary key (what a data set keeps between workers)."""
    tree = build_site_tree()
    return {field.name: getattr(tree, field.name).pk for field in fields(SiteTree)}


@contextmanager
def site_tree_in_database(root: Path) -> Iterator[dict[str, int]]:
    """The site tree in the database, with its document's file under `root`, until the context ends:
    built once per run where data sets are copied (`tests/migrated.py`), else inside a transaction
    that is rolled back afterwards (tests run in nested savepoints). Yields its pages' keys."""
    with override_settings(**storage_settings(root)), migrated.database_with(DATA_SET, site_tree_pages) as pages:
        yield pages


def load_site_tree(pages: dict[str, int], root: Path) -> SiteTree:
    """The site tree's pages read afresh (a test may change them), with the documents' files copied
    from `root` into the test's own storage."""
    for document in get_document_model().objects.all():
        source = root / "media" / document.file.name
        if source.exists():
            target = Path(default_storage.path(document.file.name))
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    found = {page.pk: page for page in Page.objects.filter(pk__in=pages.values()).specific()}
    return SiteTree(**{name: found[pk] for name, pk in pages.items()})
