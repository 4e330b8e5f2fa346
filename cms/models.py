"""The public awareness site: Wagtail page types, one tree per language (English, French, Spanish).

Every page type is served through `CachedPageMixin` (shared cache, see `cms.caching`). Pages that
show network data (home figures, directory, facts, map, live figure blocks) read it through
`cms.selectors`, never from the models directly, and only public fields of member hotlines.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, Site, TranslatableMixin
from wagtail.search import index

from cms import routing, selectors
from cms.blocks import RICH_TEXT_FEATURES, BodyBlock, FiguresBlock, ObjectivesBlock
from cms.caching import CachedPageMixin, code_version, request_data_version, request_site_version
from cms.fields import ChoiceListField

IMAGE_MODEL = "wagtailimages.Image"
DOCUMENT_MODEL = "wagtaildocs.Document"


class AudienceCode(models.TextChoices):
    PUBLIC = "public", _("General public")
    INDUSTRY = "industry", _("Industry")
    GOVERNMENT = "government", _("Government")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    NGO = "ngo", _("NGOs")
    PROSPECTIVE_HOTLINE = "prospective_hotline", _("Prospective hotlines")


class Audience(models.Model):
    """Who a resource or campaign is for (a fixed list, created by migration)."""

    code = models.CharField(_("code"), max_length=30, choices=AudienceCode.choices, unique=True)

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.get_code_display())


class PartnerOrganisation(models.Model):
    """A partner or donor named on project pages (a snippet: not the network registry's organisations)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True, max_length=1000)

    panels = [FieldPanel("name"), FieldPanel("website"), FieldPanel("description")]

    class Meta:
        verbose_name = _("partner or donor")
        verbose_name_plural = _("partners and donors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReportingRoute(TranslatableMixin, models.Model):
    """Where to report from a country that no member hotline serves (an international reporting
    portal, a regional route): shown by the "where to report" directory for such countries. A snippet
    kept by staff, one copy per language (Wagtail's "Translate")."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("web address"), blank=True, help_text=_("The page where people report."))
    address = models.CharField(
        _("other address"),
        max_length=300,
        blank=True,
        help_text=_("An email address or postal address, when there is no web page or besides it."),
    )
    languages = models.CharField(
        _("languages reports are taken in"),
        max_length=200,
        blank=True,
        help_text=_("ISO 639-1 codes separated by commas, e.g. en, fr, es"),
    )
    description = models.TextField(_("description"), blank=True, max_length=1000)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Lower numbers are listed first."))

    panels = [
        FieldPanel("name"),
        FieldPanel("url"),
        FieldPanel("address"),
        FieldPanel("languages"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("international reporting route")
        verbose_name_plural = _("international reporting routes")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from network.models import is_language_code, language_codes

        errors: dict[str, Any] = {}
        if not self.url and not self.address.strip():
            errors["url"] = _("Give a web address or another address where people can report.")
        codes = language_codes(self.languages)
        if unknown := [code for code in codes if not is_language_code(code)]:
            errors["languages"] = _("Not ISO 639-1 language codes: %(codes)s. Use two letters, e.g. en, fr.") % {
                "codes": ", ".join(unknown)
            }
        else:
            self.languages = ", ".join(codes)
        if errors:
            raise ValidationError(errors)


# Stream blocks that show a figure computed from the live registry when the page is shown.
LIVE_FIGURE_BLOCKS = frozenset({"live_figure", "figure"})


def _block_date(raw: Any) -> date | None:
    """A date block's stored value (ISO text in the raw stream data)."""
    if not raw:
        return None
    return raw if isinstance(raw, date) else date.fromisoformat(str(raw))


class SitePage(CachedPageMixin, Page):
    """Base of every public page type."""

    class Meta:
        abstract = True

    def _live_figures(self) -> list[selectors.FigureRequest]:
        """The live figures the page's content shows (read from the stored blocks: no query)."""
        found = []
        for field in self._meta.get_fields():
            if isinstance(field, StreamField):
                for item in getattr(self, field.name).raw_data:
                    if item["type"] in LIVE_FIGURE_BLOCKS:
                        value = item["value"] or {}
                        found.append(
                            selectors.FigureRequest(
                                value.get("metric") or "",
                                _block_date(value.get("start")),
                                _block_date(value.get("end")),
                                value.get("region") or "",
                            )
                        )
        return found

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        """Wagtail's routing, in two queries below this page whatever the depth (`cms.routing`); the page
        found knows when no view restriction exists anywhere (`known_unrestricted`)."""
        if path_components:
            found = routing.route_below(self, request, list(path_components), default_route=SitePage.route)
        else:
            found = super().route(request, path_components)
        page = found[0]
        if isinstance(page, CachedPageMixin):
            page.known_unrestricted(request)
        return found

    def get_cache_reads(self) -> tuple[str, ...]:
        """The page type's data topics, plus "registry" when its content shows a live figure."""
        if selectors.REGISTRY_TOPIC in self.cache_reads or not self._live_figures():
            return self.cache_reads
        return (*self.cache_reads, selectors.REGISTRY_TOPIC)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        # The page's live figures in one pass (frames loaded once), so each block finds its value cached.
        requests = [figure for figure in self._live_figures() if selectors.is_public_metric(figure.key)]
        if requests:
            selectors.figure_values(requests)
        # Fragments that change only when pages are published name the site version in their keys.
        site = Site.find_for_request(request)
        context["fragment_version"] = f"{code_version()}:{request_site_version(request)}:{site.pk if site else 0}"
        return context

    @property
    def listing_summary(self) -> str:
        return getattr(self, "summary", "") or getattr(self, "intro", "") or self.search_description

    @property
    def social_image(self) -> Any:
        return getattr(self, "image", None)


# --- Home and standard pages --------------------------------------------------------------


class HomePage(SitePage):
    """The front page of one language's site: hero, featured items, live network figures."""

    hero_title = models.CharField(_("hero title"), max_length=200, blank=True)
    intro = models.CharField(_("introduction"), max_length=400, blank=True)
    hero_image = models.ForeignKey(
        IMAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("hero image")
    )
    hero_link = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hero button links to"),
    )
    hero_link_label = models.CharField(_("hero button label"), max_length=60, blank=True)
    body = RichTextField(_("body"), blank=True, features=RICH_TEXT_FEATURES)
    figures = StreamField(FiguresBlock(), blank=True, verbose_name=_("live network figures"))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("intro"),
                FieldPanel("hero_image"),
                FieldRowPanel([FieldPanel("hero_link"), FieldPanel("hero_link_label")]),
            ],
            heading=_("Hero"),
        ),
        InlinePanel("featured_items", label=_("Featured items"), max_num=6),
        FieldPanel("figures"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.StandardPage",
        "cms.ArticleIndexPage",
        "cms.ResourceIndexPage",
        "cms.CampaignPage",
        "cms.ProjectPage",
        "cms.HotlineDirectoryPage",
        "cms.FactsPage",
        "cms.NetworkMapPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def clean(self) -> None:
        super().clean()
        if self.hero_link_id and not self.hero_link_label:
            raise ValidationError({"hero_link_label": _("Give the button a label.")})

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        # Read only when the template's fragment is not cached (a callable: the template calls it).
        context["featured"] = self.featured
        context["latest_articles"] = (
            ArticlePage.objects.live().public().filter(locale_id=self.locale_id).order_by("-date", "-pk")[:3]
        )
        return context

    def featured(self) -> list[HomePageFeaturedItem]:
        items = list(self.featured_items.select_related("page"))
        return [item for item in items if item.target is not None]


class HomePageFeaturedItem(Orderable):
    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_items")
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("featured page")
    )
    summary = models.CharField(_("summary (the page's own summary if empty)"), max_length=250, blank=True)

    panels = [FieldPanel("page"), FieldPanel("summary")]

    @cached_property
    def target(self) -> Page | None:
        """The featured page in the home page's language (if translated), when live."""
        page = self.page.localized.specific
        return page if page.live else None


class StandardPage(SitePage):
    """A page of text: about us, what a hotline does, how to report safely."""

    intro = models.CharField(_("introduction"), max_length=400, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage", "cms.CampaignPage", "cms.ProjectPage"]

    class Meta:
        verbose_name = _("standard page")


# --- Articles ------------------------------------------------------------------------------


class ArticleCategory(models.TextChoices):
    EDUCATION = "education", _("Education")
    NETWORK_UPDATES = "network_updates", _("Network updates")
    INDUSTRY = "industry", _("Industry")
    EVENTS_CAMPAIGNS = "events_campaigns", _("Events and campaigns")
    PROJECTS = "projects", _("Projects")


class ArticleIndexPage(SitePage):
    """News and articles: the list of its articles, newest first, by category or tag."""

    intro = models.CharField(_("introduction"), max_length=400, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ArticlePage"]
    max_count_per_parent = 1
    cache_query_params = ("category", "tag", "page")
    page_size = 10

    class Meta:
        verbose_name = _("article index page")

    def articles(self) -> models.QuerySet:
        return ArticlePage.objects.child_of(self).live().public().order_by("-date", "-pk")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        articles = self.articles().select_related("image")
        category = request.GET.get("category", "")
        if category in ArticleCategory.values:
            articles = articles.filter(category=category)
        else:
            category = ""
        tag = request.GET.get("tag", "")[:100]
        if tag:
            articles = articles.filter(tags__slug=tag)
        page = Paginator(articles, self.page_size).get_page(request.GET.get("page"))
        context.update(
            articles=page,
            categories=ArticleCategory.choices,
            selected_category=category,
            selected_tag=tag,
        )
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey("cms.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items")


class ArticlePage(SitePage):
    """A news item or article."""

    date = models.DateField(_("date"), default=timezone.localdate)
    category = models.CharField(_("category"), max_length=30, choices=ArticleCategory.choices)
    summary = models.CharField(_("summary"), max_length=300)
    image = models.ForeignKey(
        IMAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("image")
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"))
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("tags"))

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("category")]),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("category"),
        index.FilterField("date"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    parent_page_types = ["cms.ArticleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")


# --- Campaigns, resources, projects ----------------------------------------------------------


class Channel(models.TextChoices):
    SOCIAL_MEDIA = "social_media", _("Social media")
    WEBSITE = "website", _("Website")
    PRESS = "press", _("Press and media")
    EVENTS = "events", _("Events")
    SCHOOLS = "schools", _("Schools")
    EMAIL = "email", _("Email and newsletters")
    PRINT = "print", _("Print")


class CampaignPage(SitePage):
    """An awareness campaign: when, for whom, through which channels, with which resources."""

    summary = models.CharField(_("summary"), max_length=300)
    start_date = models.DateField(_("starts on"))
    end_date = models.DateField(_("ends on"), null=True, blank=True)
    audiences = ParentalManyToManyField(Audience, blank=True, related_name="+", verbose_name=_("audiences"))
    channels = ChoiceListField(_("channels"), item_choices=Channel.choices)
    image = models.ForeignKey(
        IMAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("image")
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
        FieldPanel("channels"),
        FieldPanel("image"),
        FieldPanel("body"),
        InlinePanel("resources", label=_("Resources")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The campaign ends before it starts.")})

    @property
    def channel_labels(self) -> list[str]:
        return self._meta.get_field("channels").labels(self.channels)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        links = self.resources.select_related("resource")
        context["linked_resources"] = [link.resource.localized for link in links if link.resource.localized.live]
        return context


class CampaignResource(Orderable):
    campaign = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="resources")
    resource = models.ForeignKey(
        "cms.ResourcePage", on_delete=models.CASCADE, related_name="+", verbose_name=_("resource")
    )

    panels = [FieldPanel("resource")]


class ResourceIndexPage(SitePage):
    """Guides and toolkits, filtered by audience."""

    intro = models.CharField(_("introduction"), max_length=400, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ResourcePage"]
    max_count_per_parent = 1
    cache_query_params = ("audience",)

    class Meta:
        verbose_name = _("resource index page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        resources = ResourcePage.objects.child_of(self).live().public().order_by("title")
        audience = request.GET.get("audience", "")
        if audience in AudienceCode.values:
            resources = resources.filter(audiences__code=audience)
        else:
            audience = ""
        context.update(
            resources=resources.prefetch_related("audiences"),
            audiences=AudienceCode.choices,
            selected_audience=audience,
        )
        return context


class ResourceKind(models.TextChoices):
    GUIDE = "guide", _("Guide")
    TOOLKIT = "toolkit", _("Toolkit")
    FACTSHEET = "factsheet", _("Factsheet")
    REPORT = "report", _("Report")
    TEMPLATE = "template", _("Template")


class ResourcePage(SitePage):
    """A guide or toolkit with its documents, for one or more audiences."""

    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices, default=ResourceKind.GUIDE)
    summary = models.CharField(_("summary"), max_length=300)
    audiences = ParentalManyToManyField(Audience, related_name="+", verbose_name=_("audiences"))
    body = RichTextField(_("description"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
        InlinePanel("documents", label=_("Documents"), min_num=1),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.ResourceIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")


class ResourceDocument(Orderable):
    resource = ParentalKey(ResourcePage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(DOCUMENT_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("document"))
    title = models.CharField(_("link text (the document title if empty)"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    @property
    def link_text(self) -> str:
        return self.title or self.document.title


class ProjectPage(SitePage):
    """A funded project: objectives, partners and donors, live figures, related articles."""

    summary = models.CharField(_("summary"), max_length=300)
    start_date = models.DateField(_("starts on"))
    end_date = models.DateField(_("ends on"), null=True, blank=True)
    objectives = StreamField(ObjectivesBlock(), blank=True, verbose_name=_("objectives"))
    partners = ParentalManyToManyField(
        PartnerOrganisation, blank=True, related_name="partner_of_projects", verbose_name=_("partners")
    )
    donors = ParentalManyToManyField(
        PartnerOrganisation, blank=True, related_name="donor_of_projects", verbose_name=_("donors")
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    figures = StreamField(FiguresBlock(), blank=True, verbose_name=_("live project figures"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("objectives"),
        FieldPanel("partners", widget=forms.CheckboxSelectMultiple),
        FieldPanel("donors", widget=forms.CheckboxSelectMultiple),
        FieldPanel("figures"),
        FieldPanel("body"),
        InlinePanel("related_articles", label=_("Related articles")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The project ends before it starts.")})

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        links = self.related_articles.select_related("article")
        context["articles"] = [link.article.localized for link in links if link.article.localized.live]
        return context


class ProjectRelatedArticle(Orderable):
    project = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="related_articles")
    article = models.ForeignKey(
        "cms.ArticlePage", on_delete=models.CASCADE, related_name="+", verbose_name=_("article")
    )

    panels = [FieldPanel("article")]


# --- Pages drawn from the live registry --------------------------------------------------------


class HotlineDirectoryPage(SitePage):
    """ "Where to report": every member hotline, by the country it takes reports for."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    no_hotline_text = RichTextField(
        _("when a country has no hotline"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Shown when the visitor picks a country no member hotline covers (e.g. where else to report)."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("no_hotline_text")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    cache_query_params = ("q", "country", "region")
    cache_reads = (selectors.REGISTRY_TOPIC,)

    class Meta:
        verbose_name = _("hotline directory")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from network.models import ProgrammeRegion

        context = super().get_context(request, *args, **kwargs)
        query = request.GET.get("q", "")[:100]
        country = request.GET.get("country", "")[:2]
        region = request.GET.get("region", "")
        if region not in ProgrammeRegion.values:
            region = ""
        # What the unfiltered table is cached under: the code, the registry's version as the request read
        # it first (a write meanwhile leaves the table under the version it replaces, never a newer one)
        # and the day, as the rows themselves are kept.
        registry = request_data_version(request, selectors.REGISTRY_TOPIC)
        directory_version = f"{code_version()}:{registry}:{timezone.localdate().isoformat()}"
        context.update(
            # Read only where the page shows it: the unfiltered table is kept rendered (below).
            directory=SimpleLazyObject(lambda: selectors.directory(query=query, country=country, region=region)),
            country_choices=selectors.country_choices(),
            region_choices=ProgrammeRegion.choices,
            query=query,
            selected_country=country.upper(),
            selected_region=region,
            filtered=bool(query or country or region),
            directory_version=directory_version,
        )
        return context


class FactsPage(SitePage):
    """Public network figures, each with its definition; small counts are suppressed."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("more about the figures"))
    show_map = models.BooleanField(_("show the network map"), default=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("show_map"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    cache_reads = (selectors.REGISTRY_TOPIC,)

    class Meta:
        verbose_name = _("facts page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from reports import metrics

        context = super().get_context(request, *args, **kwargs)
        context["figures"] = selectors.facts_figures()
        context["threshold"] = metrics.SMALL_COUNT_THRESHOLD
        if self.show_map:
            context.update(_map_context())
        return context


class NetworkMapPage(SitePage):
    """A world map of the countries by their place in the network, with the same data as a table."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    cache_reads = (selectors.REGISTRY_TOPIC,)

    class Meta:
        verbose_name = _("network map")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context.update(_map_context())
        return context


def _map_context() -> dict[str, Any]:

    statuses = selectors.country_statuses()
    labels = selectors.status_labels()
    return {
        "map_data": {
            "countries": [{"iso3": row.iso3, "name": row.name, "status": row.status} for row in statuses],
            "labels": labels,
        },
        "map_rows": {
            status: [row.name for row in statuses if row.status == status]
            for status in (selectors.MEMBER, selectors.CANDIDATE)
        },
        "map_labels": labels,
    }
