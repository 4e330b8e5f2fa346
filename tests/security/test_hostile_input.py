"""Hostile input: every form the project shows, filled by hypothesis with random and hostile values.

The forms are not a hand list. For every URL pattern the access policy declares as writing
(tests/security/policy.py), the page is requested as a role allowed to use it; each POST form on it
is parsed (its fields, hidden values and choices) and submitted again and again with text fields
drawn from hostile strategies: markup and script payloads, SQL and template fragments, format
strings, odd Unicode (right-to-left marks, combining characters, emoji, astral planes), control
characters, NUL, and very long values. The answer is never a server error, and a page that shows
the value again shows it escaped. The network workbook import gets the same treatment, cell by
cell: it refuses what is wrong with a message naming sheet, row and column, and never fails.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db import connection, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.security import policy
from tests.security.matrix import Clients, pages_by_one_role
from tests.security.world import World

SCRIPT = "<script>window.__pwned=1</script>"
IMAGE = '"><img src=x onerror="window.__pwned=1">'
HOSTILE = (
    SCRIPT,
    IMAGE,
    "'; DROP TABLE network_hotline; --",
    "' OR '1'='1",
    "{{ request.user.password }}{% debug %}",
    "%s%s%s%n%(name)s{0}{}",
    "\u202egnp.exe\u202d \u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd",
    "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319a\u0310\u0346l\u0352\u0315g\u0342o",
    "\U0001f916\U0001d518\U0001d52b\U0001d526 \ufeff\u200b\u00a0",
    "\x00nul",
    "\x07\x1b[31mred\r\n\t",
    "../../../etc/passwd",
    "javascript:alert(1)",
    "1e309",
    "-99999999999999999999999",
    "NaN",
    " ",
)
# Characters any browser can send (no lone surrogates: they cannot be encoded in a form post).
SENDABLE = st.characters(exclude_categories=("Cs",))
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(SENDABLE, max_size=80),
    st.text(SENDABLE, min_size=1, max_size=3).map(lambda s: s * 4_000),  # very long values
    st.builds(lambda a, b: a + SCRIPT + b, st.text(SENDABLE, max_size=10), st.text(SENDABLE, max_size=10)),
)
EXAMPLES = 5
# Text-like inputs get hostile values; the rest keep what the page offers.
TEXT_TYPES = {"text", "email", "url", "search", "tel", "number", "date", "datetime-local", "time", "password", ""}
# Forms that are not data entry: signing out, language switches, search boxes handled elsewhere.
SKIPPED_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")


@dataclass
class Form:
    route: str
    role: str
    page: str
    action: str
    fixed: list[tuple[str, str]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)

    def data(self, values: list[str], invalid_choice: bool) -> dict[str, Any]:
        payload: dict[str, Any] = {}
        for name, value in self.fixed:
            payload.setdefault(name, []).append(value)
        for name, value in zip(self.text, values, strict=False):
            payload[name] = value
        for name, options in self.choices.items():
            payload[name] = "\u0000' or 1=1 --" if invalid_choice else (options[0] if options else "")
        return payload


def parse_forms(route: str, role: str, page: str, html: str) -> Iterator[Form]:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all("form"):
        if (tag.get("method") or "get").lower() != "post":
            continue
        action = tag.get("action") or page
        if action.startswith(SKIPPED_ACTIONS) or action.startswith(("http:", "https:", "//")):
            continue
        form = Form(route=route, role=role, page=page, action=action)
        for field_tag in tag.find_all(["input", "textarea", "select"]):
            name = field_tag.get("name")
            if not name or name == "csrfmiddlewaretoken" or field_tag.has_attr("disabled"):
                continue
            kind = (field_tag.get("type") or "").lower() if field_tag.name == "input" else field_tag.name
            if kind in ("hidden", "submit", "button"):
                if field_tag.get("value") is not None:
                    form.fixed.append((name, field_tag["value"]))
            elif kind in ("checkbox", "radio"):
                if field_tag.has_attr("checked"):
                    form.fixed.append((name, field_tag.get("value", "on")))
            elif kind == "file":
                continue
            elif kind == "select":
                options = [o.get("value", o.text) for o in field_tag.find_all("option") if o.get("value")]
                form.choices[name] = options
            elif kind in TEXT_TYPES or kind == "textarea":
                form.text.append(name)
        if form.text:
            yield form


# A long module: handed out early under pytest-xdist (LONG_MODULES in tests/conftest.py).
pytestmark = pytest.mark.usefixtures("world_files")


def discover_forms(world: World, clients: Clients) -> list[Form]:
    """Every POST form with free-text fields on the pages of the routes declared as writing."""
    forms: list[Form] = []
    seen: set[tuple[str, str]] = set()
    for route, role, path in pages_by_one_role(world, writes_only=True):
        if route.key in policy.KNOWN_WAGTAIL_ERRORS:
            continue
        with transaction.atomic():
            response = clients.client(role).get(path)
            transaction.set_rollback(True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in parse_forms(route.key, role, path, response.content.decode()):
            if (form.action, role) not in seen:
                seen.add((form.action, role))
                forms.append(form)
    return forms


def post(clients: Clients, form: Form, data: dict[str, Any]) -> tuple[int, str]:
    with transaction.atomic():
        response = clients.client(form.role).post(form.action, data)
        body = b"" if getattr(response, "streaming", False) else response.content
        transaction.set_rollback(True)
    return response.status_code, body.decode("utf-8", "replace")


@pytest.mark.django_db
def test_every_form_survives_hostile_input(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    clients = Clients(world)
    forms = discover_forms(world, clients)
    routes = {form.route for form in forms}
    # The discovery really finds the project's forms (portal, admin, dossier, grants, CMS).
    assert len(forms) >= 40, [f.route for f in forms]
    for expected in ("portal:", "network_", "onboarding_", "reports_"):
        assert any(expected in route for route in routes), f"no form found for {expected}"
    failures: list[str] = []
    requests = 0

    def make_check(form: Form) -> Any:
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=(Phase.explicit, Phase.generate),
            suppress_health_check=list(HealthCheck),
        )
        @given(values=st.lists(hostile_text, min_size=len(form.text), max_size=len(form.text)), bad=st.booleans())
        def check(values: list[str], bad: bool) -> None:
            nonlocal requests
            requests += 1
            status, body = post(clients, form, form.data(values, invalid_choice=bad))
            assert status < 500, f"{status} for {dict(zip(form.text, (v[:60] for v in values), strict=False))}"
            for value in values:
                for payload in (SCRIPT, IMAGE):
                    if payload in value:
                        assert payload not in body, f"{payload!r} shown unescaped"

        return check

    for form in forms:
        try:
            make_check(form)()
        except AssertionError as exc:
            failures.append(f"{form.route} as {form.role} ({form.action}): {str(exc).splitlines()[0][:300]}")
    with capsys.disabled():
        print(f"\nhostile input: {len(forms)} forms on {len(routes)} URL patterns, {requests} submissions")
    assert not failures, f"{len(failures)} forms failed:\n" + "\n".join(failures)


# -- the workbook import ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_workbook_import_refuses_hostile_cells_with_a_message_and_writes_nothing(world: World) -> None:
    from openpyxl import load_workbook

    from core.workbook import export_workbook, import_workbook
    from network.models import Hotline

    # The whole export, cut to its first two rows per sheet (later rows' references resolve from the
    # database); each example imports only the sheets it changed, so that it is a quick import.
    template = load_workbook(io.BytesIO(export_workbook()))
    for ws in template.worksheets:
        if ws.max_row > 3:
            ws.delete_rows(4, ws.max_row)
    buffer = io.BytesIO()
    template.save(buffer)
    exported = buffer.getvalue()
    targets = [
        (ws.title, row, col)
        for ws in template.worksheets
        if ws.max_row >= 2
        for row in (2,)
        for col in range(1, ws.max_column + 1)
    ]
    hotlines_before = list(Hotline.objects.order_by("pk").values_list("pk", "brand_name", "stage"))

    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        derandomize=True,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )
    @given(cells=st.lists(st.tuples(st.sampled_from(targets), hostile_text), min_size=1, max_size=4))
    def check(cells: list[tuple[tuple[str, int, int], str]]) -> None:
        book = load_workbook(io.BytesIO(exported))
        for (sheet, row, col), value in cells:
            # Cells cannot hold control characters; a hostile file could still not carry them.
            book[sheet].cell(row=row, column=col).value = "".join(c for c in value if c >= " " or c in "\t\n")[:32_000]
        changed = {sheet for (sheet, _row, _col), _value in cells}
        for ws in [ws for ws in book.worksheets if ws.title not in changed]:
            book.remove(ws)
        buffer = io.BytesIO()
        book.save(buffer)
        with transaction.atomic():
            result = import_workbook(buffer.getvalue(), dry_run=True)
            transaction.set_rollback(True)
        for error in result.errors:
            assert error.sheet and error.row >= 1 and error.message, error

    check()
    # Dry runs and refused imports leave the data as it was.
    assert list(Hotline.objects.order_by("pk").values_list("pk", "brand_name", "stage")) == hotlines_before
    assert connection.in_atomic_block
