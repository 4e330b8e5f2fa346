"""Demo content of the public site: home, about, news (12 articles), 3 campaigns, 6 resources with
small PDF documents, 2 projects, the hotline directory, facts and map; the key pages in English,
French and Spanish. Organisations are fictional; figures come live from the registry."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test.utils import override_settings
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from cms.demo_moderation import seed_moderation
from cms.demo_routes import seed_reporting_routes
from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    Audience,
    CampaignPage,
    CampaignResource,
    FactsPage,
    HomePage,
    HomePageFeaturedItem,
    HotlineDirectoryPage,
    NetworkMapPage,
    PartnerOrganisation,
    ProjectPage,
    ProjectRelatedArticle,
    ResourceDocument,
    ResourceIndexPage,
    ResourcePage,
    StandardPage,
)
from cms.site_address import apply_site_address, configured_address
from core.seeding import DemoContext

SITE_NAME = "Hotline network"


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _stream(*blocks: tuple[str, Any]) -> list[dict[str, Any]]:
    return [{"type": kind, "value": value, "id": str(uuid.uuid4())} for kind, value in blocks]


def _figure(metric: str, *, start: date | None = None, end: date | None = None) -> tuple[str, Any]:
    return (
        "figure",
        {
            "metric": metric,
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            "region": "",
        },
    )


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    return page


def _add(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    return _publish(page)


def _translate(page: Page, language: str, *, slug: str | None = None, **fields: Any) -> Page:
    copy = page.copy_for_translation(Locale.objects.get(language_code=language)).specific
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.slug = slug or copy.slug
    return _publish(copy)


# --- Generated media ----------------------------------------------------------------------


def _image(title: str, colours: tuple[str, str]) -> Any:
    from PIL import Image as PILImage
    from PIL import ImageDraw

    canvas = PILImage.new("RGB", (960, 540), colours[0])
    draw = ImageDraw.Draw(canvas)
    for step in range(0, 960, 60):
        draw.ellipse((step - 120, 300 - step // 4, step + 180, 600 - step // 4), outline=colours[1], width=6)
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")
    image = get_image_model()(title=title)
    image.file = ImageFile(ContentFile(buffer.getvalue()), name=f"{slugify(title)}.png")
    image.save()
    return image


def _pdf(title: str, paragraphs: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    story: list[Any] = [Paragraph(title, styles["Title"]), Spacer(1, 12)]
    for text in paragraphs:
        story += [Paragraph(text, styles["BodyText"]), Spacer(1, 8)]
    SimpleDocTemplate(buffer, pagesize=A4, title=title, author=SITE_NAME).build(story)
    return buffer.getvalue()


def _document(title: str, paragraphs: list[str]) -> Any:
    document = get_document_model()(title=title)
    document.file.save(f"{slugify(title)}.pdf", ContentFile(_pdf(title, paragraphs)), save=False)
    document.save()
    return document


# --- Content ------------------------------------------------------------------------------

ARTICLES = [
    (
        "How a hotline handles your report",
        "education",
        ["reporting", "hotlines"],
        "From the moment you report to the removal of the content: what happens, and who does what.",
    ),
    (
        "Three new hotlines join the network",
        "network_updates",
        ["membership", "expansion"],
        "Hotlines from three countries became provisional members after completing their onboarding.",
    ),
    (
        "Roundtables bring police, ministries and industry together",
        "projects",
        ["roundtables", "expansion"],
        "Country roundtables are where a new hotline finds the partners it needs to operate.",
    ),
    (
        "Notice and takedown: what hosting providers can do",
        "industry",
        ["industry", "takedown"],
        "A short guide for hosting companies on working with their national hotline.",
    ),
    (
        "Safer Internet Day: report, don't share",
        "events_campaigns",
        ["campaign", "awareness"],
        "This year's campaign reminds everyone that sharing illegal content, even to condemn it, causes harm.",
    ),
    (
        "Analyst welfare comes first",
        "education",
        ["welfare", "training"],
        "Why every member hotline has a welfare policy and psychological support for its analysts.",
    ),
    (
        "Peer exchange week in the Western Balkans",
        "network_updates",
        ["peer exchange", "training"],
        "Analysts from five hotlines spent a week learning from each other's procedures.",
    ),
    (
        "What the annual statistics tell us",
        "network_updates",
        ["statistics"],
        "Aggregate figures from member hotlines show faster removal times across the network.",
    ),
    (
        "Working with mobile operators",
        "industry",
        ["industry", "mobile"],
        "Mobile operators can point their customers to the national hotline in a few simple steps.",
    ),
    (
        "A hotline in every country: the expansion project",
        "projects",
        ["expansion", "project"],
        "The network expansion project helps countries without a reporting point set one up.",
    ),
    (
        "Training the next generation of analysts",
        "education",
        ["training"],
        "Core training and content-assessment courses prepare new analysts for their work.",
    ),
    (
        "Campaign toolkit for schools now available",
        "events_campaigns",
        ["campaign", "schools"],
        "Lesson plans and posters help teachers explain how and where to report.",
    ),
]


def seed(ctx: DemoContext) -> None:
    # A new site: moving slugs about while building it is not worth redirects.
    with override_settings(WAGTAILREDIRECTS_AUTO_CREATE=False):
        _seed(ctx)


def _seed(ctx: DemoContext) -> None:
    home = _replace_default_home()
    locales = {language: Locale.objects.get(language_code=language) for language in ("fr", "es")}
    today = ctx.today

    images = [
        _image("Network meeting", ("#0b4f8a", "#8fb8de")),
        _image("Analyst training", ("#1d6b33", "#9fd3ad")),
        _image("Awareness campaign", ("#a3320b", "#f1b79f")),
        _image("Roundtable", ("#4a5566", "#c9d0da")),
    ]

    # Pages of the first level (English).
    about = _add(
        home,
        StandardPage(
            title="About the network",
            slug="about",
            show_in_menus=True,
            intro=(
                "An international network of hotlines where anyone can report child sexual abuse material found online."
            ),
            body=_stream(
                (
                    "paragraph",
                    _p(
                        "Member hotlines receive reports from the public, assess the content and work with police "
                        "and hosting providers to have it removed as quickly as possible.",
                        "The association supports its members with training, quality assurance, peer exchange "
                        "and a secure platform to pass reports between countries.",
                    ),
                ),
                (
                    "quote",
                    {
                        "quote": "No country should be without a place to report.",
                        "attribution": "The association's mission",
                    },
                ),
            ),
        ),
    )
    news = _add(
        home,
        ArticleIndexPage(
            title="News", slug="news", show_in_menus=True, intro="News from the network and its projects."
        ),
    )
    directory = _add(
        home,
        HotlineDirectoryPage(
            title="Where to report",
            slug="where-to-report",
            show_in_menus=True,
            intro=_p(
                "Find the hotline for your country and report online, anonymously if you wish. "
                "Never download, copy or share the material, even to report it."
            ),
            no_hotline_text=_p(
                "You can report to a hotline in a neighbouring country: the network passes every "
                "report to the hotline or police of the country where the content is hosted."
            ),
        ),
    )
    facts = _add(
        home,
        FactsPage(
            title="Facts and figures",
            slug="facts",
            show_in_menus=True,
            intro=_p("Figures about the network, updated live from the association's registry."),
        ),
    )
    network_map = _add(
        home,
        NetworkMapPage(
            title="Network map",
            slug="map",
            intro=_p("Countries with a member hotline, and countries where a hotline is being set up."),
        ),
    )
    resources = _add(
        home,
        ResourceIndexPage(
            title="Resources",
            slug="resources",
            show_in_menus=True,
            intro="Guides and toolkits for the public, industry, governments and prospective hotlines.",
        ),
    )

    audience = {a.code: a for a in Audience.objects.all()}
    resource_specs = [
        (
            "How to report safely",
            "guide",
            ["public"],
            "What to do, and what never to do, when you come across abuse material.",
        ),
        (
            "Notice-and-takedown guide for hosting providers",
            "guide",
            ["industry"],
            "Procedures and timelines for acting on a hotline's notice.",
        ),
        (
            "Setting up a national hotline",
            "toolkit",
            ["prospective_hotline", "government"],
            "The stages, partners and documents a new hotline needs.",
        ),
        (
            "Model memorandum of understanding with law enforcement",
            "template",
            ["law_enforcement", "prospective_hotline"],
            "A starting point for the agreement between a hotline and the police.",
        ),
        (
            "Policy briefing for governments",
            "factsheet",
            ["government"],
            "Why a national reporting point matters and how governments can support one.",
        ),
        (
            "Awareness toolkit for NGOs and schools",
            "toolkit",
            ["ngo", "public"],
            "Posters, lesson plans and social media posts in plain language.",
        ),
    ]
    resource_pages = []
    for title, kind, audiences, summary in resource_specs:
        page = ResourcePage(
            title=title,
            slug=slugify(title)[:50],
            kind=kind,
            summary=summary,
            body=_p(summary, "Download the document below; it is free to share and adapt."),
        )
        resources.add_child(instance=page)
        page.audiences.set([audience[code] for code in audiences])
        document = _document(title, [summary, "This document is part of the network's public resources."])
        ResourceDocument.objects.create(resource=page, document=document, sort_order=0)
        _publish(page)
        resource_pages.append(page)

    articles = []
    for index, (title, category, tags, summary) in enumerate(ARTICLES):
        body = [
            (
                "paragraph",
                _p(summary, "Hotlines in the network work to the same Code of Practice and share what they learn."),
            )
        ]
        if index % 3 == 0:
            body.append(
                (
                    "image",
                    {
                        "image": {
                            "image": images[index % len(images)].pk,
                            "decorative": False,
                            "alt_text": images[index % len(images)].title,
                        },
                        "caption": "",
                    },
                )
            )
        if index % 4 == 1:
            body.append(("live_figure", {"metric": "member_hotlines", "start": None, "end": None, "region": ""}))
        if index % 4 == 2:
            body.append(
                (
                    "call_to_action",
                    {
                        "title": "Found something illegal?",
                        "text": "Report it to your national hotline.",
                        "page": directory.pk,
                        "url": "",
                        "button_label": "Where to report",
                    },
                )
            )
        if index % 5 == 3:
            body.append(("document", {"document": resource_pages[1].documents.first().document_id, "title": ""}))
        if index % 6 == 4:
            body.append(("quote", {"quote": "Every report counts.", "attribution": "A hotline analyst"}))
        article = ArticlePage(
            title=title,
            slug=slugify(title)[:50],
            category=category,
            summary=summary,
            date=today - timedelta(days=9 * index + 2),
            image=images[index % len(images)],
            body=_stream(*body),
        )
        news.add_child(instance=article)
        article.tags.add(*tags)
        _publish(article)
        articles.append(article)

    campaign_specs = [
        ("Report, don't share", ["public"], ["social_media", "press"], 0),
        ("Hosting providers: act on notices", ["industry"], ["email", "events"], 1),
        ("Schools know where to report", ["public", "ngo"], ["schools", "print"], 5),
    ]
    for offset, (title, audiences, channels, resource_index) in enumerate(campaign_specs):
        campaign = CampaignPage(
            title=title,
            slug=slugify(title)[:50],
            summary=f"{title}: an awareness campaign of the network.",
            start_date=today - timedelta(days=60 * offset + 10),
            end_date=today + timedelta(days=30 - 20 * offset),
            channels=channels,
            image=images[2],
            body=_stream(
                ("paragraph", _p("The campaign points people to their national hotline.")),
                (
                    "call_to_action",
                    {
                        "title": "Where to report",
                        "text": "",
                        "page": directory.pk,
                        "url": "",
                        "button_label": "Find your hotline",
                    },
                ),
            ),
        )
        home.add_child(instance=campaign)
        campaign.audiences.set([audience[code] for code in audiences])
        CampaignResource.objects.create(campaign=campaign, resource=resource_pages[resource_index], sort_order=0)
        _publish(campaign)

    partners = {
        name: PartnerOrganisation.objects.create(name=name, website=website, description=description)
        for name, website, description in [
            (
                "EU programme for Citizens, Equality, Rights and Values (CERV)",
                "",
                "Operating grant for network coordination.",
            ),
            (
                "Northbridge Child Safety Foundation",
                "https://northbridge.example.org",
                "Funds the expansion roundtables.",
            ),
            ("Open Web Industry Alliance", "https://openweb-alliance.example.org", ""),
            ("Global Child Online Safety Forum", "https://gcosf.example.org", ""),
        ]
    }
    start = date(today.year - 1, 1, 1)
    expansion = ProjectPage(
        title="Network expansion through country roundtables",
        slug="network-expansion",
        show_in_menus=False,
        summary="Setting up hotlines where no reporting mechanism exists, country by country.",
        start_date=start,
        end_date=date(today.year + 1, 12, 31),
        objectives=_stream(
            ("objective", "Review countries without a hotline and choose where to start."),
            ("objective", "Hold roundtables with law enforcement, government and industry in each country."),
            ("objective", "Train the new hotline's analysts and guide it to membership."),
        ),
        figures=_stream(
            _figure("roundtables_held", start=start, end=today),
            _figure("new_members", start=start, end=today),
            _figure("countries_covered"),
        ),
        body=_stream(
            (
                "paragraph",
                _p(
                    "Each new hotline needs a host organisation, a legal basis, a memorandum with "
                    "the police and the support of industry. Roundtables bring these partners together."
                ),
            )
        ),
    )
    coordination = ProjectPage(
        title="Network coordination and capacity building",
        slug="stronger-together",
        summary="Coordinating the network, training analysts, peer exchanges and awareness.",
        start_date=start,
        end_date=date(today.year + 1, 6, 30),
        objectives=_stream(
            ("objective", "Train analysts and keep their certifications current."),
            ("objective", "Run peer exchanges and quality-assurance reviews."),
            ("objective", "Raise awareness of where to report."),
        ),
        figures=_stream(_figure("member_hotlines"), _figure("analysts"), _figure("hotlines_by_region")),
        body=_stream(("paragraph", _p("An operating grant funds the association's coordination of the network."))),
    )
    for project, donors, partner_names, related in (
        (expansion, ["Northbridge Child Safety Foundation"], ["Global Child Online Safety Forum"], [2, 9]),
        (
            coordination,
            ["EU programme for Citizens, Equality, Rights and Values (CERV)"],
            ["Open Web Industry Alliance"],
            [5, 6, 10],
        ),
    ):
        home.add_child(instance=project)
        project.donors.set([partners[name] for name in donors])
        project.partners.set([partners[name] for name in partner_names])
        for order, index in enumerate(related):
            ProjectRelatedArticle.objects.create(project=project, article=articles[index], sort_order=order)
        _publish(project)

    home.hero_title = "Found child sexual abuse material online? Report it."
    home.hero_image = images[0]
    home.hero_link = directory
    home.hero_link_label = "Find your hotline"
    home.figures = _stream(_figure("member_hotlines"), _figure("countries_covered"), _figure("analysts"))
    for order, page in enumerate([directory, facts, articles[0]]):
        HomePageFeaturedItem.objects.create(home=home, page=page, sort_order=order)
    _publish(home)

    _translate_key_pages(home, about, news, directory, facts, network_map, articles[0], locales)
    ctx.objects["home_page"] = home
    seed_reporting_routes()
    seed_moderation(ctx, news=news)
    ctx.log(f"site pages: {Page.objects.filter(depth__gt=1).count()} in 3 languages")


def _replace_default_home() -> HomePage:
    root = Page.get_first_root_node()
    site = Site.objects.filter(is_default_site=True).first()
    old_home = site.root_page if site else None
    home = HomePage(
        title=SITE_NAME,
        slug="home-network",
        intro=(
            "Report child sexual abuse material found online to your national hotline. Our member hotlines "
            "assess every report and work with police and industry to have it removed."
        ),
    )
    root.add_child(instance=home)
    _publish(home)
    hostname, port = configured_address()
    if site is None:
        Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True, site_name=SITE_NAME)
    else:
        site.root_page = home
        site.site_name = SITE_NAME
        site.save()
        apply_site_address()
    if old_home is not None and old_home.specific_class is Page:
        old_home.delete()
    home.slug = "home"
    _publish(home)
    # Publishing saved the new slug and URL path from the revision: reload before adding children.
    return HomePage.objects.get(pk=home.pk)


TRANSLATIONS: dict[str, dict[str, dict[str, Any]]] = {
    "fr": {
        "home": {
            "title": "Réseau de hotlines",
            "hero_title": "Vous avez trouvé des contenus pédocriminels en ligne ? Signalez-les.",
            "intro": "Signalez les contenus d'abus sexuels sur enfants trouvés en ligne à la hotline de votre pays. "
            "Nos hotlines membres examinent chaque signalement et travaillent avec la police et les "
            "hébergeurs pour les faire retirer.",
            "hero_link_label": "Trouver votre hotline",
        },
        "about": {
            "title": "À propos du réseau",
            "slug": "a-propos",
            "intro": (
                "Un réseau international de hotlines où chacun peut signaler les contenus d'abus sexuels "
                "sur enfants trouvés en ligne."
            ),
            "body": _stream(
                (
                    "paragraph",
                    _p(
                        "Les hotlines membres reçoivent les signalements du public, examinent les contenus et "
                        "travaillent avec la police et les hébergeurs pour les faire retirer au plus vite.",
                        "L'association soutient ses membres par la formation, l'assurance qualité, les échanges "
                        "entre pairs et une plateforme sécurisée pour transmettre les signalements entre pays.",
                    ),
                ),
                (
                    "quote",
                    {
                        "quote": "Aucun pays ne devrait rester sans lieu où signaler.",
                        "attribution": "La mission de l'association",
                    },
                ),
            ),
        },
        "news": {"title": "Actualités", "slug": "actualites", "intro": "Les nouvelles du réseau et de ses projets."},
        "directory": {
            "title": "Où signaler",
            "slug": "ou-signaler",
            "intro": _p(
                "Trouvez la hotline de votre pays et faites un signalement en ligne, anonymement si vous le souhaitez. "
                "Ne téléchargez, ne copiez et ne partagez jamais ces contenus, même pour les signaler."
            ),
            "no_hotline_text": _p(
                "Vous pouvez signaler à la hotline d'un pays voisin : le réseau transmet chaque "
                "signalement à la hotline ou à la police du pays où le contenu est hébergé."
            ),
        },
        "facts": {
            "title": "Faits et chiffres",
            "slug": "chiffres",
            "intro": _p("Les chiffres du réseau, mis à jour en direct à partir du registre de l'association."),
        },
        "map": {
            "title": "Carte du réseau",
            "slug": "carte",
            "intro": _p("Les pays dotés d'une hotline membre et ceux où une hotline est en cours de création."),
        },
        "article": {
            "title": "Comment une hotline traite votre signalement",
            "slug": "comment-une-hotline-traite-votre-signalement",
            "summary": "Du signalement au retrait du contenu : ce qui se passe, et qui fait quoi.",
        },
    },
    "es": {
        "home": {
            "title": "Red de líneas de denuncia",
            "hero_title": "¿Ha encontrado material de abuso sexual infantil en internet? Denúncielo.",
            "intro": "Denuncie el material de abuso sexual infantil que encuentre en internet ante la línea "
            "de denuncia "
            "de su país. Nuestras líneas miembro evalúan cada denuncia y colaboran con la policía y la "
            "industria para retirarlo.",
            "hero_link_label": "Encuentre su línea de denuncia",
        },
        "about": {
            "title": "Acerca de la red",
            "slug": "acerca-de",
            "intro": (
                "Una red internacional de líneas de denuncia donde cualquiera puede denunciar material de "
                "abuso sexual infantil encontrado en internet."
            ),
            "body": _stream(
                (
                    "paragraph",
                    _p(
                        "Las líneas miembro reciben las denuncias del público, evalúan el contenido y colaboran "
                        "con la policía y los proveedores de alojamiento para retirarlo lo antes posible.",
                        "La asociación apoya a sus miembros con formación, garantía de calidad, intercambios "
                        "entre pares y una plataforma segura para transmitir denuncias entre países.",
                    ),
                ),
                (
                    "quote",
                    {
                        "quote": "Ningún país debería quedarse sin un lugar donde denunciar.",
                        "attribution": "La misión de la asociación",
                    },
                ),
            ),
        },
        "news": {"title": "Noticias", "slug": "noticias", "intro": "Noticias de la red y de sus proyectos."},
        "directory": {
            "title": "Dónde denunciar",
            "slug": "donde-denunciar",
            "intro": _p(
                "Encuentre la línea de denuncia de su país y denuncie en línea, de forma anónima si lo desea. "
                "Nunca descargue, copie ni comparta el material, ni siquiera para denunciarlo."
            ),
            "no_hotline_text": _p(
                "Puede denunciar ante la línea de un país vecino: la red transmite cada denuncia "
                "a la línea o a la policía del país donde está alojado el contenido."
            ),
        },
        "facts": {
            "title": "Datos y cifras",
            "slug": "cifras",
            "intro": _p("Cifras de la red, actualizadas en directo a partir del registro de la asociación."),
        },
        "map": {
            "title": "Mapa de la red",
            "slug": "mapa",
            "intro": _p("Los países con una línea de denuncia miembro y aquellos donde se está creando una."),
        },
        "article": {
            "title": "Cómo trata una línea de denuncia su denuncia",
            "slug": "como-trata-una-linea-su-denuncia",
            "summary": "Desde su denuncia hasta la retirada del contenido: qué ocurre y quién hace qué.",
        },
    },
}


def _translate_key_pages(
    home: HomePage,
    about: Page,
    news: Page,
    directory: Page,
    facts: Page,
    network_map: Page,
    article: Page,
    locales: dict[str, Locale],
) -> None:
    for language in locales:
        texts = TRANSLATIONS[language]
        _translate(home, language, slug=f"home-{language}", **texts["home"])
        for page, key in (
            (about, "about"),
            (news, "news"),
            (directory, "directory"),
            (facts, "facts"),
            (network_map, "map"),
        ):
            fields = dict(texts[key])
            slug = fields.pop("slug")
            _translate(page, language, slug=slug, **fields)
        fields = dict(texts["article"])
        slug = fields.pop("slug")
        _translate(article, language, slug=slug, **fields)
