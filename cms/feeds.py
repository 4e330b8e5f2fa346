"""The articles feed (RSS 2.0 and Atom) of the visitor's language."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from wagtail.models import Locale, Site

from cms.models import ArticlePage

FEED_SIZE = 20


class ArticleFeed(Feed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpRequest:
        return request

    def title(self, request: HttpRequest) -> str:
        site = Site.find_for_request(request)
        return _("%(site)s: news and articles") % {"site": site.site_name if site else ""}

    def link(self, request: HttpRequest) -> str:
        site = Site.find_for_request(request)
        return (site.root_page.localized.get_url(request) if site else None) or "/"

    def description(self, request: HttpRequest) -> str:
        return _("News from the network of hotlines where the public reports child sexual abuse material online.")

    def items(self, request: HttpRequest) -> QuerySet[ArticlePage]:
        return (
            ArticlePage.objects.live().public().filter(locale=Locale.get_active()).order_by("-date", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: ArticlePage) -> str:
        return item.title

    def item_description(self, item: ArticlePage) -> str:
        return item.summary

    def item_link(self, item: ArticlePage) -> str:
        return item.get_full_url()

    def item_pubdate(self, item: ArticlePage) -> datetime:
        return timezone.make_aware(datetime.combine(item.date, time(9, 0)))

    def item_updateddate(self, item: ArticlePage) -> datetime | None:
        return item.last_published_at

    def item_categories(self, item: ArticlePage) -> list[str]:
        return [str(item.get_category_display())]


class ArticleAtomFeed(ArticleFeed):
    feed_type = Atom1Feed

    def subtitle(self, request: HttpRequest) -> str:
        return self.description(request)
