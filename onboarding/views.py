from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from onboarding import selectors, services
from onboarding.downloads import ics_response


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A staff member's calendar (roundtables, their action items), for calendar apps that cannot sign in."""
    user = services.calendar_token_user(token)
    if user is None:
        raise Http404
    events = selectors.calendar_events_for(user=user)
    return ics_response(events, name=_("Onboarding: roundtables and actions"), filename="onboarding", attachment=False)
