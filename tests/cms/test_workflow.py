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
