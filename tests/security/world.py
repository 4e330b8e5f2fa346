"""The security tests' world: the demo network (`seed_demo`), plus what the demo leaves out, with
distinctive markers written into each owner's data.

Owners: candidate A (the `candidate` user's hotline) and candidate B (`candidate2`'s), member
hotline A (`member`'s) and member hotline B (a member hotline nobody of the demo belongs to).
The `reviewer` is assigned to (and declared free of conflicts on) the dossiers of candidate A and
member A, never to those of B; a second reviewer holds B's. Each owner's data carries markers:

- `REG`: registry and lifecycle data (names, roundtables, agreements, analysts, contacts), seen by
  every staff role and the owner's own portal users;
- `DOS`: dossier data (checklist answers, comments, evidence, assessments, corrective actions),
  seen by network staff, the dossier's declared reviewers and the owner's portal users only;
- `PUB`: what the public directory shows (a member hotline's brand name);
- `STF`: staff notes, for network staff only (stage-change reasons, MoU decisions, candidate
  profiles), planted in the history entries those records left on the hotline;
- `CAP`: capacity data (analyst codes, annual profiles), for every staff role but editors and the
  owner's portal users.

Dossier events and staff notes logged on a hotline or on dossier records carry `DOS` or `STF` in
their data and label too (and are the newest entries), so histories, inspect pages and the site
history are held to the rule of the record each entry comes from.

`tests/security/policy.py` says which roles may see which markers; the access matrix looks for
forbidden markers in every response.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import timezone

from tests import migrated
from tests.demo import seed_demo_data, storage_settings

DRAFT_MARKER = "QZDRAFT7"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The world's name among the data sets built once per run (tests/migrated.py).
DATA_SET = "security-world"

# Demo roles, in the order the matrix reports them; None is the anonymous visitor.
ROLES: tuple[str, ...] = (
    "anonymous",
    "admin",
    "staff",
    "reviewer",
    "capacity",
    "grants",
    "editor",
    "candidate",
    "candidate2",
    "member",
    "donor",
    "donor2",
)
OWNERS = ("CA", "CB", "MA", "MB")
KINDS = ("REG", "DOS", "PUB", "STF", "CAP")


def marker(owner: str, kind: str) -> str:
    """A token no demo text contains; uppercase letters and digits so it fits every field (analyst
    codes, event codes) and survives HTML escaping, URL encoding, CSV and XLSX."""
    return f"QZ{owner}{kind}7"


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class World:
    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)
    # Secrets the matrix needs in URLs (tokens), by name.
    secrets: dict[str, str] = field(default_factory=dict)
    # Each dashboard's section keys (for its downloads).
    sections: dict[str, list[str]] = field(default_factory=dict)
    donor_area: bool = False

    def __getitem__(self, name: str) -> Any:
        return self.objects[name]

    def pk(self, name: str) -> Any:
        return self.objects[name].pk


@contextmanager
def world_in_database(root: Path) -> Iterator[World]:
    """The world in the database, with uploaded files under `root`, until the context ends: built once
    per run where data sets are copied (`tests/migrated.py`), else inside a transaction that is rolled
    back afterwards (tests run in nested savepoints)."""
    with override_settings(**storage_settings(root)), migrated.database_with(DATA_SET, build_world) as world:
        yield world


def world_written() -> World:
    """The world written into the database, in a transactional test (see `migrated.data_set`), with
    uploaded files under the storage settings in force (`storage_settings(migrated.files_root(...))`)."""
    return migrated.data_set(DATA_SET, build_world)


def build_world() -> World:
    from accounts.models import User

    seed_demo_data()
    users = {key: User.objects.get(email=f"{key}@example.org") for key in ROLES if key != "anonymous"}
    world = World(users=users)
    _owners(world)
    _dossiers(world)
    _registry_extras(world)
    _onboarding_extras(world)
    _decision_path(world)
    _member_cycle(world)
    _templates(world)
    _accounts_extras(world)
    _cms_objects(world)
    _donors(world)
    _markers(world)
    _dashboard_sections(world)
    return world


# -- who is who ---------------------------------------------------------------------------------
def _owners(world: World) -> None:
    from network.models import Hotline, HotlineAnnualProfile, HotlineStatistics

    def hotline_of(key: str, *stages: str) -> Hotline:
        organisation_id = world.users[key].affiliation_or_none.object_id
        return Hotline.objects.select_related("host_organisation").get(
            host_organisation_id=organisation_id, stage__in=stages
        )

    world.objects["CA"] = hotline_of("candidate", *Hotline.CANDIDATE_STAGES)
    world.objects["CB"] = hotline_of("candidate2", *Hotline.CANDIDATE_STAGES)
    world.objects["MA"] = hotline_of("member", *Hotline.MEMBER_STAGES)
    member_b = (
        Hotline.objects.filter(stage=Hotline.Stage.FULL_MEMBER)
        .exclude(pk=world.pk("MA"))
        .filter(analysts__isnull=False)
        .filter(pk__in=HotlineStatistics.objects.values("hotline_id"))
        .filter(pk__in=HotlineAnnualProfile.objects.values("hotline_id"))
        .exclude(reviewer_assignments__reviewer=world.users["reviewer"])
        .order_by("brand_name")
        .distinct()
        .first()
    )
    assert member_b is not None, "the demo has no second member hotline with analysts, statistics and profiles"
    world.objects["MB"] = member_b


# -- dossiers: reviewers, assessments, corrective actions, evidence -----------------------------------
def _dossiers(world: World) -> None:
    from onboarding import services
    from onboarding.models import Assessment, ChecklistItem, CorrectiveAction, EvidenceDocument, ReviewerAssignment
    from tests.accounts.factories import UserFactory

    staff, reviewer = world.users["staff"], world.users["reviewer"]
    ca, cb, ma, mb = (world[k] for k in OWNERS)

    # The reviewer opens A's dossiers, never B's; a second reviewer holds B's.
    ReviewerAssignment.objects.filter(reviewer=reviewer, hotline__in=[cb, mb]).delete()
    for hotline in (ca, ma):
        assignment, _created = ReviewerAssignment.objects.get_or_create(
            hotline=hotline, reviewer=reviewer, defaults={"assigned_by": staff}
        )
        if not assignment.declared or assignment.has_conflict:
            ReviewerAssignment.objects.filter(pk=assignment.pk).update(
                coi_declared_at=timezone.now(), has_conflict=False
            )
    reviewer2 = UserFactory(email="reviewer.two@example.org", first_name="Rafael", last_name="Second")
    reviewer2.is_staff = True
    reviewer2.save(update_fields=["is_staff"])
    reviewer2.groups.add(Group.objects.get(name="Accreditation reviewer"))
    world.users["reviewer2"] = reviewer2
    for hotline in (cb, mb):
        assignment = services.reviewer_assign(hotline=hotline, reviewer=reviewer2, acting_user=staff)
        services.reviewer_declare(assignment=assignment, has_conflict=False, statement="", acting_user=reviewer2)
        world.objects[f"assignment_{'CB' if hotline == cb else 'MB'}"] = assignment
    world.objects["assignment_CA"] = ReviewerAssignment.objects.get(hotline=ca, reviewer=reviewer)
    undeclared = (
        ReviewerAssignment.objects.filter(reviewer=reviewer, coi_declared_at__isnull=True)
        .exclude(hotline__in=[ca, cb, ma, mb])
        .first()
    )
    if undeclared is None:
        other = (
            type(ca)
            .objects.filter(stage__in=type(ca).CANDIDATE_STAGES)
            .exclude(pk__in=[ca.pk, cb.pk])
            .exclude(reviewer_assignments__reviewer=reviewer)
            .order_by("brand_name")
            .first()
        )
        undeclared = services.reviewer_assign(hotline=other, reviewer=reviewer, acting_user=staff)
    world.objects["assignment_undeclared"] = undeclared
    world.objects["undeclared"] = undeclared.hotline

    # Checklist items and evidence of both candidates.
    for key, hotline in (("CA", ca), ("CB", cb)):
        items = ChecklistItem.objects.filter(checklist__hotline=hotline, removed_at__isnull=True).order_by("pk")
        world.objects[f"item_{key}"] = items.first()
        document = EvidenceDocument.objects.filter(hotline=hotline).order_by("pk").first()
        if document is None:
            document = services.evidence_upload(
                hotline=hotline, upload=pdf("statutes.pdf"), items=[items.first()], acting_user=staff
            )
        world.objects[f"evidence_{key}"] = document
        services.item_comment(item=items.first(), body="Thread opened by the security world.", acting_user=staff)

    # Member B: a completed quality-assurance review with a corrective action and its evidence,
    # mirroring what the demo gives member A.
    today = timezone.localdate()
    for key, hotline in (("MA", ma), ("MB", mb)):
        # A completed review with corrective actions still open (the demo's earlier reviews have none).
        assessment = (
            Assessment.objects.filter(
                hotline=hotline,
                status=Assessment.Status.COMPLETED,
                corrective_actions__status__in=[CorrectiveAction.Status.OPEN, CorrectiveAction.Status.IN_PROGRESS],
            )
            .order_by("pk")
            .first()
        )
        if assessment is None:
            assessment = services.assessment_create(
                hotline=hotline,
                kind=Assessment.Kind.QA_REVIEW,
                mode=Assessment.Mode.REMOTE,
                starts_on=today - timedelta(days=60),
                ends_on=today - timedelta(days=58),
                acting_user=staff,
            )
            services.corrective_action_create(
                assessment=assessment,
                title="Update the welfare policy",
                owner="Hotline manager",
                due_on=today + timedelta(days=30),
                acting_user=staff,
            )
            Assessment.objects.filter(pk=assessment.pk).update(
                status=Assessment.Status.COMPLETED,
                recommendation=Assessment.Recommendation.PASSED_WITH_ACTIONS,
                summary="Quality-assurance review completed.",
                report_completed_at=timezone.now(),
                report_completed_by=staff,
            )
            assessment.refresh_from_db()
        world.objects[f"assessment_{key}"] = assessment
        action = (
            CorrectiveAction.objects.filter(assessment=assessment)
            .exclude(status=CorrectiveAction.Status.VERIFIED)
            .order_by("pk")
            .first()
        )
        assert action is not None, f"{hotline}: no open corrective action"
        world.objects[f"action_{key}"] = action
        document = EvidenceDocument.objects.filter(corrective_actions=action).first()
        if document is None:
            document = services.evidence_upload(
                hotline=hotline, upload=pdf("welfare-policy.pdf"), corrective_actions=[action], acting_user=staff
            )
        world.objects[f"action_evidence_{key}"] = document

    # An assessment of candidate A still in progress: its report is not for the portal yet.
    world.objects["assessment_CA_open"] = services.assessment_create(
        hotline=ca,
        kind=Assessment.Kind.PRE_MEMBERSHIP,
        mode=Assessment.Mode.ON_SITE,
        starts_on=today + timedelta(days=20),
        ends_on=today + timedelta(days=21),
        acting_user=staff,
    )


# -- the member cycle: a renewal pack per member, a proposal to suspend member B ---------------------
def _member_cycle(world: World) -> None:
    from onboarding.models import RenewalPack, SuspensionProposal, renewal_due_on, renewal_grace_until

    today = timezone.localdate()
    for key in ("MA", "MB"):
        due_on = renewal_due_on(today.year)
        world.objects[f"pack_{key}"], _created = RenewalPack.objects.get_or_create(
            hotline=world[key],
            year=today.year,
            defaults={"due_on": due_on, "grace_until": renewal_grace_until(due_on)},
        )
    world.objects["proposal_MB"], _created = SuspensionProposal.objects.get_or_create(
        pack=world["pack_MB"], defaults={"hotline": world["MB"], "proposed_on": today}
    )
    # A self-assessment of each member (the demo's, or one asked for here).
    from onboarding.models import ChecklistTemplate, SelfAssessment

    template = ChecklistTemplate.objects.current(ChecklistTemplate.Purpose.QA_SELF_ASSESSMENT)
    for key in ("MA", "MB"):
        found = SelfAssessment.objects.filter(hotline=world[key]).order_by("pk").first()
        world.objects[f"self_assessment_{key}"] = found or SelfAssessment.objects.create(
            hotline=world[key], template=template, due_on=today + timedelta(days=30)
        )


# -- registry extras: contacts, nominations, statistics --------------------------------------------
def _registry_extras(world: World) -> None:
    from network import services as network_services
    from network.models import (
        Analyst,
        Contact,
        HotlineAnnualProfile,
        HotlineStatistics,
        TrainingCourse,
        TrainingEvent,
        TrainingParticipation,
    )

    capacity = world.users["capacity"]
    today = timezone.localdate()
    for key in OWNERS:
        hotline = world[key]
        world.objects[f"contact_{key}"] = Contact.objects.create(
            organisation=hotline.host_organisation,
            name=f"Contact of {key}",
            role="Director",
            email=f"contact.{key.lower()}@example.org",
            lawful_basis=Contact.LawfulBasis.LEGITIMATE_INTEREST,
            retain_until=today - timedelta(days=1),
        )
    from core.models import WorkbookImport
    from onboarding.models import Decision

    world.objects["assessment_decided"] = Decision.objects.select_related("assessment").first().assessment
    world.objects["workbook_run"] = WorkbookImport.objects.create(
        created_by=world.users["staff"],
        filename="network.xlsx",
        stored_name="",
        sha256="0" * 64,
        status=WorkbookImport.Status.DONE,
        result={"errors": [], "changes": {}, "written": False, "invitations_needed": []},
    )
    world.objects["organisation_CA"] = world["CA"].host_organisation
    world.objects["organisation_CB"] = world["CB"].host_organisation

    upcoming = TrainingEvent.objects.filter(starts_on__gt=today).order_by("starts_on").first()
    past = TrainingEvent.objects.filter(starts_on__lt=today).order_by("-starts_on").first()
    assert upcoming is not None and past is not None
    world.objects["event_upcoming"], world.objects["event_past"] = upcoming, past
    world.objects["course"] = TrainingCourse.objects.order_by("pk").first()
    world.objects["participation"] = TrainingParticipation.objects.order_by("pk").first()

    for key in ("MA", "MB"):
        hotline = world[key]
        analysts = Analyst.objects.filter(hotline=hotline).working_on().order_by("pk")
        world.objects[f"analyst_{key}"] = analysts.first()
        world.objects[f"profile_{key}"] = HotlineAnnualProfile.objects.filter(hotline=hotline).order_by("-year").first()
        returns = HotlineStatistics.objects.filter(hotline=hotline).order_by("-period_start")
        open_return = returns.exclude(validation_status=HotlineStatistics.Validation.VALIDATED).first()
        if open_return is None:
            open_return = returns.first()
            HotlineStatistics.objects.filter(pk=open_return.pk).update(
                validation_status=HotlineStatistics.Validation.SUBMITTED
            )
        world.objects[f"statistics_{key}"] = open_return
        validated = returns.filter(validation_status=HotlineStatistics.Validation.VALIDATED).exclude(pk=open_return.pk)
        world.objects[f"statistics_validated_{key}"] = validated.first()
        nominee = next(
            (a for a in analysts if not TrainingParticipation.objects.filter(event=upcoming, analyst=a).exists()),
            None,
        )
        assert nominee is not None, f"{hotline}: no analyst free to nominate"
        (participation,) = network_services.training_nominate(event=upcoming, analysts=[nominee], acting_user=capacity)
        world.objects[f"nomination_{key}"] = participation


# -- onboarding extras: documents, alternatives, tokens ------------------------------------------------
def _onboarding_extras(world: World) -> None:
    from onboarding import services
    from onboarding.models import (
        ActionItem,
        Agreement,
        CountryAssessment,
        Interaction,
        MessageTemplate,
        MouAlternative,
        Roundtable,
    )

    staff = world.users["staff"]
    for key in ("CA", "CB"):
        hotline = world[key]
        roundtable = Roundtable.objects.filter(hotline=hotline).order_by("starts_at").first()
        if roundtable.minutes is None:
            services.roundtable_attach_minutes(roundtable=roundtable, upload=pdf("minutes.pdf"), acting_user=staff)
            roundtable.refresh_from_db()
        world.objects[f"roundtable_{key}"] = roundtable
        world.objects[f"participant_{key}"] = roundtable.participants.order_by("pk").first()
        action_item = ActionItem.objects.filter(roundtable=roundtable).order_by("pk").first()
        if action_item is None:
            action_item = ActionItem.objects.create(
                roundtable=roundtable, title="Circulate the minutes", due_on=timezone.localdate()
            )
        world.objects[f"action_item_{key}"] = action_item
        agreement = Agreement.objects.filter(hotline=hotline).order_by("pk").first()
        if agreement.document is None:
            services.agreement_attach_document(agreement=agreement, upload=pdf("agreement.pdf"), acting_user=staff)
            agreement.refresh_from_db()
        world.objects[f"agreement_{key}"] = agreement
        alternative = MouAlternative.objects.filter(hotline=hotline, document__isnull=False).first()
        if alternative is None:
            alternative = services.mou_alternative_propose(
                hotline=hotline,
                arrangement="A written protocol with the cybercrime unit.",
                why_no_mou="The police may not sign MoUs with NGOs.",
                upload=pdf("protocol.pdf"),
                acting_user=staff,
            )
        world.objects[f"alternative_{key}"] = alternative
        world.objects[f"interaction_{key}"] = Interaction.objects.filter(hotline=hotline).order_by("pk").first()
    world.objects["country_assessment"] = CountryAssessment.objects.order_by("pk").first()
    world.objects["message_template"] = MessageTemplate.for_purpose(MessageTemplate.Purpose.ROUNDTABLE_INVITATION)
    world.secrets["calendar"] = services.calendar_token_create(acting_user=staff)
    world.secrets["calendar_revoked"] = services.hash_token("revoked")  # a well-formed token nobody holds


def _decision_path(world: World) -> None:
    """Independent reviews (A's submitted by the reviewer, B's a draft of the second reviewer), a
    staff-only comment on A's dossier, and a sent decision letter for each candidate (A's with an open
    appeal); a Board decision of member B awaiting the General Assembly."""
    from onboarding import services
    from onboarding.models import Assessment, CommentVisibility, Decision, Review
    from onboarding.selectors import review_areas

    staff, reviewer, reviewer2 = world.users["staff"], world.users["reviewer"], world.users["reviewer2"]
    today, now = timezone.localdate(), timezone.now()
    for key, author in (("CA", reviewer), ("CB", reviewer2)):
        hotline = world[key]
        Review.objects.filter(hotline=hotline, reviewer=author).delete()
        review = services.review_save(
            hotline=hotline,
            verdicts={area: ("meets", "") for area, _label in review_areas(hotline=hotline, assessment=None)},
            recommendation="admit",
            reasons=f"Reasons {marker(key, 'DOS')}",
            acting_user=author,
        )
        if key == "CA":
            services.review_submit(review=review, acting_user=author)
    services.item_comment(
        item=world["item_CA"],
        body=f"Lead's note {marker('CA', 'STF')}",
        visibility=CommentVisibility.STAFF,
        acting_user=staff,
    )

    def decision(hotline: Any, *, adoption: bool = False, letter: bool = True) -> Decision:
        assessment = Assessment.objects.create(
            hotline=hotline,
            kind=Assessment.Kind.PRE_MEMBERSHIP,
            status=Assessment.Status.COMPLETED,
            starts_on=today - timedelta(days=3000),
            ends_on=today - timedelta(days=3000),
            recommendation=Assessment.Recommendation.ADMIT,
            summary="Report.",
            report_completed_at=now - timedelta(days=3000),
        )
        return Decision.objects.create(
            assessment=assessment,
            body="Board",
            decided_on=today - timedelta(days=2999),
            minutes_reference="BD-OLD",
            votes_for=7,
            votes_against=0,
            votes_abstaining=0,
            outcome=Decision.Outcome.ADMIT,
            adoption_required=adoption,
            letter_language="en" if letter else "",
            letter_sent_at=now if letter else None,
            appeal_until=today + timedelta(days=30) if letter else None,
        )

    for key in ("CA", "CB"):
        world.objects[f"decision_{key}"] = decision(world[key])
        world.objects[f"assessment_letter_{key}"] = world.objects[f"decision_{key}"].assessment
    world.objects["appeal_CA"] = services.decision_appeal(
        decision=world["decision_CA"], grounds="We ask the Board to look again.", acting_user=world.users["candidate"]
    )
    world.objects["assessment_adoption_MB"] = decision(world["MB"], adoption=True, letter=False).assessment


def _templates(world: World) -> None:
    """Version 1 (published by migration) gets a published version 2 (so a candidate's checklist can
    move) and a draft version 3 (editable)."""
    from onboarding import services
    from onboarding.models import ChecklistTemplate

    staff = world.users["staff"]
    current = ChecklistTemplate.objects.onboarding().published().order_by("-version").first()
    newer = services.template_new_version(template=current, acting_user=staff)
    services.template_publish(template=newer, acting_user=world.users["admin"])
    newer.refresh_from_db()
    world.objects["template_published"] = newer
    world.objects["template_draft"] = services.template_new_version(template=newer, acting_user=staff)


def _accounts_extras(world: World) -> None:
    from accounts import services
    from accounts.roles import Role

    created = services.invitation_create(
        email="invited.editor@example.org", role=Role.EDITOR, acting_user=world.users["staff"]
    )
    world.objects["invitation"] = created.invitation
    world.secrets["invitation"] = created.url.rstrip("/").rsplit("/", 1)[-1]
    # Each candidate's manager has a colleague (a contributor) and a pending invitation of their own.
    for key, manager in (("CA", world.users["candidate"]), ("CB", world.users["candidate2"])):
        joined = services.colleague_invite(
            email=f"colleague.{key.lower()}@example.org", role="contributor", acting_user=manager
        )
        world.objects[f"colleague_{key}"] = services.invitation_accept(
            token=joined.url.rstrip("/").rsplit("/", 1)[-1], password="Colleague-pass-2026!"
        )
        world.objects[f"colleague_invitation_{key}"] = services.colleague_invite(
            email=f"pending.{key.lower()}@example.org", role="viewer", acting_user=manager
        ).invitation
    world.secrets["unknown"] = secrets.token_urlsafe(32)


def _cms_objects(world: World) -> None:
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection, Locale, Page, Site, Task, Workflow

    from cms.models import (
        ArticlePage,
        FactsPage,
        HomePage,
        HotlineDirectoryPage,
        NetworkMapPage,
        PartnerOrganisation,
        ReportingRoute,
    )

    site = Site.objects.get(is_default_site=True)
    world.objects["site"] = site
    world.objects["home"] = HomePage.objects.get(pk=site.root_page_id)
    world.objects["article"] = ArticlePage.objects.live().filter(locale=site.root_page.locale).order_by("pk").first()
    english = site.root_page.locale
    for name, model in (("directory", HotlineDirectoryPage), ("facts", FactsPage), ("map", NetworkMapPage)):
        world.objects[name] = model.objects.live().filter(locale=english).first()
    draft = world["article"].copy(
        update_attrs={"slug": "security-world-draft", "title": f"{DRAFT_MARKER} A draft article"}, keep_live=False
    )
    world.objects["draft"] = draft
    world.objects["image"] = get_image_model().objects.order_by("pk").first()
    world.objects["document"] = get_document_model().objects.order_by("pk").first()
    world.objects["collection"] = Collection.get_first_root_node()
    world.objects["workflow"] = Workflow.objects.order_by("pk").first()
    world.objects["task"] = Task.objects.order_by("pk").first()
    world.objects["locale"] = Locale.objects.get(language_code="en")
    world.objects["group"] = Group.objects.get(name="Editor")
    world.objects["partner"] = PartnerOrganisation.objects.order_by("pk").first()
    world.objects["route"] = ReportingRoute.objects.order_by("pk").first()
    world.objects["redirect"] = Redirect.objects.create(old_path="/security-world-old", redirect_link="/")
    world.objects["revision"] = world["home"].latest_revision
    world.objects["page"] = Page.objects.get(pk=site.root_page_id)


def _donors(world: World) -> None:
    """The donor area is ready once the donor model exists and the demo affiliates
    `donor` and `donor2` to two different donors."""
    donor_model = ACCOUNTS_DONOR_TARGET
    try:
        apps.get_model(donor_model)
    except LookupError:
        return
    first, second = (world.users[key].affiliation_or_none for key in ("donor", "donor2"))
    world.donor_area = bool(first and second and first.is_to(donor_model) and second.is_to(donor_model))
    if world.donor_area:
        for key, affiliation in (("DA", first), ("DB", second)):
            donor = affiliation.target
            world.objects[key] = donor
            if any(f.name == "name" for f in donor._meta.get_fields()):
                _prefix(type(donor).objects.filter(pk=donor.pk), "name", text=marker(key, "REG"))


ACCOUNTS_DONOR_TARGET = "reports.Donor"


# -- markers --------------------------------------------------------------------------------------
def _prefix(queryset: Any, *fields: str, text: str) -> None:
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    queryset.update(**{name: Concat(Value(f"{text} "), F(name)) for name in fields})


def _markers(world: World) -> None:
    """Write each owner's markers into its text fields (plain updates: no history, no signals)."""
    from network.models import Analyst, Contact, Hotline, HotlineAnnualProfile, Organisation
    from onboarding.models import (
        ActionItem,
        Agreement,
        Assessment,
        ChecklistItem,
        CorrectiveAction,
        EvidenceDocument,
        ItemComment,
        Roundtable,
    )

    for key in OWNERS:
        hotline: Hotline = world[key]
        reg, dos = marker(key, "REG"), marker(key, "DOS")
        public = marker(key, "PUB") if key in ("MA", "MB") else reg
        _prefix(Hotline.objects.filter(pk=hotline.pk), "brand_name", text=public)
        _prefix(Organisation.objects.filter(pk=hotline.host_organisation_id), "name", text=reg)
        _prefix(Contact.objects.filter(organisation_id=hotline.host_organisation_id), "name", text=reg)
        cap = marker(key, "CAP")
        for number, analyst_pk in enumerate(Analyst.objects.filter(hotline=hotline).values_list("pk", flat=True)):
            Analyst.objects.filter(pk=analyst_pk).update(code=f"{cap}-{number}")
        _prefix(HotlineAnnualProfile.objects.filter(hotline=hotline), "languages", text=cap)
        _prefix(Roundtable.objects.filter(hotline=hotline), "title", "agenda", "outcomes", text=reg)
        _prefix(ActionItem.objects.filter(roundtable__hotline=hotline), "title", text=reg)
        _prefix(Agreement.objects.filter(hotline=hotline), "title", text=reg)
        # The dossier.
        _prefix(ChecklistItem.objects.filter(checklist__hotline=hotline).exclude(answer=""), "answer", text=dos)
        _prefix(ItemComment.objects.filter(item__checklist__hotline=hotline), "body", text=dos)
        _prefix(EvidenceDocument.objects.filter(hotline=hotline), "original_name", "description", text=dos)
        _prefix(Assessment.objects.filter(hotline=hotline), "summary", text=dos)
        _prefix(CorrectiveAction.objects.filter(assessment__hotline=hotline), "title", text=dos)
        _log_markers(key, hotline)
    for name in list(world.objects):
        obj = world.objects[name]
        if hasattr(obj, "refresh_from_db") and getattr(obj, "pk", None) is not None:
            obj.refresh_from_db()


# Actions logged on a hotline that come from other records: staff notes and dossier events.
STAFF_NOTE_ACTIONS = frozenset(
    {
        "onboarding.stage_change",
        "onboarding.candidate_create",
        "onboarding.candidate_update",
        "onboarding.mou_alternative_propose",
        "onboarding.mou_alternative_decide",
    }
)
DOSSIER_ACTIONS = frozenset(
    {
        "onboarding.checklist_create",
        "onboarding.checklist_version",
        "onboarding.evidence_upload",
        "onboarding.evidence_expire",
        "onboarding.reviewer_assign",
        "onboarding.reviewer_unassign",
        "onboarding.reviewer_declare",
    }
)


def _log_markers(key: str, hotline: Any) -> None:
    """Mark the history entries a hotline's staff notes and dossier left (on the hotline, its
    checklist items and its assessments) and make them the newest, so that every history, inspect
    page and the site history's first page show them."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    from network.models import Hotline
    from onboarding.models import Assessment, ChecklistItem

    now = timezone.now()

    def mark(entries: Any, kind: str, *, at: Any = now) -> None:
        text = marker(key, kind)
        for entry in entries:
            data = entry.data if isinstance(entry.data, dict) else {}
            ModelLogEntry.objects.filter(pk=entry.pk).update(
                data={**data, "note": text}, label=f"{text} {entry.label}"[:255], timestamp=at
            )

    def on(model: Any, pks: Any) -> Any:
        content_type = ContentType.objects.get_for_model(model)
        return ModelLogEntry.objects.filter(content_type=content_type, object_id__in=[str(pk) for pk in pks])

    on_hotline = on(Hotline, [hotline.pk])
    # The staff notes are few and the dossier's entries many (every step of every item): the notes
    # come a second later, so that they lead the site history's first page on every database.
    mark(on_hotline.filter(action__in=STAFF_NOTE_ACTIONS), "STF", at=now + timedelta(seconds=1))
    mark(on_hotline.filter(action__in=DOSSIER_ACTIONS), "DOS")
    items = ChecklistItem.objects.filter(checklist__hotline=hotline).values_list("pk", flat=True)
    mark(on(ChecklistItem, items), "DOS")
    mark(on(Assessment, Assessment.objects.filter(hotline=hotline).values_list("pk", flat=True)), "DOS")


def _dashboard_sections(world: World) -> None:
    from reports import dashboards, selectors
    from reports.metrics import Context

    admin = world.users["admin"]
    for dashboard in dashboards.DASHBOARDS:
        frames = selectors.load_frames(dashboard.frames, user=admin)
        data = dashboards.build(dashboard, frames, Context.at(user=admin))
        world.sections[dashboard.slug] = [section.key for section in data.sections]
