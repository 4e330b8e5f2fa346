"""Who the signed-in user is, in one query: their roles (group names) and their permissions.

Django's `ModelBackend` reads a user's own permissions and their groups' permissions with a query
each, and the roles (`User.role_names`) take a third. Every staff page needs all three, so
`load_access` reads them together (one UNION query) and leaves them where Django's backend and
`role_names` look first. Superusers keep Django's path (every permission); inactive and anonymous
users have none, as in Django.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, Value

ROLE, OWN, THROUGH_GROUP = "role", "user", "group"


def _tagged(queryset: Any, tag: str, *columns: str) -> Any:
    text = CharField()
    padding = [Value("", output_field=text)] * (2 - len(columns))
    return queryset.order_by().values_list(Value(tag, output_field=text), *columns, *padding)


def load_access(user: Any) -> None:
    """Read `user`'s roles and permissions (one query) unless already read for this user object."""
    if hasattr(user, "_role_names_cache"):
        return
    roles: set[str] = set()
    own: set[str] = set()
    through_group: set[str] = set()
    if user.pk is not None:
        rows = _tagged(Group.objects.filter(user=user), ROLE, "name").union(
            _tagged(Permission.objects.filter(user=user), OWN, "content_type__app_label", "codename"),
            _tagged(Permission.objects.filter(group__user=user), THROUGH_GROUP, "content_type__app_label", "codename"),
            all=True,
        )
        for tag, first, second in rows:
            if tag == ROLE:
                roles.add(first)
            else:
                (own if tag == OWN else through_group).add(f"{first}.{second}")
    user._role_names_cache = frozenset(roles)
    if user.is_active and not user.is_superuser:
        # Where ModelBackend keeps what it read (superusers: it reads every permission itself).
        user._user_perm_cache = own
        user._group_perm_cache = through_group


class RoleModelBackend(ModelBackend):
    """Django's ModelBackend, with the user's permissions read by `load_access` (with their roles)."""

    def _get_permissions(self, user_obj: Any, obj: Any, from_name: str) -> set[str]:
        if user_obj.is_active and not user_obj.is_anonymous and not user_obj.is_superuser and obj is None:
            load_access(user_obj)
        return super()._get_permissions(user_obj, obj, from_name)
