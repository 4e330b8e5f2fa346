"""Two staff moving the same candidate at the same moment: exactly one succeeds (PostgreSQL row locks)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction

from accounts.roles import Role
from network.models import Hotline
from onboarding import services
from onboarding.models import StageChange
from tests.accounts.factories import UserFactory
from tests.onboarding.factories import HotlineFactory, ready_for_exploring

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises whole transactions)")


def _move(
    hotline_id: int,
    user: Any,
    name: str,
    outcome: dict[str, Any],
    key: str,
    hold: threading.Event | None,
    locked: threading.Event | None,
) -> None:
    from django.db import connection as thread_connection

    try:
        hotline = Hotline.objects.get(pk=hotline_id)
        with transaction.atomic():
            services.hotline_transition(
                hotline=hotline,
                transition=name,
                reason=f"{user.email} moves it",
                expected_stage=Hotline.Stage.IDENTIFIED,
                acting_user=user,
            )
            if locked is not None:
                locked.set()
            if hold is not None:
                hold.wait(10)  # keep the row locked until the other transaction is queued behind it
        outcome[key] = "moved"
    except services.StageChangedMeanwhile as exc:
        outcome[key] = exc.messages[0]
    except Exception as exc:  # pragma: no cover - reported by the assertion below
        outcome[key] = f"unexpected: {exc!r}"
    finally:
        thread_connection.close()


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def _setup() -> tuple[Hotline, Any, Any]:
    hotline = ready_for_exploring(HotlineFactory(brand_name="Race Line"))
    first = UserFactory(role=Role.NETWORK_STAFF, email="first@example.org")
    second = UserFactory(role=Role.NETWORK_STAFF, email="second@example.org")
    return hotline, first, second


def test_the_second_mover_waits_for_the_lock_then_learns_it_changed_meanwhile():
    hotline, first, second = _setup()
    outcome: dict[str, Any] = {}
    hold, locked = threading.Event(), threading.Event()
    a = threading.Thread(target=_move, args=(hotline.pk, first, "start_exploring", outcome, "first", hold, locked))
    a.start()
    assert locked.wait(10), "the first transaction did not get going"
    b = threading.Thread(target=_move, args=(hotline.pk, second, "withdraw", outcome, "second", None, None))
    b.start()
    deadline = time.monotonic() + 10
    while not _waiting_for_a_lock():
        assert time.monotonic() < deadline, "the second transaction never queued behind the row lock"
        time.sleep(0.02)
    assert "second" not in outcome  # it is blocked, not finished
    hold.set()
    a.join(10)
    b.join(10)

    assert outcome["first"] == "moved"
    assert "changed meanwhile" in outcome["second"] and "Exploring" in outcome["second"]
    hotline.refresh_from_db()
    assert hotline.stage == Hotline.Stage.EXPLORING
    assert list(StageChange.objects.values_list("changed_by__email", "to_stage")) == [
        ("first@example.org", "exploring")
    ]


def test_two_simultaneous_moves_exactly_one_succeeds():
    hotline, first, second = _setup()
    outcome: dict[str, Any] = {}
    start = threading.Barrier(2)

    def race(user: Any, name: str, key: str) -> None:
        start.wait(5)
        _move(hotline.pk, user, name, outcome, key, None, None)

    threads = [
        threading.Thread(target=race, args=(first, "start_exploring", "first")),
        threading.Thread(target=race, args=(second, "withdraw", "second")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)

    assert sorted(v == "moved" for v in outcome.values()) == [False, True], outcome
    loser = next(v for v in outcome.values() if v != "moved")
    assert "changed meanwhile" in loser
    assert StageChange.objects.count() == 1
    hotline.refresh_from_db()
    assert hotline.stage == StageChange.objects.get().to_stage
