"""Registration only: the donor area's home panel and menu, and the donor reports' audit actions (with
the budget lines' amounts by period).

Imported by the donor area's views and the admin viewset, so the hooks are registered whichever
loads first."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from accounts.areas import AreaMenuItem, AreaPanel
from reports.donor import selectors


@hooks.register("donor_home_panels")
def donor_grants_panel(request: HttpRequest) -> list[AreaPanel]:
    grants = list(selectors.donor_grants(user=request.user))
    if not grants:
        return []
    return [AreaPanel(order=10, template="reports/donors/grants_panel.html", context={"grants": grants})]


@hooks.register("donor_menu_items")
def donor_verify_menu(request: HttpRequest) -> list[AreaMenuItem]:
    return [AreaMenuItem(order=90, label=_("Verify a report"), url=reverse("donors:verify"))]


@hooks.register("register_log_actions")
def register_donor_report_actions(actions: Any) -> None:
    for action, label, message in (
        ("create", _("Create report"), _("Donor report created")),
        ("generation_started", _("Generate report"), _("Report generation started")),
        ("generated", _("Generate report"), _("Report generated")),
        ("generation_failed", _("Generate report"), _("Report generation failed")),
        ("retry", _("Retry generation"), _("Report generation queued again")),
        ("update_summary", _("Edit summary"), _("Publishable summary edited")),
        ("update_narrative", _("Edit narrative"), _("Report narrative edited")),
        ("update_work_package", _("Edit work package narrative"), _("Work package narrative edited")),
        ("explain_indicator", _("Explain indicator"), _("Indicator explanation edited")),
        ("submit", _("Submit for review"), _("Report submitted for review")),
        ("return", _("Return to draft"), _("Report returned to draft")),
        ("publish", _("Publish report"), _("Report published")),
        ("supersede", _("Supersede report"), _("Report superseded by a correction")),
        ("correct", _("Correct report"), _("Correction started")),
        ("download", _("Download report"), _("Report downloaded")),
    ):
        actions.register_action(f"reports.donor_report.{action}", label, message)
    actions.register_action(
        "reports.budget_line.period_amounts", _("Edit amounts by period"), _("Budget amounts by period edited")
    )
