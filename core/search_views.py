"""The admin search page (`core.search`): one box, what the user may see, grouped by kind."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core import search


class AdminSearchView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "core/admin/search.html"
    page_title = gettext_lazy("Search")
    header_icon = "search"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return []

    def get_page_subtitle(self) -> str:
        return self.query

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        self.query = search.clean_query(request.GET.get("q", ""))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        kinds = search.kinds_for(user)
        groups = search.search(user=user, query=self.query) if self.query else []
        context.update(
            query=self.query,
            groups=groups,
            searched=bool(search.query_words(self.query)),
            kind_labels=[str(kind.label) for kind in kinds],
            per_kind=search.PER_KIND,
        )
        return context
