"""Helpers every onboarding service shares: who the actor is (network staff; a dossier's actors), how a
checklist rule's refusal becomes an exception, and the absolute addresses emailed links use.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import has_role
from accounts.roles import Role
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import selectors
from onboarding.models import CommentVisibility

Stage = Hotline.Stage


def _require_network_staff(user: Any, message: str) -> None:
    if not has_role(user, Role.NETWORK_STAFF):
        raise PermissionDenied(message)


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _refuse(refusal: rules.ItemActionRefused) -> Exception:
    if refusal.code == rules.ItemActionRefused.NOT_PERMITTED:
        return PermissionDenied(refusal.messages[0])
    return ValidationError(refusal.messages, code=refusal.code)


def _portal_url(name: str, *args: Any) -> str:
    return _absolute(reverse(name, args=args))


def _require_actor(user: Any, hotline: Hotline, allowed: set[str], message: str) -> frozenset[str]:
    actors = selectors.dossier_actors(user=user, hotline=hotline)
    if not actors & allowed:
        raise PermissionDenied(message)
    return actors


def comment_body(body: str, visibility: str) -> str:
    """A new comment's text, checked (written, at most 5,000 characters, a known visibility if one is chosen)."""
    body = body.strip()
    if not body:
        raise ValidationError(_("Write the comment first."))
    if len(body) > 5000:
        raise ValidationError(_("The comment is too long (at most 5,000 characters)."))
    if visibility and visibility not in CommentVisibility.values:
        raise ValidationError(_("Choose who reads the comment: staff only, reviewers and staff, or shared."))
    return body


def comment_visibility(requested: str, actors: frozenset[str]) -> str:
    """Who reads a new comment on a dossier, one rule for every thread: a candidate's own comment is
    always shared; the association's side chooses, reviewers and staff by default; only network staff
    write staff-only comments."""
    if not actors & {rules.REVIEWER, rules.STAFF}:
        return CommentVisibility.SHARED
    visibility = requested or CommentVisibility.REVIEWERS
    if visibility == CommentVisibility.STAFF and rules.STAFF not in actors:
        raise PermissionDenied(_("Only network staff write staff-only comments."))
    return visibility
