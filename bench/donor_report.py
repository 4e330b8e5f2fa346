"""Benchmark of donor report generation: time, memory and rendering overhead at `seed_demo --scale N`.

It seeds `seed_demo --scale N` (1000 by default) in a fresh database (a temporary SQLite file, or a new
PostgreSQL database beside the one DATABASE_URL names, dropped afterwards), picks each demo grant's
reporting period with the most content, and measures, as medians of `--repeat` runs:

- `selector_ms`: `reports.donor.assembly.donor_report_data(...)` (queries, frames, indicators, annexes);
- `build_ms`: `reports.donor.pdf.build_donor_report(data)` (story from the data, two passes for the
  contents, header and footer with "Page X of Y");
- `total_ms`: both, one after the other (what a generation does before storing the file);
- `baseline_ms`: reportlab alone rendering the same content: the same flowables built beforehand
  from the data (outside the timer), laid out by a plain `BaseDocTemplate.multiBuild` with the same
  frames and contents, and a plain canvas; `build_over_baseline` is the ratio;
- `baseline_single_pass_ms`: the same flowables in one pass without the contents (for reference);
- `peak_mb`: in a fresh process that only generates the heaviest report: the peak of Python's
  allocations during one generation (tracemalloc) and the process's maximum resident size.

Targets (the heaviest grant): total <= 3 s, peak <= 300 MB, build <= 1.5 x the baseline.

    python bench/donor_report.py [--scale 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import ROOT, child_env, database_name, machine, median_ms, scratch_database  # noqa: E402
from common import seed as seed_demo  # noqa: E402

TARGETS = {"total_ms": 3000.0, "peak_mb": 300.0, "build_over_baseline": 1.5}
GENERATED_ON = date(2026, 1, 15)


def _child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, __file__, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise SystemExit(f"The donor report benchmark step {args[0]} failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout)


def run(scale: int, repeat: int, seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-donor-report-") as folder:
        url, drop = scratch_database(folder, f"reports_{scale}")
        env = child_env(url, folder)
        try:
            timings = _child(["--measure", str(scale), "--repeat", str(repeat), "--seed", str(seed)], env)
            heaviest = max(timings["grants"], key=lambda grant: grant["total_ms"])
            memory = _child(["--memory", heaviest["grant"], heaviest["period"]], env)
        finally:
            drop()
    heaviest["peak_mb"] = memory["tracemalloc_peak_mb"]
    heaviest["max_rss_mb"] = memory["max_rss_mb"]
    return {**timings, "heaviest": heaviest["grant"], "memory": memory}


def check_targets(result: dict[str, Any]) -> dict[str, Any]:
    heaviest = next(grant for grant in result["grants"] if grant["grant"] == result["heaviest"])
    checks = {
        "total_ms": max(grant["total_ms"] for grant in result["grants"]) <= TARGETS["total_ms"],
        "peak_mb": result["memory"]["tracemalloc_peak_mb"] <= TARGETS["peak_mb"]
        and result["memory"]["max_rss_mb"] <= TARGETS["peak_mb"],
        "build_over_baseline": all(
            grant["build_over_baseline"] <= TARGETS["build_over_baseline"] for grant in result["grants"]
        ),
    }
    return {"limits": TARGETS, "heaviest": heaviest["grant"], "met": all(checks.values()), "checks": checks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1000)
    # `bench/run.py -- --scales 100,1000` passes the dashboards' option to every script: the largest is used.
    parser.add_argument("--scales", default=None, help="Comma-separated scales: the largest is used.")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--measure", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--memory", nargs=2, default=None, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure is not None:
        print(json.dumps(measure(options.measure, options.repeat, options.seed)))
        return
    if options.memory is not None:
        print(json.dumps(memory(*options.memory)))
        return
    if options.scales:
        options.scale = max(int(scale) for scale in options.scales.split(","))
    started = time.monotonic()
    result = run(options.scale, options.repeat, options.seed)
    report = {
        "benchmark": "donor_report",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "repeat": options.repeat,
        **result,
        "targets": check_targets(result),
        "seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(report, indent=2))


# -- Children --------------------------------------------------------------------------------------------
def _generate(grant: Any, period: tuple[date, date]) -> Any:
    """The period's report with a full narrative: the demo's, where it wrote one for the period, else one
    paragraph and a list per work package and an explanation for every indicator."""
    from reports.donor import assembly
    from reports.models import DonorReport

    written = DonorReport.objects.filter(grant=grant, period_start=period[0], period_end=period[1]).first()
    narrative = assembly.narrative_of(written) if written is not None else _narrative(grant)
    return assembly.donor_report_data(
        grant=grant,
        period_start=period[0],
        period_end=period[1],
        version=1,
        generated_on=GENERATED_ON,
        narrative=narrative,
    )


def _narrative(grant: Any) -> Any:
    from reports.donor.assembly import Narrative

    text = "The work went ahead as planned; the figures below come from the registry."
    return Narrative(
        summary="A year of network expansion.\n\nEvery figure below comes from the registry.",
        ethics=text,
        dissemination=text,
        conclusions=text,
        work_packages={
            wp.number: (f"<p>{text}</p><ul><li>{text}</li><li>{text}</li></ul>", text, text)
            for wp in grant.work_packages.all()
        },
        explanations={indicator.code: text for indicator in grant.indicators.all()},
    )


def _heaviest_period(grant: Any) -> tuple[tuple[date, date], Any]:
    """The grant's reporting period whose report has the most lines (activities, events, candidates)."""

    def size(data: Any) -> int:
        return len(data.activities) + len(data.roundtables) + len(data.trainings) + len(data.indicators)

    best = None
    for period in grant.reporting_periods():
        data = _generate(grant, period)
        if best is None or size(data) > size(best[1]):
            best = (period, data)
    assert best is not None
    return best


def baseline(data: Any, *, toc: bool) -> float:
    """Seconds reportlab alone takes to lay out and draw the report's flowables, built beforehand."""
    import io

    from django.utils import translation
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
    from reportlab.platypus.tableofcontents import TableOfContents

    from reports.donor import pdf

    with translation.override(data.language):
        styles = pdf.Styles()
        story = pdf.donor_report_story(data, styles)
        if not toc:
            story = [flowable for flowable in story if not isinstance(flowable, TableOfContents)]

        class Plain(BaseDocTemplate):
            def afterFlowable(self, flowable: Any) -> None:
                if isinstance(flowable, pdf.Heading):
                    self.notify("TOCEntry", (flowable.toc_level, flowable.toc_text, self.page))

        buffer = io.BytesIO()
        doc = Plain(buffer, pagesize=A4, invariant=1, initialFontName=pdf.FONT)
        body = Frame(pdf.MARGIN, pdf.MARGIN + 6 * mm, pdf.WIDTH, A4[1] - 2 * pdf.MARGIN - 12 * mm, id="body")
        cover = Frame(pdf.MARGIN, pdf.MARGIN, pdf.WIDTH, A4[1] - 2 * pdf.MARGIN, id="cover")
        doc.addPageTemplates([PageTemplate(id="cover", frames=[cover]), PageTemplate(id="body", frames=[body])])
        began = time.perf_counter()
        if toc:
            doc.multiBuild(story)
        else:
            doc.build(story)
        return time.perf_counter() - began


def measure(scale: int, repeat: int, seed: int) -> dict[str, Any]:
    import io

    import django
    import pypdf

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.donor import pdf
    from reports.models import Grant

    seed_seconds = seed_demo(scale, seed)
    pdf.register_fonts()

    grants = []
    for grant in Grant.objects.select_related("donor").order_by("code"):
        period, data = _heaviest_period(grant)
        document = pdf.build_donor_report(data)  # warm: fonts parsed, translations loaded
        selector, build, total, base, single = [], [], [], [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                data = _generate(grant, period)
                between = time.perf_counter()
                document = pdf.build_donor_report(data)
                ended = time.perf_counter()
            selector.append(between - began)
            build.append(ended - between)
            total.append(ended - began)
            base.append(baseline(data, toc=True))
            single.append(baseline(data, toc=False))
        pages = len(pypdf.PdfReader(io.BytesIO(document)).pages)
        build_ms, base_ms = median_ms(build), median_ms(base)
        grants.append(
            {
                "grant": grant.code,
                "period": f"{period[0].isoformat()}:{period[1].isoformat()}",
                "indicators": len(data.indicators),
                "activities": len(data.activities),
                "roundtables": len(data.roundtables),
                "trainings": len(data.trainings),
                "candidate_stages": len(data.candidates_by_stage),
                "pages": pages,
                "pdf_kb": round(len(document) / 1024, 1),
                "queries": len(captured.captured_queries),
                "selector_ms": median_ms(selector),
                "build_ms": build_ms,
                "total_ms": median_ms(total),
                "baseline_ms": base_ms,
                "baseline_single_pass_ms": median_ms(single),
                # Each build is paired with the baseline run right after it (the machine's load hits both).
                "build_over_baseline": round(statistics.median(b / a for b, a in zip(build, base, strict=True)), 2),
            }
        )
    return {"scale": scale, "database": database_name(), "seed_seconds": seed_seconds, "grants": grants}


def memory(code: str, period: str) -> dict[str, Any]:
    """One generation in a fresh process: tracemalloc's peak during it, and the process's maximum RSS."""
    import django

    django.setup()
    from reports.donor import pdf
    from reports.models import Grant

    grant = Grant.objects.select_related("donor").get(code=code)
    start, end = (date.fromisoformat(part) for part in period.split(":"))
    tracemalloc.start()
    began = time.perf_counter()
    document = pdf.build_donor_report(_generate(grant, (start, end)))
    elapsed = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "grant": code,
        "period": period,
        "first_generation_ms_under_tracemalloc": round(elapsed * 1000, 1),
        "pdf_kb": round(len(document) / 1024, 1),
        "tracemalloc_peak_mb": round(peak / 2**20, 1),
        "max_rss_mb": round(max_rss_kb / 1024, 1),
    }


if __name__ == "__main__":
    main()
