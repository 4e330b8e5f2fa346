from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.models import PartnerOrganisation, ReportingRoute


class PartnerOrganisationViewSet(SnippetViewSet):
    model = PartnerOrganisation
    icon = "group"
    menu_label = _("Partners and donors")
    menu_order = 300
    add_to_admin_menu = False
    list_display = ["name", "website"]
    search_fields = ["name"]


class ReportingRouteViewSet(SnippetViewSet):
    model = ReportingRoute
    icon = "globe"
    menu_label = _("International reporting routes")
    menu_order = 310
    add_to_admin_menu = False
    list_display = ["name", "url", "languages", "locale"]
    search_fields = ["name"]
