"""Background tasks of the reports app (run by `manage.py db_worker`).

`generate_donor_report` builds a donor report's data and PDF. A worker killed mid-run leaves the
report's generation "running"; staff retry it from the admin once it is stale
(`reports.donor.selectors.GENERATION_STALE_AFTER`). Publishing is never done here.
"""

from __future__ import annotations

from django.tasks import task


@task()
def generate_donor_report(report_id: int) -> str:
    from reports.donor.services import donor_report_generate

    report = donor_report_generate(report_id=report_id)
    return report.generation if report is not None else "missing"
