from django.conf import settings
from django.http import HttpRequest


def site_chrome(request: HttpRequest) -> dict[str, str]:
    """The site's and the association's names and logo, for the public chrome and the admin's branding."""
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "association_name": settings.ASSOCIATION_NAME,
        "association_logo": settings.ASSOCIATION_LOGO,
    }
