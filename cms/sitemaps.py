"""sitemap.xml: every live public page of the site in every language, with its translations as
alternates (hreflang)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class SiteSitemap(Sitemap):
    def items(self) -> QuerySet[Page]:
        site = self.get_wagtail_site()
        roots = site.root_page.get_translations(inclusive=True)
        in_site = Q()
        for root in roots:
            in_site |= Q(path__startswith=root.path)
        return (
            Page.objects.live()
            .public()
            .filter(in_site)
            .select_related("locale")
            .order_by("path")
            # No page type changes how its URL is made: the generic pages are enough (one query, not
            # one per page type).
            .only(
                "id",
                "path",
                "url_path",
                "depth",
                "locale",
                "translation_key",
                "last_published_at",
                "latest_revision_created_at",
                "live",
            )
        )

    def _urls(self, page: int, protocol: str, domain: str) -> list[dict[str, Any]]:
        items = list(self.paginator.page(page).object_list)
        urls = {item.pk: item.get_full_url(self.request) for item in items}
        by_key: dict[Any, list[dict[str, str]]] = {}
        for item in items:
            by_key.setdefault(item.translation_key, []).append(
                {"location": urls[item.pk], "lang_code": item.locale.language_code}
            )
        result = []
        for item in items:
            alternates = by_key[item.translation_key]
            result.append(
                {
                    "item": item,
                    "location": urls[item.pk],
                    "lastmod": item.last_published_at or item.latest_revision_created_at,
                    "alternates": alternates if len(alternates) > 1 else [],
                }
            )
        lastmods = [url["lastmod"] for url in result]
        if lastmods and None not in lastmods:
            self.latest_lastmod = max(lastmods)
        return result
