"""Editorial workflow: editors submit, moderators approve; scheduled publishing; revisions."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, Workflow

from accounts.roles import Role
from cms.models import ArticlePage

pytestmark = pytest.mark.django_db


def test_the_editorial_workflow_covers_the_whole_tree(site_tree):
    workflow = Workflow.objects.get(name="Editorial review")
    assert workflow.active
    root = Page.get_first_root_node()
    assert root.get_workflow() == workflow
    assert site_tree.article.get_workflow() == workflow
    task = workflow.tasks.get().specific
    assert [group.name for group in task.groups.all()] == [str(Role.MODERATOR)]


def test_editors_submit_and_moderators_approve(site_tree, make_user):
    editor = make_user(Role.EDITOR)
    moderator = make_user(Role.MODERATOR)
    article = site_tree.reload(site_tree.article)
    assert article.permissions_for_user(editor).can_edit()
    assert not article.permissions_for_user(editor).can_publish()
    assert article.permissions_for_user(moderator).can_publish()

    article.summary = "Updated by the editor."
    article.save_revision(user=editor)
    workflow_state = article.get_workflow().start(article, editor)
    task_state = workflow_state.current_task_state
    task = task_state.task.specific
    assert [action[0] for action in task.get_actions(article, editor)] == []
    assert "approve" in [action[0] for action in task.get_actions(article, moderator)]

    task.on_action(task_state, moderator, "approve")
    article.refresh_from_db()
    assert ArticlePage.objects.get(pk=article.pk).summary == "Updated by the editor."
    assert article.revisions.count() >= 2


def test_scheduled_publishing_goes_live_with_publish_scheduled(client, site_tree):
    news = site_tree.reload(site_tree.news)
    article = ArticlePage(
        title="Embargoed news", slug="embargoed", category="network_updates", summary="Soon.", body=[]
    )
    news.add_child(instance=article)
    article.go_live_at = timezone.now() + timedelta(minutes=5)
    article.save_revision().publish()
    article.refresh_from_db()
    assert not article.live
    assert client.get("/news/embargoed/").status_code == 404

    call_command("publish_scheduled")
    assert not ArticlePage.objects.get(pk=article.pk).live

    # Ten minutes later, the scheduled run (cron or the task worker's schedule) publishes it.
    later = timezone.now() + timedelta(minutes=10)
    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("publish_scheduled")
    assert ArticlePage.objects.get(pk=article.pk).live
    assert client.get("/news/embargoed/").status_code == 200
    assert "Embargoed news" in client.get("/news/").content.decode()


def test_editors_can_open_every_page_form_in_the_admin(client_for, make_user, site_tree):
    editor = client_for(make_user(Role.EDITOR, is_staff=True))
    for page in (site_tree.home, site_tree.article, site_tree.project, site_tree.campaign, site_tree.resource):
        response = editor.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200, page
    # The live figure block offers the public metrics of the shared registry.
    html = editor.get(f"/admin/pages/{site_tree.home.pk}/edit/").content.decode()
    assert "member_hotlines" in html and "roundtables_held" in html
    response = editor.get(f"/admin/pages/add/cms/articlepage/{site_tree.news.pk}/")
    assert response.status_code == 200
    # Translating is offered to editors (simple_translation).
    response = editor.get(f"/admin/translation/submit/page/{site_tree.about.pk}/")
    assert response.status_code == 200
    assert "Spanish" in response.content.decode()


def test_the_moderator_role_holds_the_page_permissions_to_approve_by_default(site_tree):
    from django.contrib.auth.models import Group
    from wagtail.models import GroupPagePermission

    root = Page.get_first_root_node()
    held = set(
        GroupPagePermission.objects.filter(group__name=str(Role.MODERATOR), page=root).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page", "lock_page", "unlock_page"} <= held
    editor_held = set(
        GroupPagePermission.objects.filter(group=Group.objects.get(name=str(Role.EDITOR)), page=root).values_list(
            "permission__codename", flat=True
        )
    )
    assert "publish_page" not in editor_held


def test_a_moderator_approves_an_editors_article_in_the_admin(site_tree, make_user, client_for):
    from django.urls import reverse

    editor = make_user(Role.EDITOR, email="writer@example.org")
    moderator = make_user(Role.MODERATOR, email="approver@example.org")
    article = site_tree.reload(site_tree.article)
    article.summary = "Submitted by the editor for approval."
    article.save_revision(user=editor)
    task_state = article.get_workflow().start(article, editor).current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[article.pk, "approve", task_state.pk])

    refused = client_for(editor).post(url, {"comment": ""})
    assert refused.status_code in (302, 403)
    assert ArticlePage.objects.get(pk=article.pk).summary != "Submitted by the editor for approval."

    response = client_for(moderator).post(url, {"comment": "Fine."})
    assert response.status_code in (200, 302)
    assert ArticlePage.objects.get(pk=article.pk).summary == "Submitted by the editor for approval."
    assert not ArticlePage.objects.get(pk=article.pk).has_unpublished_changes


def test_the_demo_has_a_moderator_who_is_not_the_editor():
    from accounts import demo

    assert "moderator" in dict(demo.DEMO_USERS)
    assert demo._ROLES["moderator"] == Role.MODERATOR
