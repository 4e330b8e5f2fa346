"""Who the signed-in user is, in one query: their roles (group names) and their permissions.

Django's `ModelBackend` reads a user's own permissions and their groups' permissions with a query
each, and the roles (`User.role_names`) take a third. Every staff page needs all three, so
`load_access` reads them together (one UNION query, its SQL written once) and leaves them where
Django's backend and `role_names` look first. Superusers keep Django's path (every permission);
inactive and anonymous users have none, as in Django.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

ROLE, OWN, THROUGH_GROUP = "role", "user", "group"


@functools.cache
def _access_sql(vendor: str) -> str:
    """The one query of `load_access`, written once per database vendor: tagged rows of the user's
    group names, own permissions and permissions through groups (ORM-built, this union cost more to
    compile on every staff request than to run)."""
    quote = connection.ops.quote_name
    user_model = get_user_model()
    user_groups = user_model._meta.get_field("groups").remote_field.through._meta
    user_permissions = user_model._meta.get_field("user_permissions").remote_field.through._meta
    group_permissions = Group._meta.get_field("permissions").remote_field.through._meta

    def table(meta: Any) -> str:
        return quote(meta.db_table)

    def column(meta: Any, name: str) -> str:
        return quote(meta.get_field(name).column)

    permission, content_type, group = Permission._meta, ContentType._meta, Group._meta
    permission_name = (
        f"FROM {table(permission)} p INNER JOIN {table(content_type)} ct"
        f" ON ct.{column(content_type, 'id')} = p.{column(permission, 'content_type')}"
    )
    names = f"ct.{column(content_type, 'app_label')}, p.{column(permission, 'codename')}"
    in_groups = f"ug.{column(user_groups, 'group')}"
    # Names from the models' metadata, quoted; the user's id is a parameter.
    return (
        f"SELECT '{ROLE}', g.{column(group, 'name')}, '' FROM {table(group)} g"  # noqa: S608
        f" INNER JOIN {table(user_groups)} ug ON {in_groups} = g.{column(group, 'id')}"
        f" WHERE ug.{column(user_groups, 'user')} = %s"
        f" UNION ALL SELECT '{OWN}', {names} {permission_name}"
        f" INNER JOIN {table(user_permissions)} up"
        f" ON up.{column(user_permissions, 'permission')} = p.{column(permission, 'id')}"
        f" WHERE up.{column(user_permissions, 'user')} = %s"
        f" UNION ALL SELECT '{THROUGH_GROUP}', {names} {permission_name}"
        f" INNER JOIN {table(group_permissions)} gp"
        f" ON gp.{column(group_permissions, 'permission')} = p.{column(permission, 'id')}"
        f" INNER JOIN {table(user_groups)} ug ON {in_groups} = gp.{column(group_permissions, 'group')}"
        f" WHERE ug.{column(user_groups, 'user')} = %s"
    )


def load_access(user: Any) -> None:
    """Read `user`'s roles and permissions (one query) unless already read for this user object."""
    if hasattr(user, "_role_names_cache"):
        return
    roles: set[str] = set()
    own: set[str] = set()
    through_group: set[str] = set()
    if user.pk is not None:
        with connection.cursor() as cursor:
            cursor.execute(_access_sql(connection.vendor), [user.pk] * 3)
            rows = cursor.fetchall()
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
