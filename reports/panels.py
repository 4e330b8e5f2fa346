"""Personal panels on the Wagtail admin home page: my candidates, checklist items awaiting my review,
my action items due or overdue, certificates expiring within 90 days. Each reads through
`reports.selectors` (which start from `visible_to(user)`) and renders nothing when it has nothing
to say."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.template.loader import get_template
from django.utils import timezone
from wagtail.admin.ui.components import Component

from reports import selectors


class PersonalPanel(Component):
    order = 50

    def items(self, request: Any) -> dict[str, Any] | None:
        """The panel's context, or None to leave it out."""
        raise NotImplementedError

    def render_html(self, parent_context: Mapping[str, Any] | None = None) -> str:
        request = (parent_context or {})["request"]
        context = self.items(request)
        if not context:
            return ""
        return get_template(self.template_name).render(context, request)


class MyCandidatesPanel(PersonalPanel):
    name = "my_candidates"
    template_name = "reports/panels/my_candidates.html"
    order = 40

    def items(self, request: Any) -> dict[str, Any] | None:
        if not request.user.has_perm("onboarding.view_stagechange"):
            return None
        rows = selectors.my_candidates(user=request.user)
        return {"rows": rows} if rows else None


class MyActionItemsPanel(PersonalPanel):
    name = "my_action_items"
    template_name = "reports/panels/my_action_items.html"
    order = 42

    def items(self, request: Any) -> dict[str, Any] | None:
        today = timezone.localdate()
        items = selectors.my_action_items(user=request.user, today=today)
        return {"items": items, "today": today} if items else None


class CertificatesExpiringPanel(PersonalPanel):
    name = "certificates_expiring"
    template_name = "reports/panels/certificates_expiring.html"
    order = 43

    def items(self, request: Any) -> dict[str, Any] | None:
        if not request.user.has_perm("network.view_trainingparticipation"):
            return None
        expiring = selectors.certificates_expiring(user=request.user)
        return {"expiring": expiring} if expiring.total else None


class AwaitingReviewPanel(PersonalPanel):
    name = "items_awaiting_review"
    template_name = "reports/panels/awaiting_review.html"
    order = 41

    def items(self, request: Any) -> dict[str, Any] | None:
        if not request.user.has_perm("onboarding.view_checklistitem"):
            return None
        awaiting = selectors.items_awaiting_review(user=request.user)
        return {"awaiting": awaiting} if awaiting.total else None
