"""Evidence in a dossier: uploading a document (for checklist items and open corrective actions), linking
and unlinking it, removing or replacing it (earlier versions are kept for the association), recording
downloads, and expiring documents whose validity ended.

Evidence files are written before their rows and deleted again if the rows cannot be written, so a
failure leaves neither an orphan file nor a half-recorded document.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import dataversion
from core.audit import audit
from core.uploads import CheckedDocument, check_document, private_storage, store_document
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import selectors
from onboarding.models import (
    ChecklistItem,
    CorrectiveAction,
    EvidenceDocument,
    EvidenceDownload,
    EvidenceLink,
)
from onboarding.services.checklists import _lock_item, _plan, _record
from onboarding.services.common import _refuse, _require_actor

logger = logging.getLogger(__name__)


# -- Evidence ---------------------------------------------------------------------------------
def _store_checked(upload: File, *, hotline: Hotline) -> tuple[CheckedDocument, str]:
    """Check the upload by its content, then write the file (before any row)."""
    checked = check_document(upload)
    try:
        stored = store_document(upload, checked, folder=f"onboarding/evidence/{hotline.pk}")
    except Exception as exc:
        logger.exception("Storing evidence for hotline %s failed", hotline.pk)
        raise ValidationError(
            _(
                "“%(name)s” could not be stored: the document storage is not available. Nothing was saved; "
                "please try again later, and tell the association if it keeps failing."
            )
            % {"name": checked.original_name},
            code="storage_failed",
        ) from exc
    return checked, stored


def _discard(stored: str) -> None:
    try:
        private_storage().delete(stored)
    except Exception:  # the original error matters more; the orphan is logged for clean-up
        logger.exception("Could not delete %s after a failed upload", stored)


def _link(document: EvidenceDocument, item: ChecklistItem, *, acting_user: User, now: datetime) -> ChecklistItem:
    locked = _lock_item(item)
    if locked.checklist.hotline_id != document.hotline_id:
        raise ValidationError(_("This document belongs to another candidate's dossier."))
    if document.removed_at is not None:
        raise ValidationError(_("“%(name)s” is no longer in the dossier.") % {"name": document.original_name})
    actors = selectors.dossier_actors(user=acting_user, hotline=locked.checklist.hotline)
    target = _plan(locked, rules.EDIT, actors, acting_user, "", now)
    if document.is_expired(timezone.localdate(now)):
        raise ValidationError(
            _("“%(name)s” expired on %(date)s: upload a current document instead.")
            % {"name": document.original_name, "date": document.expires_on.isoformat()}
        )
    _link_row, created = EvidenceLink.objects.get_or_create(
        document=document, item=locked, defaults={"linked_by": acting_user, "linked_at": now}
    )
    if not created:
        raise ValidationError(_("“%(name)s” already supports this item.") % {"name": document.original_name})
    source = locked.state
    if locked.move_to(target, now):
        locked.save(update_fields=["state", "state_changed_at", "updated_at"])
    _record(
        locked,
        "evidence_add",
        source=source,
        acting_user=acting_user,
        now=now,
        note=document.original_name,
        data={"document": document.pk, "sha256": document.sha256},
    )
    return locked


def evidence_upload(
    *,
    hotline: Hotline,
    upload: File,
    acting_user: User,
    description: str = "",
    expires_on: date | None = None,
    items: Sequence[ChecklistItem] = (),
    corrective_actions: Sequence[CorrectiveAction] = (),
    now: datetime | None = None,
) -> EvidenceDocument:
    """Store an evidence document for `hotline` and let it support `items` and `corrective_actions`.

    The content decides the type (core.uploads); the file is written first, then the rows in one
    transaction; if the rows fail the file is deleted again."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    actors = _require_actor(
        acting_user, hotline, {rules.CANDIDATE, rules.STAFF}, _("You cannot add evidence to this dossier.")
    )
    if expires_on is not None and expires_on < today:
        raise ValidationError(_("The document is already out of date (valid until %(date)s).") % {"date": expires_on})
    for item in items:
        if item.checklist.hotline_id != hotline.pk:
            raise ValidationError(_("The item belongs to another candidate's checklist."))
        try:  # refuse before storing anything (the same rule is applied again under the row lock)
            rules.plan_item_action(
                rules.EDIT, item=rules.ItemFacts(state=item.state), actors=actors, acting_user=acting_user.pk
            )
        except rules.ItemActionRefused as refusal:
            raise _refuse(refusal) from refusal
    for action in corrective_actions:
        if action.assessment.hotline_id != hotline.pk or not action.is_open:
            raise ValidationError(_("Evidence can be added to this hotline's open corrective actions only."))
    checked, stored = _store_checked(upload, hotline=hotline)
    try:
        with transaction.atomic():
            document = EvidenceDocument.objects.create(
                hotline=hotline,
                stored_name=stored,
                original_name=checked.original_name,
                content_type=checked.kind.content_type,
                size=checked.size,
                sha256=checked.sha256,
                description=description.strip()[:300],
                expires_on=expires_on,
                uploaded_by=acting_user,
                uploaded_at=now,
            )
            for item in items:
                _link(document, item, acting_user=acting_user, now=now)
            for action in corrective_actions:
                _corrective_action_add_evidence(action, document, acting_user=acting_user)
            audit(
                hotline,
                "onboarding.evidence_upload",
                user=acting_user,
                data={
                    "document": document.pk,
                    "file": document.original_name,
                    "sha256": document.sha256,
                    "items": [item.code for item in items],
                    "corrective_actions": [a.pk for a in corrective_actions],
                },
            )
    except BaseException:
        _discard(stored)
        raise
    return document


def evidence_link(*, document: EvidenceDocument, item: ChecklistItem, acting_user: User) -> ChecklistItem:
    """Let a document already in the dossier support one more item."""
    with transaction.atomic():
        return _link(document, item, acting_user=acting_user, now=timezone.now())


def evidence_unlink(
    *, document: EvidenceDocument, item: ChecklistItem, acting_user: User, now: datetime | None = None
) -> ChecklistItem:
    """Stop a document supporting an item (the document stays in the dossier)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_item(item)
        actors = selectors.dossier_actors(user=acting_user, hotline=locked.checklist.hotline)
        target = _plan(locked, rules.EDIT, actors, acting_user, "", now)
        deleted, _rows = EvidenceLink.objects.filter(document=document, item=locked).delete()
        if not deleted:
            raise ValidationError(_("This document does not support this item."))
        source = locked.state
        if locked.move_to(target, now):
            locked.save(update_fields=["state", "state_changed_at", "updated_at"])
        _record(
            locked,
            "evidence_remove",
            source=source,
            acting_user=acting_user,
            now=now,
            note=document.original_name,
            data={"document": document.pk},
        )
    return locked


def _lock_removable(document: EvidenceDocument, *, acting_user: User) -> EvidenceDocument:
    """The document, row-locked, once the acting user may remove or replace it: a user of its candidate
    or network staff, as `EvidenceDocument.removal_refusal` allows (who uploaded it, what relies on it)."""
    locked = (
        EvidenceDocument.objects.select_for_update(of=("self",))
        .select_related("hotline", "uploaded_by")
        .get(pk=document.pk)
    )
    _require_actor(
        acting_user, locked.hotline, {rules.CANDIDATE, rules.STAFF}, _("You cannot change this dossier's documents.")
    )
    refusal = locked.removal_refusal(acting_user)
    if refusal:
        raise ValidationError(refusal)
    return locked


def _current_items(document: EvidenceDocument) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.active().filter(evidence_links__document=document).order_by("pk"))


def evidence_remove(*, document: EvidenceDocument, acting_user: User, now: datetime | None = None) -> EvidenceDocument:
    """Take a document out of the candidate's dossier: it stops supporting its items (each item's
    history says so) and its open corrective actions; the file and its row stay, marked removed, for
    the association's records (staff still see and download it)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_removable(document, acting_user=acting_user)
        codes = []
        for item in _current_items(locked):
            evidence_unlink(document=locked, item=item, acting_user=acting_user, now=now)
            codes.append(item.code)
        locked.corrective_actions.clear()
        locked.removed_at, locked.removed_by = now, acting_user
        locked.save(update_fields=["removed_at", "removed_by"])
        audit(
            locked.hotline,
            "onboarding.evidence_remove",
            user=acting_user,
            data={"document": locked.pk, "file": locked.original_name, "items": codes},
        )
    return locked


def evidence_replace(
    *,
    document: EvidenceDocument,
    upload: File,
    acting_user: User,
    description: str | None = None,
    expires_on: date | None = None,
    now: datetime | None = None,
) -> EvidenceDocument:
    """A new version of a document: it supports the items and open corrective actions the earlier one
    supported; the earlier one leaves the dossier (`replaced_by`) and stays for the association."""
    now = now or timezone.now()
    with transaction.atomic():
        old = _lock_removable(document, acting_user=acting_user)
        items = _current_items(old)
        actions = list(old.corrective_actions.all())
        for item in items:
            evidence_unlink(document=old, item=item, acting_user=acting_user, now=now)
        new = evidence_upload(
            hotline=old.hotline,
            upload=upload,
            acting_user=acting_user,
            description=old.description if description is None else description,
            expires_on=expires_on,
            items=items,
            corrective_actions=actions,
            now=now,
        )
        try:
            old.corrective_actions.clear()
            old.removed_at, old.removed_by, old.replaced_by = now, acting_user, new
            old.save(update_fields=["removed_at", "removed_by", "replaced_by"])
            audit(
                old.hotline,
                "onboarding.evidence_replace",
                user=acting_user,
                data={"document": old.pk, "file": old.original_name, "by": new.pk, "by_file": new.original_name},
            )
        except BaseException:
            _discard(new.stored_name)
            raise
    return new


def evidence_record_download(*, document: EvidenceDocument, acting_user: User) -> EvidenceDownload:
    """The view checked access (`visible_to`); this records who downloaded it, and when."""
    return EvidenceDownload.objects.create(document=document, user=acting_user)


@dataclass(frozen=True)
class ExpiredEvidence:
    document: EvidenceDocument
    items: list[ChecklistItem]


def evidence_expire_due(*, today: date, now: datetime | None = None) -> list[ExpiredEvidence]:
    """Apply the expiry of every document whose validity ended before `today`, once per expiry date:
    the accepted or submitted items it supported become expired (history, audit), at `now` (default:
    the current time). Idempotent."""
    due = (
        EvidenceDocument.objects.filter(expires_on__lt=today)
        .filter(Q(expiry_processed_for__isnull=True) | ~Q(expiry_processed_for=F("expires_on")))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = now or timezone.now()
    results = []
    for pk in list(due):
        with transaction.atomic():
            document = (
                EvidenceDocument.objects.select_for_update(of=("self",))
                .select_related("hotline__lead_staff")
                .get(pk=pk)
            )
            if document.expiry_processed_for == document.expires_on or not document.is_expired(today):
                continue
            expired = []
            for item in ChecklistItem.objects.active().filter(
                evidence_links__document=document, state__in=rules.get_action(rules.EXPIRE).sources
            ):
                locked = _lock_item(item)
                target = _plan(locked, rules.EXPIRE, {rules.SYSTEM}, None, "", now)
                source = locked.state
                locked.move_to(target, now)
                locked.save(update_fields=["state", "state_changed_at", "updated_at"])
                _record(
                    locked,
                    rules.EXPIRE,
                    source=source,
                    acting_user=None,
                    now=now,
                    note=_("“%(name)s” was valid until %(date)s.")
                    % {"name": document.original_name, "date": document.expires_on.isoformat()},
                    data={"document": document.pk},
                )
                expired.append(locked)
            document.expiry_processed_for = document.expires_on
            document.save(update_fields=["expiry_processed_for"])
            audit(
                document.hotline,
                "onboarding.evidence_expire",
                data={"document": document.pk, "file": document.original_name, "items": [i.code for i in expired]},
            )
            results.append(ExpiredEvidence(document, expired))
    return results


def _corrective_action_add_evidence(action: CorrectiveAction, document: EvidenceDocument, *, acting_user: User) -> None:
    action.evidence.add(document)
    if action.status == CorrectiveAction.Status.OPEN:
        CorrectiveAction.objects.filter(pk=action.pk).update(status=CorrectiveAction.Status.IN_PROGRESS)
        dataversion.bump(CorrectiveAction)  # an update sends no signals
        action.status = CorrectiveAction.Status.IN_PROGRESS
    audit(
        action.assessment,
        "onboarding.corrective_action_evidence",
        user=acting_user,
        data={"action": action.title, "document": document.pk, "file": document.original_name},
    )
