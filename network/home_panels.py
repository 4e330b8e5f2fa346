"""Personal panels on the Wagtail admin home page: the panel base, and the network's panel of
certificates expiring within 90 days. Each panel reads from `visible_to(user)`, runs a fixed number
of queries, and renders nothing when it has nothing to say (other apps add their own panels)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.template.loader import get_template
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component

from accounts.access import has_role
from accounts.roles import Role
from network.models import TrainingParticipation


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


@dataclass(frozen=True)
class ExpiringCertificates:
    total: int
    first: list[TrainingParticipation]


def certificates_expiring(
    *, user: Any, today: date | None = None, within_days: int = 90, limit: int = 10
) -> ExpiringCertificates:
    """Certificates of working analysts, valid today, that expire within `within_days` days (the
    soonest `limit` of them, and how many there are)."""
    today = today or timezone.localdate()
    queryset = TrainingParticipation.objects.visible_to(user).certificates_expiring(within_days=within_days, on=today)
    first = list(
        queryset.select_related("analyst__hotline", "event__course").order_by("certificate_expires_on", "pk")[:limit]
    )
    total = len(first) if len(first) < limit else queryset.count()
    return ExpiringCertificates(total=total, first=first)


class CertificatesExpiringPanel(PersonalPanel):
    name = "certificates_expiring"
    template_name = "network/panels/certificates_expiring.html"
    order = 43

    def items(self, request: Any) -> dict[str, Any] | None:
        # The people who act on expiring certificates: capacity-building and network staff (grants
        # managers read the registry too, but their home is their reporting deadlines).
        user = request.user
        if not (user.is_superuser or has_role(user, Role.CAPACITY, Role.NETWORK_STAFF)):
            return None
        if not user.has_perm("network.view_trainingparticipation"):
            return None
        expiring = certificates_expiring(user=request.user)
        return {"expiring": expiring} if expiring.total else None


@hooks.register("construct_homepage_panels")
def add_personal_panels(request: HttpRequest, panels: list[Any]) -> None:
    panels.append(CertificatesExpiringPanel())
