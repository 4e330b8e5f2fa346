"""Helpers every onboarding service shares: who the actor is (network staff; a dossier's actors), how a
checklist rule's refusal becomes an exception, and the absolute addresses emailed links use.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.access import has_role
from accounts.roles import Role
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import selectors

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
