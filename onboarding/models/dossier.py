"""A candidate's dossier: its checklist (from a versioned template) with evidence, comments and history,
and the reviewers assigned to it.

A dossier is open to network staff, to the reviewers assigned to it once they declared no conflict of
interest, and to the candidate's own portal users (`_dossier`): reviewer assignments live here because
they decide the dossier's visibility.
"""

from __future__ import annotations

import html
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from accounts.access import has_role, is_authenticated, is_staff_user, organisation_id_for
from accounts.roles import Role
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding.models.common import _staff_only


def _dossier(queryset: models.QuerySet, user: Any, hotline_path: str) -> models.QuerySet:
    """A candidate's dossier is open to network staff; to an accreditation reviewer once assigned to
    it and declared free of conflicts of interest; to the candidate's own portal users. Other staff
    roles see none of it. (`hotline_path` "pk": the queryset is of hotlines themselves.)"""
    if not is_authenticated(user):
        return queryset.none()
    if has_role(user, Role.NETWORK_STAFF):
        return queryset.all()
    if is_staff_user(user):
        if not has_role(user, Role.REVIEWER):
            return queryset.none()
        open_to = ReviewerAssignment.objects.open_to(user).values("hotline_id")
        return queryset.filter(**{f"{hotline_path}__in": open_to})
    organisation_id = organisation_id_for(user)
    if not organisation_id:
        return queryset.none()
    organisation_path = "host_organisation_id" if hotline_path == "pk" else f"{hotline_path}__host_organisation_id"
    return queryset.filter(**{organisation_path: organisation_id})


def dossier_hotlines(user: Any) -> models.QuerySet:
    """The hotlines whose dossier is open to `user` (the dossier rule, on the hotlines)."""
    return _dossier(Hotline.objects.all(), user, "pk")


class ChecklistTemplateQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ChecklistTemplateQuerySet:
        return _staff_only(self, user)

    def published(self) -> ChecklistTemplateQuerySet:
        return self.filter(status=ChecklistTemplate.Status.PUBLISHED)

    def for_purpose(self, purpose: str) -> ChecklistTemplateQuerySet:
        return self.filter(purpose=purpose)

    def onboarding(self) -> ChecklistTemplateQuerySet:
        """Templates of the candidates' onboarding checklist (not the members' self-assessment)."""
        return self.for_purpose(ChecklistTemplate.Purpose.ONBOARDING)

    def current(self, purpose: str) -> ChecklistTemplate | None:
        """The published template of `purpose` (the latest version, should two names be published)."""
        return self.for_purpose(purpose).published().order_by("-version", "-pk").first()


class ChecklistTemplate(ClusterableModel):
    """One version of a checklist: the onboarding checklist every candidate works through, or the
    self-assessment a member fills in before a quality-assurance review (`purpose`).

    Drafts are edited; publishing freezes a version (and retires the previous published one of the same
    purpose). A candidate's checklist stays on its version until staff move it to a newer one; a
    member's self-assessment stays on the version it was asked on.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    class Purpose(models.TextChoices):
        ONBOARDING = "onboarding", _("Onboarding checklist (candidates)")
        QA_SELF_ASSESSMENT = "qa_self_assessment", _("Self-assessment before a quality-assurance review (members)")

    DEFAULT_NAME = "Onboarding checklist"

    name = models.CharField(_("name"), max_length=200, default=DEFAULT_NAME)
    purpose = models.CharField(
        _("purpose"),
        max_length=30,
        choices=Purpose.choices,
        default=Purpose.ONBOARDING,
        help_text=_("Who works through it: candidates before membership, or members before a quality review."),
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    notes = models.TextField(_("what changed in this version"), blank=True)
    resubmission_days = models.PositiveSmallIntegerField(
        _("days to answer a request for changes"),
        default=rules.DEFAULT_RESUBMISSION_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "When a reviewer requests changes, the item becomes due this many days later (the reviewer may "
            "choose another date), so it is not overdue the moment it is sent back."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = ChecklistTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="checklist_template_version_once"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(status="published"), name="checklist_template_one_published"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, version {self.version} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_onboarding(self) -> bool:
        return self.purpose == self.Purpose.ONBOARDING

    def specs(self) -> list[rules.TemplateItemSpec]:
        return [item.spec() for item in self.items.all()]


GUIDANCE_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class ChecklistTemplateItem(Orderable):
    """One question of a template: what to provide, in which area, gating which stage, due when.

    Its title and guidance are written in English and may be translated (`title_fr`, `guidance_es`,
    ...); `localized()` gives the reader's language, English when a translation is missing.
    """

    # The languages a title and guidance may be translated into, beside English (the fallback).
    TRANSLATED_FIELDS = ("title", "guidance")
    TRANSLATION_LANGUAGES = ("fr", "es")

    template = ParentalKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(
        _("code"),
        max_length=20,
        help_text=_("Stable reference, e.g. 3.1; a candidate's answer follows its code from version to version."),
    )
    area = models.PositiveSmallIntegerField(_("area"), choices=rules.AREAS)
    title = models.CharField(_("title"), max_length=250)
    guidance = RichTextField(
        _("guidance"),
        blank=True,
        features=GUIDANCE_FEATURES,
        help_text=_("What a good answer shows."),
    )
    title_fr = models.CharField(_("title in French"), max_length=250, blank=True)
    title_es = models.CharField(_("title in Spanish"), max_length=250, blank=True)
    guidance_fr = RichTextField(_("guidance in French"), blank=True, features=GUIDANCE_FEATURES)
    guidance_es = RichTextField(_("guidance in Spanish"), blank=True, features=GUIDANCE_FEATURES)
    evidence_required = models.BooleanField(_("evidence required"), default=True)
    gates_stage = models.CharField(
        _("needed before"),
        max_length=30,
        choices=[(stage, Hotline.Stage(stage).label) for stage in rules.GATED_STAGES],
        default=Hotline.Stage.APPLICATION_SUBMITTED,
        help_text=_("The stage the candidate cannot enter until this item is accepted or waived."),
    )
    due_days = models.PositiveSmallIntegerField(
        _("due after (days)"),
        default=60,
        help_text=_("Days after the candidate enters the stage before the one this item gates."),
    )
    gate_fact = models.CharField(
        _("named in a lifecycle gate"),
        max_length=30,
        choices=rules.GATE_FACTS,
        blank=True,
        help_text=_("Only for the host due-diligence and legal-review items, which gates name one by one."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="template_item_code_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def localized(self, field: str, language: str | None = None) -> str:
        """`field` ("title" or "guidance") in `language` (default: the active one); English when that
        translation is empty."""
        if field not in self.TRANSLATED_FIELDS:
            raise ValueError(f"{field} is not translated")
        code = (language or get_language() or "").split("-")[0].lower()
        if code in self.TRANSLATION_LANGUAGES:
            translated = getattr(self, f"{field}_{code}")
            if translated.strip():
                return translated
        return getattr(self, field)

    @property
    def shown_title(self) -> str:
        return self.localized("title")

    @property
    def shown_guidance(self) -> str:
        return self.localized("guidance")

    def spec(self) -> rules.TemplateItemSpec:
        return rules.TemplateItemSpec(
            code=self.code,
            area=self.area,
            title=self.title,
            guidance=self.guidance,
            evidence_required=self.evidence_required,
            gates_stage=self.gates_stage,
            due_days=self.due_days,
            gate_fact=self.gate_fact,
        )

    def clean(self) -> None:
        # The editor keeps guidance to its features; a workbook import brings raw HTML: filter it the same way.
        for name in ("guidance", *(f"guidance_{code}" for code in self.TRANSLATION_LANGUAGES)):
            value = getattr(self, name)
            if value:
                from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

                cleaned = EditorHTMLConverter(features=GUIDANCE_FEATURES).to_database_format(value)
                if html.unescape(cleaned) != html.unescape(value):  # not merely re-encoded quotes
                    setattr(self, name, cleaned)
        errors: dict[str, Any] = {}
        if self.code and not all(c.isalnum() or c in ".-" for c in self.code):
            errors["code"] = _("Use letters, digits, dots and hyphens only (e.g. 3.1).")
        expected = {
            rules.GATE_FACT_HOST_DUE_DILIGENCE: Hotline.Stage.STAKEHOLDER_ENGAGEMENT,
            rules.GATE_FACT_LEGAL_REVIEW: Hotline.Stage.OPERATIONAL_PREPARATION,
        }
        if self.gate_fact and self.gates_stage != expected[self.gate_fact]:
            errors["gates_stage"] = _("This item is named in the gate into %(stage)s: it must be needed before it.") % {
                "stage": Hotline.Stage(expected[self.gate_fact]).label
            }
        if errors:
            raise ValidationError(errors)


class ChecklistQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ChecklistQuerySet:
        return _dossier(self, user, "hotline")


class Checklist(models.Model):
    """A candidate's own onboarding checklist, on one template version (one per hotline; a member's
    self-assessments are `SelfAssessment`s, on the self-assessment template)."""

    hotline = models.OneToOneField(
        Hotline, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("hotline")
    )
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="checklists", verbose_name=_("template version")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    # What the label (`__str__`) reads besides the row: admin choices select it (`core.forms`).
    label_related = ("hotline", "template")

    def __str__(self) -> str:
        return f"{self.hotline}: {self.template}"


class ChecklistItemQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ChecklistItemQuerySet:
        return _dossier(self, user, "checklist__hotline")

    def active(self) -> ChecklistItemQuerySet:
        """Items of the checklist's current version (not dropped by a version move)."""
        return self.filter(removed_at__isnull=True)

    def awaiting_review(self) -> ChecklistItemQuerySet:
        return self.active().filter(state=rules.SUBMITTED)


class ChecklistItem(models.Model):
    """A candidate's answer to one template item: its state, answer, evidence, due date and review."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    template_item = models.ForeignKey(ChecklistTemplateItem, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=20)
    state = models.CharField(_("state"), max_length=20, choices=rules.STATES, default=rules.NOT_STARTED)
    answer = models.TextField(_("answer"), blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # A colleague of the candidate's organisation who handles the item (the portal's "My items").
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_checklist_items",
        verbose_name=_("assigned to"),
    )
    state_changed_at = models.DateTimeField(_("state since"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    waiver_reason = models.TextField(_("waiver reason"), blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waived_at = models.DateTimeField(_("waived at"), null=True, blank=True)
    waiver_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waiver_approved_at = models.DateTimeField(_("waiver approved at"), null=True, blank=True)
    removed_at = models.DateTimeField(
        _("dropped from the checklist at"),
        null=True,
        blank=True,
        help_text=_("Not in the checklist's current version."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist item (candidate)")
        verbose_name_plural = _("checklist items (candidates)")
        ordering = ["checklist", "template_item__sort_order", "code"]
        indexes = [models.Index(fields=["state", "submitted_at"])]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "code"], name="checklist_item_code_once"),
            models.CheckConstraint(
                condition=~Q(state="waived") | ~Q(waiver_reason=""), name="checklist_item_waiver_has_reason"
            ),
        ]

    # What the label (`__str__`) reads besides the row: admin choices select it (`core.forms`).
    label_related = ("template_item",)

    def __str__(self) -> str:
        return f"{self.code} {self.template_item.title}"

    @property
    def title(self) -> str:
        """The item's title in the reader's language (English when not translated)."""
        return self.template_item.localized("title")

    @property
    def area(self) -> int:
        return self.template_item.area

    @property
    def waiver_approved(self) -> bool:
        return self.waiver_approved_by_id is not None

    @property
    def is_done(self) -> bool:
        return rules.is_done(self.state, waiver_approved=self.waiver_approved and bool(self.waiver_reason))

    @property
    def locked_for_candidate(self) -> bool:
        return self.state in rules.LOCKED_FOR_CANDIDATE

    @property
    def state_label(self) -> str:
        if self.state == rules.WAIVED and not self.waiver_approved:
            return str(_("Waived (awaiting approval)"))
        return rules.state_label(self.state)

    def is_overdue(self, on: date | None = None) -> bool:
        return rules.is_overdue(self.state, self.due_on, on or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    def move_to(self, state: str, now: datetime) -> bool:
        """Put the item in `state` (not saved): its state's date becomes `now` when that changes its
        state. Whether it did."""
        if state == self.state:
            return False
        self.state, self.state_changed_at = state, now
        return True


class ItemEventQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ItemEventQuerySet:
        return _dossier(self, user, "item__checklist__hotline")


class ItemEvent(models.Model):
    """One change in a checklist item's history: who did what, when, from which state to which."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=20, choices=rules.STATES, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=rules.STATES, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = ItemEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist item event")
        verbose_name_plural = _("checklist item history")
        ordering = ["item", "at", "id"]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.action}"

    ACTION_LABELS = {
        "created": _("Added to the checklist"),
        "edit": _("Answer saved"),
        "submit": _("Submitted for review"),
        "withdraw": _("Submission withdrawn before review"),
        "accept": _("Accepted"),
        "request_changes": _("Changes requested"),
        "waive": _("Waived"),
        "approve_waiver": _("Waiver approved"),
        "decline_waiver": _("Waiver declined"),
        "expire": _("Evidence expired"),
        "evidence_add": _("Evidence added"),
        "evidence_remove": _("Evidence removed"),
        "version_move": _("Moved to a new checklist version"),
        "removed": _("Dropped: not in the new checklist version"),
        "due_date": _("Due date set"),
        "assign": _("Assigned"),
    }

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))


class CommentVisibility(models.TextChoices):
    """Who reads a comment on a dossier: network staff only; the reviewers and staff; or everyone the
    dossier is open to, the candidate's users included."""

    STAFF = "staff", _("Staff only")
    REVIEWERS = "reviewers", _("Reviewers and staff")
    SHARED = "shared", _("Shared with the candidate")


def visible_comments(queryset: models.QuerySet, user: Any, hotline_path: str) -> models.QuerySet:
    """The comment rule, one home: the dossier rule, then network staff read every comment, an assigned
    reviewer those for reviewers and staff or shared, the candidate's users the shared ones only."""
    scoped = _dossier(queryset, user, hotline_path)
    if has_role(user, Role.NETWORK_STAFF):
        return scoped
    if is_staff_user(user):
        return scoped.exclude(visibility=CommentVisibility.STAFF)
    return scoped.filter(visibility=CommentVisibility.SHARED)


class ItemCommentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ItemCommentQuerySet:
        return visible_comments(self, user, "item__checklist__hotline")

    def shared(self) -> ItemCommentQuerySet:
        return self.filter(visibility=CommentVisibility.SHARED)


class ItemComment(models.Model):
    """A message in an item's thread, between the candidate's users and the reviewers; its visibility
    says who reads it (the candidate's own comments are always shared)."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=5000)
    visibility = models.CharField(
        _("visible to"), max_length=20, choices=CommentVisibility.choices, default=CommentVisibility.REVIEWERS
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    objects = ItemCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist item comment")
        verbose_name_plural = _("checklist item comments")
        ordering = ["item", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.body[:40]}"


class EvidenceDocumentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> EvidenceDocumentQuerySet:
        return _dossier(self, user, "hotline")

    def expired(self, on: date | None = None) -> EvidenceDocumentQuerySet:
        return self.filter(expires_on__lt=on or timezone.localdate())

    def current(self) -> EvidenceDocumentQuerySet:
        """In the dossier: not removed or replaced by the candidate (earlier versions stay for staff)."""
        return self.filter(removed_at__isnull=True)

    def with_locked_uses(self) -> EvidenceDocumentQuerySet:
        """Annotated with `locked_uses`: the uses that keep it in the dossier as it is
        (`EvidenceDocument.removal_refusal`), counted in the same query."""
        return self.annotate(
            locked_uses=models.Count(
                "links",
                filter=Q(links__item__state__in=rules.LOCKED_FOR_CANDIDATE, links__item__removed_at__isnull=True),
                distinct=True,
            )
            + models.Count(
                "corrective_actions",
                filter=~Q(corrective_actions__status__in=("open", "in_progress")),
                distinct=True,
            )
            + models.Count(
                "self_assessment_answers",
                filter=Q(self_assessment_answers__self_assessment__status="submitted"),
                distinct=True,
            )
        )


class EvidenceDocument(models.Model):
    """A document a candidate provides as evidence; it may support several checklist items and
    corrective actions. Stored privately under a random name; served after an access check."""

    hotline = models.ForeignKey(
        Hotline, on_delete=models.CASCADE, related_name="evidence_documents", verbose_name=_("hotline")
    )
    stored_name = models.CharField(_("stored as"), max_length=255, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    expires_on = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("For certificates and other documents that expire.")
    )
    expiry_processed_for = models.DateField(
        null=True, blank=True, editable=False, help_text="The expiry date whose consequences were applied."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    items = models.ManyToManyField(ChecklistItem, through="EvidenceLink", related_name="evidence", blank=True)
    removed_at = models.DateTimeField(
        _("removed from the dossier at"),
        null=True,
        blank=True,
        help_text=_("Removed or replaced by the candidate; kept for the association's records."),
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="earlier_versions",
        verbose_name=_("replaced by"),
    )

    objects = EvidenceDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["hotline", "-uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def is_expired(self, on: date | None = None) -> bool:
        return self.expires_on is not None and self.expires_on < (on or timezone.localdate())

    @property
    def expired(self) -> bool:
        return self.is_expired()

    @property
    def is_current(self) -> bool:
        return self.removed_at is None

    def _provided_by_association(self, user: Any) -> bool:
        """A candidate changes only what their side uploaded (portal users); staff change any document."""
        if user is None or has_role(user, Role.NETWORK_STAFF):
            return False
        return self.uploaded_by is None or self.uploaded_by.is_staff

    def removal_refusal(self, user: Any = None) -> str | None:
        """Why `user` may not remove or replace this document now, or None. A candidate's user changes
        the documents their side uploaded; a document stays as it is while an item it supports is
        submitted, accepted or waived, while a corrective action it supports is reported done, or while
        a submitted self-assessment cites it (withdraw the submission, or ask the association, first)."""
        if self.removed_at is not None:
            return str(_("“%(name)s” is no longer in the dossier.") % {"name": self.original_name})
        if self._provided_by_association(user):
            return str(
                _("“%(name)s” was provided by the association: ask them to change it.") % {"name": self.original_name}
            )
        if getattr(self, "locked_uses", None) == 0:
            return None
        codes = sorted(
            self.links.filter(item__state__in=rules.LOCKED_FOR_CANDIDATE, item__removed_at__isnull=True).values_list(
                "item__code", flat=True
            )
        )
        if codes:
            return str(
                _(
                    "“%(name)s” supports items under review or already accepted (%(codes)s): it cannot be removed "
                    "or replaced. Withdraw a submitted item first, or ask the association about an accepted one."
                )
                % {"name": self.original_name, "codes": ", ".join(codes)}
            )
        if self.corrective_actions.exclude(status__in=("open", "in_progress")).exists():
            return str(
                _("“%(name)s” supports a corrective action reported done: ask the association to change it.")
                % {"name": self.original_name}
            )
        if self.self_assessment_answers.filter(self_assessment__status="submitted").exists():
            return str(
                _("“%(name)s” is cited in a submitted self-assessment: ask the association to change it.")
                % {"name": self.original_name}
            )
        return None

    def is_removable_by(self, user: Any) -> bool:
        """`removal_refusal(user) is None`, without a query when counted by `with_locked_uses()`."""
        locked_uses = getattr(self, "locked_uses", None)
        if locked_uses is not None:
            return self.removed_at is None and not self._provided_by_association(user) and locked_uses == 0
        return self.removal_refusal(user) is None


class EvidenceLink(models.Model):
    """A document supporting one checklist item."""

    document = models.ForeignKey(EvidenceDocument, on_delete=models.CASCADE, related_name="links")
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="evidence_links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")
        constraints = [models.UniqueConstraint(fields=["document", "item"], name="evidence_link_once")]

    def __str__(self) -> str:
        return f"{self.document} → {self.item.code}"


class EvidenceDownloadQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> EvidenceDownloadQuerySet:
        return self.all() if has_role(user, Role.NETWORK_STAFF) else self.none()


class EvidenceDownload(models.Model):
    """Who downloaded an evidence document, and when."""

    document = models.ForeignKey(EvidenceDocument, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    downloaded_at = models.DateTimeField(default=timezone.now)

    objects = EvidenceDownloadQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence download")
        verbose_name_plural = _("evidence downloads")
        ordering = ["-downloaded_at"]

    def __str__(self) -> str:
        return f"{self.document} by {self.user}"


class ReviewerAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ReviewerAssignmentQuerySet:
        if has_role(user, Role.NETWORK_STAFF):
            return self.all()
        if is_staff_user(user):
            return self.filter(reviewer=user)
        return self.none()

    def open_to(self, user: Any) -> ReviewerAssignmentQuerySet:
        """The assignments that open a dossier to `user`: declared, without a conflict."""
        return self.declared().filter(reviewer=user)

    def declared(self) -> ReviewerAssignmentQuerySet:
        """Reviewers who declared no conflict of interest: the ones who review (and whose reviews the lead
        consolidates before the Board decides)."""
        return self.filter(coi_declared_at__isnull=False, has_conflict=False)


class ReviewerAssignment(models.Model):
    """An accreditation reviewer assigned to a candidate's dossier, and their conflict-of-interest
    declaration (the dossier opens to them only once they declared no conflict)."""

    hotline = models.ForeignKey(
        Hotline, on_delete=models.CASCADE, related_name="reviewer_assignments", verbose_name=_("hotline")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    coi_declared_at = models.DateTimeField(_("conflicts declared at"), null=True, blank=True)
    has_conflict = models.BooleanField(_("has a conflict of interest"), default=False)
    coi_statement = models.TextField(_("declaration"), blank=True)

    objects = ReviewerAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("reviewer assignment")
        verbose_name_plural = _("reviewer assignments")
        ordering = ["hotline", "assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["hotline", "reviewer"], name="reviewer_assigned_once"),
            models.CheckConstraint(
                condition=Q(has_conflict=False) | Q(coi_declared_at__isnull=False),
                name="reviewer_conflict_is_declared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.hotline}"

    @property
    def declared(self) -> bool:
        return self.coi_declared_at is not None

    @property
    def status_label(self) -> str:
        if not self.declared:
            return str(_("Declaration awaited"))
        return str(_("Conflict of interest declared")) if self.has_conflict else str(_("No conflict declared"))
