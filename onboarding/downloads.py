"""Files served by onboarding views, after the calling view has checked access with `visible_to`:
private documents and calendar (.ics) files."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone

from core.uploads import private_file_response, private_storage
from onboarding import ics
from onboarding.models import PrivateDocument
from onboarding.selectors import CalendarEvent


def document_response(document: PrivateDocument) -> HttpResponse:
    if not private_storage().exists(document.stored_name):
        raise Http404("The stored file is missing.")
    return private_file_response(
        document.stored_name, download_name=document.original_name, content_type=document.content_type
    )


def ics_response(events: list[CalendarEvent], *, name: str, filename: str, attachment: bool = True) -> HttpResponse:
    body = ics.calendar(events, name=name, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    if attachment:
        response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
