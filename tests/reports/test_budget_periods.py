"""A budget line's amounts by reporting period: the model's rules, the service (permission, all or
nothing, audit, the line's actual following the sum) and the staff screen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from reports.donor import services
from reports.donor.services import PeriodAmountInput
from reports.models import BudgetLine, BudgetPeriodAmount
from tests.accounts.factories import UserFactory
from tests.reports.donor_report_factories import donor_user, grants_manager, make_grant

pytestmark = pytest.mark.django_db
FIRST = (date(2025, 1, 1), date(2025, 12, 31))
SECOND = (date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def manager() -> Any:
    return grants_manager()


@pytest.fixture
def line() -> BudgetLine:
    return BudgetLine.objects.create(
        grant=make_grant(), category="travel", description="Trips", planned=Decimal("1000")
    )


def amount(period: tuple[date, date], planned: str, actual: str | None, why: str = "") -> PeriodAmountInput:
    return PeriodAmountInput(
        period_start=period[0],
        period_end=period[1],
        planned=Decimal(planned),
        actual=None if actual is None else Decimal(actual),
        variance_justification=why,
    )


def test_a_variance_above_the_threshold_needs_a_justification(line: BudgetLine, settings: Any) -> None:
    settings.DONOR_REPORT_VARIANCE_THRESHOLD = 15
    row = BudgetPeriodAmount(budget_line=line, period_start=FIRST[0], period_end=FIRST[1], planned=Decimal("100"))
    row.actual = Decimal("115")
    row.clean()  # exactly at the threshold
    row.actual = Decimal("116")
    with pytest.raises(ValidationError) as refused:
        row.clean()
    assert "variance_justification" in refused.value.message_dict
    row.variance_justification = "A price rise."
    row.clean()


def test_periods_must_be_the_grants(line: BudgetLine) -> None:
    row = BudgetPeriodAmount(
        budget_line=line, period_start=date(2025, 2, 1), period_end=date(2025, 12, 31), planned=Decimal("10")
    )
    with pytest.raises(ValidationError) as refused:
        row.clean()
    assert "period_start" in refused.value.message_dict


def test_the_service_sets_the_periods_and_the_line_follows_the_sum(line: BudgetLine, manager: Any) -> None:
    services.budget_line_update_period_amounts(
        budget_line=line,
        amounts=[amount(FIRST, "400", "380"), amount(SECOND, "600", None)],
        acting_user=manager,
    )
    line.refresh_from_db()
    assert line.actual == Decimal("380")
    # Moving planned money between periods is checked on the result, not row by row.
    services.budget_line_update_period_amounts(
        budget_line=line,
        amounts=[amount(FIRST, "700", "650"), amount(SECOND, "300", "310")],
        acting_user=manager,
    )
    line.refresh_from_db()
    assert line.actual == Decimal("960")
    assert list(line.period_amounts.values_list("planned", flat=True)) == [Decimal("700"), Decimal("300")]
    entries = ModelLogEntry.objects.filter(action="reports.budget_line.period_amounts", object_id=str(line.pk))
    assert entries.count() == 2 and entries.first().user == manager
    # An emptied period loses its amounts; the sum follows.
    services.budget_line_update_period_amounts(
        budget_line=line,
        amounts=[amount(FIRST, "700", "650"), PeriodAmountInput(SECOND[0], SECOND[1], None, None, "")],
        acting_user=manager,
    )
    line.refresh_from_db()
    assert line.actual == Decimal("650") and line.period_amounts.count() == 1


def test_all_or_nothing_with_errors_by_period(line: BudgetLine, manager: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.budget_line_update_period_amounts(
            budget_line=line,
            amounts=[amount(FIRST, "100", "100"), amount(SECOND, "100", "300")],  # 200 % over, no reason
            acting_user=manager,
        )
    assert set(refused.value.message_dict) == {SECOND[0].isoformat()}
    assert not BudgetPeriodAmount.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.budget_line_update_period_amounts(
            budget_line=line, amounts=[amount(FIRST, "800", None), amount(SECOND, "800", None)], acting_user=manager
        )
    assert "more than the line" in " ".join(refused.value.messages)
    assert not BudgetPeriodAmount.objects.exists()


def test_only_grants_managers_set_amounts(line: BudgetLine, client_for: Any) -> None:
    for user in (donor_user(line.grant.donor, "donor.person@example.org"), UserFactory(role=Role.EDITOR)):
        with pytest.raises(PermissionDenied):
            services.budget_line_update_period_amounts(
                budget_line=line, amounts=[amount(FIRST, "10", "10")], acting_user=user
            )
        response = client_for(user).post(
            reverse("reports_budget_line:periods", args=[line.pk]), {"2025-01-01-planned": "10"}
        )
        assert response.status_code in (302, 403)
    assert not BudgetPeriodAmount.objects.exists()


def test_the_screen_lists_the_grants_periods_and_saves(line: BudgetLine, manager: Any, client_for: Any) -> None:
    client = client_for(manager)
    url = reverse("reports_budget_line:periods", args=[line.pk])
    assert client_for(None).get(url).status_code == 302
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "2025-01-01 – 2025-12-31" in html and "2026-01-01 – 2026-12-31" in html
    edit = client.get(reverse("reports_budget_line:edit", args=[line.pk])).content.decode()
    assert url in edit  # the line's edit page links to it
    # A refused row shows its message on the page; nothing is saved.
    response = client.post(url, {"2025-01-01-planned": "100", "2025-01-01-actual": "300"})
    assert response.status_code == 200 and "explain why" in response.content.decode()
    assert not BudgetPeriodAmount.objects.exists()
    response = client.post(
        url,
        {
            "2025-01-01-planned": "100",
            "2025-01-01-actual": "300",
            "2025-01-01-variance_justification": "An extra mission.",
            "2026-01-01-planned": "200",
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.actual == Decimal("300") and line.period_amounts.count() == 2
