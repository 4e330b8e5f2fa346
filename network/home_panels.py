"""Personal panels on the Wagtail admin home page: the panel base, and the network's panels
(certificates expiring within 90 days, training events coming up, statistics returns to validate).
Which role sees which panel is `accounts.roles.HOME_PANELS`. Each panel reads from `visible_to(user)`,
runs a fixed number of queries, and renders nothing when it has nothing to say (other apps add theirs)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component

from network.models import HotlineStatistics, TrainingEvent, TrainingParticipation


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
        # Who sees it is accounts.roles.HOME_PANELS; what it lists is what the user may see.
        if not request.user.has_perm("network.view_trainingparticipation"):
            return None
        expiring = certificates_expiring(user=request.user)
        return {"expiring": expiring} if expiring.total else None


def upcoming_training_events(*, user: Any, today: date | None = None, within_days: int = 60) -> list[TrainingEvent]:
    """Training events under way or starting within `within_days` days, soonest first, with their
    participants counted."""
    today = today or timezone.localdate()
    return list(
        TrainingEvent.objects.visible_to(user)
        .filter(ends_on__gte=today, starts_on__lte=today + timedelta(days=within_days))
        .select_related("course", "country")
        .annotate(participants=Count("participations"))
        .order_by("starts_on", "code")
    )


class UpcomingTrainingEventsPanel(PersonalPanel):
    name = "upcoming_training_events"
    template_name = "network/panels/upcoming_training_events.html"
    order = 44

    def items(self, request: Any) -> dict[str, Any] | None:
        if not request.user.has_perm("network.view_trainingevent"):
            return None
        events = upcoming_training_events(user=request.user)
        return {"events": events, "today": timezone.localdate()} if events else None


@dataclass(frozen=True)
class StatisticsToValidate:
    total: int
    first: list[HotlineStatistics]


def statistics_to_validate(*, user: Any, limit: int = 10) -> StatisticsToValidate:
    """Statistics returns submitted and not yet validated or queried, oldest period first."""
    queryset = HotlineStatistics.objects.visible_to(user).filter(
        validation_status=HotlineStatistics.Validation.SUBMITTED
    )
    first = list(queryset.select_related("hotline__country").order_by("period_start", "hotline__brand_name")[:limit])
    total = len(first) if len(first) < limit else queryset.count()
    return StatisticsToValidate(total=total, first=first)


class StatisticsToValidatePanel(PersonalPanel):
    name = "statistics_to_validate"
    template_name = "network/panels/statistics_to_validate.html"
    order = 45

    def items(self, request: Any) -> dict[str, Any] | None:
        if not request.user.has_perm("network.change_hotlinestatistics"):
            return None
        waiting = statistics_to_validate(user=request.user)
        return {"waiting": waiting} if waiting.total else None


@hooks.register("construct_homepage_panels")
def add_personal_panels(request: HttpRequest, panels: list[Any]) -> None:
    panels.extend([CertificatesExpiringPanel(), UpcomingTrainingEventsPanel(), StatisticsToValidatePanel()])
