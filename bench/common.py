"""What the benchmarks share: a fresh database for a run, the child process's environment and seeding,
medians and the machine's description."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = ("postgres://", "postgresql://")


def postgres_database(base_url: str, name: str, *, reuse: bool = False) -> tuple[str, Callable[[], None]]:
    """Create database `name` beside the one `base_url` names; return its URL and a function that drops
    it. With `reuse`, an existing database of that name is kept and nothing is dropped at the end."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(base_url)
    connect = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }

    def run(sql: str) -> None:
        with psycopg.connect(**connect) as connection:
            connection.execute(sql)

    def exists() -> bool:
        with psycopg.connect(**connect) as connection:
            return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None

    url = f"{base_url.rsplit('/', 1)[0]}/{name}"
    if reuse:
        if not exists():
            run(f'CREATE DATABASE "{name}"')
        return url, lambda: None
    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    return url, lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scratch_database(folder: str, suffix: str) -> tuple[str, Callable[[], None]]:
    """A fresh database for one run: PostgreSQL beside the one DATABASE_URL names
    (`<name>_bench_<suffix>`, dropped afterwards), else a SQLite file in `folder`."""
    base_url = os.environ.get("DATABASE_URL", "")
    if base_url.startswith(POSTGRES):
        name = base_url.rsplit("/", 1)[1].split("?")[0] or "hotline"
        return postgres_database(base_url, f"{name}_bench_{suffix}")
    return f"sqlite:///{Path(folder) / f'bench-{suffix}.sqlite3'}", lambda: None


def child_env(url: str, folder: str) -> dict[str, str]:
    """The environment of a measuring child process: the run's database and files, production-like
    settings (DEBUG off) as far as the test client allows."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_PRIVATE_ROOT": str(Path(folder) / "private"),
        "DJANGO_MEDIA_ROOT": str(Path(folder) / "media"),
        "PYTHONPATH": str(ROOT),
    }


def seed(scale: int, seed: int) -> float:
    """In a child with Django set up: migrate, then `seed_demo --scale`; the seconds it took."""
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", scale=scale, seed=seed, force=True, stdout=quiet)
    return round(time.monotonic() - started, 1)


def database_name() -> str:
    """The database a child measured, with its version."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return "SQLite " + ".".join(str(part) for part in connection.Database.sqlite_version_info)
    return f"{connection.display_name} {connection.pg_version // 10000}.{connection.pg_version % 10000}"


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
