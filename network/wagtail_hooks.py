"""Registration only: the Network admin menu, audited actions, history labels, portal entries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

import network.home_panels  # noqa: F401 (registers its panels on the admin home page)
from accounts.areas import AreaMenuItem, AreaPanel
from core.history import AuditedCreateAction, AuditedDeleteAction, AuditedEditAction
from core.reminders import REMINDER_PRODUCERS_HOOK
from network import portal_user_urls, reminders, selectors
from network.models import (
    Analyst,
    Contact,
    Country,
    Hotline,
    HotlineAnnualProfile,
    HotlineStatistics,
    Organisation,
    TrainingCourse,
    TrainingEvent,
    TrainingParticipation,
)
from network.viewsets import NetworkViewSetGroup

NETWORK_MODELS = (
    Country,
    Organisation,
    Contact,
    Hotline,
    Analyst,
    TrainingCourse,
    TrainingEvent,
    TrainingParticipation,
    HotlineAnnualProfile,
    HotlineStatistics,
)


@hooks.register("register_admin_viewset")
def register_network_viewsets() -> NetworkViewSetGroup:
    return NetworkViewSetGroup()


@hooks.register("register_admin_urls")
def register_portal_user_urls() -> list:
    # A hotline's portal users (network staff: change a role, remove an access).
    return [path("network/portal-users/<int:hotline>/", include(portal_user_urls, namespace="network_portal_users"))]


@hooks.register("register_actions")
def register_audited_actions(registry: Any) -> None:
    # The admin's create/edit/delete of registry records log the changed fields too.
    for model in NETWORK_MODELS:
        registry.register(model, AuditedCreateAction)
        registry.register(model, AuditedEditAction)
        registry.register(model, AuditedDeleteAction)


@hooks.register("register_log_actions")
def register_network_actions(actions: Any) -> None:
    actions.register_action("network.hotline.profile_update", _("Update public profile"), _("Public profile updated"))
    actions.register_action("network.annual_profile.submit", _("Submit annual profile"), _("Annual profile submitted"))
    actions.register_action("network.annual_profile.update", _("Update annual profile"), _("Annual profile updated"))
    actions.register_action("network.statistics.submit", _("Submit statistics"), _("Statistics return submitted"))
    actions.register_action("network.statistics.update", _("Update statistics"), _("Statistics return updated"))
    actions.register_action("network.statistics.query", _("Query statistics"), _("Statistics return queried"))
    actions.register_action(
        "network.statistics.answer", _("Answer a query"), _("Query on a statistics return answered")
    )
    actions.register_action("network.analyst.register", _("Register analyst"), _("Analyst registered"))
    actions.register_action("network.analyst.update", _("Update analyst"), _("Analyst updated"))
    actions.register_action("network.training.nominate", _("Nominate for training"), _("Nominated for training"))
    actions.register_action("network.training.withdraw", _("Withdraw nomination"), _("Nomination withdrawn"))
    actions.register_action("network.training.roster_add", _("Add to a roster"), _("Added to the event's roster"))
    actions.register_action(
        "network.training.roster_update", _("Update on a roster"), _("Updated on the event's roster")
    )
    actions.register_action("network.contact.erase", _("Erase personal data"), _("Personal data erased"))
    actions.register_action("network.import.create", _("Import (new)"), _("Created by a workbook import"))
    actions.register_action("network.import.update", _("Import (update)"), _("Updated by a workbook import"))


@hooks.register("portal_home_panels")
def member_hotline_panel(request: HttpRequest) -> list[AreaPanel]:
    hotlines = list(selectors.portal_hotlines(user=request.user))
    if not hotlines:
        return []
    today = timezone.localdate()
    items = [{"hotline": h, "due": selectors.returns_due(hotline=h, today=today)} for h in hotlines]
    return [AreaPanel(order=10, template="network/portal/panel.html", context={"hotlines": items})]


@hooks.register("portal_menu_items")
def member_hotline_menu(request: HttpRequest) -> list[AreaMenuItem]:
    if not selectors.portal_hotlines(user=request.user).exists():
        return []
    return [AreaMenuItem(order=10, label=_("Member hotline"), url=reverse("portal:network_hotline"))]


hooks.register(REMINDER_PRODUCERS_HOOK, reminders.statistics_return_reminders)
hooks.register(REMINDER_PRODUCERS_HOOK, reminders.certificate_expiry_reminders)


@hooks.register("register_admin_search_kinds")
def register_search_kinds() -> list:
    from network.search import search_kinds

    return search_kinds()
