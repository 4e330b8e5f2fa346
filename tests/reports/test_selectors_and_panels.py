"""Selectors: frames keep their shape on empty data, run one query each and are scoped by
`visible_to`; the personal panels on the admin home page."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import STAFF_ROLES, Role
from accounts.services import affiliation_set
from network.models import Hotline
from onboarding.models import ActionItem
from reports import caching, selectors
from tests.reports.donor_report_factories import make_grant
from tests.reports.world import build_world

pytestmark = pytest.mark.django_db


def test_every_frame_keeps_its_columns_and_types_when_empty():
    for name, loader in selectors.FRAMES.items():
        frame = loader(user=None)
        assert frame.empty or name == "countries", name  # countries: reference data, migrated
        columns = selectors.SOURCES[name][1]
        assert list(frame.columns) == [column.name for column in columns], name
    for name in selectors.DERIVED:
        assert selectors.load_frames([name])[name].empty, name
        assert list(selectors.empty_frame(name).columns) == list(selectors.load_frames([name])[name].columns), name
    hotlines = selectors.hotlines_frame(user=None)
    assert str(hotlines["joined_on"].dtype).startswith("datetime64")
    assert str(hotlines["hotline_id"].dtype) == "Int64"


def test_frame_columns_take_their_declared_types_from_raw_rows():
    """Each column is converted by its declared kind, whatever the rows hold: text with missing values
    becomes "", integers stay exact with missing ones as <NA>, dates are days (NaT when missing or
    unreadable), and values of another type are coerced as pandas would (unreadable -> missing)."""
    columns = (
        selectors.Column("name", "name"),
        selectors.Column("number", "number", "int"),
        selectors.Column("day", "day", "date"),
        selectors.Column("share", "share", "float"),
        selectors.Column("online", "online", "bool"),
    )
    rows = [("Alpha", 2**60, "2026-03-01", 0.5, True), (None, None, None, None, None), (7, "x", "not a day", "1.5", 0)]
    frame = selectors._frame(rows, columns)
    assert frame["name"].tolist() == ["Alpha", "", "7"]
    assert str(frame["name"].dtype) == "str"
    assert str(frame["number"].dtype) == "Int64"
    assert frame["number"][0] == 2**60 and frame["number"].isna().tolist() == [False, True, True]
    assert str(frame["day"].dtype) == "datetime64[s]"
    assert frame["day"][0] == pd.Timestamp("2026-03-01") and frame["day"][1:].isna().all()
    assert frame["share"].tolist()[0::2] == [0.5, 1.5] and frame["share"].isna()[1]
    assert frame["online"].tolist() == [True, False, False]
    empty = selectors._frame([], columns)
    assert empty.dtypes.astype(str).tolist() == frame.dtypes.astype(str).tolist()


def test_every_frame_is_one_query():
    build_world()
    make_grant()  # a grant with an indicator (grant_indicators)
    for name, loader in selectors.FRAMES.items():
        with CaptureQueriesContext(connection) as captured:
            frame = loader(user=None)
        assert len(captured.captured_queries) == 1, name
        assert not frame.empty, name


def test_frames_start_from_visible_to(make_user):
    world = build_world()
    portal_user = make_user(email="kenya.user@example.org")
    affiliation_set(user=portal_user, target=world.hotlines["KE"].host_organisation, acting_user=None)
    hotlines = selectors.hotlines_frame(user=portal_user)
    assert hotlines["brand_name"].tolist() == ["Kenya line"]
    assert set(selectors.analysts_frame(user=portal_user)["code"]) == {"KE-1", "KE-2"}
    assert selectors.stage_changes_frame(user=portal_user).empty  # staff notes
    assert selectors.country_assessments_frame(user=portal_user).empty
    assert selectors.statistics_frame(user=portal_user)["brand_name"].tolist() == ["Kenya line"]
    assert selectors.load_frames(["hotlines"], user=make_user())["hotlines"].empty


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_only_network_staff_share_cache_entries_and_they_see_every_row(role, make_user):
    """Cached dashboards are shared by the users of one access scope (`caching.access_scope`): network
    staff see every row of every frame; other roles, whose `visible_to` may narrow their view (a
    reviewer sees only the dossiers assigned to them), have entries of their own."""
    build_world()
    user = make_user(role)
    if role == Role.NETWORK_STAFF:
        assert caching.access_scope(user) == "network"
        for name, loader in selectors.FRAMES.items():
            assert len(loader(user=user)) == len(loader(user=None)), name
    else:
        assert caching.access_scope(user) == f"user-{user.pk}"


def test_a_reviewer_sees_the_assessments_of_the_dossiers_open_to_them(make_user):
    from onboarding.models import ReviewerAssignment

    world = build_world()
    reviewer = make_user(Role.REVIEWER)
    assert selectors.assessment_actions_frame(user=reviewer).empty
    ReviewerAssignment.objects.create(
        hotline=world.hotlines["GH"], reviewer=reviewer, coi_declared_at=timezone.now(), has_conflict=False
    )
    assert set(selectors.assessment_actions_frame(user=reviewer)["brand_name"]) == {"Ghana line"}


def test_completed_frames_equal_reading_their_joins_directly():
    """Analysts, training places and roundtable participants are read narrow and completed from the
    hotlines, countries and roundtables frames: the result is the wide read, row for row and type for type."""
    import pandas as pd

    build_world()
    make_grant()
    wide = {
        "analysts": (selectors.analyst_rows_source, selectors.ANALYST_COLUMNS),
        "participations": (selectors.participation_rows_source, selectors.PARTICIPATION_COLUMNS),
        "roundtable_participants": (selectors.roundtable_participant_rows_source, selectors.PARTICIPANT_COLUMNS),
    }
    frames = selectors.Frames()
    for name, (source, columns) in wide.items():
        direct = selectors._frame(selectors._rows(source(), columns), columns)
        assert not direct.empty, name
        pd.testing.assert_frame_equal(frames[name], direct, check_exact=True, obj=name)


def test_derived_frames_and_unknown_names():
    build_world()
    frames = selectors.Frames()
    with CaptureQueriesContext(connection) as captured:
        places = frames["training_places"]
        frames["analysts"]
    # Participations (and the countries for their organisations' regions), events, analysts (and the
    # hotlines for their names and countries): once each.
    assert selectors.sources_of(["training_places", "analysts"]) == {
        "participation_rows",
        "countries",
        "training_events",
        "analyst_rows",
        "hotlines",
    }
    assert len(captured.captured_queries) == 5
    assert set(places["analyst_code"]) >= {"DE-1", "FR-1", "KE-1"}
    with pytest.raises(KeyError, match="No frame named 'nothing'"):
        frames["nothing"]


# -- Admin home panels ---------------------------------------------------------------------------------
@pytest.fixture
def lead(make_user):
    return make_user(Role.NETWORK_STAFF, email="lead@example.org")


def test_home_panels_show_my_candidates_action_items_and_expiring_certificates(client_for, lead):
    world = build_world()
    Hotline.objects.filter(pk__in=[world.hotlines["GH"].pk, world.hotlines["NP"].pk]).update(lead_staff=lead)
    roundtable = world.hotlines["GH"].roundtables.first()
    today = timezone.localdate()
    ActionItem.objects.create(
        roundtable=roundtable, title="Send the draft MoU", owner_user=lead, due_on=today - timedelta(days=2)
    )
    ActionItem.objects.create(
        roundtable=roundtable, title="Book the venue", owner_user=lead, due_on=today + timedelta(days=5)
    )
    ActionItem.objects.create(
        roundtable=roundtable, title="Far away", owner_user=lead, due_on=today + timedelta(days=40)
    )
    ActionItem.objects.create(
        roundtable=roundtable, title="Already done", owner_user=lead, due_on=today, status=ActionItem.Status.DONE
    )
    html = client_for(lead).get(reverse("wagtailadmin_home")).content.decode()
    assert "My candidates" in html and "Ghana line" in html and "Nepal line" in html
    assert "Over target by 20 days" in html
    assert "Send the draft MoU" in html and "Book the venue" in html and "Overdue" in html
    assert "Far away" not in html and "Already done" not in html
    assert "1 certificate expiring within 90 days" in html and "DE-1" in html
    assert "DE-2" not in html  # left the hotline


def test_items_awaiting_my_review(client_for, make_user):
    from onboarding.models import ChecklistItem, ReviewerAssignment
    from onboarding.services import checklist_create

    world = build_world()
    staff = make_user(Role.NETWORK_STAFF)
    checklist_create(hotline=world.hotlines["GH"], acting_user=staff)
    items = list(ChecklistItem.objects.filter(checklist__hotline=world.hotlines["GH"]).order_by("pk")[:3])
    submitter = make_user(Role.NETWORK_STAFF)
    ChecklistItem.objects.filter(pk__in=[i.pk for i in items[:2]]).update(
        state="submitted", submitted_at=timezone.now() - timedelta(days=3), submitted_by=submitter
    )
    ChecklistItem.objects.filter(pk=items[2].pk).update(
        state="submitted", submitted_at=timezone.now(), submitted_by=staff
    )
    html = client_for(staff).get(reverse("wagtailadmin_home")).content.decode()
    assert "2 checklist items awaiting my review" in html  # not the one they submitted themselves
    assert reverse("onboarding_admin:review_item", args=[items[0].pk]) in html
    reviewer = make_user(Role.REVIEWER)
    assert "awaiting my review" not in client_for(reviewer).get(reverse("wagtailadmin_home")).content.decode()
    ReviewerAssignment.objects.create(
        hotline=world.hotlines["GH"], reviewer=reviewer, coi_declared_at=timezone.now(), has_conflict=False
    )
    assert (
        "3 checklist items awaiting my review"
        in client_for(reviewer).get(reverse("wagtailadmin_home")).content.decode()
    )


def test_home_panels_are_personal_and_follow_permissions(client_for, make_user):
    build_world()
    other = make_user(Role.NETWORK_STAFF)
    html = client_for(other).get(reverse("wagtailadmin_home")).content.decode()
    assert "My candidates" not in html and "My action items" not in html
    assert "certificate expiring" in html  # staff may see the training records
    editor_html = client_for(make_user(Role.EDITOR)).get(reverse("wagtailadmin_home")).content.decode()
    assert "certificate expiring" not in editor_html and "My candidates" not in editor_html


def test_home_panel_queries_do_not_grow(client_for, lead, django_assert_max_num_queries):
    world = build_world()
    client = client_for(lead)
    Hotline.objects.filter(pk=world.hotlines["GH"].pk).update(lead_staff=lead)
    client.get(reverse("wagtailadmin_home"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("wagtailadmin_home"))
    Hotline.objects.filter(pk=world.hotlines["NP"].pk).update(lead_staff=lead)
    roundtable = world.hotlines["GH"].roundtables.first()
    for index in range(8):
        ActionItem.objects.create(
            roundtable=roundtable, title=f"Item {index}", owner_user=lead, due_on=timezone.localdate()
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("wagtailadmin_home"))
