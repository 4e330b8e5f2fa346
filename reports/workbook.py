"""Donor and grant sheets in the network workbook (documented in docs/data-format.md).

Natural keys: donors by name, grants by code, a grant's work packages by (grant code, number),
indicators, deliverables and milestones by (grant code, code), activities by (grant code, title,
planned start), risks by (grant code, description), budget lines by (grant code, category,
description), a budget line's amounts by period by its line and the period's first day. A row's
work package is written as its number within the same grant. Activities
refer to roundtables and training events by their codes. Donor reports are not in the workbook:
they are frozen documents kept with their data snapshot, not records to edit in a spreadsheet.
Every row an import creates or changes is recorded in that record's history with its fields.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError

from core.workbook import Column, ImportContext, registry
from core.workbook.results import CellError
from network.workbook import AuditedModelSheet


def _model(name: str) -> Any:
    return apps.get_model("reports", name)


def _grant() -> Column:
    return Column("grant", "grant", kind="ref", ref="Grants", required=True, help="Grant code.")


def _export_work_package(obj: Any) -> int | None:
    return obj.work_package.number if obj.work_package_id else None


def _apply_work_package(obj: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    number = values.get("work_package")
    if number in (None, ""):
        obj.work_package = None
        return
    try:
        number = int(str(number).strip().upper().removeprefix("WP"))
    except ValueError as exc:
        raise ValidationError(f"“{values.get('work_package')}” is not a work package number.") from exc
    grant = values.get("grant")
    package = ctx.resolve(registry().get("Work packages"), (grant, number))
    if package is None:
        raise ValidationError(f"Grant “{grant}” has no work package {number} (Work packages sheet or database).")
    obj.work_package = package


def _work_package() -> Column:
    return Column(
        "work_package",
        export=_export_work_package,
        apply=_apply_work_package,
        help="Number of a work package of the same grant (e.g. 2), or empty.",
    )


def _grant_rows(name: str, *related: str, order: tuple[str, ...]) -> Any:
    def queryset() -> Any:
        return _model(name).objects.select_related("grant", *related).order_by("grant__code", *order)

    return queryset


def _budget_line_part(name: str) -> Any:
    def export(obj: Any) -> Any:
        line = obj.budget_line
        return {"grant": line.grant.code, "category": line.category, "description": line.description}[name]

    return export


def _apply_budget_line(obj: Any, values: dict[str, Any], ctx: ImportContext) -> None:
    """The line the row's grant, category and description name (Budget lines sheet or database)."""
    key = (values.get("grant"), values.get("category"), values.get("description") or "")
    line = ctx.resolve(registry().get("Budget lines"), key)
    if line is None:
        raise ValidationError(
            f"Grant “{key[0]}” has no budget line “{key[1]}” / “{key[2]}” (Budget lines sheet or database)."
        )
    obj.budget_line = line


class BudgetPeriodSheet(AuditedModelSheet):
    """A budget line's amounts by reporting period. Rows are held to `BudgetPeriodAmount.clean` (one of
    the grant's periods, the line's planned total, a justification for a large variance); once written,
    each line's actual becomes the sum of its periods' actuals."""

    def clean_row(self, obj: Any, ctx: ImportContext) -> None:
        if obj.budget_line.pk is None:
            # A line this workbook creates has no saved periods yet: only the period is checked here
            # (the planned total is checked over the sheet's rows).
            if obj.budget_line.grant.reporting_period_of(obj.period_start, obj.period_end) is None:
                raise ValidationError({"period_start": "Choose one of the grant's reporting periods."})
            if obj.needs_justification() and not obj.variance_justification.strip():
                raise ValidationError({"variance_justification": "Spending differs from the plan: explain why."})
            return
        obj.clean()

    def sheet_checks(self, plans: list[Any], ctx: ImportContext) -> list[CellError]:
        """The periods' planned amounts of a line add up to no more than the line's planned amount."""
        totals: dict[int, Any] = {}
        rows: dict[int, Any] = {}
        for plan in plans:
            line = plan.obj.budget_line
            totals[id(line)] = totals.get(id(line), 0) + (plan.obj.planned or 0)
            rows[id(line)] = (plan, line)
        errors = []
        for key, total in totals.items():
            plan, line = rows[key]
            if total > line.planned:
                errors.append(
                    CellError(
                        self.name,
                        plan.row_number,
                        "planned",
                        f"The periods' planned amounts of this line add up to {total}, more than its {line.planned}.",
                    )
                )
        return errors

    def after_write(self, ctx: ImportContext) -> None:
        for plan in ctx.plans.get(self.name, []):
            plan.obj.budget_line.sync_actual()


SHEETS = [
    AuditedModelSheet(
        name="Donors",
        model="reports.Donor",
        order=300,
        description="Funders: global funds, the European Commission, foundations, companies, governments.",
        key_headers=["name"],
        queryset=lambda: _model("Donor").objects.select_related("country").order_by("name"),
        columns=[
            Column("name", "name", required=True, help="Unique name; the Grants sheet refers to it."),
            Column("short_name", "short_name", help="Acronym or short name."),
            Column("kind", "kind", kind="choice", required=True, help="Donor kind key."),
            Column("country", "country", kind="ref", ref="Countries", help="Country code (empty for multilateral)."),
            Column("website", "website", help="Web address."),
            Column("notes", "notes", help="Staff notes."),
        ],
    ),
    AuditedModelSheet(
        name="Grants",
        model="reports.Grant",
        order=310,
        description="Grant agreements: donor, programme, dates, amount, countries in scope, reporting periods.",
        key_headers=["code"],
        queryset=lambda: _model("Grant").objects.select_related("donor").prefetch_related("countries").order_by("code"),
        columns=[
            Column(
                "code", "code", required=True, help="Unique short code, e.g. GF-EXP-2025; other sheets refer to it."
            ),
            Column("donor", "donor", kind="ref", ref="Donors", required=True, help="Donor name."),
            Column("title", "title", required=True, help="Title of the grant."),
            Column("kind", "kind", kind="choice", required=True, help="`operating` or `action`."),
            Column("programme", "programme", help="Donor programme."),
            Column("call_identifier", "call_identifier", help="Call for proposals identifier."),
            Column("agreement_number", "agreement_number", help="Grant agreement number."),
            Column("beneficiary", "beneficiary", help="Beneficiary (empty: the association itself)."),
            Column("starts_on", "starts_on", kind="date", required=True, help="First day."),
            Column("ends_on", "ends_on", kind="date", required=True, help="Last day."),
            Column("amount", "amount", kind="decimal", required=True, help="Grant amount."),
            Column("currency", "currency", required=True, help="ISO 4217 code, e.g. EUR."),
            Column(
                "cofunding_rate",
                "cofunding_rate",
                kind="decimal",
                required=True,
                help="Share the donor pays, in per cent (0-100).",
            ),
            Column(
                "reporting_period_months",
                "reporting_period_months",
                kind="int",
                required=True,
                help="Length of a reporting period in months (periods run from the start of the grant).",
            ),
            Column(
                "countries", "countries", kind="refs", ref="Countries", help="Country codes in scope, e.g. `GH; KE`."
            ),
            Column("objectives", "objectives", help="Objectives."),
            Column("activities_in_scope", "activities_in_scope", help="Activities in scope."),
        ],
    ),
    AuditedModelSheet(
        name="Work packages",
        model="reports.WorkPackage",
        order=320,
        description="A grant's work packages, numbered within the grant.",
        key_headers=["grant", "number"],
        queryset=_grant_rows("WorkPackage", order=("number",)),
        columns=[
            _grant(),
            Column("number", "number", kind="int", required=True, help="Number within the grant (1, 2, ...)."),
            Column("title", "title", required=True, help="Title."),
            Column("objectives", "objectives", help="Objectives."),
            Column("lead", "lead", help="Who leads it."),
            Column("starts_on", "starts_on", kind="date", help="First day."),
            Column("ends_on", "ends_on", kind="date", help="Last day."),
        ],
    ),
    AuditedModelSheet(
        name="Indicators",
        model="reports.Indicator",
        order=330,
        description=(
            "A grant's indicators: a metric key of the registry (`reports/metrics/`) computed from live data, "
            "or a manual value with its justification; baseline and target."
        ),
        key_headers=["grant", "code"],
        queryset=_grant_rows("Indicator", "work_package", order=("order", "code")),
        columns=[
            _grant(),
            Column("code", "code", required=True, help="Code within the grant, e.g. I1."),
            Column("title", "title", required=True, help="Title."),
            _work_package(),
            Column("metric_key", "metric_key", help="Registry metric key, e.g. roundtables_held (empty: manual)."),
            Column("manual_value", "manual_value", kind="decimal", help="The achieved value when there is no metric."),
            Column("justification", "justification", help="Where a manual value comes from (required with one)."),
            Column("baseline", "baseline", kind="decimal", required=True, help="Value at the start."),
            Column("target", "target", kind="decimal", required=True, help="Target value."),
            Column("unit", "unit", help="Unit, e.g. roundtables."),
            Column("order", "order", kind="int", required=True, help="Position in the grant's list of indicators."),
        ],
    ),
    AuditedModelSheet(
        name="Activities",
        model="reports.Activity",
        order=340,
        description="What a grant pays for, planned and implemented, linked to the registry's events.",
        key_headers=["grant", "title", "planned_start"],
        queryset=lambda: (
            _model("Activity")
            .objects.select_related("grant", "work_package")
            .prefetch_related("roundtables", "training_events")
            .order_by("grant__code", "planned_start", "title")
        ),
        columns=[
            _grant(),
            Column("title", "title", required=True, help="Title; unique within the grant with its planned start."),
            _work_package(),
            Column("kind", "kind", kind="choice", required=True, help="Activity kind key."),
            Column("status", "status", kind="choice", required=True, help="Status key."),
            Column("planned_start", "planned_start", kind="date", required=True, help="Planned start."),
            Column("planned_end", "planned_end", kind="date", help="Planned end."),
            Column("actual_start", "actual_start", kind="date", help="Actual start."),
            Column("actual_end", "actual_end", kind="date", help="Actual end."),
            Column(
                "roundtables", "roundtables", kind="refs", ref="Roundtables", help="Roundtable codes, `; `-separated."
            ),
            Column(
                "training_events",
                "training_events",
                kind="refs",
                ref="Training events",
                help="Training event codes, `; `-separated.",
            ),
            Column("other_events", "other_events", help="Peer exchanges, campaigns or meetings not in the registry."),
            Column("notes", "notes", help="Notes."),
        ],
    ),
    AuditedModelSheet(
        name="Deliverables",
        model="reports.Deliverable",
        order=350,
        description="A grant's deliverables with due and submission dates.",
        key_headers=["grant", "code"],
        queryset=_grant_rows("Deliverable", "work_package", order=("due_on", "code")),
        columns=[
            _grant(),
            Column("code", "code", required=True, help="Code within the grant, e.g. D2.1."),
            Column("title", "title", required=True, help="Title."),
            _work_package(),
            Column("due_on", "due_on", kind="date", required=True, help="Due date."),
            Column("submitted_on", "submitted_on", kind="date", help="Submission date."),
            Column("status", "status", kind="choice", required=True, help="Status key."),
            Column("dissemination", "dissemination", kind="choice", required=True, help="`public` or `sensitive`."),
        ],
    ),
    AuditedModelSheet(
        name="Milestones",
        model="reports.Milestone",
        order=360,
        description="A grant's milestones.",
        key_headers=["grant", "code"],
        queryset=_grant_rows("Milestone", "work_package", order=("due_on", "code")),
        columns=[
            _grant(),
            Column("code", "code", required=True, help="Code within the grant, e.g. MS3."),
            Column("title", "title", required=True, help="Title."),
            _work_package(),
            Column("due_on", "due_on", kind="date", required=True, help="Due date."),
            Column("achieved_on", "achieved_on", kind="date", help="Date achieved."),
            Column("verification", "verification", help="Means of verification."),
        ],
    ),
    AuditedModelSheet(
        name="Risks",
        model="reports.Risk",
        order=370,
        description="A grant's risks, their likelihood, impact, mitigation and status.",
        key_headers=["grant", "description"],
        queryset=_grant_rows("Risk", "work_package", order=("pk",)),
        columns=[
            _grant(),
            Column("description", "description", required=True, help="The risk; unique within the grant."),
            _work_package(),
            Column("likelihood", "likelihood", kind="choice", required=True, help="`low`, `medium` or `high`."),
            Column("impact", "impact", kind="choice", required=True, help="`low`, `medium` or `high`."),
            Column("mitigation", "mitigation", help="Mitigation measures."),
            Column("status", "status", kind="choice", required=True, help="Status key."),
        ],
    ),
    AuditedModelSheet(
        name="Budget lines",
        model="reports.BudgetLine",
        order=380,
        description="A grant's budget by category: planned and actual amounts in the grant's currency.",
        key_headers=["grant", "category", "description"],
        queryset=_grant_rows("BudgetLine", order=("category", "description")),
        columns=[
            _grant(),
            Column("category", "category", kind="choice", required=True, help="Cost category key."),
            Column("description", "description", help="What the line covers; unique within grant and category."),
            Column("planned", "planned", kind="decimal", required=True, help="Planned amount."),
            Column("actual", "actual", kind="decimal", required=True, help="Amount spent so far (0 before any)."),
        ],
    ),
    BudgetPeriodSheet(
        name="Budget by period",
        model="reports.BudgetPeriodAmount",
        order=385,
        description=(
            "A budget line's planned and actual amounts in each reporting period of its grant, and why spending "
            "differs from the plan."
        ),
        key_headers=["grant", "category", "description", "period_start"],
        queryset=lambda: (
            _model("BudgetPeriodAmount")
            .objects.select_related("budget_line__grant")
            .order_by("budget_line__grant__code", "budget_line__category", "budget_line__description", "period_start")
        ),
        columns=[
            Column(
                "grant",
                export=_budget_line_part("grant"),
                apply=_apply_budget_line,
                required=True,
                help="Grant code of the budget line.",
            ),
            Column("category", export=_budget_line_part("category"), required=True, help="The line's category key."),
            Column("description", export=_budget_line_part("description"), help="The line's description."),
            Column("period_start", "period_start", kind="date", required=True, help="First day of a reporting period."),
            Column("period_end", "period_end", kind="date", required=True, help="Last day of that period."),
            Column("planned", "planned", kind="decimal", required=True, help="Planned in the period (0 if none)."),
            Column("actual", "actual", kind="decimal", help="Spent in the period (empty until known)."),
            Column(
                "variance_justification",
                "variance_justification",
                help="Why spending differs from the plan (required beyond the variance threshold).",
            ),
        ],
    ),
]
