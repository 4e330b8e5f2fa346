"""Dates nobody misreads: typed dates read without guessing, shown dates shown as dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from core.dates import natural_date, parse_typed_date, past_due_problem
from core.forms import DateField, DateTimeField


def test_iso_and_day_first_dates_are_read():
    assert parse_typed_date("2026-12-04") == date(2026, 12, 4)
    assert parse_typed_date(" 13/04/2026 ") == date(2026, 4, 13)
    assert parse_typed_date("25.12.2026") == date(2026, 12, 25)
    assert parse_typed_date("04/04/2026") == date(2026, 4, 4)  # the same either way


def test_a_date_that_reads_two_ways_is_refused_with_both_readings():
    with pytest.raises(ValidationError) as refused:
        parse_typed_date("04/12/2026")
    message = refused.value.messages[0]
    assert "4 December 2026" in message and "12 April 2026" in message
    assert "2026-12-04" in message and "2026-04-12" in message
    assert refused.value.code == "ambiguous"
    with translation.override("fr"), pytest.raises(ValidationError) as french:
        parse_typed_date("04/12/2026")
    assert "4 décembre 2026" in french.value.messages[0] and "pourrait" in french.value.messages[0]


@pytest.mark.parametrize("typed", ["04/13/2026", "31/02/2026", "2026-02-30", "4 Dec 2026", "12/2026", "04/12/26"])
def test_what_is_not_a_date_is_named(typed):
    with pytest.raises(ValidationError) as refused:
        parse_typed_date(typed)
    assert typed in refused.value.messages[0]


def test_the_form_field_shows_the_accepted_forms_as_a_hint_in_each_language():
    assert "YYYY-MM-DD or DD/MM/YYYY" in str(DateField(help_text="Due date.").help_text)
    with translation.override("fr"):
        assert "JJ/MM/AAAA" in str(DateField().help_text)
    with translation.override("es"):
        assert "DD/MM/AAAA" in str(DateField().help_text)
    field = DateField(required=False)
    assert field.clean("2026-12-04") == date(2026, 12, 4) and field.clean("") is None
    with pytest.raises(ValidationError):
        field.clean("04/12/2026")
    moment = DateTimeField().clean("13/04/2026 10:30")
    assert timezone.localtime(moment).replace(tzinfo=None) == datetime(2026, 4, 13, 10, 30)
    with pytest.raises(ValidationError):
        DateTimeField().clean("04/12/2026 10:30")


def test_dates_are_shown_as_dates_relative_only_for_the_last_few_days():
    today = date(2026, 12, 5)
    assert natural_date(today, today=today) == "today (2026-12-05)"
    assert natural_date(date(2026, 12, 4), today=today) == "yesterday (2026-12-04)"
    assert natural_date(date(2026, 12, 2), today=today) == "3 days ago (2026-12-02)"
    assert natural_date(date(2026, 11, 1), today=today) == "2026-11-01"
    assert natural_date(date(2028, 3, 6), today=today) == "2028-03-06"  # a future expiry is a date
    with translation.override("fr"):
        assert natural_date(date(2026, 12, 4), today=today) == "hier (2026-12-04)"


def test_a_new_obligation_cannot_start_overdue():
    today = timezone.localdate()
    assert past_due_problem(today) is None and past_due_problem(None) is None
    assert "past" in past_due_problem(today - timedelta(days=1))
