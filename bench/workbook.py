"""Benchmark of the network workbook: export, the import's preview, and a restore into an empty database.

For each scale (the demo's default size, then 100 hotlines) two fresh databases are made (temporary
SQLite files, or new PostgreSQL databases beside the one DATABASE_URL names, dropped afterwards):

1. the first is filled by `seed_demo`; in it, `export_workbook()` and the preview of that very
   workbook (`import_workbook(..., dry_run=True)`, what `import_network --dry-run` and the admin's
   check run) are timed, `--repeat` times each, medians kept, with the preview's query count. The
   preview must find every row unchanged. Target: preview <= 2 x export.
2. the second is only migrated (an empty database); the workbook is imported into it (timed, with
   the time its one write transaction held the database), exported again and compared sheet by
   sheet with the first export: they must be identical.

Each database is used by its own process. Prints one JSON document:

    python bench/workbook.py [--scales demo,100] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import ROOT, child_env, database_name, machine, median_ms, scratch_database
from common import seed as seed_demo

TARGET_PREVIEW_OVER_EXPORT = 2.0


def _child(mode: str, scale: str, folder: str, url: str, repeat: int, seed: int) -> dict[str, Any]:
    completed = subprocess.run(
        [
            *(sys.executable, __file__, "--child", mode, "--scale", scale, "--folder", folder),
            *("--repeat", str(repeat), "--seed", str(seed)),
        ],
        env=child_env(url, folder),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"The workbook benchmark ({mode}, scale {scale}) failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run_scale(scale: str, repeat: int, seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-workbook-") as folder:
        seeded_url, drop_seeded = scratch_database(folder, f"wb_{scale}")
        empty_url, drop_empty = scratch_database(folder, f"wb_{scale}_restore")
        try:
            load_before = os.getloadavg()[0]
            measured = _child("measure", scale, folder, seeded_url, repeat, seed)
            restored = _child("restore", scale, folder, empty_url, repeat, seed)
            load_after = os.getloadavg()[0]
        finally:
            drop_seeded()
            drop_empty()
    ratio = round(measured["preview_ms"] / measured["export_ms"], 2)
    return {
        "scale": scale,
        **measured,
        "preview_over_export": ratio,
        "restore": restored,
        "load_average_1min": [round(load_before, 2), round(load_after, 2)],
        "met": ratio <= TARGET_PREVIEW_OVER_EXPORT and measured["preview_all_unchanged"] and restored["identical"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="demo,100", help="`demo` (seed_demo's default size) and/or hotline counts.")
    parser.add_argument("--repeat", type=int, default=5, help="Runs per measurement (the median is kept).")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--child", choices=("measure", "restore"), default=None, help=argparse.SUPPRESS)
    parser.add_argument("--scale", default="demo", help=argparse.SUPPRESS)
    parser.add_argument("--folder", default="", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child == "measure":
        print(json.dumps(measure(options.scale, options.folder, options.repeat, options.seed)))
        return
    if options.child == "restore":
        print(json.dumps(restore(options.folder)))
        return
    started = time.monotonic()
    results = [run_scale(scale, options.repeat, options.seed) for scale in options.scales.split(",")]
    print(
        json.dumps(
            {
                "benchmark": "workbook",
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": machine(),
                "database": results[0]["database"],
                "repeat": options.repeat,
                "target_preview_over_export": TARGET_PREVIEW_OVER_EXPORT,
                "results": results,
                "met": all(result["met"] for result in results),
                "seconds": round(time.monotonic() - started, 1),
            },
            indent=2,
        )
    )


# -- children ---------------------------------------------------------------------------------------
def _workbook_path(folder: str) -> Path:
    return Path(folder) / "export.xlsx"


def measure(scale: str, folder: str, repeat: int, seed: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.workbook import export_workbook, import_workbook
    from network.models import Hotline

    seed_seconds = seed_demo(None if scale == "demo" else int(scale), seed)
    exports, previews = [], []
    data = b""
    for _ in range(repeat):
        began = time.perf_counter()
        data = export_workbook()
        exports.append(time.perf_counter() - began)
    result = None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            result = import_workbook(data, dry_run=True)
            previews.append(time.perf_counter() - began)
    assert result is not None
    _workbook_path(folder).write_bytes(data)
    return {
        "database": database_name(),
        "hotlines": Hotline.objects.count(),
        "rows": sum(c.created + c.updated + c.unchanged for c in result.changes.values()),
        "workbook_bytes": len(data),
        "seed_seconds": seed_seconds,
        "export_ms": median_ms(exports),
        "preview_ms": median_ms(previews),
        "preview_queries": len(captured.captured_queries),
        "preview_errors": len(result.errors),
        "preview_all_unchanged": result.ok and all(c.created == c.updated == 0 for c in result.changes.values()),
    }


def restore(folder: str) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from openpyxl import load_workbook

    from core.workbook import export_workbook, import_workbook

    call_command("migrate", verbosity=0, interactive=False)
    data = _workbook_path(folder).read_bytes()
    marks: dict[str, float] = {}

    def progress(done: int, total: int, label: str) -> None:
        if done == total - 1 and not label:
            marks["write_began"] = time.perf_counter()

    began = time.perf_counter()
    result = import_workbook(data, progress=progress)
    ended = time.perf_counter()
    if not result.ok:
        return {"identical": False, "errors": [str(error) for error in result.errors[:20]]}
    again = export_workbook()

    def sheets(content: bytes) -> dict[str, list[tuple]]:
        import io

        book = load_workbook(io.BytesIO(content), read_only=True)
        return {name: [tuple(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}

    first, second = sheets(data), sheets(again)
    return {
        "import_ms": round((ended - began) * 1000, 1),
        "write_transaction_ms": round((ended - marks.get("write_began", began)) * 1000, 1),
        "created_rows": sum(c.created for c in result.changes.values()),
        "accounts_needing_an_invitation": len(result.invitations_needed),
        "identical": first == second,
        "different_sheets": [name for name in first if first[name] != second.get(name)],
    }


if __name__ == "__main__":
    main()
