"""The traffic of bench/load.py: who requests what, run by locust (`locust -f this --headless ...`).

Not run on its own: bench/load.py seeds the database, writes the plan (the URLs and accounts of that
database) and passes it through the environment:

- BENCH_LOAD_PLAN: path of the plan (JSON, written by `load.py --prepare`);
- BENCH_LOAD_OUT: where to write the recorded samples (JSON) when the run stops;
- BENCH_LOAD_SECONDS: how long the timed window lasts;
- BENCH_LOAD_WARMUP: seconds between the moment every user has started (signed in) and the
  timed window, so sign-ins and the first requests are not timed;
- BENCH_USERS_<GROUP>: how many simulated users of each group (0 leaves the group out).

The run stops itself at the end of the timed window (locust's own time limit is only a bound).
Each group names its requests after itself, so the figures are per group. Errors are counted
over the whole run, sign-ins included.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import time
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, HttpUser, between, constant, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text(encoding="utf-8"))
WARMUP = float(os.environ.get("BENCH_LOAD_WARMUP", "5"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))

PUBLIC = "public pages (cached)"
DIRECTORY = "where to report (cached)"
ARTICLE = "article page (uncached)"
HOME_MISS = "home (uncached)"
FACTS_MISS = "facts (uncached)"
DIRECTORY_MISS = "where to report (uncached)"
# Requests that must miss the page cache say so (the server runs with BENCH_PAGE_CACHE_MISS on): the
# page is rendered and stored as for the first visitor after a publish or a data change.
MISS = {"X-Bench-Cache": "miss"}
PORTAL = "portal checklist"
DASHBOARDS = "staff dashboards"
BARE = "bare view"
SIGN_IN = "sign-in"

_samples: dict[str, list[float]] = {}
_failures: dict[str, int] = {}
_bytes: dict[str, int] = {}
_failure_examples: list[str] = []
_cache_headers: dict[str, int] = {}
_window: dict[str, float] = {}
_started_users: list[str] = []


def _users(group: str, default: int) -> int:
    return int(os.environ.get(f"BENCH_USERS_{group}", default))


def _user_started(environment: Any) -> None:
    """Once every user has started, open the timed window after the warm-up, then stop the run."""
    _started_users.append("")
    expected = sum(cls.fixed_count for cls in _USER_CLASSES if not cls.abstract)
    if len(_started_users) != expected:
        return
    _window["start"] = time.monotonic() + WARMUP
    _window["end"] = _window["start"] + SECONDS

    def stop() -> None:
        gevent.sleep(WARMUP + SECONDS)
        environment.runner.quit()

    gevent.spawn(stop)


@events.request.add_listener
def _record(
    name: str, response_time: float, response_length: int, exception: BaseException | None, **kwargs: Any
) -> None:
    now = time.monotonic()
    if exception is not None:
        _failures[name] = _failures.get(name, 0) + 1
        if len(_failure_examples) < 10:
            _failure_examples.append(f"{name}: {exception}")
        return
    if "start" not in _window or not _window["start"] <= now <= _window["end"]:
        return
    _samples.setdefault(name, []).append(response_time)
    _bytes[name] = _bytes.get(name, 0) + (response_length or 0)


@events.quitting.add_listener
def _write(**kwargs: Any) -> None:
    start, end = _window.get("start", 0.0), _window.get("end", 0.0)
    measured = max(min(time.monotonic(), end) - start, 0.0)
    with open(os.environ["BENCH_LOAD_OUT"], "w", encoding="utf-8") as out:
        json.dump(
            {
                "measured_seconds": measured,
                "samples_ms": _samples,
                "bytes": _bytes,
                "failures": _failures,
                "failure_examples": _failure_examples,
                "page_cache": _cache_headers,
            },
            out,
        )


def _csrf_token(client: Any) -> str:
    return client.cookies.get("csrftoken", "")


def _sign_in(user: HttpUser, email: str, *, totp_secret: str | None = None) -> None:
    """allauth's sign-in form, then (staff) its two-factor step with a code computed from the secret."""
    client = user.client
    client.get("/accounts/login/", name=SIGN_IN)
    with client.post(
        "/accounts/login/",
        data={"login": email, "password": PLAN["password"], "csrfmiddlewaretoken": _csrf_token(client)},
        headers={"Referer": user.host + "/accounts/login/"},
        name=SIGN_IN,
        allow_redirects=False,
        catch_response=True,
    ) as response:
        if response.status_code != 302:
            response.failure(f"sign-in of {email} answered {response.status_code}")
            return
        target = response.headers["Location"]
    if totp_secret is None:
        return
    if "/2fa/authenticate" not in target:
        raise RuntimeError(f"expected the two-factor step after signing in {email}, got {target}")
    client.get(target, name=SIGN_IN)
    with client.post(
        target,
        data={"code": _totp(totp_secret), "csrfmiddlewaretoken": _csrf_token(client)},
        name=SIGN_IN,
        allow_redirects=False,
        catch_response=True,
    ) as response:
        if response.status_code != 302 or "/2fa/" in response.headers.get("Location", ""):
            response.failure(f"two-factor step of {email} answered {response.status_code}")


def _totp(secret: str) -> str:
    """The current six-digit TOTP code (RFC 6238, 30-second steps, SHA-1), as an authenticator app shows."""
    step = (int(time.time()) // 30).to_bytes(8, "big")
    raw = hmac.new(base64.b32decode(secret, casefold=True), step, hashlib.sha1).digest()
    offset = raw[-1] & 0x0F
    return f"{(int.from_bytes(raw[offset : offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


def _expect(response: Any, *, cache: str | None = None) -> None:
    seen = response.headers.get("X-Page-Cache", "none")
    _cache_headers[f"{response.request_meta['name']}: {seen}"] = (
        _cache_headers.get(f"{response.request_meta['name']}: {seen}", 0) + 1
    )
    if response.status_code != 200:
        response.failure(f"{response.status_code} for {response.request_meta['name']}")
    elif cache is not None and seen != cache:
        response.failure(f"page cache {seen}, expected {cache}")
    else:
        response.success()


class PublicVisitor(FastHttpUser):
    """Anonymous visitors on the cached public pages (home, news index, where to report, facts)."""

    fixed_count = _users("PUBLIC", 2)
    wait_time = constant(0)

    def on_start(self) -> None:
        paths = list(PLAN["public"].values())
        self.paths = itertools.cycle(random.sample(paths, len(paths)))
        _user_started(self.environment)

    @task
    def page(self) -> None:
        with self.client.get(next(self.paths), name=PUBLIC, catch_response=True) as response:
            _expect(response)


class OnePageVisitor(FastHttpUser):
    """An anonymous visitor requesting one page without pause, from the cache or missing it."""

    abstract = True
    wait_time = constant(0)
    group = ""
    plan_key = ""
    miss = False

    def on_start(self) -> None:
        plan = PLAN["public"] | {"article": PLAN["article"]}
        self.path = plan[self.plan_key]
        _user_started(self.environment)

    @task
    def page(self) -> None:
        headers = MISS if self.miss else {}
        with self.client.get(self.path, headers=headers, name=self.group, catch_response=True) as response:
            _expect(response, cache="miss" if self.miss else "hit")


class CachedDirectoryVisitor(OnePageVisitor):
    """Where to report, from the page cache (the largest public page)."""

    fixed_count = _users("DIRECTORY", 1)
    group, plan_key = DIRECTORY, "where_to_report"


class UncachedArticleVisitor(OnePageVisitor):
    """An article page that misses the page cache every time."""

    fixed_count = _users("ARTICLE", 2)
    group, plan_key, miss = ARTICLE, "article", True


class UncachedHomeVisitor(OnePageVisitor):
    fixed_count = _users("HOME_MISS", 1)
    group, plan_key, miss = HOME_MISS, "home", True


class UncachedFactsVisitor(OnePageVisitor):
    fixed_count = _users("FACTS_MISS", 1)
    group, plan_key, miss = FACTS_MISS, "facts", True


class UncachedDirectoryVisitor(OnePageVisitor):
    fixed_count = _users("DIRECTORY_MISS", 1)
    group, plan_key, miss = DIRECTORY_MISS, "where_to_report", True


class BareViewVisitor(FastHttpUser):
    """The ceiling: an empty Django view behind the same middleware stack."""

    fixed_count = _users("BARE", 2)
    wait_time = constant(0)

    def on_start(self) -> None:
        _user_started(self.environment)

    @task
    def bare(self) -> None:
        with self.client.get("/_bench/bare", name=BARE, catch_response=True) as response:
            _expect(response)


class PortalUser(HttpUser):
    """Signed-in hotline portal users working on their checklist (a click every 0.5-1.5 s)."""

    fixed_count = _users("PORTAL", 20)
    wait_time = between(0.5, 1.5)
    accounts = itertools.cycle(PLAN["portal"])

    def on_start(self) -> None:
        account = next(self.accounts)
        self.checklist = account["checklist"]
        _sign_in(self, account["email"])
        _user_started(self.environment)

    @task
    def checklist(self) -> None:
        with self.client.get(self.checklist, name=PORTAL, allow_redirects=False, catch_response=True) as response:
            _expect(response)


class StaffUser(HttpUser):
    """Network staff (TOTP two-factor) moving between the dashboards (a click every 1-3 s)."""

    fixed_count = _users("STAFF", 2)
    wait_time = between(1, 3)
    accounts = itertools.cycle(PLAN["staff"])

    def on_start(self) -> None:
        account = next(self.accounts)
        _sign_in(self, account["email"], totp_secret=account["totp_secret"])
        _user_started(self.environment)

    @task
    def dashboard(self) -> None:
        path = random.choice(PLAN["dashboards"])
        with self.client.get(path, name=DASHBOARDS, allow_redirects=False, catch_response=True) as response:
            _expect(response)


# Groups left out with BENCH_USERS_<GROUP>=0 are made abstract, so locust does not spawn them.
_USER_CLASSES = (
    PublicVisitor,
    CachedDirectoryVisitor,
    UncachedArticleVisitor,
    UncachedHomeVisitor,
    UncachedFactsVisitor,
    UncachedDirectoryVisitor,
    BareViewVisitor,
    PortalUser,
    StaffUser,
)
for _user_class in _USER_CLASSES:
    if _user_class.fixed_count == 0:
        _user_class.abstract = True
del _user_class
