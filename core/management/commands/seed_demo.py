from __future__ import annotations

import os
import random
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from core.seeding import DemoContext, demo_modules

DEFAULT_PASSWORD = "hotline-demo-2026"  # noqa: S105 (printed demo password)


class Command(BaseCommand):
    help = (
        "Fill an empty database with a deterministic fictional network on real countries, and the "
        "demo users. Does nothing when the demo data is already there."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", type=int, default=None, help="Number of hotlines (e.g. 1000 for benchmarks).")
        parser.add_argument("--seed", type=int, default=2023, help="Random seed (same seed, same data).")
        parser.add_argument("--password", default=None, help="Password of the demo users (or DEMO_PASSWORD).")
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo creates accounts with a known password; with DEBUG off, pass --force.")
        if options["scale"] is not None and options["scale"] < 1:
            raise CommandError("--scale must be at least 1.")
        password = options["password"] or os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD

        modules = demo_modules()
        demo_users = [user for _label, module in modules for user in getattr(module, "DEMO_USERS", [])]
        if any(module.demo_users_exist() for _label, module in modules if hasattr(module, "demo_users_exist")):
            self.stdout.write("Demo data already present; nothing to do.")
            self._print_logins(demo_users, password=None)
            return

        started = time.monotonic()
        ctx = DemoContext(
            rng=random.Random(options["seed"]),
            seed=options["seed"],
            scale=options["scale"],
            password=password,
            today=timezone.localdate(),
            stdout=self.stdout,
        )
        with transaction.atomic():
            for app_label, module in modules:
                self.stdout.write(f"Seeding {app_label}...")
                module.seed(ctx)
        if connection.vendor == "sqlite":
            # Statistics for the query planner about the data just loaded: SQLite keeps none until asked,
            # and without them scans a large table through the wrong index (the dashboards' counts).
            # PostgreSQL's autovacuum gathers its own.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Demo data created in {time.monotonic() - started:.1f} s."))
        self._print_logins(demo_users, password=password)

    def _print_logins(self, users: list[tuple[str, str]], *, password: str | None) -> None:
        self.stdout.write("\nDemo logins (sign in at http://127.0.0.1:8000/accounts/login/):")
        for key, description in users:
            self.stdout.write(f"  {key + '@example.org':<26} {description}")
        if password:
            self.stdout.write(f"  password for all: {password}")
        else:
            self.stdout.write(
                "  password: the one given when the demo data was created "
                f"(default {DEFAULT_PASSWORD!r}, or DEMO_PASSWORD)"
            )
