"""A small dossier world: two candidates with checklists on the default template, their portal users,
network staff, an assigned reviewer who declared no conflict, and a reviewer assigned to nobody."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import affiliation_set
from network.models import Hotline
from onboarding import services
from onboarding.models import ChecklistItem, StageChange
from tests.accounts.factories import UserFactory
from tests.onboarding.factories import HotlineFactory, country

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
Stage = Hotline.Stage


def pdf(name: str = "statutes.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class DossierWorld:
    staff: User
    staff2: User
    reviewer: User
    outsider_reviewer: User
    candidate: User
    candidate2: User
    hotline: Hotline
    hotline2: Hotline

    def item(self, code: str, hotline: Hotline | None = None) -> ChecklistItem:
        return ChecklistItem.objects.select_related("template_item", "checklist__hotline").get(
            checklist__hotline=hotline or self.hotline, code=code
        )


def candidate_in(stage: str, *, brand: str, code: str, lead: User | None = None, days: int = 30) -> Hotline:
    """A candidate with a stage history ending `days` ago in `stage` (so due dates can be computed)."""
    hotline = HotlineFactory(brand_name=brand, country=country(code), stage=stage, lead_staff=lead)
    entered = timezone.now() - timedelta(days=days)
    hotline.stage_entered_at = entered
    hotline.save(update_fields=["stage_entered_at"])
    StageChange.objects.create(
        hotline=hotline, to_stage=Stage.IDENTIFIED, reason="Identified.", changed_at=entered - timedelta(days=200)
    )
    StageChange.objects.create(
        hotline=hotline,
        from_stage=Stage.IDENTIFIED,
        to_stage=stage,
        reason="Moved on.",
        changed_at=entered,
    )
    return hotline


def build_dossier(**overrides: Any) -> DossierWorld:
    staff = UserFactory(role=Role.NETWORK_STAFF, email="dossier.staff@example.org")
    staff2 = UserFactory(role=Role.NETWORK_STAFF, email="dossier.staff2@example.org")
    reviewer = UserFactory(role=Role.REVIEWER, email="dossier.reviewer@example.org")
    outsider_reviewer = UserFactory(role=Role.REVIEWER, email="dossier.outsider@example.org")
    hotline = candidate_in(Stage.OPERATIONAL_PREPARATION, brand="SafeNet Ghana", code="GH", lead=staff)
    hotline2 = candidate_in(Stage.STAKEHOLDER_ENGAGEMENT, brand="Surakshit Web Nepal", code="NP")
    candidate = UserFactory(email="dossier.candidate@example.org")
    affiliation_set(user=candidate, target=hotline.host_organisation, acting_user=None)
    candidate2 = UserFactory(email="dossier.candidate2@example.org")
    affiliation_set(user=candidate2, target=hotline2.host_organisation, acting_user=None)
    for item in (hotline, hotline2):
        services.checklist_create(hotline=item, acting_user=staff)
    assignment = services.reviewer_assign(hotline=hotline, reviewer=reviewer, acting_user=staff)
    services.reviewer_declare(assignment=assignment, has_conflict=False, statement="", acting_user=reviewer)
    return DossierWorld(
        staff=staff,
        staff2=staff2,
        reviewer=reviewer,
        outsider_reviewer=outsider_reviewer,
        candidate=candidate,
        candidate2=candidate2,
        hotline=hotline,
        hotline2=hotline2,
    )


def submitted(world: DossierWorld, code: str = "9.1", *, by: User | None = None) -> ChecklistItem:
    """The item `code` of the first candidate with one PDF attached, submitted by its portal user."""
    item = world.item(code)
    by = by or world.candidate
    if item.template_item.evidence_required:
        services.evidence_upload(hotline=world.hotline, upload=pdf(f"{code}.pdf"), items=[item], acting_user=by)
    services.item_save_answer(item=item, answer=f"Our answer to {code}.", acting_user=by)
    return services.item_submit(item=item, acting_user=by)
