"""Load benchmark: the app under gunicorn on PostgreSQL, mixed traffic from locust, a bare view as the ceiling.

It creates a fresh PostgreSQL database beside the one DATABASE_URL names (`<name>_bench_load`;
postgres://postgres@127.0.0.1:5432/hotline_bench_load when DATABASE_URL is not PostgreSQL),
migrates it, runs `seed_demo --scale N`, collects the static files into a temporary folder, and
starts gunicorn on a free loopback port with the production settings (HTTP on loopback:
DJANGO_SECURE_SSL_REDIRECT and DJANGO_SECURE_COOKIES off; BENCH_BARE_VIEW on) and the shared
cache in Redis (REDIS_URL, default redis://127.0.0.1:6379/0, under a key prefix of its own,
removed at the end), or the database cache with --no-redis.

Then locust (bench/loadtest/locustfile.py) runs headless:

1. the mixed run, every group at once: anonymous visitors on the cached public pages (home, news
   index, where to report, facts), on the cached directory alone, and on pages that miss the page
   cache on every request (an article, the home page, facts, where to report: the server runs with
   BENCH_PAGE_CACHE_MISS, and these requests carry `X-Bench-Cache: miss`), signed-in hotline portal
   users on their checklist (20, each clicking every 0.5-1.5 s), network staff with TOTP two-factor
   on the dashboards, and users of the bare view (an empty Django view behind the same middleware).
   The anonymous groups request without pause, one user each by default, so their throughputs
   compare request costs on the same server at the same time (the targets are checked on this run);
2. the ceiling runs: the bare view and each anonymous group alone, with as many users as gunicorn
   has workers, for the capacity of the server per request kind (reported beside the targets as
   `each_alone`).

The first seconds of every run (sign-ins, first requests) are not timed; errors are counted over
the whole run. The result is one JSON document on stdout with the targets checked:

    python bench/load.py [--scale 1000] [--seconds 60] [--ceiling-seconds 20]
    python bench/load.py --scale 50 --seconds 15 --ceiling-seconds 5    # a trial run
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import POSTGRES, ROOT, machine, postgres_database

LOCUSTFILE = Path(__file__).resolve().parent / "loadtest" / "locustfile.py"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/hotline_bench_load"
TARGETS = {
    "errors": 0,
    "public_over_bare": 0.60,
    "directory_over_bare": 0.50,
    "article_over_bare": 0.10,
    "home_uncached_over_bare": 0.05,
    "facts_uncached_over_bare": 0.05,
    "directory_uncached_over_bare": 0.05,
    "portal_p95_ms": 150.0,
}
# Group names, as the locustfile names its requests; environment variable suffixes for user counts.
PUBLIC, DIRECTORY, ARTICLE, HOME_MISS, FACTS_MISS, DIRECTORY_MISS, PORTAL, DASHBOARDS, BARE, SIGN_IN = (
    "public pages (cached)",
    "where to report (cached)",
    "article page (uncached)",
    "home (uncached)",
    "facts (uncached)",
    "where to report (uncached)",
    "portal checklist",
    "staff dashboards",
    "bare view",
    "sign-in",
)
USER_VARIABLES = {
    PUBLIC: "PUBLIC",
    DIRECTORY: "DIRECTORY",
    ARTICLE: "ARTICLE",
    HOME_MISS: "HOME_MISS",
    FACTS_MISS: "FACTS_MISS",
    DIRECTORY_MISS: "DIRECTORY_MISS",
    PORTAL: "PORTAL",
    DASHBOARDS: "STAFF",
    BARE: "BARE",
}
# Each ratio target: the group's throughput over the bare view's in the same run.
RATIO_TARGETS = (
    ("public_over_bare", PUBLIC),
    ("directory_over_bare", DIRECTORY),
    ("article_over_bare", ARTICLE),
    ("home_uncached_over_bare", HOME_MISS),
    ("facts_uncached_over_bare", FACTS_MISS),
    ("directory_uncached_over_bare", DIRECTORY_MISS),
)
ANONYMOUS_GROUPS = tuple(group for _key, group in RATIO_TARGETS)


# -- Database, server ---------------------------------------------------------------------------------
def _database(base_url: str, *, reuse: bool) -> tuple[str, Any]:
    """A fresh PostgreSQL database beside the one `base_url` names (`<name>_bench_load`, or
    DEFAULT_DATABASE when `base_url` is not PostgreSQL); with `reuse`, kept as it is (seed_demo then
    does nothing) and not dropped at the end."""
    if not base_url.startswith(POSTGRES):
        return postgres_database(DEFAULT_DATABASE, DEFAULT_DATABASE.rsplit("/", 1)[1], reuse=reuse)
    name = (base_url.rsplit("/", 1)[1].split("?")[0] or "hotline") + "_bench_load"
    return postgres_database(base_url, name, reuse=reuse)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, *, timeout: float = 30) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback URL we built)
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def _wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{log.read_text()[-4000:]}")
        try:
            if _get(f"{base}/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer /healthz within 60 s:\n{log.read_text()[-4000:]}")


def _memory(master: int) -> dict[str, Any]:
    """Memory of gunicorn's master and of each worker (its children), from /proc (Linux): resident size
    (RSS) and proportional size (PSS: pages shared by several processes, such as the application the
    master preloaded before forking, are split between them), in MB."""

    def rollup(pid: int) -> dict[str, float]:
        values: dict[str, float] = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty"):
                values[name.lower()] = round(int(rest.split()[0]) / 1024, 1)
        return values

    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            workers.append(int(stat.parent.name))
    try:
        per_worker = [rollup(pid) for pid in sorted(workers)]
        master_memory = rollup(master)
    except OSError as exc:  # not Linux, or a process ended meanwhile
        return {"error": repr(exc)}
    return {
        "master": master_memory,
        "workers": per_worker,
        "worker_rss_mb_max": max((w["rss"] for w in per_worker), default=None),
        "worker_pss_mb_max": max((w["pss"] for w in per_worker), default=None),
        "total_pss_mb": round(master_memory["pss"] + sum(w["pss"] for w in per_worker), 1),
    }


def _manage(env: dict[str, str], *args: str) -> None:
    completed = subprocess.run(
        [sys.executable, "manage.py", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{completed.stderr[-4000:]}")


def _redis_cleanup(url: str, prefix: str) -> int:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
    return len(keys)


def _redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


# -- Locust runs ----------------------------------------------------------------------------------------
def _locust(
    *, base: str, plan: Path, folder: Path, label: str, users: dict[str, int], seconds: int, warmup: int
) -> dict[str, Any]:
    out = folder / f"samples-{label}.json"
    env = {
        **os.environ,
        "BENCH_LOAD_PLAN": str(plan),
        "BENCH_LOAD_OUT": str(out),
        "BENCH_LOAD_WARMUP": str(warmup),
        "BENCH_LOAD_SECONDS": str(seconds),
        **{f"BENCH_USERS_{USER_VARIABLES[group]}": str(users.get(group, 0)) for group in USER_VARIABLES},
    }
    total = sum(users.values())
    loads = [os.getloadavg()[0]]
    completed = subprocess.run(
        [
            *(sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary"),
            *("--host", base, "-u", str(total), "-r", str(total), "-t", f"{warmup + seconds + 120}s"),
            *("--stop-timeout", "10", "--loglevel", "WARNING"),
        ],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    loads.append(os.getloadavg()[0])
    if not out.exists():
        raise SystemExit(f"locust ({label}) wrote no samples:\n{completed.stderr[-4000:]}")
    raw = json.loads(out.read_text())
    if not raw["measured_seconds"]:
        # Some user never started (a sign-in that raised): the timed window never opened.
        raise SystemExit(f"locust ({label}): not every user started, nothing was timed:\n{completed.stderr[-4000:]}")
    groups = {}
    for group, samples in raw["samples_ms"].items():
        groups[group] = _summary(samples, raw["measured_seconds"]) | {
            "users": users.get(group),
            "mean_kb": round(raw["bytes"].get(group, 0) / len(samples) / 1024, 1),
        }
    for group, failed in raw["failures"].items():
        groups.setdefault(group, {"requests": 0})["failures"] = failed
    for figures in groups.values():
        figures.setdefault("failures", 0)
    return {
        "users": {group: count for group, count in users.items() if count},
        "seconds_measured": round(raw["measured_seconds"], 1),
        "seconds_warmup": warmup,
        "load_average_1min_before_after": [round(value, 2) for value in loads],
        "groups": groups,
        "page_cache_headers": raw["page_cache"],
        "failure_examples": raw["failure_examples"],
    }


def _percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted samples."""
    index = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return round(ordered[index], 1)


def _summary(samples: list[float], seconds: float) -> dict[str, Any]:
    ordered = sorted(samples)
    return {
        "requests": len(ordered),
        "throughput_rps": round(len(ordered) / seconds, 1),
        "p50_ms": _percentile(ordered, 0.50),
        "p95_ms": _percentile(ordered, 0.95),
        "p99_ms": _percentile(ordered, 0.99),
        "max_ms": round(ordered[-1], 1),
    }


def check_targets(mixed: dict[str, Any], ceilings: dict[str, Any]) -> dict[str, Any]:
    def rps(run: dict[str, Any], group: str) -> float:
        return run["groups"].get(group, {}).get("throughput_rps", 0.0)

    def ratio(run: dict[str, Any], group: str) -> float | None:
        bare = rps(run, BARE)
        return round(rps(run, group) / bare, 3) if bare else None

    errors = sum(figures["failures"] for run in [mixed, *ceilings.values()] for figures in run["groups"].values())
    checks: dict[str, Any] = {
        "errors": {"value": errors, "met": errors <= TARGETS["errors"]},
        "portal_p95_ms": {
            "value": mixed["groups"].get(PORTAL, {}).get("p95_ms"),
            "met": mixed["groups"].get(PORTAL, {}).get("p95_ms", float("inf")) <= TARGETS["portal_p95_ms"],
        },
    }
    for key, group in RATIO_TARGETS:
        in_mixed = ratio(mixed, group)
        alone = None
        if ceilings:
            bare_alone = rps(ceilings.get(BARE, {"groups": {}}), BARE)
            group_alone = rps(ceilings.get(group, {"groups": {}}), group)
            alone = round(group_alone / bare_alone, 3) if bare_alone else None
        # The target is the issue's: against the bare view's throughput in the same (mixed) run.
        # The ratio of the runs alone (capacity for each kind of request) is reported beside it.
        checks[key] = {
            "mixed_run": in_mixed,
            "met": in_mixed is not None and in_mixed >= TARGETS[key],
            "each_alone": alone,
            "met_alone": None if alone is None else alone >= TARGETS[key],
        }
    return {"limits": TARGETS, "met": all(check["met"] for check in checks.values()), "checks": checks}


# -- Parent ---------------------------------------------------------------------------------------------
def run(options: argparse.Namespace) -> dict[str, Any]:
    started = time.monotonic()
    redis_url = "" if options.no_redis else os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if redis_url and not _redis_reachable(redis_url):
        print(f"Redis at {redis_url} does not answer: using the database cache.", file=sys.stderr)
        redis_url = ""
    prefix = f"hotline-bench-load-{secrets.token_hex(4)}"
    database_url, drop = _database(os.environ.get("DATABASE_URL", ""), reuse=options.reuse_database)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as name:
        folder = Path(name)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "60",
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": prefix,
            "DJANGO_STATIC_ROOT": str(folder / "static"),
            "DJANGO_MEDIA_ROOT": str(folder / "media"),
            "DJANGO_PRIVATE_ROOT": str(folder / "private"),
            "EMAIL_BACKEND_PATH": "django.core.mail.backends.dummy.EmailBackend",
            "BENCH_BARE_VIEW": "true",
            "BENCH_PAGE_CACHE_MISS": "true",
        }
        server: subprocess.Popen[bytes] | None = None
        try:
            step = time.monotonic()
            _manage(env, "migrate", "--noinput")
            if not redis_url:
                _manage(env, "createcachetable")
            _manage(env, "seed_demo", "--scale", str(options.scale), "--seed", str(options.seed), "--force")
            seed_seconds = round(time.monotonic() - step, 1)
            _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
            plan = folder / "plan.json"
            completed = subprocess.run(
                [sys.executable, __file__, "--prepare", str(plan), "--staff-users", str(options.staff_users)],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            if completed.returncode != 0:
                raise SystemExit(f"Preparing the plan failed:\n{completed.stderr[-4000:]}")

            port = _free_port()
            base = f"http://127.0.0.1:{port}"
            log = folder / "gunicorn.log"
            with log.open("wb") as log_file:
                server = subprocess.Popen(
                    [
                        *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
                        *("--bind", f"127.0.0.1:{port}", "--workers", str(options.workers)),
                        *("--worker-class", "sync", "--timeout", "60", "--log-level", "warning"),
                    ],
                    env=env,
                    cwd=ROOT,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                )
            _wait_until_up(base, server, log)
            # Fill the page cache and load every worker's code before anything is timed.
            paths = json.loads(plan.read_text())
            for path in [*paths["public"].values(), paths["article"], "/_bench/bare"] * (options.workers + 1):
                status, _headers = _get(base + path)
                if status != 200:
                    raise SystemExit(f"{path} answered {status} before the run.")

            anonymous = options.anonymous_users
            mixed = _locust(
                base=base,
                plan=plan,
                folder=folder,
                label="mixed",
                users={
                    **dict.fromkeys(ANONYMOUS_GROUPS, anonymous),
                    BARE: anonymous,
                    PORTAL: options.portal_users,
                    DASHBOARDS: options.staff_users,
                },
                seconds=options.seconds,
                warmup=options.warmup,
            )
            memory = {"after_mixed_run": _memory(server.pid)}
            ceilings: dict[str, Any] = {}
            if options.ceiling_seconds:
                for group in (BARE, *ANONYMOUS_GROUPS):
                    ceilings[group] = _locust(
                        base=base,
                        plan=plan,
                        folder=folder,
                        label=USER_VARIABLES[group].lower(),
                        users={group: options.workers},
                        seconds=options.ceiling_seconds,
                        warmup=3,
                    )
            memory["after_ceiling_runs"] = _memory(server.pid)
            server_log = log.read_text()
        finally:
            if server is not None and server.poll() is None:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
            drop()
            if redis_url:
                _redis_cleanup(redis_url, prefix)
    return {
        "benchmark": "load",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "scale": options.scale,
        "seed_seconds": seed_seconds,
        "server": {
            "gunicorn_workers": options.workers,
            "worker_class": "sync",
            "settings": "config.settings.production",
            "cache": "Redis" if redis_url else "database",
            "database": "PostgreSQL on 127.0.0.1",
            "tracebacks_in_log": server_log.count("Traceback"),
            # The server's own account of any error (the log is in a folder removed at the end).
            "log_tail": server_log[-6000:] if "Traceback" in server_log else "",
            # Per worker after warm-up (every kind of page served), with the application preloaded.
            "memory": memory,
        },
        "plan": paths,
        "mixed": mixed,
        "ceilings": ceilings,
        "targets": check_targets(mixed, ceilings),
        "seconds": round(time.monotonic() - started, 1),
    }


# -- Child: the plan (URLs and accounts of the seeded database) ------------------------------------------------
def prepare(plan_path: Path, staff_users: int) -> None:
    """Write the URLs the traffic requests, and give the staff accounts TOTP authenticators.

    Staff must pass the two-factor step (ACCOUNTS_REQUIRE_STAFF_MFA, on in production); each
    simulated staff user gets an account of its own, because a TOTP code is accepted once per
    account. Only in the benchmark's own database."""
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.urls import reverse
    from wagtail.models import Site

    from accounts.models import User
    from cms.models import ArticleIndexPage, ArticlePage, FactsPage, HomePage, HotlineDirectoryPage
    from onboarding import selectors
    from reports.dashboards import DASHBOARDS

    password = os.environ.get("DEMO_PASSWORD") or "hotline-demo-2026"
    site = Site.objects.get(is_default_site=True)

    def url(model: Any) -> str:
        page = model.objects.live().filter(locale__language_code="en").order_by("path").first()
        if page is None:
            raise SystemExit(f"No live English {model.__name__} in the demo data.")
        return page.relative_url(site)

    portal = []
    for email in ("candidate@example.org", "candidate2@example.org"):
        user = User.objects.get(email=email)
        hotlines = [
            hotline
            for hotline in selectors.portal_candidates(user=user)
            if selectors.checklist_overview(user=user, hotline=hotline) is not None
        ]
        if not hotlines:
            raise SystemExit(f"{email} has no checklist in the demo data.")
        portal.append({"email": email, "checklist": reverse("portal:onboarding_checklist", args=[hotlines[0].pk])})

    staff = User.objects.get(email="staff@example.org")
    accounts = []
    for number in range(1, staff_users + 1):
        email = "staff@example.org" if number == 1 else f"staff{number}.bench@example.org"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=password,
                first_name=staff.first_name,
                last_name=f"{staff.last_name} {number}",
                is_staff=True,
            )
            user.groups.set(staff.groups.all())
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        Authenticator.objects.filter(user=user).delete()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        accounts.append({"email": user.email, "totp_secret": secret})

    plan = {
        "password": password,
        "public": {
            "home": url(HomePage),
            "article_index": url(ArticleIndexPage),
            "where_to_report": url(HotlineDirectoryPage),
            "facts": url(FactsPage),
        },
        "article": url(ArticlePage),
        "portal": portal,
        "staff": accounts,
        "dashboards": [f"/admin/dashboards/{dashboard.slug}/" for dashboard in DASHBOARDS],
    }
    plan_path.write_text(json.dumps(plan, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1000, help="Hotlines seeded (seed_demo --scale).")
    parser.add_argument("--seconds", type=int, default=60, help="Timed length of the mixed run.")
    parser.add_argument("--warmup", type=int, default=5, help="Untimed seconds after every user has signed in.")
    parser.add_argument("--ceiling-seconds", type=int, default=20, help="Timed length of each run alone (0: none).")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers.")
    parser.add_argument("--portal-users", type=int, default=20)
    parser.add_argument("--staff-users", type=int, default=2)
    parser.add_argument("--anonymous-users", type=int, default=1, help="Users of each anonymous group, no pause.")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--no-redis", action="store_true", help="Use the database cache instead of Redis.")
    parser.add_argument(
        "--reuse-database", action="store_true", help="Keep the database for the next run, and reuse a kept one."
    )
    parser.add_argument("--prepare", type=Path, default=None, help=argparse.SUPPRESS)
    # bench/run.py passes the arguments after `--` to every script: leave the other scripts' alone.
    options, ignored = parser.parse_known_args()
    if ignored:
        print(f"load.py ignores {' '.join(ignored)}", file=sys.stderr)
    if options.prepare is not None:
        prepare(options.prepare, options.staff_users)
        return
    print(json.dumps(run(options), indent=2))


if __name__ == "__main__":
    main()
