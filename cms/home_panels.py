"""The moderators' home panel "Recent edits on the site": the pages anyone edited lately that the user
may edit (Wagtail's own "recent edits" panel lists only the user's own edits, and a moderator acts on
other people's). Which role sees it is `accounts.roles.HOME_PANELS`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.template.loader import get_template
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Page, PageLogEntry

EDIT_ACTIONS = ("wagtail.edit", "wagtail.create", "wagtail.publish", "wagtail.workflow.start")


def recent_site_edits(*, user: Any, limit: int = 8) -> list[tuple[Any, Page, Any]]:
    """(when, page, by whom) of the pages most recently edited by anyone, that `user` may edit."""
    latest = (
        PageLogEntry.objects.filter(action__in=EDIT_ACTIONS)
        .values("page_id")
        .annotate(latest=Max("timestamp"))
        .order_by("-latest")[: limit * 3]
    )
    when = {row["page_id"]: row["latest"] for row in latest}
    pages = Page.objects.specific().prefetch_workflow_states().in_bulk(list(when))
    authors = {
        entry.page_id: entry.user
        for entry in PageLogEntry.objects.filter(page_id__in=list(when), action__in=EDIT_ACTIONS)
        .select_related("user")
        .order_by("timestamp")
    }
    rows = []
    for page_id, moment in when.items():
        page = pages.get(page_id)
        if page is not None and page.permissions_for_user(user).can_edit():
            rows.append((moment, page, authors.get(page_id)))
    return rows[:limit]


class SiteRecentEditsPanel(Component):
    name = "site_recent_edits"
    template_name = "cms/panels/site_recent_edits.html"
    order = 260

    def render_html(self, parent_context: Mapping[str, Any] | None = None) -> str:
        request = (parent_context or {})["request"]
        limit = getattr(settings, "WAGTAILADMIN_RECENT_EDITS_LIMIT", 8)
        edits = recent_site_edits(user=request.user, limit=limit)
        if not edits:
            return ""
        return get_template(self.template_name).render({"edits": edits, "request": request}, request)


@hooks.register("construct_homepage_panels")
def add_site_recent_edits(request: Any, panels: list[Any]) -> None:
    panels.append(SiteRecentEditsPanel())
