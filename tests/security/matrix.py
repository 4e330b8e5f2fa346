"""The access matrix machinery: walk the resolver, fill each route's parameters from the world,
request it as every role, and judge the answer against the policy (tests/security/policy.py)."""

from __future__ import annotations

import copy
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.security import policy
from tests.security.policy import STAFF_ROLES, Coarse, Rule, Variant
from tests.security.world import ROLES, World

# Modules whose views are ours: each of their routes needs its own policy entry.
OUR_MODULES = ("accounts.", "network.", "onboarding.", "reports.", "cms.", "core.", "config.")
# Tables a refused request may still write: the session (idle-time stamp, messages) and allauth's
# record of the user's sessions.
BOOKKEEPING_TABLES = {"django_session", "usersessions_usersession"}
# Paths for routes without a name (and without parameters to reverse).
UNNAMED_PATHS = {
    "[admin/login/]": "/admin/login/",
    "[admin/password_reset/]": "/admin/password_reset/",
    "[admin/test404/]": "/admin/test404/",
    "[admin/^.*/$]": "/admin/no-such-admin-page/",
    "[_util/login/]": "/_util/login/",
}


@dataclass(frozen=True)
class Route:
    key: str
    name: str | None
    route: str
    pattern: URLPattern

    @property
    def module(self) -> str:
        callback = self.pattern.callback
        return getattr(callback, "__module__", "") or ""

    @property
    def ours(self) -> bool:
        return self.module.startswith(OUR_MODULES)

    def parameters(self) -> tuple[list[str], int]:
        """Named parameters (all along the route) and the number of positional ones."""
        names: list[str] = []
        positional = 0
        for part in self._patterns:
            if isinstance(part, RoutePattern):
                names.extend(part.converters)
            elif isinstance(part, RegexPattern):
                names.extend(part.regex.groupindex)
                positional += part.regex.groups - len(part.regex.groupindex)
        return names, positional

    @property
    def _patterns(self) -> list[Any]:
        return [*self.pattern_chain]

    pattern_chain: tuple[Any, ...] = ()


def walk_routes() -> list[Route]:
    """Every URL pattern of the project, by walking the resolver recursively."""
    found: list[tuple[str | None, str, URLPattern, tuple[Any, ...]]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str | None, chain: tuple[Any, ...]) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner, (*chain, entry.pattern))
            else:
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                found.append((name, prefix + str(entry.pattern), entry, (*chain, entry.pattern)))

    walk(get_resolver().url_patterns, "", None, ())
    counts: dict[str | None, int] = {}
    for name, *_rest in found:
        counts[name] = counts.get(name, 0) + 1
    routes = []
    for name, route, pattern, chain in found:
        if name is None:
            key = f"[{route}]"
        elif counts[name] > 1:
            key = f"{name} [{route}]"
        else:
            key = name
        routes.append(Route(key=key, name=name, route=route, pattern=pattern, pattern_chain=chain))
    return routes


def hits(path: str, route: Route) -> bool:
    """True when `path` reaches this very pattern (not an earlier one with the same route)."""
    match = resolve(path.split("?")[0])
    return match.func is route.pattern.callback and match.url_name == route.pattern.name


# -- which rule applies ---------------------------------------------------------------------------------
def explicit_rule(route: Route) -> Rule | None:
    return policy.POLICY.get(route.key) or (policy.POLICY.get(route.name) if route.name else None)


def rule_for(route: Route) -> Rule | Coarse | None:
    explicit = explicit_rule(route)
    if explicit is not None:
        return explicit
    if route.ours:
        return None  # our views each need an entry of their own
    return policy.coarse_rule(route.key)


# -- filling parameters -----------------------------------------------------------------------------
def variant_path(route: Route, variant: Variant, world: World) -> str:
    if variant.path is not None:
        path = variant.path(world)
    elif route.key in UNNAMED_PATHS:
        path = UNNAMED_PATHS[route.key]
    else:
        path = reverse(route.name, args=variant.positional(world) or None, kwargs=variant.kwargs(world) or None)
    return path + variant.query_string(world)


def coarse_variant(route: Route, world: World, coarse: Coarse) -> Variant:
    """Wagtail core routes: one variant, parameters from `policy.core_params` / `core_param`."""
    names, positional = route.parameters()
    given = policy.core_params(world)
    explicit = given.get(route.key) or given.get(route.name or "") or {}
    params = {name: explicit[name] if name in explicit else policy.core_param(world, route.key, name) for name in names}
    args = tuple(policy.lit(policy.core_param(world, route.key, "pk")) for _ in range(positional))
    return Variant("", coarse.allow, {name: policy.lit(value) for name, value in params.items()}, args=args)


# -- requests ---------------------------------------------------------------------------------------------
@dataclass
class Answer:
    status: int
    location: str
    text: str
    writes: list[str] = field(default_factory=list)


WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[`"]?(\w+)', re.IGNORECASE)


class Clients:
    """One signed-in client per role (every role, or those given); each request starts from the
    role's original cookies."""

    def __init__(self, world: World, roles: tuple[str, ...] = ROLES) -> None:
        self.clients: dict[str, Client] = {}
        self.cookies: dict[str, Any] = {}
        for role in roles:
            client = Client(raise_request_exception=False)
            if role != "anonymous":
                client.force_login(world.users[role])
            self.clients[role] = client
            self.cookies[role] = copy.deepcopy(client.cookies)

    def client(self, role: str) -> Client:
        """The role's client, with the cookies it had when it signed in."""
        client = self.clients[role]
        client.cookies = copy.deepcopy(self.cookies[role])
        return client

    def request(self, role: str, method: str, path: str) -> Answer:
        client = self.client(role)
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            response = client.post(path) if method == "POST" else client.get(path)
            try:
                text = response_text(response)
            except Exception as exc:
                text, response.status_code = f"streaming failed: {exc!r}", 500
            transaction.set_rollback(True)
        writes = []
        for query in queries.captured_queries:
            match = WRITE.match(query["sql"])
            if match and match.group(1) not in BOOKKEEPING_TABLES:
                writes.append(match.group(1))
        return Answer(response.status_code, response.get("Location", ""), text, writes)


def response_text(response: HttpResponse) -> str:
    """Everything a user could read in the response, lower-cased: the body (inside XLSX and PDF
    files too) and the headers that carry names (file name, redirect target)."""
    # A stream read to its end closes the response the way the test client does (without closing the
    # database connection, which on PostgreSQL would end the test's transaction).
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    parts = [body]
    if body[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                parts.extend(archive.read(name) for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    if body[:5] == b"%PDF-":
        for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.DOTALL):
            try:
                parts.append(zlib.decompress(stream))
            except zlib.error:
                parts.append(stream)
    parts.append(response.get("Content-Disposition", "").encode())
    parts.append(response.get("Location", "").encode())
    return b"\n".join(parts).decode("utf-8", "replace").lower()


# -- judging -----------------------------------------------------------------------------------------------
def _redirect_path(answer: Answer) -> str:
    return urlsplit(answer.location).path if answer.status in (301, 302, 303, 307) else ""


def to_login(answer: Answer) -> bool:
    # Wagtail's catch-all sends to its own sign-in URL, which redirects to allauth's.
    return _redirect_path(answer) in (reverse("account_login"), "/admin/login/")


def to_admin_home(answer: Answer) -> bool:
    return _redirect_path(answer) == reverse("wagtailadmin_home")


def refused(answer: Answer, role: str) -> bool:
    """A refusal that shows nothing: 403/404/405, sent to sign in, or (staff) Wagtail's redirect to
    the admin home."""
    if answer.status in (403, 404, 405):
        return True
    if to_login(answer):
        return True
    return role in STAFF_ROLES and to_admin_home(answer)


def judge_explicit(rule: Rule, variant: Variant, role: str, method: str, answer: Answer) -> str | None:
    """None when the answer fits the policy, else what is wrong."""
    if role in variant.allow:
        ok = variant.ok or rule.ok
        if method == "GET":
            if answer.status not in ok:
                return f"allowed, expected {sorted(ok)}, got {answer.status} {answer.location}".strip()
            return None
        if answer.status >= 500:
            return f"allowed POST failed: {answer.status}"
        redirect_ok = 302 in ok and answer.status == 302
        if not redirect_ok and refused(answer, role) and answer.status not in (404, 405):
            return f"allowed POST refused: {answer.status} {answer.location}".strip()
        return None
    return judge_refusal(role, answer, anonymous=rule.anonymous)


def judge_refusal(role: str, answer: Answer, *, anonymous: str) -> str | None:
    if answer.status >= 500:
        return f"refused role got a server error {answer.status}"
    if role == "anonymous" and anonymous == "login":
        if not to_login(answer):
            return f"anonymous not sent to sign in: {answer.status} {answer.location}".strip()
    elif not refused(answer, role):
        return f"should be refused, got {answer.status} {answer.location}".strip()
    if answer.writes:
        return f"refused request wrote to {sorted(set(answer.writes))}"
    return None


def judge_coarse(coarse: Coarse, role: str, method: str, answer: Answer) -> str | None:
    if role in coarse.allow:
        if answer.status >= 500:
            return f"server error {answer.status}"
        if coarse.redirect_ok and answer.status == 302:
            return None
        if answer.status == 403 or (role != "anonymous" and to_login(answer)):
            return f"allowed but refused: {answer.status} {answer.location}".strip()
        if role in STAFF_ROLES and to_admin_home(answer) and coarse.allow != policy.EVERYONE:
            return f"allowed but refused: {answer.status} {answer.location}".strip()
        return None
    if role in coarse.maybe:
        return f"server error {answer.status}" if answer.status >= 500 else None
    return judge_refusal(role, answer, anonymous=coarse.anonymous)


def foreign_markers(answer: Answer, role: str, *, public_page: bool, all_markers: set[str]) -> list[str]:
    visible = {m.lower() for m in policy.visible_markers(role, public_page=public_page)}
    return sorted(m for m in all_markers if m.lower() in answer.text and m.lower() not in visible)


@dataclass
class Tally:
    routes: int = 0
    pairs: int = 0
    requests: int = 0
    failures: list[str] = field(default_factory=list)

    def fail(self, route: Route, variant: str, role: str, method: str, problem: str) -> None:
        where = f"{route.key}" + (f" ({variant})" if variant else "")
        self.failures.append(f"{method} {where} as {role}: {problem}")


def iterate(routes: list[Route]) -> Iterator[tuple[Route, Rule | Coarse]]:
    for route in routes:
        found = rule_for(route)
        if found is None or (isinstance(found, Rule) and found.shadowed):
            continue
        yield route, found


def variants_of(route: Route, found: Rule | Coarse, world: World) -> list[Variant]:
    if isinstance(found, Rule):
        return list(found.variants_for(world))
    return [coarse_variant(route, world, found)]


def pages_by_one_role(world: World, *, writes_only: bool = False) -> list[tuple[Route, str, str]]:
    """(route, role, path) for every object variant of our routes, as the first signed-in role the
    policy lets in (the anonymous visitor for public-only variants). Routes whose parameters cannot
    be filled are left out here: the access matrix reports them."""
    found = []
    for route in walk_routes():
        rule = explicit_rule(route)
        if not isinstance(rule, Rule) or rule.shadowed or (writes_only and not rule.writes):
            continue
        for variant in rule.variants_for(world):
            allowed = [role for role in ROLES if role in variant.allow]
            if not allowed:
                continue
            role = next((r for r in allowed if r != "anonymous"), allowed[0])
            try:
                path: str | None = variant_path(route, variant, world)
            except Exception:
                path = None
            if path is not None and hits(path, route):
                found.append((route, role, path))
    return found
