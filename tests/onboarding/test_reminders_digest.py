"""Reminder digests: the moments of each kind (pure), one digest a person a day in their language,
each item once per moment; checklist items, statistics returns and certificates reminded to the right
colleagues."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import translation
from wagtail import hooks
from wagtail.users.models import UserProfile

from accounts.roles import PortalRole
from accounts.services import affiliation_set
from core.models import SentReminder
from core.reminders import REMINDER_PRODUCERS_HOOK, Offsets, Reminder, moment_of, offsets_for
from network.models import Hotline
from tests.network.factories import AnalystFactory, HotlineFactory, ParticipationFactory, StatisticsFactory
from tests.onboarding.factories import ActionItemFactory

DAY = date(2026, 6, 10)


# -- the moments (no database) ----------------------------------------------------------------------------
def test_the_moment_is_the_latest_one_reached() -> None:
    offsets = Offsets(before=(14, 3), at=True, after=(1, 7))
    moments = [moment_of(DAY, DAY + timedelta(days=shift), offsets) for shift in (-15, -14, -4, -3, 0, 1, 6, 7, 90)]
    assert moments == [None, "before-14", "before-14", "before-3", "due", "after-1", "after-1", "after-7", "after-7"]
    assert Offsets(before=(5,), at=False).lead_days == 5
    assert moment_of(DAY, DAY, Offsets(before=(5,), at=False)) == "before-5"
    assert moment_of(DAY, DAY - timedelta(days=1), Offsets(at=True)) is None


def test_offsets_come_from_the_one_setting(settings) -> None:
    settings.REMINDER_OFFSETS = {"checklist_item": {"before": [10, 2], "after": [3]}}
    assert offsets_for("checklist_item") == Offsets(before=(10, 2), at=True, after=(3,))
    with pytest.raises(ImproperlyConfigured, match="no entry for the reminder kind 'renewal'"):
        offsets_for("renewal")
    settings.REMINDER_OFFSETS = {"checklist_item": {"before": [0]}}
    with pytest.raises(ImproperlyConfigured, match="greater than 0"):
        offsets_for("checklist_item")


# -- digests -------------------------------------------------------------------------------------------------
@pytest.fixture
def run(django_capture_on_commit_callbacks, capsys):
    def _run(day: date = DAY) -> list:
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", date=day.isoformat())
        capsys.readouterr()
        return mail.outbox[before:]

    return _run


def items_of(message) -> list[str]:
    head = message.body.split("-" * 20)[0]
    return re.findall(r"^\d+\. (.+)$", head, re.MULTILINE)


def test_one_digest_a_person_a_day_each_item_once(db, make_user, run) -> None:
    make_user(email="ana@example.org")
    things = {"a": DAY, "b": DAY}

    def producer(today):
        for name, since in things.items():
            if today >= since:
                yield Reminder(
                    dedupe_key=f"test:{name}",
                    to=["ana@example.org", "ben@example.org"],
                    subject=f"Thing {name}",
                    template="onboarding/email/action_item_reminder.txt",
                    context={"item": ActionItemFactory.build(title=f"About thing {name}.", due_on=today)},
                    url=f"https://example.org/{name}",
                )

    with hooks.register_temporarily(REMINDER_PRODUCERS_HOOK, producer):
        first = run()
        assert sorted(m.to[0] for m in first) == ["ana@example.org", "ben@example.org"]
        digest = first[0]
        assert items_of(digest) == ["Thing a", "Thing b"] and "2 reminders for 2026-06-10" in digest.subject
        assert "https://example.org/b" in digest.body and "About thing b." in digest.body  # its template's text
        assert run() == []  # twice on one day: nothing twice

        things["c"] = DAY  # found on the same day, after the digest went out: waits for the next one
        assert run() == []
        [tomorrow, _ben] = run(DAY + timedelta(days=1))
        assert items_of(tomorrow) == ["Thing c"] and tomorrow.subject.endswith("Thing c")
        assert run(DAY + timedelta(days=2)) == []  # never repeated
    assert SentReminder.objects.filter(recipient="ana@example.org").count() == 3


def test_the_digest_is_in_the_persons_language(db, make_user, run) -> None:
    french = make_user(email="fr@example.org")
    UserProfile.objects.update_or_create(user=french, defaults={"preferred_language": "fr"})
    make_user(email="en@example.org")
    seen: dict[str, str] = {}

    def producer(today):
        language = translation.get_language()
        yield Reminder(
            dedupe_key="test:language",
            to=["fr@example.org", "en@example.org"],
            subject=f"Subject in {language}",
            template="onboarding/email/action_item_reminder.txt",
            context={"item": ActionItemFactory.build(title=language, due_on=today)},
        )

    with hooks.register_temporarily(REMINDER_PRODUCERS_HOOK, producer):
        for message in run():
            seen[message.to[0]] = message.subject
    assert seen == {
        "fr@example.org": "[Hotline network] Subject in fr",
        "en@example.org": "[Hotline network] Subject in en",
    }


# -- the new kinds -------------------------------------------------------------------------------------------
def colleague(make_user, hotline: Hotline, email: str, role: str):
    user = make_user(email=email)
    affiliation_set(user=user, target=hotline.host_organisation, acting_user=None, role=role)
    return user


def test_checklist_items_go_to_the_assignee_and_managers_else_to_who_edits(db, make_user, run) -> None:
    from tests.onboarding.dossier import build_dossier

    world = build_dossier()
    hotline = world.hotline  # world.candidate is its manager
    writer = colleague(make_user, hotline, "writer@example.org", PortalRole.CONTRIBUTOR)
    colleague(make_user, hotline, "reader@example.org", PortalRole.VIEWER)
    assigned, free = world.item("9.1"), world.item("8.2")
    assigned.due_on, assigned.assigned_to = DAY + timedelta(days=7), writer
    assigned.save()
    free.due_on = DAY - timedelta(days=1)
    free.save()

    messages = {message.to[0]: message for message in run()}
    assert set(messages) == {world.candidate.email, "writer@example.org"}
    assert items_of(messages["writer@example.org"]) == [
        f"Overdue since {free.due_on.isoformat()}: 8.2 {free.title} (SafeNet Ghana)",
        f"Due on {assigned.due_on.isoformat()}: 9.1 {assigned.title} (SafeNet Ghana)",
    ]
    assert f"Assigned to: {writer.display_name}" in messages["writer@example.org"].body
    assert len(items_of(messages[world.candidate.email])) == 2
    assert "/portal/onboarding/checklist/items/" in messages[world.candidate.email].body
    # Submitted: the reviewers' turn, no more reminders.
    assigned.state = "submitted"
    assigned.save()
    later = run(DAY + timedelta(days=7))
    assert all("9.1" not in "".join(items_of(message)) for message in later)


def test_statistics_returns_and_certificates_reach_the_members_people(db, make_user, run, settings) -> None:
    settings.REMINDER_OFFSETS = {
        **settings.REMINDER_OFFSETS,
        "statistics_return": {"before": [30], "at": True, "after": [1]},
        "certificate_expiry": {"before": [30], "at": True, "after": []},
        "qa_review": {"before": [], "at": False, "after": []},  # the members' first reviews: not this test's
    }
    late = HotlineFactory(brand_name="Late Hotline")
    done = HotlineFactory(brand_name="Returned Hotline")
    StatisticsFactory(hotline=done, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31))
    boss = colleague(make_user, late, "boss@example.org", PortalRole.MANAGER)
    colleague(make_user, late, "clerk@example.org", PortalRole.CONTRIBUTOR)
    colleague(make_user, late, "guest@example.org", PortalRole.VIEWER)
    colleague(make_user, done, "done@example.org", PortalRole.MANAGER)
    participation = ParticipationFactory(
        analyst=AnalystFactory(hotline=late, code="AN-7"),
        certified_on=date(2024, 7, 1),
        certificate_expires_on=date(2026, 3, 31),
    )

    assert run(date(2026, 2, 28)) == []  # 31 days before the return is due and the certificate expires
    messages = {message.to[0]: items_of(message) for message in run(date(2026, 3, 1))}
    assert messages == {
        boss.email: [
            "Due on 2026-03-31: statistics return for 2025 (Late Hotline)",
            f"Expires on 2026-03-31: certificate of analyst AN-7, {participation.event.course} (Late Hotline)",
        ],
        "clerk@example.org": ["Due on 2026-03-31: statistics return for 2025 (Late Hotline)"],
    }
    [overdue] = [m for m in run(date(2026, 4, 1)) if m.to == ["clerk@example.org"]]
    assert items_of(overdue) == ["Overdue since 2026-03-31: statistics return for 2025 (Late Hotline)"]
