"""The dossier in the candidate's language: template items translated into French and Spanish with
English as the fallback, the shipped default template translated, the portal showing the reader's
language, the workbook carrying the translations, and emails in each recipient's language."""

from __future__ import annotations

import html

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from core.models import OutgoingEmail
from onboarding import services
from onboarding.models import ChecklistTemplate, ChecklistTemplateItem
from tests.onboarding.dossier import build_dossier, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_dossier()


def test_localized_falls_back_to_english_when_a_translation_is_empty():
    item = ChecklistTemplateItem(title="Welfare policy", title_fr="Politique de bien-être", guidance="<p>G</p>")
    assert item.localized("title", "fr") == "Politique de bien-être"
    assert item.localized("title", "es") == "Welfare policy"  # not translated: English
    assert item.localized("title", "en") == "Welfare policy"
    assert item.localized("guidance", "fr-ca") == "<p>G</p>"
    with translation.override("fr"):
        assert item.shown_title == "Politique de bien-être"
    with translation.override("de"):
        assert item.shown_title == "Welfare policy"
    with pytest.raises(ValueError):
        item.localized("code", "fr")


def test_the_shipped_default_template_is_translated_in_full():
    items = list(ChecklistTemplate.objects.onboarding().published().get().items.all())
    assert len(items) == 45
    for item in items:
        assert item.title_fr and item.title_es and item.guidance_fr and item.guidance_es, item.code
        assert item.guidance_fr.startswith("<p>") and item.guidance_es.startswith("<p>"), item.code
    by_code = {item.code: item for item in items}
    assert by_code["14.1"].title_fr == "Déclaration d'adhésion au Code de pratique"  # as in locale/fr
    assert by_code["14.1"].title_es == "Declaración del Código de Prácticas"  # as in locale/es
    assert "hotline" in by_code["2.4"].title_fr and "línea de denuncia" in by_code["2.4"].title_es


def test_a_new_draft_version_keeps_the_translations(world):
    draft = services.template_new_version(
        template=ChecklistTemplate.objects.onboarding().published().get(), acting_user=world.staff
    )
    item = draft.items.get(code="12.2")
    assert (item.title_fr, item.title_es) == ("Politique de bien-être", "Política de bienestar")
    assert item.guidance_fr and item.guidance_es


def test_translated_guidance_is_filtered_like_the_english_one():
    item = ChecklistTemplateItem(
        code="1.1",
        area=1,
        title="T",
        gates_stage="application_submitted",
        guidance_fr='<p onclick="x()">Signé <script>alert(1)</script><b>ici</b></p>',
    )
    item.clean()
    assert "<script" not in item.guidance_fr and "onclick" not in item.guidance_fr and "<b>ici</b>" in item.guidance_fr


@pytest.mark.parametrize(
    ("language", "title", "guidance"),
    [
        ("fr", "Vérification préalable de l'organisation hôte", "Fournissez le certificat d'enregistrement"),
        ("es", "Diligencia debida de la organización anfitriona", "Aporte el certificado de inscripción"),
        ("en", "Host organisation due diligence", "Provide the host organisation's registration certificate"),
    ],
)
def test_the_portal_shows_items_in_the_readers_language(world, client_for, language, title, guidance):
    client = client_for(world.candidate)
    client.cookies["django_language"] = language
    listing = client.get(reverse("portal:onboarding_checklist", args=[world.hotline.pk])).content.decode()
    assert title in html.unescape(listing)
    page = html.unescape(
        client.get(reverse("portal:onboarding_checklist_item", args=[world.item("2.1").pk])).content.decode()
    )
    assert title in page and guidance in page


def test_the_admin_edits_each_language(world, client_for):
    draft = services.template_new_version(
        template=ChecklistTemplate.objects.onboarding().published().get(), acting_user=world.staff
    )
    page = client_for(world.staff).get(reverse("onboarding_templates:edit", args=[draft.pk])).content.decode()
    assert 'name="items-0-title_fr"' in page and 'name="items-0-title_es"' in page
    assert "items-0-guidance_fr" in page and "items-0-guidance_es" in page
    assert "In French" in page and "In Spanish" in page


def test_emails_to_candidates_go_out_in_each_recipients_language(world, django_capture_on_commit_callbacks):
    from accounts.services import affiliation_set
    from tests.accounts.factories import UserFactory

    world.candidate.language = "fr"
    world.candidate.save(update_fields=["language"])
    colleague = UserFactory(email="dossier.colleague@example.org", language="es")
    affiliation_set(user=colleague, target=world.hotline.host_organisation, acting_user=None)
    default = UserFactory(email="dossier.default@example.org")  # no language: the site's default
    affiliation_set(user=default, target=world.hotline.host_organisation, acting_user=None)
    item = submitted(world, "2.1")
    OutgoingEmail.objects.all().delete()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.item_accept(item=item, acting_user=world.reviewer, comment="In order.")
    sent = {tuple(email.to): email for email in OutgoingEmail.objects.all()}
    assert set(sent) == {(world.candidate.email,), (colleague.email,), (default.email,)}
    french, spanish, english = sent[(world.candidate.email,)], sent[(colleague.email,)], sent[(default.email,)]
    assert "Vérification préalable de l'organisation hôte" in french.subject
    assert "Vérification préalable de l'organisation hôte" in french.body
    assert "Diligencia debida de la organización anfitriona" in spanish.subject
    assert "Diligencia debida de la organización anfitriona" in spanish.body
    assert "Host organisation due diligence" in english.subject and "Host organisation due diligence" in english.body
    assert len(mail.outbox) == 3


def test_a_shared_dedupe_key_covers_every_language(world):
    from core.mail import queue_email

    world.candidate.language = "fr"
    world.candidate.save(update_fields=["language"])
    to = [world.candidate.email, world.staff.email]
    first = queue_email(to=to, subject=lambda: "Hello", body="Body", dedupe_key="once")
    assert first is not None
    keys = OutgoingEmail.objects.filter(dedupe_key__startswith="once").values_list("dedupe_key", flat=True)
    assert sorted(keys) == ["once:en", "once:fr"]
    assert queue_email(to=to, subject="Hello", body="Body", dedupe_key="once") is None
    assert OutgoingEmail.objects.filter(dedupe_key__startswith="once").count() == 2
    alone = queue_email(to=[world.staff.email], subject="Hi", body="Body", dedupe_key="alone")
    assert alone.dedupe_key == "alone"


def test_the_language_switcher_sets_a_signed_in_persons_email_language(world, client_for):
    client = client_for(world.candidate)
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/portal/"})
    assert response.status_code == 302
    world.candidate.refresh_from_db()
    assert world.candidate.language == "es"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/portal/"})
    world.candidate.refresh_from_db()
    assert world.candidate.language == "es"


def test_each_recipient_group_is_rendered_under_its_own_language(world):
    from core.mail import queue_email

    world.candidate.language = "es"
    world.candidate.save(update_fields=["language"])
    with translation.override("fr"):  # the acting person's language is not the recipients'
        queue_email(
            to=[world.candidate.email, world.staff.email, "no-account@example.org"],
            subject=lambda: f"lang={translation.get_language()}",
            body="Body",
        )
    sent = {
        email.subject.split("lang=")[1]: sorted(email.to)
        for email in OutgoingEmail.objects.filter(subject__contains="lang=")
    }
    assert sent == {"es": [world.candidate.email], "en": sorted([world.staff.email, "no-account@example.org"])}
