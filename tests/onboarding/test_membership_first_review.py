"""A member's first quality-assurance review: due `QA_FIRST_REVIEW_MONTHS` after it joined when no review
is on record (no date without a joining date), then on the cycle; the schedule the board, the portal and
the reminders read; reminders for a never-reviewed member, each moment once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from accounts.services import affiliation_set
from network.models import Hotline
from onboarding.models import Assessment, qa_next_review_due, qa_schedules
from tests.onboarding.factories import HotlineFactory, country

JOINED = date(2025, 3, 10)
FIRST_DUE = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("stage", "last_review", "full_member_on", "joined_on", "expected"),
    [
        # No review on record: the first one 12 months after joining, whatever the stage.
        ("provisional_member", None, None, JOINED, FIRST_DUE),
        ("full_member", None, date(2025, 9, 1), JOINED, FIRST_DUE),
        ("provisional_member", None, None, None, None),  # no joining date: no date made up
        # A provisional member with a review: 12 months after it.
        ("provisional_member", date(2025, 11, 30), None, JOINED, date(2026, 11, 30)),
        # A full member: 36 months after its last review, or after full membership if later.
        ("full_member", date(2024, 1, 31), date(2023, 1, 1), JOINED, date(2027, 1, 31)),
        ("full_member", date(2024, 1, 31), date(2025, 2, 28), JOINED, date(2028, 2, 28)),
    ],
)
def test_the_next_review_rule(settings, stage, last_review, full_member_on, joined_on, expected):
    settings.QA_REVIEW_CYCLE_MONTHS, settings.QA_FIRST_REVIEW_MONTHS = 36, 12
    due = qa_next_review_due(stage=stage, last_review=last_review, full_member_on=full_member_on, joined_on=joined_on)
    assert due == expected


@pytest.fixture
def newcomer(db):
    return HotlineFactory(
        brand_name="Linea Nueva", country=country("KE"), stage=Hotline.Stage.PROVISIONAL_MEMBER, joined_on=JOINED
    )


@pytest.fixture
def newcomer_user(make_user, newcomer):
    user = make_user(email="manager@nueva.example.org")
    affiliation_set(user=user, target=newcomer.host_organisation, acting_user=None)
    return user


def test_a_never_reviewed_members_schedule_is_its_first_review(newcomer, settings):
    settings.QA_FIRST_REVIEW_MONTHS = 12
    undated = HotlineFactory(brand_name="Undated", stage=Hotline.Stage.FULL_MEMBER, joined_on=None)
    schedules = qa_schedules(Hotline.objects.filter(pk__in=[newcomer.pk, undated.pk]), on=date(2026, 1, 1))
    assert schedules[newcomer.pk].due_on == FIRST_DUE and schedules[newcomer.pk].is_first_review
    assert schedules[undated.pk].due_on is None


@pytest.fixture
def run(django_capture_on_commit_callbacks, capsys):
    def _run(day: date) -> list[str]:
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", f"--date={day.isoformat()}")
        capsys.readouterr()
        return [
            f"{m.to[0]}: {m.body}" for m in mail.outbox[before:] if "Quality-assurance review of Linea Nueva" in m.body
        ]

    return _run


def test_a_never_reviewed_member_is_reminded_of_its_first_review_once_per_moment(
    newcomer, newcomer_user, make_user, run, settings
):
    settings.QA_FIRST_REVIEW_MONTHS = 12
    settings.REMINDER_OFFSETS = {**settings.REMINDER_OFFSETS, "qa_review": {"before": [60], "at": True, "after": [1]}}
    lead = make_user(Role.NETWORK_STAFF, email="qa.lead@example.org")
    newcomer.lead_staff = lead
    newcomer.save()
    assert run(FIRST_DUE - timedelta(days=61)) == []  # before the first moment
    sent = run(FIRST_DUE - timedelta(days=60))
    assert sorted(line.split(":")[0] for line in sent) == ["manager@nueva.example.org", "qa.lead@example.org"]
    assert all("2026-03-10" in line or "10 March 2026" in line for line in sent)
    assert run(FIRST_DUE - timedelta(days=60)) == []  # the same day again: nothing twice
    assert run(FIRST_DUE - timedelta(days=30)) == []  # no moment between
    due = run(FIRST_DUE)
    assert len(due) == 2 and all("due today" in line for line in due)


def test_a_member_without_a_joining_date_gets_no_first_review_reminder(db, run, make_user):
    member = HotlineFactory(brand_name="Linea Nueva", stage=Hotline.Stage.PROVISIONAL_MEMBER, joined_on=None)
    user = make_user(email="manager@nueva.example.org")
    affiliation_set(user=user, target=member.host_organisation, acting_user=None)
    assert run(FIRST_DUE) == []


def test_the_board_and_the_portal_show_the_first_review(newcomer, newcomer_user, network_staff, client_for, settings):
    settings.QA_FIRST_REVIEW_MONTHS = 12
    Assessment.objects.filter(hotline=newcomer).delete()
    board = client_for(network_staff).get(reverse("onboarding_admin:member_cycle")).content.decode()
    assert "2026-03-10" in board and "first review" in board
    portal = client_for(newcomer_user).get(reverse("portal:membership_hotline", args=[newcomer.pk])).content.decode()
    assert "10 March 2026" in portal and "Your first review, 12 months after joining" in portal
    page = client_for(network_staff).get(reverse("network_hotline:inspect", args=[newcomer.pk])).content.decode()
    assert "2026-03-10 (first review, after joining)" in page
