"""Moderators moderate by default: the Moderator role holds the page permissions to approve and publish
(add, change, publish, lock, unlock) on the root of the page tree, and the Editor role to write (add,
change), whatever became of Wagtail's own "Moderators"/"Editors" groups. Idempotent: grants what is
missing, removes nothing."""

from django.db import migrations

PAGE_PERMISSIONS = {
    "Moderator": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    "Editor": ["add_page", "change_page"],
}


def grant_page_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    for group_name, codenames in PAGE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        for permission in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames):
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_international_reporting_route"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(grant_page_permissions, migrations.RunPython.noop)]
