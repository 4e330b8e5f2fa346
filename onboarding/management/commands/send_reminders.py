"""The daily run, in explicit steps: first the state changes that fall due with the day (through their
services, which lock, record history and audit), then the reminders (producers only read; each person
gets at most one digest a day, `core.reminders.send_digests`), then the retry of emails that are due."""

from __future__ import annotations

from datetime import date as date_type
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.mail import retry_due_emails
from core.reminders import send_digests
from onboarding import services


class Command(BaseCommand):
    help = (
        "Apply the day's evidence expiry, then send each person one digest of the reminders every "
        "registered producer asks for (checklist items, action items, agreements, on-hold reviews, "
        "evidence, corrective actions, statistics returns, certificates, grant deadlines, ...), each item "
        "at most once per moment, then retry emails that are due. "
        "Safe to run any number of times (daily from cron)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", default=None, help="Pretend today is YYYY-MM-DD (for catching up).")

    def handle(self, *args: Any, date: str | None = None, **options: Any) -> None:
        today = date_type.fromisoformat(date) if date else timezone.localdate()
        expired = services.evidence_expire_due(today=today)
        services.renewal_lapses_apply(today=today)
        result = send_digests(today=today)
        retried = retry_due_emails()
        self.stdout.write(
            self.style.SUCCESS(
                f"Evidence: {len(expired)} document(s) expired. "
                f"Reminders: {result.emails} digest(s) queued with {result.items} item(s), "
                f"{result.skipped} item(s) already sent; {retried} email(s) retried."
            )
        )
