"""Deterministic demo data, built app by app.

`seed_demo` calls `seed(ctx)` in each installed app's `demo` module, in the order of
`INSTALLED_APPS` (which lists the apps in dependency order: accounts first, the demo users act in
later apps' histories). Core names no app: it finds the modules (`demo_modules`). A demo module
may also say who its demo users are (`DEMO_USERS`, printed as logins) and whether they exist
already (`demo_users_exist()`: then nothing is seeded). Every random choice goes through
`ctx.rng`, seeded by `--seed`, so the same seed and scale give the same data. Apps keep what later
apps need in `ctx.objects`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import import_module
from types import ModuleType
from typing import Any, TextIO

from django.apps import apps
from django.utils.module_loading import module_has_submodule

DEMO_MODULE = "demo"


def demo_modules() -> list[tuple[str, ModuleType]]:
    """(app label, module) of every installed app's `demo` module with a `seed`, in seeding order."""
    found = []
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, DEMO_MODULE):
            module = import_module(f"{app_config.name}.{DEMO_MODULE}")
            if callable(getattr(module, "seed", None)):
                found.append((app_config.label, module))
    return found


@dataclass
class DemoContext:
    rng: random.Random
    seed: int
    scale: int | None
    password: str
    today: date
    stdout: TextIO
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)

    @property
    def hotline_count(self) -> int:
        """Hotlines to build: the real network's size, or --scale."""
        return self.scale if self.scale else 55

    def log(self, message: str) -> None:
        self.stdout.write(f"  {message}\n")


class Clock:
    """The historical moment a demo is acting at through the services (None: the present)."""

    at: datetime | None = None


@contextmanager
def acting_at(clock: Clock) -> Iterator[None]:
    """While a demo acts through the services on past days (`clock.at`): the audit entries the services
    write carry that moment (they stamp them with the time of the call), and the notifications they queue
    are recorded as sent then, as they were at the time (the task worker does not deliver months-old news
    today)."""
    from django.db.models.signals import pre_save
    from wagtail.models import ModelLogEntry

    from core.models import OutgoingEmail

    def entry(sender: Any, instance: Any, **kwargs: Any) -> None:
        if clock.at is not None and instance._state.adding:
            instance.timestamp = clock.at

    def email(sender: Any, instance: Any, **kwargs: Any) -> None:
        if clock.at is not None and instance._state.adding:
            instance.status, instance.sent_at = OutgoingEmail.Status.SENT, clock.at

    pre_save.connect(entry, sender=ModelLogEntry, weak=False, dispatch_uid="demo-acting-at-entries")
    pre_save.connect(email, sender=OutgoingEmail, weak=False, dispatch_uid="demo-acting-at-emails")
    try:
        yield
    finally:
        pre_save.disconnect(sender=ModelLogEntry, dispatch_uid="demo-acting-at-entries")
        pre_save.disconnect(sender=OutgoingEmail, dispatch_uid="demo-acting-at-emails")
        clock.at = None
