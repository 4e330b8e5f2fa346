"""The "Network" admin menu: one viewset per registry model, plus the workbook and personal data.

Every view starts from `Model.objects.visible_to(user)` (`core.admin.ScopedViewSet`); roles decide
which screens a user sees through Django permissions (declared in `network.apps`). Create, edit and
delete go through the audited actions of `core.history` (registered in `network.wagtail_hooks`), so
each leaves a history entry with the actor and the changed fields. The lifecycle stage is never in
an edit form: the model marks it non-editable and only the onboarding workflow changes it.

One module per part of the registry: `registry` (countries, organisations), `contacts` (and
personal data), `hotlines` (and analysts), `training`, `capacity` (annual profiles, statistics),
`import_export` (the workbook); `base` holds the filters and menu items they share.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from wagtail.admin.viewsets.base import ViewSetGroup

from core.admin import (
    OptionalRelationExportMixin,
    ScopedDeleteView,
    ScopedEditView,
    ScopedHistoryView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedViewSet,
    TitledPageMixin,
    optional_path_value,
)
from network.viewsets.base import LinkViewSet, StaffMenuItem, country_filter, region_filter
from network.viewsets.capacity import HotlineAnnualProfileViewSet, HotlineStatisticsViewSet
from network.viewsets.contacts import ContactViewSet, RetentionLinkViewSet
from network.viewsets.hotlines import AnalystViewSet, HotlineViewSet
from network.viewsets.import_export import WorkbookViewSet
from network.viewsets.registry import CountryViewSet, OrganisationViewSet
from network.viewsets.training import TrainingCourseViewSet, TrainingEventViewSet, TrainingParticipationViewSet

# The names other apps imported before the shared admin classes moved to `core.admin`.
NetworkViewSet = ScopedViewSet
NetworkIndexView = ScopedIndexView
NetworkEditView = ScopedEditView
NetworkDeleteView = ScopedDeleteView
NetworkHistoryView = ScopedHistoryView
NetworkInspectView = ScopedInspectView


class NetworkViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Network")
    menu_icon = "globe"
    menu_order = 200
    # Other apps may add entries to this menu with `@hooks.register("register_network_menu_item")`.
    submenu_hook = "register_network_menu_item"
    items = (
        HotlineViewSet,
        OrganisationViewSet,
        ContactViewSet,
        CountryViewSet,
        AnalystViewSet,
        TrainingCourseViewSet,
        TrainingEventViewSet,
        TrainingParticipationViewSet,
        HotlineAnnualProfileViewSet,
        HotlineStatisticsViewSet,
        RetentionLinkViewSet,
        WorkbookViewSet,
    )


__all__ = [
    "AnalystViewSet",
    "ContactViewSet",
    "CountryViewSet",
    "HotlineAnnualProfileViewSet",
    "HotlineStatisticsViewSet",
    "HotlineViewSet",
    "LinkViewSet",
    "NetworkDeleteView",
    "NetworkEditView",
    "NetworkHistoryView",
    "NetworkIndexView",
    "NetworkInspectView",
    "NetworkViewSet",
    "NetworkViewSetGroup",
    "OptionalRelationExportMixin",
    "OrganisationViewSet",
    "RetentionLinkViewSet",
    "StaffMenuItem",
    "TitledPageMixin",
    "TrainingCourseViewSet",
    "TrainingEventViewSet",
    "TrainingParticipationViewSet",
    "WorkbookViewSet",
    "country_filter",
    "optional_path_value",
    "region_filter",
]
