"""/portal/: the hotline portal. One namespace ("portal"); each app contributes its own routes."""

from django.urls import path

from accounts import views as account_views
from accounts.portal_urls import urlpatterns as account_patterns
from network.portal_urls import urlpatterns as network_patterns
from onboarding.portal_urls import urlpatterns as onboarding_patterns

app_name = "portal"

urlpatterns = [
    path("", account_views.portal_home, name="home"),
    *account_patterns,
    *network_patterns,
    *onboarding_patterns,
]
