"""What the CMS offers to the admin search (`core.search`): pages, for users who may explore the
page tree (Wagtail's page permissions), searched with Wagtail's own search backend over the pages
they may explore, each leading to its editor."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import user_has_any_page_permission
from wagtail.models import Locale, Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from core.search import SearchHit, SearchKind


def _find_pages(user: Any, query: str, limit: int) -> tuple[list[SearchHit], bool]:
    pages = PagePermissionPolicy().explorable_instances(user).filter(depth__gt=1)
    found = list(pages.search(query, fields=None)[: limit + 1])
    languages = dict(Locale.objects.values_list("pk", "language_code"))
    hits = []
    for page in found[:limit]:
        kind = page.specific_class._meta.verbose_name if page.specific_class else ""
        state = gettext("live") if page.live else gettext("draft")
        detail = " · ".join(str(part) for part in (kind, languages.get(page.locale_id, "").upper(), state) if part)
        hits.append(SearchHit(page.title, reverse("wagtailadmin_pages:edit", args=[page.pk]), detail))
    return hits, len(found) > limit


def search_kinds() -> list[SearchKind]:
    return [
        SearchKind(
            key="pages",
            label=_("Pages"),
            is_shown=user_has_any_page_permission,
            visible=lambda user: Page.objects.none(),
            fields=(),
            hit=lambda page: SearchHit(page.title, ""),
            find=_find_pages,
            list_url=lambda: reverse("wagtailadmin_pages:search"),
            order=95,
        )
    ]
