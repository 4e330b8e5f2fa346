from wagtail import hooks
from wagtail.snippets.models import register_snippet

import cms.home_panels  # noqa: F401 (registers its panel on the admin home page)
from cms.viewsets import PartnerOrganisationViewSet, ReportingRouteViewSet

register_snippet(PartnerOrganisationViewSet)
register_snippet(ReportingRouteViewSet)


@hooks.register("register_admin_search_kinds")
def register_search_kinds() -> list:
    from cms.search import search_kinds

    return search_kinds()
