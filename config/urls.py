from typing import Any

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.cache import never_cache
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as accounts_views
from accounts.areas import ADMIN_ROUTE_PREFIX
from cms import urls as cms_urls
from core import views as core_views
from core.admin_views import SiteHistoryView


def admin_only(view: Any) -> Any:
    """As Wagtail decorates its own admin views: staff only, never cached."""
    return never_cache(require_admin_access(view))


urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # Staff sign in through allauth (rate limits, MFA), never through Wagtail's own form.
    path(f"{ADMIN_ROUTE_PREFIX}login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path(f"{ADMIN_ROUTE_PREFIX}password_reset/", RedirectView.as_view(pattern_name="account_reset_password")),
    # Wagtail's site history, under the audit trail's reading rule (core/admin_views.py).
    path(
        f"{ADMIN_ROUTE_PREFIX}reports/site-history/",
        admin_only(SiteHistoryView.as_view()),
        name="core_site_history",
    ),
    path(
        f"{ADMIN_ROUTE_PREFIX}reports/site-history/results/",
        admin_only(SiteHistoryView.as_view(results_only=True)),
        name="core_site_history_results",
    ),
    path(ADMIN_ROUTE_PREFIX, include(wagtailadmin_urls)),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("portal/", include("config.portal_urls")),
    path("donors/", include("config.donor_urls")),
    # Staff calendar feeds (secret-token URLs for calendar applications).
    path("onboarding/", include("onboarding.urls")),
    path("documents/", include(wagtaildocs_urls)),
    # Django's switcher; a signed-in person's choice is also the language of their emails.
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    *cms_urls.root_urlpatterns,
]

if settings.BENCH_BARE_VIEW:
    # The load benchmark's ceiling: an empty view behind the same middleware (bench/load.py).
    def _bench_bare(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok", content_type="text/plain")

    urlpatterns.insert(0, path("_bench/bare", _bench_bare))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The public site: English at /, French at /fr/, Spanish at /es/.
urlpatterns += i18n_patterns(
    *cms_urls.public_urlpatterns,
    # Wagtail's own sign-in form (for private pages) would sign staff in without MFA or rate limits.
    path("_util/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler500 = "core.views.server_error"
