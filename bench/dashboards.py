"""Benchmark of the staff dashboards: server time and queries, cold and warm cache, at two scales.

For each scale (100 and 1000 hotlines by default) it builds `seed_demo --scale N` data in a fresh
database (a temporary SQLite file, or a new PostgreSQL database next to the one DATABASE_URL names,
dropped afterwards), then, through Django's test client signed in as the demo network staff user:

- cold: the median time of repeated requests after the data version is bumped (as any write does),
  so the dashboard is rebuilt from the database each time;
- warm: the median time of repeated requests served from the shared cache;
- after a dossier comment: the median time of requests that each follow a write no dashboard reads
  (a checklist item comment): each entry is kept under the versions of the models it read, so these
  are served from the cache as warm ones are;
- queries of a cold and of a warm request;
- baseline: the median time to read the same rows with one `.values()` query per frame the
  dashboard reads, plus the build's other queries (the counts it has the database group,
  `reports.counted`) run again with their rows fetched as returned (no DataFrames, no aggregation, no
  charts, no template). The frames are those a build of the dashboard actually loaded: its declared
  frames and, for grant progress, those of the metrics its indicators are linked to.

Each scale runs in its own process (Django is configured once per process). The result is one
JSON document on stdout, with the targets checked at the largest scale:

    python bench/dashboards.py [--scales 100,1000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import ROOT, child_env, database_name, machine, median_ms, scratch_database
from common import seed as seed_demo

TARGETS = {"cold_ms": 300.0, "warm_ms": 30.0, "queries": 20, "cold_over_baseline": 5.0}


# -- Parent: one process per scale, targets -----------------------------------------------------------
def run_scale(scale: int, repeat: int, seed: int, keep: str | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-dashboards-") as scratch:
        folder = keep or scratch
        Path(folder).mkdir(parents=True, exist_ok=True)
        url, drop = scratch_database(folder, str(scale))
        env = child_env(url, folder)
        seeded = keep is not None and url.startswith("sqlite:") and Path(url.removeprefix("sqlite:///")).exists()
        arguments = ["--child", str(scale), "--repeat", str(repeat), "--seed", str(seed)]
        try:
            completed = subprocess.run(
                [sys.executable, __file__, *arguments, *(["--seeded"] if seeded else [])],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            drop()
    if completed.returncode != 0:
        raise SystemExit(f"The benchmark at scale {scale} failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout)


def check_targets(results: list[dict[str, Any]]) -> dict[str, Any]:
    largest = max(results, key=lambda result: result["scale"])
    smallest = min(results, key=lambda result: result["scale"])
    checks: dict[str, Any] = {}
    for slug, figures in largest["dashboards"].items():
        ratio = figures["cold_over_baseline"]
        same_queries = figures["queries_cold"] == smallest["dashboards"][slug]["queries_cold"]
        checks[slug] = {
            "cold_ms": figures["cold_ms"] <= TARGETS["cold_ms"],
            "warm_ms": figures["warm_ms"] <= TARGETS["warm_ms"],
            "queries": figures["queries_cold"] <= TARGETS["queries"] and figures["queries_warm"] <= TARGETS["queries"],
            "queries_same_at_each_scale": same_queries,
            "cold_over_baseline": ratio is None or ratio <= TARGETS["cold_over_baseline"],
        }
    return {
        "at_scale": largest["scale"],
        "limits": TARGETS,
        "met": all(all(check.values()) for check in checks.values()),
        "dashboards": checks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="100,1000", help="Hotline counts to seed, comma-separated.")
    parser.add_argument("--repeat", type=int, default=7, help="Requests per measurement (the median is kept).")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument(
        "--keep",
        default=None,
        help="SQLite only: a folder where each scale's database is kept and, on the next run, reused unseeded.",
    )
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--seeded", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child is not None:
        print(json.dumps(measure(options.child, options.repeat, options.seed, seeded=options.seeded)))
        return
    started = time.monotonic()
    scales = [int(scale) for scale in options.scales.split(",")]
    results = [run_scale(scale, options.repeat, options.seed, options.keep) for scale in scales]
    report = {
        "benchmark": "dashboards",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "database": results[0]["database"],
        "repeat": options.repeat,
        "results": results,
        "targets": check_targets(results),
        "seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(report, indent=2))


# -- Child: seed, then measure every dashboard ---------------------------------------------------------
def measure(scale: int, repeat: int, seed: int, *, seeded: bool = False) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from core import dataversion
    from reports import dashboards, selectors
    from reports.dashboards import DASHBOARDS
    from reports.metrics import Context

    seed_seconds = 0.0 if seeded else seed_demo(scale, seed)

    user = User.objects.get(email="staff@example.org")
    client = Client()
    client.force_login(user)

    sizes: dict[str, int] = {}

    def get(path: str) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - began
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        sizes[path] = len(response.content)
        return elapsed, len(captured.captured_queries)

    def frames_read(dashboard: Any) -> tuple[str, ...]:
        """The frames a build of `dashboard` reads from the database."""
        frames = selectors.load_frames(dashboard.frames, user=user)
        dashboards.build(dashboard, frames, Context.at(period=None, scope=None, user=user))
        return frames.queried

    def counts_read(dashboard: Any, names: tuple[str, ...]) -> list[tuple[str, Any]]:
        """The queries a build of `dashboard` runs besides reading its frames (counts grouped in the
        database, `reports.counted`): recorded with the frames `names` loaded beforehand."""
        frames = selectors.load_frames(names, user=user)
        recorded: list[tuple[str, Any]] = []

        def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            recorded.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            dashboards.build(dashboard, frames, Context.at(period=None, scope=None, user=user))
        return recorded

    def baseline(names: tuple[str, ...], counts: list[tuple[str, Any]]) -> tuple[float, int]:
        """Read these frames' rows with one `.values()` query per frame, and run the build's other
        queries again fetching their rows as the database returns them, nothing else."""
        began = time.perf_counter()
        rows = 0
        for name in names:
            queryset, columns = selectors.SOURCES[name]
            rows += len(list(queryset(user=user).values(*(column.lookup for column in columns))))
        with connection.cursor() as cursor:
            for sql, params in counts:
                cursor.execute(sql, params)
                rows += len(cursor.fetchall())
        return time.perf_counter() - began, rows

    results: dict[str, Any] = {}
    for dashboard in DASHBOARDS:
        path = f"/admin/dashboards/{dashboard.slug}/"
        get(path)  # first load: templates compiled, session and permissions settled
        cold, cold_queries = [], []
        for _ in range(repeat):
            dataversion.bump()  # as any write does: every cached dashboard is stale
            elapsed, queries = get(path)
            cold.append(elapsed)
            cold_queries.append(queries)
        warm, warm_queries = [], []
        for _ in range(repeat):
            elapsed, queries = get(path)
            warm.append(elapsed)
            warm_queries.append(queries)
        other, other_queries = [], []
        for _ in range(repeat):
            dataversion.bump("onboarding.ItemComment")  # a comment on a dossier: no dashboard reads it
            elapsed, queries = get(path)
            other.append(elapsed)
            other_queries.append(queries)
        read = frames_read(dashboard)
        counts = counts_read(dashboard, read)
        base = [baseline(read, counts) for _ in range(repeat)]
        base_ms = median_ms([elapsed for elapsed, _rows in base])
        cold_ms = median_ms(cold)
        results[dashboard.slug] = {
            "cold_ms": cold_ms,
            "warm_ms": median_ms(warm),
            "queries_cold": max(cold_queries),
            "queries_warm": max(warm_queries),
            "after_dossier_comment_ms": median_ms(other),
            "queries_after_dossier_comment": max(other_queries),
            "html_bytes": sizes[path],
            "baseline_ms": base_ms,
            "baseline_rows": base[0][1],
            "baseline_frames": list(read),
            "baseline_other_queries": len(counts),
            "cold_over_baseline": round(cold_ms / base_ms, 2) if dashboard.frames and base_ms else None,
        }
    return {
        "scale": scale,
        "database": database_name(),
        "seed_seconds": seed_seconds,
        "dashboards": results,
    }


if __name__ == "__main__":
    main()
