from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.models import PartnerOrganisation


class PartnerOrganisationViewSet(SnippetViewSet):
    model = PartnerOrganisation
    icon = "group"
    menu_label = _("Partners and donors")
    menu_order = 300
    add_to_admin_menu = False
    list_display = ["name", "website"]
    search_fields = ["name"]
