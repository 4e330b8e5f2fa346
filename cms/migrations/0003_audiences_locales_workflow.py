"""Fixed data of the public site: the audiences, the French and Spanish locales, and the editorial
workflow (Editors submit, Moderators approve) assigned to the root of the page tree."""

from django.db import migrations

AUDIENCES = ["public", "industry", "government", "law_enforcement", "ngo", "prospective_hotline"]
LANGUAGES = ["en", "fr", "es"]
WORKFLOW = "Editorial review"
TASK = "Moderator approval"


def create_data(apps, schema_editor):
    Audience = apps.get_model("cms", "Audience")
    Locale = apps.get_model("wagtailcore", "Locale")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    for code in AUDIENCES:
        Audience.objects.get_or_create(code=code)
    for code in LANGUAGES:
        Locale.objects.get_or_create(language_code=code)

    moderators, _created = Group.objects.get_or_create(name="Moderator")
    task_type, _created = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK, content_type=task_type, active=True)
    task.groups.set([moderators])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    previous = WorkflowPage.objects.filter(page=root).select_related("workflow").first()
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    # Wagtail's own default ("Moderators approval") is replaced; deactivate it when nothing uses it.
    if previous and previous.workflow_id != workflow.pk:
        if not WorkflowPage.objects.filter(workflow_id=previous.workflow_id).exists():
            Workflow.objects.filter(pk=previous.workflow_id).update(active=False)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_page_types"),
        ("accounts", "0002_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_data, migrations.RunPython.noop)]
