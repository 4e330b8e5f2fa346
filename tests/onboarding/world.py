"""A small onboarding world shared by the view tests: two candidates, each with its own portal user."""

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
from onboarding.models import ActionItem, Agreement, MouAlternative, Roundtable
from tests.accounts.factories import UserFactory
from tests.onboarding.factories import (
    ActionItemFactory,
    AgreementFactory,
    CandidateProfileFactory,
    CountryAssessmentFactory,
    HotlineFactory,
    InteractionFactory,
    OrganisationFactory,
    ParticipantFactory,
    RoundtableFactory,
    add_party,
    country,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "minutes.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class World:
    staff: User
    reviewer: User
    grants: User
    candidate: User
    candidate2: User
    hotline: Hotline
    hotline2: Hotline
    roundtable: Roundtable
    roundtable2: Roundtable
    agreement: Agreement
    alternative: MouAlternative
    action_item: ActionItem


def build_world(**overrides: Any) -> World:
    staff = UserFactory(role=Role.NETWORK_STAFF, email="world.staff@example.org")
    reviewer = UserFactory(role=Role.REVIEWER, email="world.reviewer@example.org")
    grants = UserFactory(role=Role.GRANTS, email="world.grants@example.org")
    hotline = HotlineFactory(brand_name="SafeNet Ghana", country=country("GH"), lead_staff=staff)
    hotline2 = HotlineFactory(
        brand_name="Surakshit Web Nepal", country=country("NP"), stage=Hotline.Stage.STAKEHOLDER_ENGAGEMENT
    )
    for item in (hotline, hotline2):
        CandidateProfileFactory(hotline=item)
        InteractionFactory(hotline=item)
    CountryAssessmentFactory(country=country("GH"))
    candidate = UserFactory(email="world.candidate@example.org")
    affiliation_set(user=candidate, target=hotline.host_organisation, acting_user=None)
    candidate2 = UserFactory(email="world.candidate2@example.org")
    affiliation_set(user=candidate2, target=hotline2.host_organisation, acting_user=None)

    roundtable = RoundtableFactory(hotline=hotline, title="Accra roundtable")
    ParticipantFactory(roundtable=roundtable, sector="law_enforcement")
    ParticipantFactory(roundtable=roundtable, sector="government", status="invited")
    services.roundtable_attach_minutes(roundtable=roundtable, upload=pdf(), acting_user=staff)
    upcoming = RoundtableFactory(
        hotline=hotline,
        title="Accra follow-up",
        status=Roundtable.Status.PLANNED,
        starts_at=timezone.now() + timedelta(days=10),
    )
    roundtable2 = RoundtableFactory(hotline=hotline2, title="Kathmandu roundtable")
    services.roundtable_attach_minutes(roundtable=roundtable2, upload=pdf(), acting_user=staff)
    action_item = ActionItemFactory(roundtable=roundtable, owner_user=staff)
    ActionItemFactory(roundtable=roundtable2)

    agreement = AgreementFactory(
        hotline=hotline, title="Police MoU Ghana", expires_on=timezone.localdate() + timedelta(days=40)
    )
    add_party(agreement, hotline.host_organisation, "host_candidate")
    add_party(agreement, OrganisationFactory(country=country("GH")), "law_enforcement")
    services.agreement_attach_document(agreement=agreement, upload=pdf("mou.pdf"), acting_user=staff)
    agreement2 = AgreementFactory(hotline=hotline2, title="Letter Nepal", kind="letter_of_support")
    services.agreement_attach_document(agreement=agreement2, upload=pdf("letter.pdf"), acting_user=staff)
    alternative = services.mou_alternative_propose(
        hotline=hotline2,
        arrangement="Protocol",
        why_no_mou="Not allowed",
        upload=pdf("protocol.pdf"),
        acting_user=staff,
    )
    assert upcoming.pk
    return World(
        staff=staff,
        reviewer=reviewer,
        grants=grants,
        candidate=candidate,
        candidate2=candidate2,
        hotline=hotline,
        hotline2=hotline2,
        roundtable=roundtable,
        roundtable2=roundtable2,
        agreement=agreement,
        alternative=alternative,
        action_item=action_item,
    )
