"""What onboarding offers to the admin search (`core.search`): candidates (network staff, to the
candidate page), dossiers (an accreditation reviewer: only those assigned to them and declared, to
the dossier page), roundtables, and evidence documents by name (to their dossier). Each kind starts
from its screens' rule: `Hotline.objects.visible_to` for the lifecycle, `dossier_hotlines` and
`EvidenceDocument.objects.visible_to` (the dossier rule) for the dossier, `Roundtable.objects.visible_to`."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core.search import SearchHit, SearchKind
from network.models import Hotline
from onboarding.models import EvidenceDocument, Roundtable, dossier_hotlines

LIFECYCLE_PERMISSION = "onboarding.view_stagechange"
CANDIDATE_SEARCH_FIELDS = ("brand_name", "host_organisation__name", "country__name")


def _candidate(hotline: Hotline) -> SearchHit:
    return SearchHit(
        hotline.brand_name,
        reverse("onboarding_admin:candidate", args=[hotline.pk]),
        f"{hotline.get_stage_display()} · {hotline.country.name}",
    )


def _dossier(hotline: Hotline) -> SearchHit:
    return SearchHit(
        hotline.brand_name,
        reverse("onboarding_admin:dossier", args=[hotline.pk]),
        f"{_('Dossier')} · {hotline.get_stage_display()} · {hotline.country.name}",
    )


def _roundtable(roundtable: Roundtable) -> SearchHit:
    when = formats.date_format(roundtable.starts_at.date(), "DATE_FORMAT")
    detail = " · ".join(
        str(p) for p in (roundtable.code, roundtable.country.name, when, roundtable.get_status_display())
    )
    return SearchHit(roundtable.title, reverse("onboarding_admin:roundtable", args=[roundtable.pk]), detail)


def _evidence(document: EvidenceDocument) -> SearchHit:
    detail = " · ".join(part for part in (document.hotline.brand_name, document.description) if part)
    return SearchHit(
        document.original_name,
        reverse("onboarding_admin:dossier", args=[document.hotline_id]) + "#documents-heading",
        detail,
    )


def _reviewer_only(user: Any) -> bool:
    # Network staff find candidates through the lifecycle; a reviewer through their dossiers.
    return not user.has_perm(LIFECYCLE_PERMISSION)


def search_kinds() -> list[SearchKind]:
    return [
        SearchKind(
            key="candidates",
            label=_("Candidates"),
            permission=LIFECYCLE_PERMISSION,
            visible=lambda user: Hotline.objects.visible_to(user).candidates().select_related("country"),
            fields=CANDIDATE_SEARCH_FIELDS,
            hit=_candidate,
            list_url=lambda: reverse("onboarding_admin:candidates"),
            order=20,
        ),
        SearchKind(
            key="dossiers",
            label=_("Dossiers"),
            permission="onboarding.view_checklist",
            is_shown=_reviewer_only,
            visible=lambda user: dossier_hotlines(user).select_related("country"),
            fields=CANDIDATE_SEARCH_FIELDS,
            hit=_dossier,
            list_url=lambda: reverse("onboarding_admin:assignments"),
            order=20,
        ),
        SearchKind(
            key="roundtables",
            label=_("Roundtables"),
            permission="onboarding.view_roundtable",
            visible=lambda user: Roundtable.objects.visible_to(user).select_related("country"),
            fields=("title", "code", "venue", "country__name", "hotline__brand_name"),
            text_fields=("agenda", "outcomes"),
            hit=_roundtable,
            list_url=lambda: reverse("onboarding_roundtables:index"),
            ordering=("-starts_at",),
            order=50,
        ),
        SearchKind(
            key="evidence",
            label=_("Evidence documents"),
            permission="onboarding.view_checklist",
            visible=lambda user: EvidenceDocument.objects.visible_to(user).select_related("hotline"),
            fields=("original_name", "description"),
            hit=_evidence,
            ordering=("-uploaded_at",),
            order=90,
        ),
    ]
