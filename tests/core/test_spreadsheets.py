"""The one formula guard every export uses (pure: no database)."""

from __future__ import annotations

import pytest

from core.spreadsheets import formula_safe, formula_unguarded


@pytest.mark.parametrize("text", ["=1+1", "+31 20", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd", "'=kept", "''@x"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe_and_comes_back_whole(text):
    guarded = formula_safe(text)
    assert guarded == "'" + text
    assert formula_unguarded(guarded) == text


@pytest.mark.parametrize("value", ["Hotline A", "it's fine", "'quoted'", "", " =spaced", 42, -3, None, 1.5])
def test_other_values_are_unchanged_both_ways(value):
    assert formula_safe(value) == value
    assert formula_unguarded(value) == value
