"""The member cycle after admission: the annual renewal pack, the proposal to suspend a member whose
pack lapsed, quality-assurance reviews planned as one joint visit, and the certificate a passed review
earns.

- A `RenewalPack` is opened for a member and a year. Its parts are read from the records that do
  them (an annual profile for the year, a statistics return covering the end of the past year) or
  recorded on the pack when the member does them in the portal (the Code of Practice re-declared,
  the contacts and point of contact confirmed): nothing is ticked by hand. Its status (not started,
  in progress, complete, overdue in grace, lapsed) is `renewal_status`, a pure function of the parts
  done, the due date, the grace period and the day.
- A lapsed pack warns the member's users and staff once (`warned_on`); later, still incomplete, it
  gets a `SuspensionProposal` that network staff act on through the lifecycle's `suspend` transition
  or dismiss with a reason. Nothing suspends a member by itself.
- The next quality-assurance review of a member is `qa_next_review_due`, the QuerySet form of
  `reports.aggregations.qa_reviews_due` (a parity test runs both on the same rows): the first one
  `QA_FIRST_REVIEW_MONTHS` after joining, then on the cycle.
- A `QaCertificate` is issued when a quality-assurance review passes (with its corrective actions
  closed, when it passed with actions); `QaCertificate.objects.valid_on(day)` is the one rule of "a QA
  certificate valid on a day".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import has_role, is_authenticated, is_staff_user, organisation_id_for
from accounts.roles import Role
from network.models import Hotline
from network.models.training import add_months
from onboarding.models.accreditation import Assessment
from onboarding.models.common import _staff_or_organisation
from onboarding.models.lifecycle import StageChange


def _network_staff_or_own(queryset: models.QuerySet, user: Any, hotline_path: str) -> models.QuerySet:
    """Network staff see every member's cycle; a portal user their own hotline's; other staff none."""
    if not is_authenticated(user):
        return queryset.none()
    if has_role(user, Role.NETWORK_STAFF):
        return queryset.all()
    if is_staff_user(user):
        return queryset.none()
    organisation_id = organisation_id_for(user)
    if not organisation_id:
        return queryset.none()
    return queryset.filter(**{f"{hotline_path}__host_organisation_id": organisation_id})


# -- Annual renewal ----------------------------------------------------------------------------------
def renewal_due_on(year: int) -> date:
    """The day a year's renewal pack is due (setting `RENEWAL_DUE_MONTH_DAY`, "MM-DD")."""
    month, day = (int(part) for part in str(settings.RENEWAL_DUE_MONTH_DAY).split("-"))
    return date(year, month, day)


FIRST_RENEWAL_YEAR = 2000


def renewal_last_year(today: date) -> int:
    """The latest year renewals can concern on `today`: next year's (opened from its due date's year before)."""
    return today.year + 1


def renewal_year_in_range(year: int, today: date) -> bool:
    """Whether `year` is one renewals can concern at all (the board shows it, the service may open it)."""
    return FIRST_RENEWAL_YEAR <= year <= renewal_last_year(today)


def renewal_year_can_open(year: int, today: date) -> bool:
    """Whether a year's packs may still be opened on `today`: until their due date (opened later, they
    would be overdue from the start)."""
    return today <= renewal_due_on(year)


def renewal_year_to_open(today: date) -> int:
    """The year whose packs staff open next: this year's until its due date has passed, then the next."""
    return today.year if renewal_year_can_open(today.year, today) else today.year + 1


def renewal_grace_until(due_on: date) -> date:
    """The last day of grace after a pack's due date (setting `RENEWAL_GRACE_DAYS`)."""
    return due_on + timedelta(days=int(settings.RENEWAL_GRACE_DAYS))


class RenewalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETE = "complete", _("Complete")
    OVERDUE = "overdue", _("Overdue (in grace)")
    LAPSED = "lapsed", _("Lapsed")


def renewal_status(*, parts_done: int, parts: int, due_on: date, grace_until: date, today: date) -> str:
    """A pack's status on `today`: complete once every part is done; before its due date (and on it)
    not started or in progress; after it, overdue while in grace, then lapsed."""
    if parts_done >= parts:
        return RenewalStatus.COMPLETE
    if today > grace_until:
        return RenewalStatus.LAPSED
    if today > due_on:
        return RenewalStatus.OVERDUE
    return RenewalStatus.IN_PROGRESS if parts_done else RenewalStatus.NOT_STARTED


class RenewalPackQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> RenewalPackQuerySet:
        return _network_staff_or_own(self, user, "hotline")

    def for_year(self, year: int) -> RenewalPackQuerySet:
        return self.filter(year=year)

    def past_grace(self, today: date) -> RenewalPackQuerySet:
        """Packs whose grace ended before `today` (complete or not: the parts are read apart)."""
        return self.filter(grace_until__lt=today)


class RenewalPack(models.Model):
    """A member's annual renewal for one year: its due date and grace, and what the member recorded on
    it (the Code of Practice re-declared, the contacts confirmed)."""

    hotline = models.ForeignKey(
        Hotline, on_delete=models.PROTECT, related_name="renewal_packs", verbose_name=_("hotline")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    due_on = models.DateField(_("due on"))
    grace_until = models.DateField(_("grace until"))
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    code_declared_at = models.DateTimeField(_("Code of Practice re-declared at"), null=True, blank=True)
    code_declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contacts_confirmed_at = models.DateTimeField(_("contacts confirmed at"), null=True, blank=True)
    contacts_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    warned_on = models.DateField(
        _("lapse warning sent on"), null=True, blank=True, help_text=_("Set once, when the pack lapsed incomplete.")
    )

    objects = RenewalPackQuerySet.as_manager()

    class Meta:
        verbose_name = _("renewal pack")
        verbose_name_plural = _("renewal packs")
        ordering = ["-year", "hotline__brand_name"]
        constraints = [
            models.UniqueConstraint(fields=["hotline", "year"], name="one_renewal_pack_per_hotline_year"),
            models.CheckConstraint(condition=Q(grace_until__gte=models.F("due_on")), name="renewal_grace_after_due"),
        ]

    def __str__(self) -> str:
        return f"{self.hotline} {self.year}"

    def clean(self) -> None:
        if self.due_on and self.grace_until and self.grace_until < self.due_on:
            raise ValidationError({"grace_until": _("The grace period ends before the due date.")})


class SuspensionProposalQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> SuspensionProposalQuerySet:
        # Staff's deliberation: network staff only.
        if is_authenticated(user) and has_role(user, Role.NETWORK_STAFF):
            return self.all()
        return self.none()

    def open(self) -> SuspensionProposalQuerySet:
        return self.filter(status=SuspensionProposal.Status.OPEN)


class SuspensionProposal(models.Model):
    """A proposal to suspend a member whose renewal lapsed: network staff suspend it through the
    lifecycle (the stage change is linked) or dismiss it with a reason. Never applied by itself."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting a staff decision")
        SUSPENDED = "suspended", _("Member suspended")
        DISMISSED = "dismissed", _("Dismissed")

    pack = models.OneToOneField(
        RenewalPack, on_delete=models.PROTECT, related_name="suspension_proposal", verbose_name=_("renewal pack")
    )
    hotline = models.ForeignKey(
        Hotline, on_delete=models.PROTECT, related_name="suspension_proposals", verbose_name=_("hotline")
    )
    proposed_on = models.DateField(_("proposed on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why the proposal was acted on or dismissed."))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage_change = models.OneToOneField(
        StageChange, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("stage change")
    )

    objects = SuspensionProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspension proposal")
        verbose_name_plural = _("suspension proposals")
        ordering = ["-proposed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | (Q(decided_at__isnull=False) & ~Q(reason="")),
                name="suspension_proposal_decided_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hotline}: {self.get_status_display()} ({self.pack.year})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


# -- Quality-assurance reviews -----------------------------------------------------------------------
class JointVisitQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> JointVisitQuerySet:
        if is_authenticated(user) and has_role(user, Role.NETWORK_STAFF):
            return self.all()
        return self.none()


class JointVisit(models.Model):
    """One visit that reviews several hotlines (e.g. in one country or city): the quality-assurance
    reviews it covers are its assessments."""

    reference = models.SlugField(_("reference"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    mode = models.CharField(_("mode"), max_length=20, choices=Assessment.Mode.choices, default=Assessment.Mode.ON_SITE)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = JointVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint visit")
        verbose_name_plural = _("joint visits")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="joint_visit_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The visit ends before it starts.")})


@dataclass(frozen=True)
class QaSchedule:
    """A member's quality-assurance review position: its last completed review (None: none on
    record) and when the next is due (with none on record, the first review after joining; None when
    no joining date is recorded either)."""

    last_review: date | None
    due_on: date | None

    @property
    def is_first_review(self) -> bool:
        """No review on record: the date due is the first review's."""
        return self.last_review is None


def qa_next_review_due(
    *, stage: str, last_review: date | None, full_member_on: date | None, joined_on: date | None
) -> date | None:
    """The next review: with no review on record, the first one `QA_FIRST_REVIEW_MONTHS` after the
    member joined (no joining date recorded: no date); then a full member `QA_REVIEW_CYCLE_MONTHS`
    after its last review (or after becoming a full member, if later), a provisional member
    `QA_FIRST_REVIEW_MONTHS` after its last review. Pure form: `reports.aggregations.qa_reviews_due`."""
    if last_review is None:
        return add_months(joined_on, int(settings.QA_FIRST_REVIEW_MONTHS)) if joined_on else None
    if stage == Hotline.Stage.FULL_MEMBER:
        base = max(last_review, full_member_on) if full_member_on else last_review
        return add_months(base, int(settings.QA_REVIEW_CYCLE_MONTHS))
    return add_months(last_review, int(settings.QA_FIRST_REVIEW_MONTHS))


def with_last_qa_review(hotlines: models.QuerySet, *, on: date | None = None) -> models.QuerySet:
    """Annotate `last_qa_review`: the day the hotline's latest quality-assurance review was completed
    (its report's day, else its last day), up to `on` (today by default)."""
    day = on or timezone.localdate()
    completed_on = Coalesce(TruncDate("assessments__report_completed_at"), "assessments__ends_on")
    return hotlines.alias(qa_completed_on=completed_on).annotate(
        last_qa_review=Max(
            completed_on,
            filter=Q(
                assessments__kind=Assessment.Kind.QA_REVIEW,
                assessments__status=Assessment.Status.COMPLETED,
                qa_completed_on__lte=day,
            ),
        )
    )


def qa_schedules(hotlines: models.QuerySet, *, on: date | None = None) -> dict[int, QaSchedule]:
    """Every hotline's `QaSchedule` on `on` (today by default), in one query."""
    rows = with_last_qa_review(hotlines, on=on).values_list(
        "pk", "stage", "full_member_on", "joined_on", "last_qa_review"
    )
    return {
        pk: QaSchedule(
            last_review=last,
            due_on=qa_next_review_due(stage=stage, last_review=last, full_member_on=full_on, joined_on=joined_on),
        )
        for pk, stage, full_on, joined_on, last in rows
    }


class QaCertificateQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> QaCertificateQuerySet:
        # Like the registry: every staff role reads it; a member's users their own hotline's.
        return _staff_or_organisation(self, user, "hotline__host_organisation_id")

    def valid_on(self, day: date | None = None) -> QaCertificateQuerySet:
        """Certificates valid on `day` (today by default): from their first to their last day."""
        day = day or timezone.localdate()
        return self.filter(valid_from__lte=day, valid_until__gte=day)


class QaCertificate(models.Model):
    """The certificate a passed quality-assurance review earns, with its validity dates."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="certificate", verbose_name=_("review")
    )
    hotline = models.ForeignKey(
        Hotline, on_delete=models.PROTECT, related_name="qa_certificates", verbose_name=_("hotline")
    )
    reference = models.SlugField(_("certificate number"), max_length=40, unique=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = QaCertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("quality-assurance certificate")
        verbose_name_plural = _("quality-assurance certificates")
        ordering = ["-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="qa_certificate_valid_span"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.hotline})"

    def is_valid_on(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.valid_from <= day <= self.valid_until

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The certificate ends before it starts.")
        if self.assessment_id and self.assessment.kind != Assessment.Kind.QA_REVIEW:
            errors["assessment"] = _("A certificate follows a quality-assurance review only.")
        if errors:
            raise ValidationError(errors)
