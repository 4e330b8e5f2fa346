from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.mail import queue_email, retry_due_emails
from onboarding.reminders import producers


class Command(BaseCommand):
    help = (
        "Queue the reminders every registered producer asks for (action items due soon or overdue, "
        "agreements expiring, on-hold reviews, ...), each at most once, then retry emails that are due. "
        "Safe to run any number of times (daily from cron)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", default=None, help="Pretend today is YYYY-MM-DD (for catching up).")

    def handle(self, *args: Any, date: str | None = None, **options: Any) -> None:
        from datetime import date as date_type

        today = date_type.fromisoformat(date) if date else timezone.localdate()
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
        retried = retry_due_emails()
        self.stdout.write(
            self.style.SUCCESS(
                f"Reminders: {queued} queued, {skipped} already sent or without recipient; {retried} email(s) retried."
            )
        )
