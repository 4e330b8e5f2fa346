"""One table decides, per action, whether a role, a permission or both are checked
(`accounts.roles.ACTION_RULES`, applied by `accounts.access.may`); the admin screens and the
models' `visible_to` agree on who sees what."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts.access import has_role, may
from accounts.models import Invitation
from accounts.roles import ACTION_RULES, STAFF_ROLES, PortalRole, Role
from accounts.services import affiliation_set, invitation_create
from tests.network.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user, superuser):
    users = {str(role): make_user(role, email=f"{role.name.lower()}@example.org") for role in STAFF_ROLES}
    users["superuser"] = superuser
    users["nobody"] = make_user(email="nobody@example.org")
    users["inactive staff"] = make_user(Role.NETWORK_STAFF, email="gone@example.org", is_active=False)
    return users


def test_may_checks_the_role_and_the_permission_its_rule_names(people, make_user):
    organisation = OrganisationFactory()
    for role in PortalRole:
        user = make_user(email=f"portal.{role}@example.org")
        affiliation_set(user=user, target=organisation, acting_user=None, role=role)
        people[f"portal {role}"] = user
    for action, rule in ACTION_RULES.items():
        assert may(AnonymousUser(), action) is False
        for name, user in people.items():
            if rule.portal_roles is not None:
                # Portal actions: an organisation's users with the rule's portal roles, never staff.
                expected = name.startswith("portal ") and name.removeprefix("portal ") in rule.portal_roles
            else:
                expected = (rule.role is None or has_role(user, rule.role)) and (
                    rule.permission is None or user.has_perm(rule.permission)
                )
            assert may(user, action) is expected, (action, name)
            if name == "superuser" and rule.portal_roles is None:
                assert expected, action
            if name == "inactive staff":
                assert not expected, action
    assert may(people["portal manager"], "portal.colleagues") and not may(
        people["portal contributor"], "portal.colleagues"
    )
    assert may(people["portal contributor"], "portal.edit") and not may(people["portal viewer"], "portal.edit")


def test_an_unknown_action_is_an_error_not_a_refusal(people):
    with pytest.raises(KeyError):
        may(people["superuser"], "no.such.action")


def test_invitations_visible_to_whoever_the_admin_lets_in(people, client_for):
    invitation_create(email="new.person@example.org", role=Role.EDITOR, acting_user=people["superuser"])
    for name, user in people.items():
        if not user.is_active:
            continue
        listed = Invitation.objects.visible_to(user).exists()
        response = client_for(user).get(reverse("accounts_admin:invitation_index"))
        assert (response.status_code == 200) is listed is may(user, "accounts.invitations"), name


def test_after_migrate_each_role_group_holds_the_permissions_its_apps_declared():
    """Migrate sends `post_migrate` once per app; the role groups are brought up to date once, when the
    last app's signal arrives (every app's permissions exist by then), and hold what the apps declared."""
    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.core.management.sql import emit_post_migrate_signal
    from django.db.models.signals import post_migrate

    from accounts.roles import _role_permissions

    def held(role: Role) -> set[str]:
        group = Group.objects.get(name=str(role))
        return {f"{app}.{code}" for app, code in group.permissions.values_list("content_type__app_label", "codename")}

    for role in STAFF_ROLES:
        assert {"wagtailadmin.access_admin"} | _role_permissions.get(str(role), set()) <= held(role), role

    staff = Group.objects.get(name=str(Role.NETWORK_STAFF))
    taken = staff.permissions.filter(content_type__app_label="network").first()
    staff.permissions.remove(taken)
    assert taken is not None
    first = next(config for config in apps.get_app_configs() if config.models_module)
    post_migrate.send(sender=first, app_config=first, verbosity=0, interactive=False, using="default")
    assert taken not in staff.permissions.all()  # not yet: later apps' permissions may not exist
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert taken in staff.permissions.all()
