"""The grants manager's panel on the Wagtail admin home page: reporting deadlines (periodic reports,
deliverables, milestones), the overdue ones first, then those due within `WITHIN_DAYS` days. Read
through `reports.grants.selectors.grant_deadlines` (visible grants only, a fixed number of queries);
nothing is shown when nothing is due."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from wagtail import hooks

from network.home_panels import PersonalPanel
from reports.grants.selectors import grant_deadlines

WITHIN_DAYS = 60
LIMIT = 15


class GrantDeadlinesPanel(PersonalPanel):
    name = "grant_deadlines"
    template_name = "reports/panels/grant_deadlines.html"
    order = 39  # before the others: on a grants manager's home, deadlines come first

    def items(self, request: Any) -> dict[str, Any] | None:
        # Who sees it is accounts.roles.HOME_PANELS; the deadlines are those of the grants the user sees.
        deadlines = grant_deadlines(user=request.user, today=timezone.localdate(), within_days=WITHIN_DAYS)
        if not deadlines:
            return None
        return {
            "deadlines": deadlines[:LIMIT],
            "total": len(deadlines),
            "overdue": sum(1 for deadline in deadlines if deadline.overdue),
            "within_days": WITHIN_DAYS,
        }


@hooks.register("construct_homepage_panels")
def add_grant_deadlines_panel(request: HttpRequest, panels: list[Any]) -> None:
    panels.append(GrantDeadlinesPanel())
