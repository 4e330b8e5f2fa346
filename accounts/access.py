"""Who may see what: the building blocks of every model's `visible_to(user)`.

Staff are users with access to the Wagtail admin; what they see is decided by their roles
(groups). Everyone else sees only what belongs to their affiliation: one organisation (hotline
portal) or one donor (donor area). A model's QuerySet implements `visible_to(user)` with these
helpers, and every portal, donor and admin view starts from it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from accounts.roles import ACTION_RULES, HOME_PANELS, PORTAL_ROLE_TARGETS, Role


def is_authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_staff_user(user: Any) -> bool:
    """Association staff: may use the Wagtail admin."""
    return is_authenticated(user) and (user.is_superuser or user.has_perm("wagtailadmin.access_admin"))


def has_role(user: Any, *roles: Role | str) -> bool:
    """True for superusers and for users holding any of `roles`."""
    if not is_authenticated(user):
        return False
    if user.is_superuser:
        return True
    return bool(user.role_names & {str(role) for role in roles})


def may(user: Any, action: str) -> bool:
    """Whether `user` may do `action`: the role and the permission its rule in `ACTION_RULES` names."""
    rule = ACTION_RULES[action]
    if not is_authenticated(user):
        return False
    if rule.portal_roles is not None:
        affiliation = None if user.is_superuser else user.affiliation_or_none
        return (
            affiliation is not None
            and affiliation.is_to(PORTAL_ROLE_TARGETS[Role.HOTLINE_USER])
            and affiliation.role in rule.portal_roles
        )
    if rule.role is not None and not has_role(user, rule.role):
        return False
    return rule.permission is None or user.has_perm(rule.permission)


def shows_home_panel(user: Any, panel_name: str) -> bool:
    """Whether the admin home page shows `user` the panel `panel_name` (`roles.HOME_PANELS`)."""
    if panel_name not in HOME_PANELS:
        return is_authenticated(user) and user.is_superuser
    return has_role(user, *HOME_PANELS[panel_name])


def affiliated_id(user: Any, model_label: str) -> int | None:
    """The id of the `model_label` object the user is affiliated to, or None."""
    if not is_authenticated(user) or user.is_superuser:
        return None
    affiliation = user.affiliation_or_none
    if affiliation is None or not affiliation.is_to(model_label):
        return None
    return affiliation.object_id


def organisation_id_for(user: Any) -> int | None:
    return affiliated_id(user, PORTAL_ROLE_TARGETS[Role.HOTLINE_USER])


def donor_id_for(user: Any) -> int | None:
    return affiliated_id(user, PORTAL_ROLE_TARGETS[Role.DONOR_USER])


def _area_required(
    test: Callable[[Any], bool],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not is_authenticated(request.user):
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# The hotline portal: users affiliated to an organisation.
portal_user_required = _area_required(lambda user: organisation_id_for(user) is not None)
# The donor area: users affiliated to a donor.
donor_user_required = _area_required(lambda user: donor_id_for(user) is not None)
