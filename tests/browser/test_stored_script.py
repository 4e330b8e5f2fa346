"""Stored text is always escaped: a script payload written into every free-text field of the
registry, the lifecycle, the dossier, the grants and the users' names never runs.

The security world (the demo network plus two owners of everything) is built, then every free-text
column of our models gets the payload appended. Every page of the project (the access matrix's
routes and object variants, as a role allowed to see each; file downloads aside) is fetched: none
may contain the payload unescaped. The pages that show it (escaped) are then opened in Chromium as
that role: the payload's script never runs, no Content-Security-Policy violation is reported (an
injected script or handler would be blocked and reported), and no dialog opens.
"""

from __future__ import annotations

import html

import pytest
from django.apps import apps
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.test import Client
from wagtail.fields import RichTextField

from tests import migrated
from tests.demo import use_storage
from tests.security.matrix import pages_by_one_role
from tests.security.world import ROLES, world_written

# A long test: handed out early under pytest-xdist (tests/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>"
# The payload's tags as a browser would parse them (unescaped), and as escaped text or JSON.
RAW = ("<script>window.__pwned", "<img src=x onerror=window.__pwned")
SHOWN = (html.escape(PAYLOAD, quote=False)[:40], "\\u003Cscript\\u003Ewindow.__pwned")
APPS = ("accounts", "network", "onboarding", "reports")
# Columns that hold keys, codes the program interprets, or secrets: not free text.
NOT_FREE_TEXT = {
    "password",
    "email",
    "stored_name",
    "token_hash",
    "sha256",
    "pdf_sha256",
    "pdf_name",
    "content_type",
    "task_id",
    "metric_key",
    "currency",
    "generator_version",
    "dedupe_key",
    "original_name",
}
# At most this many pages are opened in the browser (each route once, the rest were checked as HTML).
BROWSER_PAGES = 240


def free_text_fields(model: type[models.Model]) -> list[models.Field]:
    found = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)) or field.primary_key or field.choices:
            continue
        # Rich text is HTML by design, filtered to a whitelist by the editor (and the workbook import).
        if isinstance(field, (models.EmailField, models.URLField, models.SlugField, RichTextField)):
            continue
        if field.name in NOT_FREE_TEXT:
            continue
        if field.max_length is not None and field.max_length < len(PAYLOAD) + 10:
            continue
        found.append(field)
    return found


def poison() -> list[str]:
    """Append the payload to every free-text column of our apps' tables; the columns touched."""
    touched = []
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if not model._meta.managed or model._meta.proxy:
                continue
            for field in free_text_fields(model):
                keep = field.max_length - len(PAYLOAD) if field.max_length else 100_000
                model._base_manager.update(**{field.attname: Concat(Substr(F(field.attname), 1, keep), Value(PAYLOAD))})
                touched.append(f"{model._meta.label}.{field.name}")
    return touched


def is_download(path: str) -> bool:
    """A file download, known from its URL: an export, or a name ending in a file extension."""
    address, _, query = path.partition("?")
    return "export=" in query or address.endswith((".xlsx", ".csv", ".pdf", ".ics"))


def test_a_stored_script_payload_never_runs_anywhere(live_server, browser, settings, tmp_path):
    use_storage(settings, migrated.files_root(tmp_path))
    world = world_written()
    touched = poison()
    assert {"network.Hotline.brand_name", "accounts.User.first_name", "reports.Grant.title"} <= set(touched)

    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(world.users[role])
        clients[role] = client

    unescaped, showing, errors = [], [], []
    # Downloads (spreadsheets, PDFs, calendars) are files, not pages a browser renders: the matrix
    # fetches them; here they would only cost time.
    pages = [(role, path) for _route, role, path in pages_by_one_role(world) if not is_download(path)]
    for role, path in pages:
        response = clients[role].get(path)
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {path} as {role}")
            continue
        if getattr(response, "streaming", False) or "html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode("utf-8", "replace")
        if any(raw in body for raw in RAW):
            unescaped.append(f"{path} as {role}")
        elif any(shown in body for shown in SHOWN):
            showing.append((role, path))
    assert not errors, f"pages that fail with stored markup: {errors}"
    assert not unescaped, f"pages showing stored markup unescaped: {unescaped}"
    assert len(showing) >= 30, f"too few pages show the stored text: {showing}"

    # One browser context per role, signed in with the test client's session cookie.
    by_role: dict[str, list[str]] = {}
    for role, path in showing:
        by_role.setdefault(role, []).append(path)
    opened, problems = 0, []
    for role, paths in by_role.items():
        context = browser.new_context(locale="en-GB")
        context.set_default_timeout(15_000)
        if role != "anonymous":
            session = clients[role].cookies["sessionid"].value
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda msg, sink=console: sink.append(msg.text))
        page.on("dialog", lambda dialog, sink=console: (sink.append(f"dialog {dialog.message}"), dialog.dismiss()))
        limit = max(3, BROWSER_PAGES // len(by_role))
        for path in paths[:: max(1, len(paths) // limit)][:limit]:  # spread over the role's pages
            console.clear()
            page.goto(live_server.url + path, wait_until="load")
            opened += 1
            ran = page.evaluate("() => window.__pwned === undefined ? null : window.__pwned")
            blocked = [text for text in console if "Content Security Policy" in text or text.startswith("dialog")]
            if ran is not None or blocked:
                problems.append(f"{path} as {role}: ran={ran} {blocked[:2]}")
        context.close()
    print(
        f"\nstored script: {len(touched)} columns poisoned, {len(pages)} pages fetched, {len(showing)} show it, "
        f"{opened} opened in Chromium"
    )
    assert opened >= 30
    assert not problems, "\n".join(problems)
