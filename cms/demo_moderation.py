"""Demo: an editor's news article waiting in the "Moderator approval" task, so the moderator's admin
home shows a page to review (and the editor's home the page they submitted)."""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify

from cms.models import ArticleCategory, ArticleIndexPage, ArticlePage
from core.seeding import DemoContext

TITLE = "Peer exchange on analyst welfare: what hotlines learned"


def seed_moderation(ctx: DemoContext, *, news: ArticleIndexPage) -> ArticlePage | None:
    editor = ctx.users.get("editor")
    if editor is None:
        return None
    article = ArticlePage(
        title=TITLE,
        slug=slugify(TITLE)[:50],
        category=ArticleCategory.NETWORK_UPDATES,
        summary="Analysts from twelve hotlines compared their welfare policies and psychological support.",
        date=ctx.today,
        body=[
            (
                "paragraph",
                "<p>Twelve hotlines met online to compare how they protect the analysts who assess reports: "
                "rotas, counselling, and limits on daily exposure.</p>",
            )
        ],
        live=False,
        owner=editor,
    )
    news.add_child(instance=article)
    revision = article.save_revision(user=editor, log_action=True)
    workflow: Any = article.get_workflow()
    if workflow is not None:
        workflow.start(article, editor)
    ctx.log(f"page in moderation: {revision.content_object.title}")
    return article
