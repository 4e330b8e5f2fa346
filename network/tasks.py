"""Background tasks of the network app (run by `manage.py db_worker`)."""

from __future__ import annotations

from django.tasks import task


@task()
def run_workbook_import(job_id: int) -> str:
    from network.services import workbook_import_run

    job = workbook_import_run(job_id=job_id)
    return job.status if job is not None else "missing"
