"""Reminders: what `manage.py send_reminders` sends, as one digest a person a day.

A producer is a function `(today) -> Iterable[Reminder]`, registered with
`@hooks.register(REMINDER_PRODUCERS_HOOK)` in any app's `wagtail_hooks.py`. A producer only reads.
Each reminder carries a `dedupe_key` naming what it is about, the moment and the date (e.g. an item,
"before-7", its due date).

Dated obligations are reminded at moments around their date: some days before it, on the day, some
days after it (`settings.REMINDER_OFFSETS`, one entry per kind; `offsets_for`). `moment_of` is the
one rule that says which moment a day calls for: the latest moment reached by then, so a run that
missed days sends the moment it reached, never the ones it skipped, and never two moments of one
obligation on one day.

`send_digests` turns the day's reminders into at most one email per person and day, in the person's
language (`accounts.languages`), listing every item due to them. The ledger (`SentReminder`) holds
one row per item and person: an item already sent to someone at that moment is never sent to them
again, however often the command runs; a new due date (a new key) is a new reminder. The digest's
own outbox key names the person and the day, so a second run on the same day sends no second email
(what it finds new waits for the next day's digest).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks

from core.mail import languages_by_address, queue_email
from core.models import SentReminder

REMINDER_PRODUCERS_HOOK = "register_reminder_producers"

LEDGER_CHUNK = 500

BEFORE = "before"
DUE = "due"
AFTER = "after"


@dataclass(frozen=True)
class Reminder:
    """One thing to remind some people of. `template` renders its paragraph in the digest (with
    `context`); `line` is its one line in the digest's list (the subject by default) and `url` where
    it is handled (the context's `url` by default)."""

    dedupe_key: str
    to: list[str]
    subject: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    line: str = ""
    url: str = ""

    @property
    def summary(self) -> str:
        return self.line or self.subject

    @property
    def link(self) -> str:
        return self.url or str(self.context.get("url", ""))


def producers() -> list[Callable[[date], Iterable[Reminder]]]:
    return list(hooks.get_hooks(REMINDER_PRODUCERS_HOOK))


# -- Moments --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Offsets:
    """When a kind of obligation is reminded: `before` days ahead of its date, on the day (`at`),
    `after` days past it."""

    before: tuple[int, ...] = ()
    at: bool = True
    after: tuple[int, ...] = ()

    def moments(self, on: date) -> list[tuple[date, str]]:
        """(day, moment name) in time order for an obligation dated `on`."""
        moments = [(on - timedelta(days=days), f"{BEFORE}-{days}") for days in sorted(set(self.before), reverse=True)]
        if self.at:
            moments.append((on, DUE))
        moments += [(on + timedelta(days=days), f"{AFTER}-{days}") for days in sorted(set(self.after))]
        return moments

    @property
    def lead_days(self) -> int:
        """How far ahead the first moment comes: producers read obligations dated up to today + this."""
        return max((*self.before, 0))


def offsets_for(kind: str) -> Offsets:
    """The offsets `settings.REMINDER_OFFSETS` gives `kind` (a dict with "before", "at", "after")."""
    try:
        entry = settings.REMINDER_OFFSETS[kind]
    except KeyError:
        raise ImproperlyConfigured(f"REMINDER_OFFSETS has no entry for the reminder kind {kind!r}.") from None
    before = tuple(int(days) for days in entry.get("before", ()))
    after = tuple(int(days) for days in entry.get("after", ()))
    if any(days <= 0 for days in (*before, *after)):
        raise ImproperlyConfigured(f"REMINDER_OFFSETS[{kind!r}]: offsets are whole days greater than 0.")
    return Offsets(before=before, at=bool(entry.get("at", True)), after=after)


def moment_of(on: date, today: date, offsets: Offsets) -> str | None:
    """The moment `today` calls for, for an obligation dated `on`: the latest one reached
    ("before-<days>", "due", "after-<days>"), or None before the first one."""
    reached = [name for day, name in offsets.moments(on) if day <= today]
    return reached[-1] if reached else None


def phase(moment: str) -> str:
    """BEFORE, DUE or AFTER: which side of the date a moment is on (subjects and templates read it)."""
    return moment.split("-", 1)[0]


def due_subject(moment: str, on: date, title: str) -> str:
    """The subject of an obligation with a due date, at `moment`."""
    text = {
        BEFORE: _("Due on %(date)s: %(title)s"),
        DUE: _("Due today: %(title)s"),
        AFTER: _("Overdue since %(date)s: %(title)s"),
    }[phase(moment)]
    return text % {"date": on.isoformat(), "title": title}


def expiry_subject(moment: str, on: date, title: str) -> str:
    """The subject of something valid until a date (an agreement, a document, a certificate)."""
    text = {
        BEFORE: _("Expires on %(date)s: %(title)s"),
        DUE: _("Expires today: %(title)s"),
        AFTER: _("Expired on %(date)s: %(title)s"),
    }[phase(moment)]
    return text % {"date": on.isoformat(), "title": title}


# -- Digests --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DigestResult:
    emails: int
    items: int
    skipped: int


def collect(today: date) -> list[Reminder]:
    """Every producer's reminders for `today`, in the active language, one per key."""
    seen: set[str] = set()
    reminders = []
    for producer in producers():
        for reminder in producer(today):
            if reminder.dedupe_key not in seen:
                seen.add(reminder.dedupe_key)
                reminders.append(reminder)
    return reminders


def digest_key(address: str, today: date) -> str:
    digest = hashlib.sha256(address.encode()).hexdigest()[:40]
    return f"reminders:digest:{today.isoformat()}:{digest}"


def send_digests(*, today: date) -> DigestResult:
    """Queue the day's digests (see the module docstring). Each person's digest and its ledger rows
    are written in one transaction: all of them or none."""
    reminders = collect(today)
    due: dict[str, list[Reminder]] = {}
    for reminder in reminders:
        for address in {address.strip().lower() for address in reminder.to if address and address.strip()}:
            due.setdefault(address, []).append(reminder)
    if not due:
        return DigestResult(emails=0, items=0, skipped=0)
    keys = sorted({reminder.dedupe_key for reminder in reminders})
    sent: set[tuple[str, str]] = set()
    for start in range(0, len(keys), LEDGER_CHUNK):  # stays under the database's limit of parameters
        rows = SentReminder.objects.filter(key__in=keys[start : start + LEDGER_CHUNK]).values_list("key", "recipient")
        sent.update((key, recipient) for key, recipient in rows if recipient in due)
    languages = languages_by_address(list(due))
    in_language = {translation.get_language() or settings.LANGUAGE_CODE: {r.dedupe_key: r for r in reminders}}

    emails = items = skipped = 0
    for address in sorted(due):
        pending = [reminder for reminder in due[address] if (reminder.dedupe_key, address) not in sent]
        skipped += len(due[address]) - len(pending)
        if not pending:
            continue
        language = languages.get(address, settings.LANGUAGE_CODE)
        if language not in in_language:
            with translation.override(language):
                in_language[language] = {r.dedupe_key: r for r in collect(today)}
        # An item a producer no longer yields in this language (it changed between the two reads) waits.
        localised = [in_language[language][r.dedupe_key] for r in pending if r.dedupe_key in in_language[language]]
        if _queue_digest(address=address, today=today, language=language, reminders=localised):
            emails += 1
            items += len(localised)
        else:
            skipped += len(localised)
    return DigestResult(emails=emails, items=items, skipped=skipped)


def _queue_digest(*, address: str, today: date, language: str, reminders: list[Reminder]) -> bool:
    if not reminders:
        return False
    with translation.override(language):
        sections = [
            {
                "line": reminder.summary,
                "url": reminder.link,
                "body": render_to_string(
                    reminder.template, {"site_name": settings.WAGTAIL_SITE_NAME, **reminder.context}
                ).strip(),
            }
            for reminder in reminders
        ]
        if len(reminders) == 1:
            subject = reminders[0].subject
        else:
            subject = ngettext(
                "%(count)s reminder for %(date)s", "%(count)s reminders for %(date)s", len(reminders)
            ) % {"count": len(reminders), "date": today.isoformat()}
        body = render_to_string(
            "core/email/reminder_digest.txt",
            {"site_name": settings.WAGTAIL_SITE_NAME, "sections": sections, "today": today},
        )
    try:
        with transaction.atomic():
            SentReminder.objects.bulk_create(
                [SentReminder(key=reminder.dedupe_key, recipient=address, sent_on=today) for reminder in reminders]
            )
            email = queue_email(to=[address], subject=subject, body=body, dedupe_key=digest_key(address, today))
            if email is None:  # this person's digest of the day went out already: these items wait
                transaction.set_rollback(True)
                return False
    except IntegrityError:  # another run recorded one of these items meanwhile
        return False
    return True
