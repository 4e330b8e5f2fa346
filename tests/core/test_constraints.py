"""Constraints checked in memory agree with the database, and every constraint of the project is supported."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.db import models
from django.db.models import F, Q

from core.constraints import UnsupportedCondition, check_constraints, q_holds, q_matches, unique_sets
from network.models import Analyst, Hotline, Organisation, TrainingParticipation
from onboarding.models import Agreement, Decision

PROJECT_APPS = ("accounts", "network", "onboarding", "reports", "cms", "core")


@pytest.mark.django_db  # some models' defaults read the database when instantiated
def test_every_constraint_of_the_project_can_be_checked_in_memory():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        blank = model()
        for constraint in check_constraints(model):
            q_holds(constraint.condition, blank)  # raises UnsupportedCondition for a new kind of condition
        for unique in unique_sets(model):
            if unique.condition is not None:
                q_matches(unique.condition, blank)


def test_sql_three_valued_logic():
    analyst = Analyst(started_on=date(2020, 1, 1), ended_on=None)
    condition = Q(ended_on__gte=F("started_on"))
    assert q_holds(condition, analyst)  # NULL >= x is unknown: a CHECK constraint passes
    assert not q_matches(condition, analyst)  # ...but a WHERE clause does not match
    analyst.ended_on = date(2019, 1, 1)
    assert not q_holds(condition, analyst)
    assert not q_holds(~Q(ended_on__isnull=True) & condition, analyst)


def test_the_models_own_constraints_decide_as_the_database_would():
    vote = next(c for c in check_constraints(Decision) if c.name == "decision_has_votes")
    assert not q_holds(vote.condition, Decision(votes_for=0, votes_against=0, votes_abstaining=0))
    assert q_holds(vote.condition, Decision(votes_for=0, votes_against=0, votes_abstaining=2))
    signed = next(c for c in check_constraints(Agreement) if c.name == "agreement_signed_has_date")
    assert not q_holds(signed.condition, Agreement(status="signed", signed_on=None))
    assert q_holds(signed.condition, Agreement(status="signed", signed_on=date(2024, 1, 1)))
    assert q_holds(signed.condition, Agreement(status="draft", signed_on=None))


def test_an_unsaved_related_object_counts_as_a_value():
    host = Organisation(name="New host")
    hotline = Hotline(brand_name="New line", host_organisation=host, full_member_on=date(2020, 1, 1))
    member = next(c for c in check_constraints(Hotline) if c.name == "hotline_full_member_after_joining")
    assert not q_holds(member.condition, hotline)
    participation = TrainingParticipation(analyst=Analyst(code="AN-1"), reference="")
    conditional = [u for u in unique_sets(TrainingParticipation) if u.condition is not None]
    assert [q_matches(u.condition, participation) for u in conditional] == [True, False]


def test_unknown_lookups_are_refused_loudly():
    with pytest.raises(UnsupportedCondition):
        q_holds(Q(name__startswith="A"), Organisation(name="Alpha"))
    with pytest.raises(UnsupportedCondition):
        q_holds(Q(host_organisation__name="A"), Hotline())
    assert isinstance(Organisation._meta.get_field("name"), models.CharField)
