"""The dashboards, in menu order, and `build()`: the whole pipeline for one dashboard, frames ->
aggregations -> tables and charts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from django.utils.translation import gettext_lazy

from reports import metrics
from reports.dashboards.base import Dashboard, DashboardData, Headline
from reports.dashboards.capacity import capacity_sections
from reports.dashboards.grants import grant_sections
from reports.dashboards.network import network_sections
from reports.dashboards.operations import operations_sections
from reports.dashboards.pipeline import pipeline_sections
from reports.dashboards.quality import quality_sections
from reports.dashboards.roundtables import roundtable_sections
from reports.metrics import Context

DASHBOARDS: tuple[Dashboard, ...] = (
    Dashboard(
        "network",
        gettext_lazy("Network overview"),
        gettext_lazy(
            "The network at a glance: hotlines by stage and region, countries covered, new members, coverage gaps."
        ),
        "globe",
        ("hotlines", "hotline_countries", "country_assessments"),
        ("member_hotlines", "full_members", "countries_covered", "new_members", "active_candidates", "coverage_gaps"),
        network_sections,
    ),
    Dashboard(
        "pipeline",
        gettext_lazy("Pipeline"),
        gettext_lazy(
            "Candidates through the lifecycle: the funnel, time in each stage against its target, stalled candidates."
        ),
        "table",
        ("hotlines", "stage_changes"),
        ("active_candidates", "stalled_candidates", "conversion_exploring_to_member"),
        pipeline_sections,
    ),
    Dashboard(
        "roundtables",
        gettext_lazy("Roundtables and stakeholder coverage"),
        gettext_lazy(
            "Roundtables held, which sectors came, which countries still lack a sector, law-enforcement MoUs."
        ),
        "group",
        ("roundtables", "roundtable_participants", "agreement_parties", "agreements", "hotlines"),
        ("roundtables_held", "mous_signed", "mous_pending", "mous_expiring"),
        roundtable_sections,
    ),
    Dashboard(
        "capacity",
        gettext_lazy("Capacity and training"),
        gettext_lazy("Analysts per hotline, training, certification expiry and hotlines that depend on one analyst."),
        "user",
        ("hotlines", "analysts"),
        ("analysts", "certified_analysts", "certificates_expiring", "single_analyst_hotlines", "training_events_held"),
        capacity_sections,
    ),
    Dashboard(
        "quality",
        gettext_lazy("Quality"),
        gettext_lazy(
            "Quality-assurance reviews due and done, open corrective actions, certificates issued and expiring."
        ),
        "tick-inverse",
        ("hotlines", "assessment_actions", "qa_certificates"),
        (
            "qa_reviews_due",
            "qa_unreviewed_members",
            "members_with_valid_qa_certificate",
            "qa_reviews_done",
            "open_corrective_actions",
            "certificates_issued",
            "certificates_expiring",
        ),
        quality_sections,
    ),
    Dashboard(
        "operations",
        gettext_lazy("Operations"),
        gettext_lazy("The hotlines' aggregate statistics: trends per year and per region."),
        "history",
        ("statistics",),
        ("reports_received", "content_urls_processed", "share_removed_within_3_days"),
        operations_sections,
    ),
    Dashboard(
        "grants",
        gettext_lazy("Grant progress"),
        gettext_lazy("Each grant's indicators against their baselines and targets."),
        "doc-full",
        ("grant_indicators",),
        (),
        grant_sections,
    ),
)

BY_SLUG: dict[str, Dashboard] = {dashboard.slug: dashboard for dashboard in DASHBOARDS}


def get(slug: str) -> Dashboard:
    return BY_SLUG[slug]


def headlines(keys: Sequence[str], frames: Mapping[str, pd.DataFrame], context: Context) -> list[Headline]:
    result = []
    for key in keys:
        metric = metrics.get(key)
        value = metrics.counted_or_evaluate(metric, frames, context)
        result.append(
            Headline(
                key, str(metric.label), metrics.display_value(metric, value), str(metric.unit), str(metric.definition)
            )
        )
    return result


def build(dashboard: Dashboard, frames: Mapping[str, pd.DataFrame], context: Context) -> DashboardData:
    """Everything one dashboard shows, from its frames."""
    return DashboardData(
        headlines=headlines(dashboard.headlines, frames, context),
        sections=dashboard.sections(frames, context),
        notices=dashboard.notices(),
    )
