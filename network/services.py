"""Writes of the network registry outside the admin's generic screens.

Member hotlines keep their own records through the portal: the public profile, annual capacity
profiles, statistics returns, analysts (pseudonymous codes) and nominations for training events.
Staff erase contacts' personal data and import the network workbook. Every function here:

- checks that the acting user may do it (a hotline user only for a member hotline hosted by their
  own organisation; staff through their role's permissions),
- validates with the model's rules (`full_clean`) and raises ValidationError keyed by field,
- writes atomically and leaves one audit entry per changed record with the changed fields
  (`core.history`), so the admin history shows who changed what.

Lifecycle stages are never changed here: that is the onboarding workflow's transition service.
The workbook import runs in the task worker: an upload is kept and previewed (`workbook_import_start`),
the uploader confirms (`workbook_import_confirm`) and the same bytes are imported
(`workbook_import_run`, the task's body), each run recording its progress and result.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import LogContext

from accounts.access import is_staff_user, may
from accounts.models import Affiliation, User
from core.audit import audit
from core.history import audit_change, changed_fields, created_fields, field_values
from core.mail import queue_email
from core.models import WorkbookImport
from core.uploads import CheckedDocument, private_storage, store_document
from core.workbook import ImportResult, import_workbook
from network.models import (
    Analyst,
    Contact,
    Country,
    Hotline,
    HotlineAnnualProfile,
    HotlineStatistics,
    StatisticsMessage,
    TrainingEvent,
    TrainingParticipation,
)

logger = logging.getLogger(__name__)

# What a member hotline may edit of its own public profile.
PROFILE_FIELDS = (
    "public_reporting_url",
    "description",
    "reporting_languages",
    "anonymous_reports",
    "countries_served",
    "accepts_regional_reports",
    "point_of_contact",
)
ANNUAL_PROFILE_FIELDS = (
    "year",
    "analyst_headcount",
    "fte",
    "welfare_policy",
    "welfare_policy_reviewed_on",
    "psychological_support",
    "le_mou_in_force",
    "languages",
)
STATISTICS_FIELDS = (
    "period_start",
    "period_end",
    "reports_received",
    "content_urls_processed",
    "share_assessed_illegal",
    "share_removed_within_3_days",
    "share_referred_le_within_3_days",
)
ANALYST_FIELDS = ("code", "role", "started_on", "ended_on")


# -- access -------------------------------------------------------------------------------------
def _check_hotline(hotline: Hotline, user: Any, *, staff_permission: str) -> None:
    """A member hotline's own user, or staff holding `staff_permission`; anyone else is refused."""
    if is_staff_user(user):
        if not user.has_perm(staff_permission):
            raise PermissionDenied(_("Your role does not allow this change."))
        return
    if not Hotline.objects.visible_to(user).members().filter(pk=hotline.pk).exists():
        raise PermissionDenied(_("You can only change your own member hotline's records."))
    if not may(user, "portal.edit"):
        raise PermissionDenied(_("Your portal role (viewer) does not allow changes."))


def _assign(instance: models.Model, values: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        setattr(instance, name, value)


def _save_checked(instance: models.Model, *, exclude: Iterable[str] = (), constraints: bool = True) -> None:
    instance.full_clean(exclude=list(exclude), validate_constraints=constraints)
    instance.save()


# -- hotline profile ----------------------------------------------------------------------------
def hotline_update_profile(*, hotline: Hotline, values: Mapping[str, Any], acting_user: Any) -> Hotline:
    """Change a hotline's public profile; the home country always stays among the countries served."""
    _check_hotline(hotline, acting_user, staff_permission="network.change_hotline")
    values = dict(values)
    served: list[Country] | None = values.pop("countries_served", None)
    with transaction.atomic():
        hotline = Hotline.objects.select_for_update().get(pk=hotline.pk)
        before = field_values(hotline)
        _assign(hotline, values, PROFILE_FIELDS)
        _save_checked(hotline)
        if served is not None:
            codes = {country.pk for country in served} | {hotline.country_id}
            hotline.countries_served.set(codes)
        audit_change(hotline, "network.hotline.profile_update", before=before, user=acting_user)
    return hotline


# -- annual capacity profile ---------------------------------------------------------------------
def annual_profile_submit(*, hotline: Hotline, values: Mapping[str, Any], acting_user: Any) -> HotlineAnnualProfile:
    """A hotline's capacity profile for a year it has not reported yet."""
    _check_hotline(hotline, acting_user, staff_permission="network.add_hotlineannualprofile")
    profile = HotlineAnnualProfile(hotline=hotline)
    _assign(profile, values, ANNUAL_PROFILE_FIELDS)
    with transaction.atomic():
        if HotlineAnnualProfile.objects.filter(hotline=hotline, year=profile.year).exists():
            raise ValidationError(
                {"year": _("There is already a profile for %(year)s; edit that one.") % {"year": profile.year}}
            )
        profile.submitted_by = acting_user if getattr(acting_user, "pk", None) else None
        profile.submitted_at = timezone.now()
        _save_checked(profile)
        audit(profile, "network.annual_profile.submit", user=acting_user, data={"changed": created_fields(profile)})
    return profile


def annual_profile_update(
    *, profile: HotlineAnnualProfile, values: Mapping[str, Any], acting_user: Any
) -> HotlineAnnualProfile:
    _check_hotline(profile.hotline, acting_user, staff_permission="network.change_hotlineannualprofile")
    with transaction.atomic():
        profile = HotlineAnnualProfile.objects.select_for_update().get(pk=profile.pk)
        before = field_values(profile)
        _assign(profile, values, ANNUAL_PROFILE_FIELDS)
        if (
            HotlineAnnualProfile.objects.filter(hotline=profile.hotline_id, year=profile.year)
            .exclude(pk=profile.pk)
            .exists()
        ):
            raise ValidationError({"year": _("There is already a profile for %(year)s.") % {"year": profile.year}})
        profile.submitted_by = acting_user if getattr(acting_user, "pk", None) else None
        profile.submitted_at = timezone.now()
        _save_checked(profile)
        audit_change(profile, "network.annual_profile.update", before=before, user=acting_user)
    return profile


# -- statistics returns ---------------------------------------------------------------------------
def _check_period_over(statistics: HotlineStatistics, today: date) -> None:
    if statistics.period_end and statistics.period_end >= today:
        raise ValidationError(
            {"period_end": _("A return covers a period that has ended; this one ends today or later.")}
        )


def statistics_submit(*, hotline: Hotline, values: Mapping[str, Any], acting_user: Any) -> HotlineStatistics:
    """A hotline's own statistics return for a past period (one return per period)."""
    _check_hotline(hotline, acting_user, staff_permission="network.add_hotlinestatistics")
    statistics = HotlineStatistics(hotline=hotline)
    _assign(statistics, values, STATISTICS_FIELDS)
    statistics.source = (
        HotlineStatistics.Source.STAFF_ENTRY if is_staff_user(acting_user) else HotlineStatistics.Source.HOTLINE_RETURN
    )
    statistics.validation_status = HotlineStatistics.Validation.SUBMITTED
    statistics.submitted_by = acting_user if getattr(acting_user, "pk", None) else None
    statistics.submitted_at = timezone.now()
    _check_period_over(statistics, timezone.localdate())
    with transaction.atomic():
        # Serialise returns of one hotline so that two submissions cannot both pass the overlap check.
        Hotline.objects.select_for_update().filter(pk=hotline.pk).first()
        # The model's overlap rule covers the one-return-per-period constraint with a clearer message.
        _save_checked(statistics, constraints=False)
        audit(
            statistics,
            "network.statistics.submit",
            user=acting_user,
            data={"changed": created_fields(statistics)},
        )
    return statistics


def statistics_update(
    *, statistics: HotlineStatistics, values: Mapping[str, Any], acting_user: Any, answer: str = ""
) -> HotlineStatistics:
    """Correct a return; a validated return is closed (staff reopen it by querying it). A queried
    return is resubmitted with the hotline's answer to the query, kept in its exchange."""
    _check_hotline(statistics.hotline, acting_user, staff_permission="network.change_hotlinestatistics")
    answer = answer.strip()
    with transaction.atomic():
        Hotline.objects.select_for_update().filter(pk=statistics.hotline_id).first()
        statistics = HotlineStatistics.objects.select_for_update().get(pk=statistics.pk)
        if statistics.validation_status == HotlineStatistics.Validation.VALIDATED:
            raise ValidationError(_("This return has been validated by the association and can no longer be changed."))
        queried = statistics.validation_status == HotlineStatistics.Validation.QUERIED
        if queried and not is_staff_user(acting_user) and not answer:
            raise ValidationError({"answer": _("Answer the association's query before resubmitting the return.")})
        if len(answer) > 5000:
            raise ValidationError({"answer": _("The answer is too long (at most 5,000 characters).")})
        before = field_values(statistics)
        _assign(statistics, values, STATISTICS_FIELDS)
        _check_period_over(statistics, timezone.localdate())
        statistics.validation_status = HotlineStatistics.Validation.SUBMITTED
        statistics.submitted_by = acting_user if getattr(acting_user, "pk", None) else None
        statistics.submitted_at = timezone.now()
        _save_checked(statistics, constraints=False)
        audit_change(statistics, "network.statistics.update", before=before, user=acting_user)
        if answer:
            message = StatisticsMessage.objects.create(
                statistics=statistics, kind=StatisticsMessage.Kind.ANSWER, body=answer, author=acting_user
            )
            audit(statistics, "network.statistics.answer", user=acting_user, data={"message": message.pk})
            _notify_statistics_answer(statistics, message)
    return statistics


def statistics_query(*, statistics: HotlineStatistics, question: str, acting_user: Any) -> StatisticsMessage:
    """Staff query a return: it is "queried" (open to the hotline again) with the question, which the
    hotline's portal users are sent and see beside the return until they answer and resubmit."""
    if not is_staff_user(acting_user) or not acting_user.has_perm("network.change_hotlinestatistics"):
        raise PermissionDenied(_("Your role does not allow this change."))
    question = question.strip()
    if not question:
        raise ValidationError({"question": _("Write the question the hotline should answer.")})
    if len(question) > 5000:
        raise ValidationError({"question": _("The question is too long (at most 5,000 characters).")})
    with transaction.atomic():
        statistics = HotlineStatistics.objects.select_for_update().select_related("hotline").get(pk=statistics.pk)
        before = field_values(statistics)
        statistics.validation_status = HotlineStatistics.Validation.QUERIED
        statistics.save(update_fields=["validation_status"])
        audit_change(statistics, "network.statistics.update", before=before, user=acting_user)
        message = StatisticsMessage.objects.create(
            statistics=statistics, kind=StatisticsMessage.Kind.QUERY, body=question, author=acting_user
        )
        audit(statistics, "network.statistics.query", user=acting_user, data={"message": message.pk})
        hotline = statistics.hotline
        queue_email(
            to=_hotline_user_emails(hotline),
            subject=lambda: (
                _("A question about your statistics return %(period)s") % {"period": statistics.period_label}
            ),
            template="network/email/statistics_query.txt",
            context={
                "hotline": hotline,
                "statistics": statistics,
                "message": message,
                "url": _absolute(reverse("portal:network_statistics_edit", args=[hotline.pk, statistics.pk])),
            },
        )
    return message


def _hotline_user_emails(hotline: Hotline) -> list[str]:
    """The active portal users of the hotline's host organisation."""
    organisation_type = ContentType.objects.get_for_model(hotline.host_organisation)
    affiliated = Affiliation.objects.filter(
        content_type=organisation_type, object_id=hotline.host_organisation_id
    ).values("user_id")
    return sorted(User.objects.filter(pk__in=affiliated, is_active=True).values_list("email", flat=True))


def _notify_statistics_answer(statistics: HotlineStatistics, message: StatisticsMessage) -> None:
    """Whoever asked the last query hears the answer."""
    query = statistics.messages.filter(kind=StatisticsMessage.Kind.QUERY).select_related("author").last()
    asker = query.author if query is not None else None
    if asker is None or not asker.is_active:
        return
    queue_email(
        to=[asker.email],
        subject=lambda: (
            _("%(hotline)s answered your query on its statistics return %(period)s")
            % {"hotline": statistics.hotline.brand_name, "period": statistics.period_label}
        ),
        template="network/email/statistics_answer.txt",
        context={
            "hotline": statistics.hotline,
            "statistics": statistics,
            "message": message,
            "url": _absolute(reverse("network_statistics:query", args=[statistics.pk])),
        },
    )


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


# -- analysts -------------------------------------------------------------------------------------
def analyst_register(*, hotline: Hotline, values: Mapping[str, Any], acting_user: Any) -> Analyst:
    """Register an analyst by the pseudonymous code the hotline holds (never a name)."""
    _check_hotline(hotline, acting_user, staff_permission="network.add_analyst")
    analyst = Analyst(hotline=hotline)
    _assign(analyst, values, ANALYST_FIELDS)
    with transaction.atomic():
        _save_checked(analyst)
        audit(analyst, "network.analyst.register", user=acting_user, data={"changed": created_fields(analyst)})
    return analyst


def analyst_update(*, analyst: Analyst, values: Mapping[str, Any], acting_user: Any) -> Analyst:
    _check_hotline(analyst.hotline, acting_user, staff_permission="network.change_analyst")
    with transaction.atomic():
        analyst = Analyst.objects.select_for_update().get(pk=analyst.pk)
        before = field_values(analyst)
        _assign(analyst, values, ANALYST_FIELDS)
        _save_checked(analyst)
        audit_change(analyst, "network.analyst.update", before=before, user=acting_user)
    return analyst


# -- training nominations -------------------------------------------------------------------------
def training_nominate(
    *, event: TrainingEvent, analysts: Sequence[Analyst], acting_user: Any
) -> list[TrainingParticipation]:
    """Nominate analysts of one hotline for an event that has not started; all or none."""
    if not analysts:
        raise ValidationError({"analysts": _("Choose at least one analyst.")})
    today = timezone.localdate()
    if not event.is_upcoming(today):
        raise ValidationError(_("This event has started; nominations are closed."))
    for analyst in analysts:
        _check_hotline(analyst.hotline, acting_user, staff_permission="network.add_trainingparticipation")
    inactive = [a.code for a in analysts if not a.is_active]
    if inactive:
        raise ValidationError({"analysts": _("No longer active: %(codes)s.") % {"codes": ", ".join(inactive)}})
    created = []
    with transaction.atomic():
        already = set(
            TrainingParticipation.objects.filter(event=event, analyst__in=analysts).values_list(
                "analyst__code", flat=True
            )
        )
        if already:
            raise ValidationError(
                {"analysts": _("Already at this event: %(codes)s.") % {"codes": ", ".join(sorted(already))}}
            )
        for analyst in analysts:
            participation = TrainingParticipation.place_for(
                event=event, analyst=analyst, status=TrainingParticipation.Status.NOMINATED
            )
            _save_checked(participation)
            audit(
                participation,
                "network.training.nominate",
                user=acting_user,
                data={"changed": created_fields(participation)},
            )
            created.append(participation)
    return created


def participation_withdraw(*, participation: TrainingParticipation, acting_user: Any) -> None:
    """Withdraw a nomination the association has not confirmed yet, before the event starts."""
    if participation.analyst_id is None:
        raise PermissionDenied
    _check_hotline(participation.analyst.hotline, acting_user, staff_permission="network.delete_trainingparticipation")
    refusal = participation.withdrawal_refusal()
    if refusal:
        raise ValidationError(refusal)
    with transaction.atomic():
        audit(
            participation,
            "network.training.withdraw",
            user=acting_user,
            data={"changed": changed_fields(field_values(participation), {})},
        )
        participation.delete()


# -- personal data --------------------------------------------------------------------------------
ERASED_VALUE = "(erased)"


def contact_erase(*, contact: Contact, acting_user: Any) -> Contact:
    """Anonymise a contact: name, role, email and phone go; the row, its organisation and sector stay.

    The contact's earlier history entries lose the personal values they recorded too, so the
    erasure is complete while counts by organisation and sector keep adding up.
    """
    if not may(acting_user, "network.contacts.erase"):
        raise PermissionDenied(_("Only network staff can erase personal data."))
    from wagtail.models import ModelLogEntry

    with transaction.atomic():
        contact = Contact.objects.select_for_update().select_related("organisation").get(pk=contact.pk)
        if contact.is_erased:
            raise ValidationError(_("This contact has already been erased."))
        contact.name = _("Erased contact %(id)s") % {"id": contact.pk}
        contact.role = contact.email = contact.phone = ""
        contact.erased_at = timezone.now()
        contact.save()
        for entry in ModelLogEntry.objects.for_instance(contact).select_for_update():
            entry.label = str(contact)
            changed = (entry.data or {}).get("changed")
            if isinstance(changed, dict):
                for name in Contact.PERSONAL_FIELDS:
                    if name in changed:
                        changed[name] = [ERASED_VALUE if value else value for value in changed[name]]
            entry.save(update_fields=["label", "data"])
        audit(
            contact,
            "network.contact.erase",
            user=acting_user,
            data={"changed": {name: [ERASED_VALUE, ""] for name in Contact.PERSONAL_FIELDS}},
        )
    return contact


# -- the network workbook -------------------------------------------------------------------------
def network_import(
    *,
    data: bytes,
    dry_run: bool,
    acting_user: Any,
    progress: Callable[[int, int, str], None] | None = None,
) -> ImportResult:
    """Validate (and unless `dry_run`, write) a network workbook; every row it changes is audited."""
    if not may(acting_user, "network.workbook"):
        raise PermissionDenied(_("Only network staff can import the network workbook."))
    with LogContext(user=acting_user):
        return import_workbook(data, dry_run=dry_run, acting_user=acting_user, progress=progress)


def workbook_import_start(*, upload: File, checked: CheckedDocument, acting_user: Any) -> WorkbookImport:
    """Keep an uploaded workbook and queue its preview (a dry run) for the task worker.

    The file stays in private storage under a random name until it is imported or dropped; the
    uploader's earlier previews that were never confirmed are dropped now.
    """
    if not may(acting_user, "network.workbook"):
        raise PermissionDenied(_("Only network staff can import the network workbook."))
    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    for stale in WorkbookImport.objects.filter(created_by=acting_user, dry_run=True, imports__isnull=True):
        _drop_file(stale)
    job = WorkbookImport.objects.create(
        created_by=acting_user,
        filename=(upload.name or "workbook.xlsx")[:255],
        stored_name=store_document(upload, checked, folder="imports"),
        sha256=digest,
        dry_run=True,
    )
    transaction.on_commit(lambda: _enqueue_import(job.pk))
    return job


def workbook_import_confirm(*, preview: WorkbookImport, acting_user: Any) -> WorkbookImport:
    """Queue the import of the file a preview checked: same uploader, same bytes, once."""
    if not may(acting_user, "network.workbook") or preview.created_by_id != acting_user.pk:
        raise PermissionDenied(_("Only the person who uploaded the workbook can import it."))
    with transaction.atomic():
        preview = WorkbookImport.objects.select_for_update().get(pk=preview.pk)
        result = ImportResult.from_json(preview.result) if preview.result else None
        if not preview.dry_run or preview.status != WorkbookImport.Status.DONE or result is None or not result.ok:
            raise ValidationError(_("Only a preview that found no problem can be imported."))
        if preview.imports.exists():
            raise ValidationError(_("This workbook was imported already; upload it again to import it again."))
        if not preview.stored_name or not private_storage().exists(preview.stored_name):
            raise ValidationError(_("That upload is no longer kept; upload the workbook again."))
        job = WorkbookImport.objects.create(
            created_by=acting_user,
            filename=preview.filename,
            stored_name=preview.stored_name,
            sha256=preview.sha256,
            dry_run=False,
            preview=preview,
        )
        transaction.on_commit(lambda: _enqueue_import(job.pk))
    return job


def _enqueue_import(job_id: int) -> None:
    from network.tasks import run_workbook_import

    try:
        run_workbook_import.enqueue(job_id)
    except Exception:
        logger.exception("Could not enqueue workbook import %s", job_id)
        WorkbookImport.objects.filter(pk=job_id, status=WorkbookImport.Status.QUEUED).update(
            status=WorkbookImport.Status.FAILED, error=_("The task queue refused the work; try again.")
        )


def workbook_import_run(*, job_id: int) -> WorkbookImport | None:
    """The task's body: read the kept file, validate it (and import it, unless a preview), record the result.

    Progress is written after each sheet is read (outside any transaction, so other processes see it);
    the import itself writes in one short transaction (`core.importer`).
    """
    job = WorkbookImport.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job
    WorkbookImport.objects.filter(pk=job.pk).update(status=WorkbookImport.Status.RUNNING, started_at=timezone.now())

    def progress(done: int, total: int, label: str) -> None:
        WorkbookImport.objects.filter(pk=job.pk).update(
            progress_done=done, progress_total=total, progress_label=label[:100]
        )

    try:
        with private_storage().open(job.stored_name, "rb") as handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != job.sha256:
            raise ValueError("the kept file is not the one that was uploaded")
        result = network_import(data=data, dry_run=job.dry_run, acting_user=job.created_by, progress=progress)
    except Exception as exc:  # the job says what went wrong; nothing was written (one transaction)
        logger.exception("Workbook import %s failed", job.pk)
        WorkbookImport.objects.filter(pk=job.pk).update(
            status=WorkbookImport.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        _drop_file(job)
    else:
        WorkbookImport.objects.filter(pk=job.pk).update(
            status=WorkbookImport.Status.DONE, result=result.to_json(), finished_at=timezone.now()
        )
        if not job.dry_run or not result.ok:
            _drop_file(job)
    job.refresh_from_db()
    return job


def _drop_file(job: WorkbookImport) -> None:
    if job.stored_name:
        private_storage().delete(job.stored_name)
        WorkbookImport.objects.filter(stored_name=job.stored_name).update(stored_name="")
