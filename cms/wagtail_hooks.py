from wagtail.snippets.models import register_snippet

from cms.viewsets import PartnerOrganisationViewSet

register_snippet(PartnerOrganisationViewSet)
