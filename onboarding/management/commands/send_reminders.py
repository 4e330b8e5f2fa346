"""The daily run, in explicit steps: first the state changes that fall due with the day (through their
services, which lock, record history and audit), then the reminders (producers only read), then the
retry of emails that are due."""

from __future__ import annotations

from datetime import date as date_type
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.mail import queue_email, retry_due_emails
from onboarding import services
from onboarding.reminders import producers


class Command(BaseCommand):
    help = (
        "Apply the day's evidence expiry, then queue the reminders every registered producer asks for "
        "(action items due soon or overdue, agreements expiring, on-hold reviews, evidence expired or "
        "expiring, ...), each at most once, then retry emails that are due. "
        "Safe to run any number of times (daily from cron)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", default=None, help="Pretend today is YYYY-MM-DD (for catching up).")

    def handle(self, *args: Any, date: str | None = None, **options: Any) -> None:
        today = date_type.fromisoformat(date) if date else timezone.localdate()
        expired = services.evidence_expire_due(today=today)
        services.renewal_lapses_apply(today=today)
        queued, skipped = self._queue_reminders(today)
        retried = retry_due_emails()
        self.stdout.write(
            self.style.SUCCESS(
                f"Evidence: {len(expired)} document(s) expired. "
                f"Reminders: {queued} queued, {skipped} already sent or without recipient; {retried} email(s) retried."
            )
        )

    def _queue_reminders(self, today: date_type) -> tuple[int, int]:
        queued = skipped = 0
        for producer in producers():
            with transaction.atomic():
                for reminder in producer(today):
                    email = queue_email(
                        to=reminder.to,
                        subject=reminder.subject,
                        template=reminder.template,
                        context=reminder.context,
                        dedupe_key=reminder.dedupe_key,
                    )
                    if email is None:
                        skipped += 1
                    else:
                        queued += 1
        return queued, skipped
