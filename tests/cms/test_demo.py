"""The public site's demo content: every page type, key pages in three languages, real documents."""

from __future__ import annotations

import io
import random
from datetime import date

import pytest
from pypdf import PdfReader
from wagtail.models import Page

from cms import demo
from cms.models import ArticlePage, CampaignPage, ProjectPage, ResourcePage
from core.seeding import DemoContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    ctx = DemoContext(
        rng=random.Random(1), seed=1, scale=None, password="x", today=date(2026, 6, 1), stdout=io.StringIO()
    )
    demo.seed(ctx)
    return ctx


def test_demo_builds_the_site_in_three_languages(client, seeded):
    assert ArticlePage.objects.filter(locale__language_code="en").count() == 12
    assert CampaignPage.objects.count() == 3
    assert ResourcePage.objects.count() == 6
    assert ProjectPage.objects.count() == 2
    for language, paths in {
        "en": ["/", "/where-to-report/", "/facts/", "/map/", "/news/", "/about/", "/resources/"],
        "fr": ["/fr/", "/fr/ou-signaler/", "/fr/chiffres/", "/fr/carte/", "/fr/actualites/", "/fr/a-propos/"],
        "es": ["/es/", "/es/donde-denunciar/", "/es/cifras/", "/es/mapa/", "/es/noticias/", "/es/acerca-de/"],
    }.items():
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert f'<html lang="{language}"' in response.content.decode(), path
    # Every live page renders.
    for page in Page.objects.live().filter(depth__gt=1).specific():
        assert client.get(page.url).status_code == 200, page.url


def test_demo_resources_carry_small_pdf_documents(client, seeded):
    for resource in ResourcePage.objects.all():
        item = resource.documents.get()
        assert item.document.file_extension == "pdf"
        content = item.document.file.read()
        assert len(content) < 20_000
        text = " ".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
        assert resource.title in text
