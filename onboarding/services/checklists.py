"""The dossier's checklist: templates (drafts, publishing, new versions), a candidate's checklist (created
on the published template, moved to a newer version) and its items.

Checklist items change only through `_item_action`, which locks the item, asks
`checklist_rules.plan_item_action` (states, actors, four eyes, required text and evidence), then
writes the item, one `ItemEvent` (the item's history) and an audit entry, and tells the other
side by email.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import dataversion
from core.audit import audit
from core.mail import queue_email
from network.models import Hotline
from onboarding import checklist_rules as rules
from onboarding import selectors
from onboarding.models import (
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    CommentVisibility,
    EvidenceLink,
    ItemComment,
    ItemEvent,
)
from onboarding.services.common import (
    _absolute,
    _portal_url,
    _refuse,
    _require_actor,
    _require_network_staff,
    comment_body,
    comment_visibility,
)
from onboarding.services.lifecycle import _reschedule_checklist


# -- Checklist templates ----------------------------------------------------------------------
def template_problems(template: ChecklistTemplate) -> list[str]:
    """What keeps a draft from being published, in plain words (empty: ready)."""
    items = list(template.items.all())
    problems: list[str] = []
    if not items:
        problems.append(_("The template has no items."))
    codes = [item.code for item in items]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        problems.append(_("Codes used twice: %(codes)s.") % {"codes": ", ".join(duplicates)})
    for fact, label in rules.GATE_FACTS:
        named = [item for item in items if item.gate_fact == fact]
        if not template.is_onboarding:
            if named:
                problems.append(
                    _("A self-assessment names no lifecycle gate: clear “%(fact)s” on %(codes)s.")
                    % {"fact": label, "codes": ", ".join(item.code for item in named)}
                )
            continue
        if len(named) != 1:
            problems.append(
                _("Exactly one item must be marked “%(fact)s” (found %(count)s).")
                % {"fact": label, "count": len(named)}
            )
    for item in items:
        try:
            item.full_clean(exclude=["template"])
        except ValidationError as exc:
            problems.extend(f"{item.code}: {message}" for message in exc.messages)
    return problems


def template_publish(
    *, template: ChecklistTemplate, acting_user: User, now: datetime | None = None
) -> ChecklistTemplate:
    """Publish a draft version; the previously published version of the same purpose (onboarding, or the
    members' self-assessment) is retired. Candidates' checklists stay on their version until staff move
    them; self-assessments already asked for stay on theirs."""
    _require_network_staff(acting_user, _("Only network staff can publish a checklist template."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
        if not locked.is_draft:
            raise ValidationError(
                _("Only a draft can be published; this version is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        problems = template_problems(locked)
        if problems:
            raise ValidationError(problems)
        previous = list(
            ChecklistTemplate.objects.select_for_update().for_purpose(locked.purpose).filter(status="published")
        )
        for old in previous:
            old.status = ChecklistTemplate.Status.RETIRED
            old.save(update_fields=["status"])
            audit(old, "onboarding.template_retire", user=acting_user, data={"version": old.version})
        locked.status = ChecklistTemplate.Status.PUBLISHED
        locked.published_at = now
        locked.published_by = acting_user
        locked.save(update_fields=["status", "published_at", "published_by"])
        audit(locked, "onboarding.template_publish", user=acting_user, data={"version": locked.version})
    template.status, template.published_at = locked.status, now
    return locked


def template_new_version(*, template: ChecklistTemplate, acting_user: User) -> ChecklistTemplate:
    """A new draft version copying `template`'s items, to edit and later publish."""
    _require_network_staff(acting_user, _("Only network staff can create a checklist version."))
    with transaction.atomic():
        if ChecklistTemplate.objects.filter(name=template.name, status=ChecklistTemplate.Status.DRAFT).exists():
            raise ValidationError(_("A draft version of this checklist exists already: edit that one."))
        number = (ChecklistTemplate.objects.filter(name=template.name).aggregate(n=Max("version"))["n"] or 0) + 1
        draft = ChecklistTemplate.objects.create(
            name=template.name,
            purpose=template.purpose,
            version=number,
            created_by=acting_user,
            notes="",
            resubmission_days=template.resubmission_days,
        )
        ChecklistTemplateItem.objects.bulk_create(
            [
                ChecklistTemplateItem(
                    template=draft,
                    sort_order=item.sort_order,
                    code=item.code,
                    area=item.area,
                    title=item.title,
                    guidance=item.guidance,
                    title_fr=item.title_fr,
                    title_es=item.title_es,
                    guidance_fr=item.guidance_fr,
                    guidance_es=item.guidance_es,
                    evidence_required=item.evidence_required,
                    gates_stage=item.gates_stage,
                    due_days=item.due_days,
                    gate_fact=item.gate_fact,
                )
                for item in template.items.all()
            ]
        )
        dataversion.bump(ChecklistTemplateItem)  # bulk writes send no signals
        audit(draft, "onboarding.template_create", user=acting_user, data={"version": number, "from": template.version})
    return draft


def checklist_create(
    *, hotline: Hotline, acting_user: User, template: ChecklistTemplate | None = None, now: datetime | None = None
) -> Checklist:
    """Give a candidate its checklist on the published template (or `template`), every item not started."""
    _require_network_staff(acting_user, _("Only network staff can start a checklist."))
    now = now or timezone.now()
    template = template or ChecklistTemplate.objects.current(ChecklistTemplate.Purpose.ONBOARDING)
    if template is None or template.status != ChecklistTemplate.Status.PUBLISHED or not template.is_onboarding:
        raise ValidationError(_("There is no published checklist template to start from."))
    with transaction.atomic():
        if Checklist.objects.filter(hotline=hotline).exists():
            raise ValidationError(_("%(hotline)s has a checklist already.") % {"hotline": hotline.brand_name})
        checklist = Checklist.objects.create(hotline=hotline, template=template, created_by=acting_user, created_at=now)
        items = ChecklistItem.objects.bulk_create(
            [
                ChecklistItem(checklist=checklist, template_item=t, code=t.code, state_changed_at=now)
                for t in template.items.all()
            ]
        )
        ItemEvent.objects.bulk_create(
            [
                ItemEvent(item=item, action="created", to_state=rules.NOT_STARTED, actor=acting_user, at=now)
                for item in items
            ]
        )
        dataversion.bump(ChecklistItem, ItemEvent)  # bulk writes send no signals
        _reschedule_checklist(hotline)
        audit(
            hotline,
            "onboarding.checklist_create",
            user=acting_user,
            data={"template": template.name, "version": template.version, "items": len(items)},
        )
    return checklist


@dataclass(frozen=True)
class VersionMove:
    from_version: int
    to_version: int
    diff: rules.VersionDiff


def checklist_version_diff(*, checklist: Checklist, template: ChecklistTemplate) -> rules.VersionDiff:
    return rules.compare_versions(checklist.template.specs(), template.specs())


def checklist_move_to_version(
    *, checklist: Checklist, template: ChecklistTemplate, acting_user: User, now: datetime | None = None
) -> VersionMove:
    """Move a candidate's checklist to a newer published version. Items are matched by code: an
    unchanged item keeps its state, answer, evidence, comments and history; a changed item keeps them
    too but is worked on again when what it asks changed; new items start; dropped items leave the
    checklist (kept, with their history). Returns what changed."""
    _require_network_staff(acting_user, _("Only network staff can move a checklist to another version."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Checklist.objects.select_for_update(of=("self",)).select_related("template", "hotline").get(pk=checklist.pk)
        )
        current = locked.template
        if template.status != ChecklistTemplate.Status.PUBLISHED:
            raise ValidationError(_("Only a published version can be used."))
        if template.name != current.name or template.version <= current.version:
            raise ValidationError(
                _("Choose a newer version of “%(name)s” than version %(version)s.")
                % {"name": current.name, "version": current.version}
            )
        diff = rules.compare_versions(current.specs(), template.specs())
        changes = {change.code: change for change in diff.changed}
        existing = {item.code: item for item in ChecklistItem.objects.select_for_update().filter(checklist=locked)}
        events: list[ItemEvent] = []
        for spec in template.items.all():
            item = existing.get(spec.code)
            if item is None:
                item = ChecklistItem.objects.create(
                    checklist=locked, template_item=spec, code=spec.code, state_changed_at=now
                )
                events.append(
                    ItemEvent(item=item, action="created", to_state=rules.NOT_STARTED, actor=acting_user, at=now)
                )
                continue
            change = changes.get(spec.code)
            before = item.state
            item.template_item = spec
            item.removed_at = None
            moved = item.move_to(
                rules.state_after_version_move(item.state, substantive_change=bool(change and change.substantive)), now
            )
            if moved:
                item.waived_by = item.waiver_approved_by = None
                item.waived_at = item.waiver_approved_at = None
                item.waiver_reason = ""
            item.save()
            events.append(
                ItemEvent(
                    item=item,
                    action="version_move",
                    from_state=before,
                    to_state=item.state,
                    actor=acting_user,
                    at=now,
                    note=_("Moved from version %(old)s to %(new)s.")
                    % {"old": current.version, "new": template.version},
                    data={"changed": list(change.fields) if change else []},
                )
            )
        for code in diff.removed:
            item = existing.get(code)
            if item is not None and item.removed_at is None:
                item.removed_at = now
                item.save(update_fields=["removed_at", "updated_at"])
                events.append(
                    ItemEvent(
                        item=item,
                        action="removed",
                        from_state=item.state,
                        to_state=item.state,
                        actor=acting_user,
                        at=now,
                    )
                )
        ItemEvent.objects.bulk_create(events)
        dataversion.bump(ItemEvent)  # bulk writes send no signals
        locked.template = template
        locked.save(update_fields=["template"])
        _reschedule_checklist(locked.hotline)
        summary = {
            "from": current.version,
            "to": template.version,
            "added": list(diff.added),
            "removed": list(diff.removed),
            "changed": [c.code for c in diff.changed],
            "reopened": list(diff.reopened),
        }
        audit(locked.hotline, "onboarding.checklist_version", user=acting_user, data=summary)
        queue_email(
            to=selectors.candidate_user_emails(hotline=locked.hotline),
            subject=lambda: (
                _("Your onboarding checklist now follows version %(version)s") % {"version": template.version}
            ),
            template="onboarding/email/checklist_version.txt",
            context={
                "hotline": locked.hotline,
                "diff": diff,
                "template": template,
                "url": _portal_url("portal:onboarding_checklist", locked.hotline_id),
            },
        )
    checklist.template = template
    return VersionMove(current.version, template.version, diff)


# -- Checklist items --------------------------------------------------------------------------
def _lock_item(item: ChecklistItem) -> ChecklistItem:
    locked = (
        ChecklistItem.objects.select_for_update(of=("self",))
        .select_related("template_item", "checklist__hotline__lead_staff")
        .get(pk=item.pk)
    )
    if locked.removed_at is not None:
        raise ValidationError(_("This item is no longer part of the checklist."))
    return locked


def _current_evidence(item: ChecklistItem, today: date) -> int:
    return (
        EvidenceLink.objects.filter(item=item)
        .filter(Q(document__expires_on__isnull=True) | Q(document__expires_on__gte=today))
        .count()
    )


def _item_facts(item: ChecklistItem, today: date) -> rules.ItemFacts:
    return rules.ItemFacts(
        state=item.state,
        submitted_by=item.submitted_by_id,
        waived_by=item.waived_by_id,
        waiver_approved=item.waiver_approved,
        evidence_required=item.template_item.evidence_required,
        current_evidence=_current_evidence(item, today),
        has_answer=bool(item.answer.strip()),
    )


def _plan(
    locked: ChecklistItem, action: str, actors: Iterable[str], acting_user: User | None, text: str, now: datetime
) -> str:
    try:
        return rules.plan_item_action(
            action,
            item=_item_facts(locked, timezone.localdate(now)),
            actors=actors,
            acting_user=acting_user.pk if acting_user is not None else None,
            text=text,
        )
    except rules.ItemActionRefused as refusal:
        raise _refuse(refusal) from refusal


def _record(
    item: ChecklistItem,
    action: str,
    *,
    source: str,
    acting_user: User | None,
    now: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ItemEvent:
    event = ItemEvent.objects.create(
        item=item,
        action=action,
        from_state=source,
        to_state=item.state,
        actor=acting_user,
        at=now,
        note=note,
        data=data or {},
    )
    audit(
        item,
        f"onboarding.item.{action}",
        user=acting_user,
        data={
            "hotline": item.checklist.hotline_id,
            "code": item.code,
            "from": source,
            "to": item.state,
            **(data or {}),
        },
        title=f"{item.checklist.hotline.brand_name}: {item.code} {item.template_item.title}",
    )
    return event


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _item_action(
    *,
    item: ChecklistItem,
    action: str,
    acting_user: User,
    text: str = "",
    now: datetime | None = None,
    due_on: date | None = None,
) -> ChecklistItem:
    """Apply one checklist action (see `checklist_rules.ITEM_ACTIONS`) to one item.

    Requesting changes moves the item's due date (`due_on`, else the template's resubmission period
    from today), so the candidate is not overdue the moment it is sent back.
    """
    now = now or timezone.now()
    text = text.strip()
    with transaction.atomic():
        locked = _lock_item(item)
        hotline = locked.checklist.hotline
        actors = selectors.dossier_actors(user=acting_user, hotline=hotline)
        target = _plan(locked, action, actors, acting_user, text, now)
        source = locked.state
        locked.move_to(target, now)
        if action == rules.SUBMIT:
            locked.submitted_by, locked.submitted_at = acting_user, now
            locked.reviewed_by = locked.reviewed_at = None
        elif action in (rules.ACCEPT, rules.REQUEST_CHANGES):
            locked.reviewed_by, locked.reviewed_at = acting_user, now
        if action == rules.REQUEST_CHANGES:
            try:
                new_due = rules.due_after_changes_requested(
                    current=locked.due_on,
                    today=timezone.localdate(now),
                    days=locked.checklist.template.resubmission_days,
                    chosen=due_on,
                )
            except ValueError as exc:
                raise ValidationError({"due_on": str(exc)}) from exc
            event_data = {"due_on": [_iso(locked.due_on), new_due.isoformat()]}
            locked.due_on = new_due
        else:
            event_data = {}
        if action == rules.WAIVE:
            locked.waiver_reason, locked.waived_by, locked.waived_at = text, acting_user, now
            locked.waiver_approved_by = locked.waiver_approved_at = None
        elif action == rules.APPROVE_WAIVER:
            locked.waiver_approved_by, locked.waiver_approved_at = acting_user, now
        elif action == rules.DECLINE_WAIVER:
            locked.waiver_reason, locked.waived_by, locked.waived_at = "", None, None
            locked.waiver_approved_by = locked.waiver_approved_at = None
        locked.save()
        _record(locked, action, source=source, acting_user=acting_user, now=now, note=text, data=event_data or None)
        if text and action in (rules.ACCEPT, rules.REQUEST_CHANGES, rules.DECLINE_WAIVER):
            # What the reviewer said opens (or continues) the item's thread, where the candidate answers.
            ItemComment.objects.create(
                item=locked, author=acting_user, body=text, created_at=now, visibility=CommentVisibility.SHARED
            )
        _notify_item(locked, action, acting_user=acting_user, text=text)
    return locked


def _notify_item(item: ChecklistItem, action: str, *, acting_user: User | None, text: str) -> None:
    hotline = item.checklist.hotline
    actor_email = acting_user.email if acting_user is not None else None
    context = {
        "hotline": hotline,
        "item": item,
        "action": action,
        "action_label": ItemEvent.ACTION_LABELS.get(action, action),
        "text": text,
        "actor": acting_user,
    }
    if action == rules.SUBMIT:
        queue_email(
            to=[e for e in selectors.association_emails(hotline=hotline) if e != actor_email],
            subject=lambda: (
                _("Ready for review: %(hotline)s, %(code)s %(title)s")
                % {"hotline": hotline.brand_name, "code": item.code, "title": item.template_item.shown_title}
            ),
            template="onboarding/email/item_submitted.txt",
            context={**context, "url": _absolute(reverse("onboarding_admin:review_item", args=[item.pk]))},
        )
    elif action == rules.WITHDRAW:
        queue_email(
            to=[e for e in selectors.association_emails(hotline=hotline) if e != actor_email],
            subject=lambda: (
                _("Withdrawn before review: %(hotline)s, %(code)s %(title)s")
                % {"hotline": hotline.brand_name, "code": item.code, "title": item.template_item.shown_title}
            ),
            template="onboarding/email/item_withdrawn.txt",
            context={**context, "url": _absolute(reverse("onboarding_admin:review_item", args=[item.pk]))},
        )
    elif action in (rules.ACCEPT, rules.REQUEST_CHANGES, rules.APPROVE_WAIVER, rules.DECLINE_WAIVER):
        queue_email(
            to=[e for e in selectors.candidate_user_emails(hotline=hotline) if e != actor_email],
            subject=lambda: (
                _("%(outcome)s: %(code)s %(title)s")
                % {"outcome": str(context["action_label"]), "code": item.code, "title": item.template_item.shown_title}
            ),
            template="onboarding/email/item_reviewed.txt",
            context={**context, "url": _portal_url("portal:onboarding_checklist_item", item.pk)},
        )


def item_save_answer(
    *, item: ChecklistItem, answer: str, acting_user: User, now: datetime | None = None
) -> ChecklistItem:
    """Save the candidate's answer (a not-started or expired item becomes in progress)."""
    now = now or timezone.now()
    answer = answer.strip()
    if len(answer) > 20_000:
        raise ValidationError(_("The answer is too long (at most 20,000 characters); attach a document instead."))
    with transaction.atomic():
        locked = _lock_item(item)
        actors = selectors.dossier_actors(user=acting_user, hotline=locked.checklist.hotline)
        target = _plan(locked, rules.EDIT, actors, acting_user, "", now)
        if answer == locked.answer and target == locked.state:
            return locked
        source = locked.state
        locked.answer = answer
        locked.move_to(target, now)
        locked.save()
        _record(locked, rules.EDIT, source=source, acting_user=acting_user, now=now)
    return locked


def item_submit(*, item: ChecklistItem, acting_user: User, now: datetime | None = None) -> ChecklistItem:
    return _item_action(item=item, action=rules.SUBMIT, acting_user=acting_user, now=now)


def item_withdraw(*, item: ChecklistItem, acting_user: User, now: datetime | None = None) -> ChecklistItem:
    """Take a submitted item back before any reviewer has acted on it: it is in progress again (the
    reviewers are told); its answer and evidence stay."""
    return _item_action(item=item, action=rules.WITHDRAW, acting_user=acting_user, now=now)


def item_accept(
    *, item: ChecklistItem, acting_user: User, comment: str = "", now: datetime | None = None
) -> ChecklistItem:
    """Accept a submitted item; the reviewer cannot be the person who submitted it."""
    return _item_action(item=item, action=rules.ACCEPT, acting_user=acting_user, text=comment, now=now)


def item_request_changes(
    *,
    item: ChecklistItem,
    comment: str,
    acting_user: User,
    due_on: date | None = None,
    now: datetime | None = None,
) -> ChecklistItem:
    """Send a submitted item back with a comment; it is due again on `due_on` (default: the template's
    resubmission period from today)."""
    return _item_action(
        item=item, action=rules.REQUEST_CHANGES, acting_user=acting_user, text=comment, now=now, due_on=due_on
    )


def item_waive(*, item: ChecklistItem, reason: str, acting_user: User, now: datetime | None = None) -> ChecklistItem:
    """Waive an item (network staff, with a reason); it counts once another staff member approves."""
    return _item_action(item=item, action=rules.WAIVE, acting_user=acting_user, text=reason, now=now)


def item_approve_waiver(*, item: ChecklistItem, acting_user: User, now: datetime | None = None) -> ChecklistItem:
    return _item_action(item=item, action=rules.APPROVE_WAIVER, acting_user=acting_user, now=now)


def item_decline_waiver(
    *, item: ChecklistItem, comment: str, acting_user: User, now: datetime | None = None
) -> ChecklistItem:
    return _item_action(item=item, action=rules.DECLINE_WAIVER, acting_user=acting_user, text=comment, now=now)


def item_comment(
    *,
    item: ChecklistItem,
    body: str,
    acting_user: User,
    visibility: str = "",
    now: datetime | None = None,
) -> ItemComment:
    """Add to the item's thread. A candidate's comment is always shared; a reviewer's or staff member's is
    for the reviewers and staff unless they choose otherwise (staff only: network staff alone). Who is
    told follows who reads it: the candidate's users for a shared comment from the association's side,
    the reviewers and the lead staff member otherwise (the lead alone for a staff-only comment)."""
    now = now or timezone.now()
    body = comment_body(body, visibility)
    with transaction.atomic():
        locked = _lock_item(item)
        hotline = locked.checklist.hotline
        actors = _require_actor(
            acting_user,
            hotline,
            {rules.CANDIDATE, rules.REVIEWER, rules.STAFF},
            _("You cannot comment on this checklist."),
        )
        visibility = comment_visibility(visibility, actors)
        from_candidate = not actors & {rules.REVIEWER, rules.STAFF}
        comment = ItemComment.objects.create(
            item=locked, author=acting_user, body=body, created_at=now, visibility=visibility
        )
        audit(
            locked,
            "onboarding.item.comment",
            user=acting_user,
            data={"hotline": hotline.pk, "code": locked.code, "comment": comment.pk, "visibility": visibility},
            title=f"{hotline.brand_name}: {locked.code} {locked.template_item.title}",
        )
        review_url = _absolute(reverse("onboarding_admin:review_item", args=[locked.pk]))
        if from_candidate:
            recipients, url = selectors.association_emails(hotline=hotline), review_url
        elif visibility == CommentVisibility.SHARED:
            recipients = selectors.candidate_user_emails(hotline=hotline)
            url = _portal_url("portal:onboarding_checklist_item", locked.pk)
        elif visibility == CommentVisibility.REVIEWERS:
            recipients, url = selectors.association_emails(hotline=hotline), review_url
        else:
            recipients, url = selectors.lead_staff_emails(hotline=hotline), review_url
        queue_email(
            to=[e for e in recipients if e != acting_user.email],
            subject=lambda: (
                _("New comment on %(code)s %(title)s (%(hotline)s)")
                % {"code": locked.code, "title": locked.template_item.shown_title, "hotline": hotline.brand_name}
            ),
            template="onboarding/email/item_comment.txt",
            context={"hotline": hotline, "item": locked, "comment": comment, "url": url},
        )
    return comment
