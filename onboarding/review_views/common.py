"""Helpers shared by the review views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.uploads import private_file_response, private_storage
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import selectors, services
from onboarding.forms import ReviewerCommentForm
from onboarding.models import (
    EvidenceDocument,
)


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def posted_comment_form(request: HttpRequest, hotline: Hotline, *, permission: str) -> ReviewerCommentForm:
    """A reviewer's or staff member's comment as posted (403 without `permission`); staff may also
    write staff-only comments."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
    actors = selectors.dossier_actors(user=request.user, hotline=hotline)
    return ReviewerCommentForm(request.POST, staff=rules.STAFF in actors)


def comment_added(request: HttpRequest, comment: Any) -> None:
    messages.success(request, _("Comment added (%(visibility)s).") % {"visibility": comment.get_visibility_display()})


def _dossier_hotline_or_404(request: HttpRequest, pk: int) -> Hotline:
    """A hotline whose dossier is open to the user (network staff; an assigned, declared reviewer)."""
    hotline = get_object_or_404(
        Hotline.objects.visible_to(request.user).select_related("country", "host_organisation", "lead_staff"), pk=pk
    )
    if not selectors.dossier_actors(user=request.user, hotline=hotline) & {rules.STAFF, rules.REVIEWER}:
        raise Http404
    return hotline


def evidence_response(document: EvidenceDocument, user: Any) -> HttpResponse:
    """Serve an evidence document the caller loaded through `visible_to`, recording the download."""
    if not private_storage().exists(document.stored_name):
        raise Http404("The stored file is missing.")
    services.evidence_record_download(document=document, acting_user=user)
    return private_file_response(
        document.stored_name, download_name=document.original_name, content_type=document.content_type
    )


def thread_context(*, user: Any, hotline: Any, comments: Any, form: Any) -> dict[str, Any]:
    """The thread and its form, as `onboarding/admin/_thread.html` shows them."""
    from onboarding.forms import ReviewerCommentForm

    actors = selectors.dossier_actors(user=user, hotline=hotline)
    return {
        "thread": list(comments.select_related("author")),
        "can_comment": bool(actors & {rules.STAFF, rules.REVIEWER}) and user.has_perm("onboarding.add_dossiercomment"),
        "comment_form": form or ReviewerCommentForm(staff=rules.STAFF in actors),
    }
