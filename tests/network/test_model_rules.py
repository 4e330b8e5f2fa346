"""Rules the portal forms used to hold belong to the models, so the admin and the workbook import
apply them too: a statistics return covers a period that has ended; an annual profile describes
this year or an earlier one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.workbook import import_workbook
from network.models import HotlineAnnualProfile, HotlineStatistics
from tests.network.factories import HotlineFactory
from tests.network.test_workbook import workbook

pytestmark = pytest.mark.django_db


def _return(hotline, *, ends_on: date) -> HotlineStatistics:
    return HotlineStatistics(
        hotline=hotline,
        period_start=ends_on - timedelta(days=30),
        period_end=ends_on,
        reports_received=5,
        content_urls_processed=10,
    )


def test_a_statistics_return_covers_a_period_that_has_ended():
    hotline = HotlineFactory()
    today = timezone.localdate()
    for ends_on in (today, today + timedelta(days=40)):
        with pytest.raises(ValidationError) as refused:
            _return(hotline, ends_on=ends_on).full_clean()
        assert list(refused.value.message_dict) == ["period_end"]
    _return(hotline, ends_on=today - timedelta(days=1)).full_clean()


def test_an_annual_profile_describes_this_year_or_an_earlier_one():
    hotline = HotlineFactory()
    year = timezone.localdate().year
    profile = HotlineAnnualProfile(hotline=hotline, year=year + 1, analyst_headcount=2, fte=1)
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert list(refused.value.message_dict) == ["year"]
    profile.year = year
    profile.full_clean()


def test_the_admin_refuses_a_return_for_a_period_that_has_not_ended(client_for, superuser):
    hotline = HotlineFactory()
    today = timezone.localdate()
    response = client_for(superuser).post(
        reverse("network_statistics:add"),
        {
            "hotline": hotline.pk,
            "period_start": (today - timedelta(days=30)).isoformat(),
            "period_end": today.isoformat(),
            "reports_received": 5,
            "content_urls_processed": 10,
            "source": HotlineStatistics.Source.STAFF_ENTRY,
            "validation_status": HotlineStatistics.Validation.SUBMITTED,
        },
    )
    assert response.status_code == 200
    assert "this one ends today or later" in response.content.decode()
    assert not HotlineStatistics.objects.exists()


def test_the_import_refuses_a_future_profile_and_a_return_whose_period_has_not_ended():
    HotlineFactory(brand_name="Line")
    today = timezone.localdate()
    result = import_workbook(
        workbook(
            {
                "Annual profiles": [
                    ["hotline", "year", "analyst_headcount", "fte"],
                    ["Line", today.year + 1, 2, 1],
                ],
                "Statistics": [
                    ["hotline", "period_start", "period_end", "reports_received", "content_urls_processed"],
                    ["Line", (today - timedelta(days=30)).isoformat(), today.isoformat(), 5, 10],
                ],
            }
        )
    )
    found = {(e.sheet, e.row, e.column) for e in result.errors}
    assert found == {("Annual profiles", 2, "year"), ("Statistics", 2, "period_end")}
    assert not result.written
    assert not HotlineAnnualProfile.objects.exists() and not HotlineStatistics.objects.exists()
