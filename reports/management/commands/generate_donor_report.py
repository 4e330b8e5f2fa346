"""manage.py generate_donor_report --grant CODE --period YYYY-MM-DD:YYYY-MM-DD --out FILE.pdf [--save]

Renders a grant's report for a period synchronously from the live data and writes the PDF. By
default nothing is stored (a look at the numbers, or a file for someone without an account). With
`--save` the report is also stored as a new draft version (data snapshot, PDF, SHA-256), exactly as
the admin's "New report" does but without the task worker; it still has to be reviewed and published
in the admin.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from reports.models import DonorReport, Grant


def parse_period(text: str) -> tuple[date, date]:
    start_text, sep, end_text = text.partition(":")
    if not sep:
        raise CommandError(f"--period must be START:END, e.g. 2025-01-01:2025-12-31 (got {text!r}).")
    try:
        start, end = date.fromisoformat(start_text), date.fromisoformat(end_text)
    except ValueError:
        raise CommandError(
            f"--period must be two dates YYYY-MM-DD:YYYY-MM-DD, e.g. 2025-01-01:2025-12-31 (got {text!r})."
        ) from None
    if end < start:
        raise CommandError(f"The period ends ({end}) before it starts ({start}).")
    return start, end


class Command(BaseCommand):
    help = "Render a grant's donor report for a period from the live data and write the PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--grant", required=True, help="The grant's code, e.g. GF-EXP-2025.")
        parser.add_argument("--period", required=True, help="START:END, e.g. 2025-01-01:2025-12-31.")
        parser.add_argument("--out", required=True, help="The PDF file to write.")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="The report's language (default: the latest version's for the period, else English).",
        )
        parser.add_argument(
            "--save",
            action="store_true",
            help="Also store the report as a new draft version (to review and publish in the admin).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from reports.donor import pdf, services

        code = options["grant"]
        grant = Grant.objects.filter(code=code).first()
        if grant is None:
            known = ", ".join(Grant.objects.order_by("code").values_list("code", flat=True)) or "none"
            raise CommandError(f"There is no grant with the code {code!r} (known: {known}).")
        start, end = parse_period(options["period"])
        if start < grant.starts_on or end > grant.ends_on:
            raise CommandError(
                f"The period {start}:{end} is not within the grant {grant.code} ({grant.starts_on}:{grant.ends_on})."
            )
        out = Path(options["out"])
        if not out.parent.exists():
            raise CommandError(f"The folder {out.parent} does not exist.")

        if options["save"]:
            content = self._save(grant, start, end, options["language"] or settings.LANGUAGE_CODE)
        else:
            from reports.donor.selectors import next_report_version

            # A look at the numbers: the narrative (and language) of the period's latest version, if any.
            latest = DonorReport.objects.filter(grant=grant, period_start=start, period_end=end).order_by("-version")
            report = latest.first() or DonorReport(grant=grant, period_start=start, period_end=end)
            report.version = next_report_version(grant=grant, period_start=start, period_end=end)
            if options["language"]:
                report.language = options["language"]
            data = services.build_report_data(report=report, generated_on=timezone.localdate())
            content = pdf.build_donor_report(data)
        out.write_bytes(content)
        self.stdout.write(f"Wrote {out} ({len(content)} bytes, generator {pdf.GENERATOR_VERSION}).")

    def _save(self, grant: Grant, start: date, end: date, language: str) -> bytes:
        """A new draft version, generated here rather than by the worker (the system acts)."""
        from reports.donor import services
        from reports.donor.selectors import next_report_version

        with transaction.atomic():
            report = DonorReport.objects.create(
                grant=grant,
                period_start=start,
                period_end=end,
                version=next_report_version(grant=grant, period_start=start, period_end=end),
                generation=DonorReport.Generation.QUEUED,
                language=language,
            )
            from core.audit import audit

            audit(report, "reports.donor_report.create", data={"source": "generate_donor_report"})
        try:
            report = services.donor_report_generate(report_id=report.pk)
        except ValidationError as exc:  # pragma: no cover - the service records failures itself
            raise CommandError(" ".join(exc.messages)) from exc
        if report is None or report.generation != DonorReport.Generation.DONE:
            error = report.generation_error if report else "the report disappeared"
            raise CommandError(f"The generation failed: {error}")
        self.stdout.write(f"Stored draft {report} (SHA-256 {report.pdf_sha256}).")
        return services.stored_pdf(report)
