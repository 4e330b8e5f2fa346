"""Run every benchmark script in bench/ (each prints JSON) and print their results as one JSON document.

    python bench/run.py            # what `make bench` runs
    python bench/run.py dashboards # only bench/dashboards.py
    python bench/run.py donor_report  # only the donor report generation (bench/donor_report.py)

Arguments after `--` go to every script (e.g. `-- --repeat 3`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# This runner and the helpers the benchmarks share.
NOT_BENCHMARKS = {"run.py", "common.py", "__init__.py"}


def scripts(chosen: list[str]) -> list[Path]:
    found = sorted(path for path in HERE.glob("*.py") if path.name not in NOT_BENCHMARKS)
    if chosen:
        found = [path for path in found if path.stem in chosen]
        missing = set(chosen) - {path.stem for path in found}
        if missing:
            raise SystemExit(f"No benchmark named {', '.join(sorted(missing))} in {HERE.name}/.")
    return found


def main(argv: list[str]) -> int:
    names, extra = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    report: dict[str, object] = {}
    failed = False
    for script in scripts(names):
        started = time.monotonic()
        print(f"Running {script.name}...", file=sys.stderr)
        completed = subprocess.run(
            [sys.executable, str(script), *extra], capture_output=True, text=True, cwd=HERE.parent, check=False
        )
        if completed.returncode != 0:
            failed = True
            report[script.stem] = {"error": completed.stderr.strip()[-4000:]}
        else:
            report[script.stem] = json.loads(completed.stdout)
        print(f"  {script.name}: {time.monotonic() - started:.0f} s", file=sys.stderr)
    print(json.dumps(report, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
