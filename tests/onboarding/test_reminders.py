"""send_reminders: action items, agreements, on-hold reviews, evidence; each once, in one digest a person
a day; producers only read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from wagtail import hooks

from core.models import OutgoingEmail, SentReminder
from network.models import Hotline
from onboarding.models import ActionItem, StageChange
from onboarding.reminders import REMINDER_PRODUCERS_HOOK, Reminder
from tests.onboarding.factories import ActionItemFactory, AgreementFactory, HotlineFactory, RoundtableFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks, capsys):
    """Run the command as cron would: queued emails go out once its transactions commit."""

    def _run(day=None) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", *([f"--date={day.isoformat()}"] if day else []))
        return capsys.readouterr().out

    return _run


def test_action_items_due_soon_and_overdue_are_reminded_once(make_user, run):
    owner = make_user(email="owner@example.org")
    today = timezone.localdate()
    soon = ActionItemFactory(owner_user=owner, title="Send the draft MoU", due_on=today + timedelta(days=3))
    late = ActionItemFactory(owner_user=owner, title="Name a focal point", due_on=today - timedelta(days=2))
    ActionItemFactory(owner_user=owner, title="Far away", due_on=today + timedelta(days=30))
    ActionItemFactory(owner_user=owner, title="Already done", due_on=today - timedelta(days=2), status="done")

    first = run()
    assert "1 digest(s) queued with 2 item(s)" in first
    [digest] = mail.outbox
    assert digest.to == ["owner@example.org"] and "2 reminders for" in digest.subject
    assert f"Due on {soon.due_on.isoformat()}: Send the draft MoU" in digest.body
    assert f"Overdue since {late.due_on.isoformat()}: Name a focal point" in digest.body
    assert "Far away" not in digest.body and "Already done" not in digest.body

    second = run()
    assert "0 digest(s) queued" in second and "2 item(s) already sent" in second
    assert len(mail.outbox) == 1

    # A new due date is a new reminder; a due-soon item that becomes overdue is reminded again (the
    # next day: one digest a day).
    soon.due_on = today - timedelta(days=1)
    soon.save()
    late.status = ActionItem.Status.DONE
    late.save()
    run(today + timedelta(days=1))
    assert len(mail.outbox) == 2 and mail.outbox[-1].subject.startswith("[Hotline network] Overdue since")


def test_items_without_an_owner_account_go_to_the_lead_staff_member(make_user, run):
    lead = make_user(email="lead@example.org")
    roundtable = RoundtableFactory(hotline=HotlineFactory(lead_staff=lead))
    ActionItemFactory(roundtable=roundtable, owner_user=None, due_on=timezone.localdate())
    run()
    assert [m.to for m in mail.outbox] == [["lead@example.org"]]


def test_expiring_agreements_and_due_on_hold_reviews(make_user, run):
    lead = make_user(email="lead@example.org")
    hotline = HotlineFactory(lead_staff=lead, stage=Hotline.Stage.ON_HOLD, paused_stage="exploring")
    hotline.stage_entered_at = timezone.now() - timedelta(days=50)
    hotline.save()
    StageChange.objects.create(
        hotline=hotline,
        from_stage="exploring",
        to_stage="on_hold",
        reason="Elections",
        review_date=timezone.localdate() - timedelta(days=1),
        changed_at=hotline.stage_entered_at,
    )
    AgreementFactory(hotline=hotline, title="MoU to renew", expires_on=timezone.localdate() + timedelta(days=60))
    AgreementFactory(hotline=hotline, title="Far expiry", expires_on=timezone.localdate() + timedelta(days=200))
    run()
    run()
    [digest] = mail.outbox
    assert "MoU to renew" in digest.body and "is on hold" in digest.body and "Far expiry" not in digest.body


def test_other_apps_add_reminders_through_the_hook(run):
    def producer(today):
        yield Reminder(
            dedupe_key=f"test:evidence:{today}",
            to=["reviewer@example.org"],
            subject="Evidence expires",
            template="onboarding/email/action_item_reminder.txt",
            context={"item": ActionItemFactory.build(title="x", due_on=today), "overdue": False, "url": "/"},
        )

    with hooks.register_temporarily(REMINDER_PRODUCERS_HOOK, producer):
        run()
        run()
        run(timezone.localdate() + timedelta(days=1))  # another day, another key: reminded again
    assert [m.subject for m in mail.outbox].count("[Hotline network] Evidence expires") == 2
    assert SentReminder.objects.filter(key__startswith="test:evidence:", recipient="reviewer@example.org").count() == 2


def test_send_reminders_also_retries_emails_that_are_due(run):
    stuck = OutgoingEmail.objects.create(to=["a@example.org"], subject="Stuck", body="x")
    OutgoingEmail.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=1))
    run()
    stuck.refresh_from_db()
    assert stuck.status == OutgoingEmail.Status.SENT


def test_a_producer_only_reads(make_user):
    """With something due for every producer (an expired document whose expiry is not applied yet among
    them), running every registered producer writes nothing: state changes are the command's own step."""
    from django.db import connection

    from onboarding import services
    from onboarding.models import ChecklistItem, CorrectiveAction, EvidenceDocument
    from onboarding.reminders import producers
    from tests.audit_plugin import written_tables
    from tests.onboarding.dossier import build_dossier, pdf, submitted
    from tests.onboarding.factories import completed_assessment

    today = timezone.localdate()
    world = build_dossier()
    ActionItemFactory(owner_user=make_user(email="owner@example.org"), due_on=today + timedelta(days=2))
    AgreementFactory(hotline=world.hotline, expires_on=today + timedelta(days=30))
    on_hold = HotlineFactory(lead_staff=world.staff, stage=Hotline.Stage.ON_HOLD, paused_stage="exploring")
    StageChange.objects.create(
        hotline=on_hold, to_stage="on_hold", reason="Elections", review_date=today, changed_at=on_hold.stage_entered_at
    )
    accepted = submitted(world, "8.2")
    services.item_accept(item=accepted, acting_user=world.reviewer)
    EvidenceDocument.objects.filter(pk=accepted.evidence.get().pk).update(expires_on=today - timedelta(days=1))
    services.evidence_upload(
        hotline=world.hotline,
        upload=pdf("contract.pdf"),
        items=[world.item("12.3")],
        expires_on=today + timedelta(days=10),
        acting_user=world.candidate,
    )
    assessment = completed_assessment(world.hotline, "qa_review", "passed_with_actions")
    CorrectiveAction.objects.create(assessment=assessment, title="Name a deputy", due_on=today - timedelta(days=1))

    writes: list[str] = []

    def watch(execute, sql, params, many, context):
        if written_tables(sql):
            writes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        reminders = [reminder for producer in producers() for reminder in producer(today)]

    assert writes == []
    subjects = " | ".join(r.subject for r in reminders)
    for expected in ("Due on", "contract.pdf", "Name a deputy", "is on hold"):
        assert expected in subjects
    assert "Evidence expired" not in subjects  # its expiry is not applied yet: that is the command's step
    assert ChecklistItem.objects.get(pk=accepted.pk).state == "accepted"

    services.evidence_expire_due(today=today)
    again = [reminder.subject for producer in producers() for reminder in producer(today)]
    assert any(subject.startswith("Evidence expired") for subject in again)
