"""Staff roles as groups. Wagtail's default "Editors" and "Moderators" groups (with their page,
image and document permissions) become our "Editor" and "Moderator" roles."""

from django.db import migrations

ROLES = [
    "Network staff",
    "Accreditation reviewer",
    "Capacity staff",
    "Grants manager",
    "Editor",
    "Moderator",
]
RENAMES = {"Editors": "Editor", "Moderators": "Moderator"}


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for old, new in RENAMES.items():
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)
    access_admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    for name in ROLES:
        group, _created = Group.objects.get_or_create(name=name)
        if access_admin is not None:
            group.permissions.add(access_admin)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
