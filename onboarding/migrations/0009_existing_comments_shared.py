"""Comments written before comments had a visibility were all read by the candidate's users: they stay
shared. New comments default to "reviewers and staff"."""

from django.db import migrations


def existing_comments_shared(apps, schema_editor):
    apps.get_model("onboarding", "ItemComment").objects.update(visibility="shared")


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0008_independent_reviews_decision_path")]

    operations = [migrations.RunPython(existing_comments_shared, migrations.RunPython.noop)]
