"""Background tasks of the core app (run by `manage.py db_worker`)."""

from django.tasks import task

from core import mail


@task()
def deliver_email(email_id: int) -> str:
    return mail.deliver(email_id)
