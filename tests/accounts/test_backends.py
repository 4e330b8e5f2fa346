"""A user's roles and permissions are read together, in one query, with Django's meaning kept."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.test import Client

from accounts.access import has_role, is_staff_user
from accounts.models import User
from accounts.roles import Role


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_roles_and_permissions_of_a_staff_user_take_one_query(staff_user, django_assert_num_queries):
    user = _fresh(staff_user)
    with django_assert_num_queries(1):
        assert user.role_names == frozenset({str(Role.NETWORK_STAFF)})
        assert has_role(user, Role.NETWORK_STAFF)
        assert is_staff_user(user)
        assert user.has_perm("wagtailadmin.access_admin")
        assert not user.has_perm("auth.delete_group")
        assert user.get_all_permissions() == user.get_group_permissions()


def test_own_and_group_permissions_and_several_roles(make_user):
    user = make_user(Role.GRANTS)
    user.groups.add(Group.objects.get(name=str(Role.CAPACITY)))
    own = Permission.objects.get(content_type__app_label="auth", codename="view_group")
    user.user_permissions.add(own)
    user = _fresh(user)
    assert user.role_names == frozenset({str(Role.GRANTS), str(Role.CAPACITY)})
    assert user.get_user_permissions() == {"auth.view_group"}
    assert "auth.view_group" not in user.get_group_permissions()
    assert user.has_perm("auth.view_group")
    expected = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(group__user=user).values_list(
            "content_type__app_label", "codename"
        )
    }
    assert user.get_group_permissions() == expected
    assert user.get_all_permissions() == expected | {"auth.view_group"}


def test_users_without_roles_inactive_users_and_superusers(make_user, superuser):
    plain = _fresh(make_user(email="plain@example.org"))
    assert plain.role_names == frozenset()
    assert not plain.has_perm("wagtailadmin.access_admin")
    inactive = make_user(Role.NETWORK_STAFF, email="gone@example.org", is_active=False)
    inactive = _fresh(inactive)
    assert not inactive.has_perm("wagtailadmin.access_admin")
    assert inactive.get_all_permissions() == set()
    root = _fresh(superuser)
    assert root.has_perm("auth.delete_group")
    assert has_role(root, Role.GRANTS)


def test_a_password_sign_in_keeps_the_session_with_this_backend(staff_user):
    staff_user.set_password("a long enough passphrase 2026")
    staff_user.save()
    client = Client()
    assert client.login(username=staff_user.email, password="a long enough passphrase 2026")
    assert client.session["_auth_user_backend"] == "accounts.backends.RoleModelBackend"
    assert client.get("/admin/").status_code in (200, 302)
