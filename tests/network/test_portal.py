"""The member portal: every page for anonymous, wrong and right users; forms and their errors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from network.models import Analyst, Hotline, HotlineAnnualProfile, HotlineStatistics, TrainingParticipation
from tests.network.factories import AnalystFactory, EventFactory, HotlineFactory, OrganisationFactory

# These tests read `response.context`.
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]


def pages(side) -> list[str]:
    """Every portal page of a hotline (GET), with its records' pages."""
    h = side.hotline.pk
    names = [
        ("portal:network_overview", {"pk": h}),
        ("portal:network_profile", {"pk": h}),
        ("portal:network_annual_profiles", {"pk": h}),
        ("portal:network_annual_profile_add", {"pk": h}),
        ("portal:network_annual_profile_edit", {"pk": h, "profile_pk": side.profile.pk}),
        ("portal:network_statistics", {"pk": h}),
        ("portal:network_statistics_add", {"pk": h}),
        ("portal:network_statistics_edit", {"pk": h, "return_pk": side.statistics.pk}),
        ("portal:network_analysts", {"pk": h}),
        ("portal:network_analyst_add", {"pk": h}),
        ("portal:network_analyst_edit", {"pk": h, "analyst_pk": side.analyst.pk}),
        ("portal:network_training", {"pk": h}),
        ("portal:network_training_nominate", {"pk": h, "event_pk": side.participation.event.pk}),
    ]
    return [reverse(name, kwargs=kwargs) for name, kwargs in names]


def test_anonymous_users_are_sent_to_login(client, side_a):
    for url in [reverse("portal:network_hotline"), *pages(side_a)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
    withdraw = reverse("portal:network_nomination_withdraw", args=(side_a.hotline.pk, side_a.participation.pk))
    assert client.post(withdraw).status_code == 302
    assert TrainingParticipation.objects.filter(pk=side_a.participation.pk).exists()


def test_staff_have_no_business_in_the_portal(client_for, staff_user, side_a):
    client = client_for(staff_user)
    for url in [reverse("portal:network_hotline"), *pages(side_a)]:
        assert client.get(url).status_code == 403, url


def test_right_user_reaches_every_page_of_their_hotline(client_for, side_a):
    client = client_for(side_a.user)
    home = client.get(reverse("portal:network_hotline"))
    assert home.status_code == 302 and home.url == reverse("portal:network_overview", args=(side_a.hotline.pk,))
    for url in pages(side_a):
        assert client.get(url).status_code == 200, url


def test_user_of_hotline_a_gets_404_on_every_page_of_hotline_b(client_for, side_a, side_b):
    client = client_for(side_a.user)
    for url in pages(side_b):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    # B's records under A's own hotline address are not found either.
    a = side_a.hotline.pk
    for name, kwargs in [
        ("portal:network_annual_profile_edit", {"profile_pk": side_b.profile.pk}),
        ("portal:network_statistics_edit", {"return_pk": side_b.statistics.pk}),
        ("portal:network_analyst_edit", {"analyst_pk": side_b.analyst.pk}),
    ]:
        assert client.get(reverse(name, kwargs={"pk": a, **kwargs})).status_code == 404, name
    withdraw = reverse("portal:network_nomination_withdraw", args=(a, side_b.participation.pk))
    assert client.post(withdraw).status_code == 404
    assert TrainingParticipation.objects.filter(pk=side_b.participation.pk).exists()


def test_lists_show_none_of_another_hotlines_rows(client_for, side_a, side_b):
    client = client_for(side_a.user)
    for url in [*pages(side_a), reverse("portal:home")]:
        html = client.get(url).content.decode()
        assert "Hotline B" not in html, url
        assert side_b.analyst.code not in html, url
        assert "Person B" not in html, url
    home = client.get(reverse("portal:home")).content.decode()
    assert "Hotline A" in home and reverse("portal:network_hotline") in home


def test_candidate_organisations_have_no_member_pages(client_for, make_user):
    from accounts.services import affiliation_set

    organisation = OrganisationFactory()
    candidate = HotlineFactory(host_organisation=organisation, stage=Hotline.Stage.EXPLORING, full_member_on=None)
    user = make_user()
    affiliation_set(user=user, target=organisation, acting_user=None)
    client = client_for(user)
    assert client.get(reverse("portal:network_hotline")).status_code == 404
    assert client.get(reverse("portal:network_overview", args=(candidate.pk,))).status_code == 404
    assert reverse("portal:network_hotline") not in client.get(reverse("portal:home")).content.decode()


def test_statistics_return_is_validated_with_clear_field_errors(client_for, side_a):
    client = client_for(side_a.user)
    url = reverse("portal:network_statistics_add", args=(side_a.hotline.pk,))
    year = timezone.localdate().year - 2
    data = {
        "period_start": f"{year}-01-01",
        "period_end": f"{year}-12-31",
        "reports_received": "-5",
        "content_urls_processed": "100",
        "share_assessed_illegal": "140",
        "share_removed_within_3_days": "",
        "share_referred_le_within_3_days": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert "reports_received" in form.errors and "share_assessed_illegal" in form.errors
    data.update(reports_received="120", share_assessed_illegal="40", share_removed_within_3_days="55")
    response = client.post(url, data)
    assert "share assessed illegal" in response.context["form"].errors["share_removed_within_3_days"][0]
    # The fixture already holds last year's return: one return per period.
    last = timezone.localdate().year - 1
    clash = {
        **data,
        "share_removed_within_3_days": "30",
        "period_start": f"{last}-01-01",
        "period_end": f"{last}-12-31",
    }
    response = client.post(url, clash)
    assert "one return per period" in response.context["form"].errors["period_start"][0]
    future = {**clash, "period_start": f"{last + 1}-01-01", "period_end": f"{last + 1}-12-31"}
    assert "period_end" in client.post(url, future).context["form"].errors
    assert HotlineStatistics.objects.filter(hotline=side_a.hotline).count() == 1

    data["share_removed_within_3_days"] = "30"
    response = client.post(url, data)
    assert response.status_code == 302
    created = HotlineStatistics.objects.get(hotline=side_a.hotline, period_start=date(year, 1, 1))
    assert (created.source, created.validation_status, created.submitted_by) == (
        "hotline_return",
        "submitted",
        side_a.user,
    )
    entry = ModelLogEntry.objects.for_instance(created).get(action="network.statistics.submit")
    assert entry.user == side_a.user and entry.data["changed"]["reports_received"] == [None, 120]


def test_validated_returns_are_closed(client_for, side_a):
    side_a.statistics.validation_status = HotlineStatistics.Validation.VALIDATED
    side_a.statistics.save()
    url = reverse("portal:network_statistics_edit", args=(side_a.hotline.pk, side_a.statistics.pk))
    client = client_for(side_a.user)
    assert client.get(url).status_code == 302
    assert client.post(url, {"reports_received": "1"}).status_code == 302
    side_a.statistics.refresh_from_db()
    assert side_a.statistics.reports_received == 1000


def test_public_profile_edit_is_audited_and_keeps_the_home_country(client_for, side_a):
    client = client_for(side_a.user)
    url = reverse("portal:network_profile", args=(side_a.hotline.pk,))
    response = client.post(
        url,
        {
            "public_reporting_url": "https://new.example.org/report",
            "description": "We take reports.",
            "countries_served": ["LU"],
            "point_of_contact": side_a.contact.pk,
        },
    )
    assert response.status_code == 302
    hotline = Hotline.objects.get(pk=side_a.hotline.pk)
    assert hotline.public_reporting_url == "https://new.example.org/report"
    assert set(hotline.countries_served.values_list("code", flat=True)) == {"BE", "LU"}
    assert hotline.stage == Hotline.Stage.FULL_MEMBER
    entry = ModelLogEntry.objects.for_instance(hotline).get(action="network.hotline.profile_update")
    assert entry.user == side_a.user
    assert entry.data["changed"]["public_reporting_url"][1] == "https://new.example.org/report"
    assert entry.data["changed"]["countries_served"] == [["BE"], ["BE", "LU"]]
    bad = client.post(url, {"public_reporting_url": "not a url", "countries_served": [], "stage": "ceased"})
    assert bad.status_code == 400 and "public_reporting_url" in bad.context["form"].errors
    assert Hotline.objects.get(pk=hotline.pk).stage == Hotline.Stage.FULL_MEMBER


def test_analysts_are_registered_by_pseudonymous_code(client_for, side_a, side_b):
    client = client_for(side_a.user)
    url = reverse("portal:network_analyst_add", args=(side_a.hotline.pk,))
    assert "code" in client.post(url, {"code": "Maria Novak", "role": "analyst"}).context["form"].errors
    assert "already" in client.post(url, {"code": "a-01", "role": "analyst"}).context["form"].errors["code"][0]
    assert client.post(url, {"code": side_b.analyst.code, "role": "analyst"}).status_code == 302
    assert client.post(url, {"code": "a-02", "role": "senior_analyst", "started_on": "2024-02-01"}).status_code == 302
    assert set(Analyst.objects.filter(hotline=side_a.hotline).values_list("code", flat=True)) == {
        "A-01",
        "A-02",
        "B-01",
    }
    edit = reverse("portal:network_analyst_edit", args=(side_a.hotline.pk, side_a.analyst.pk))
    ended = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert client.post(edit, {"code": "A-01", "role": "analyst", "ended_on": ended}).status_code == 302
    side_a.analyst.refresh_from_db()
    assert not side_a.analyst.is_active


def test_annual_profile_submit_and_one_per_year(client_for, side_a):
    client = client_for(side_a.user)
    url = reverse("portal:network_annual_profile_add", args=(side_a.hotline.pk,))
    this_year = timezone.localdate().year
    data = {
        "year": this_year,
        "analyst_headcount": 3,
        "fte": "2.5",
        "psychological_support": "regular",
        "languages": "fr, nl",
        "welfare_policy": "on",
    }
    assert client.post(url, {**data, "fte": "4"}).context["form"].errors["fte"]
    assert client.post(url, {**data, "year": this_year + 1}).context["form"].errors["year"]
    assert client.post(url, data).status_code == 302
    assert "year" in client.post(url, data).context["form"].errors
    assert HotlineAnnualProfile.objects.filter(hotline=side_a.hotline, year=this_year).count() == 1


def test_nominations_for_upcoming_events_and_withdrawal(client_for, side_a):
    client = client_for(side_a.user)
    event = EventFactory()
    second = AnalystFactory(hotline=side_a.hotline, code="A-02")
    url = reverse("portal:network_training_nominate", args=(side_a.hotline.pk, event.pk))
    assert client.post(url, {"analysts": []}).status_code == 400
    response = client.post(url, {"analysts": [side_a.analyst.pk, second.pk]})
    assert response.status_code == 302
    places = TrainingParticipation.objects.filter(event=event)
    assert {p.status for p in places} == {"nominated"} and places.count() == 2
    form = client.get(url).context["form"]
    assert list(form.fields["analysts"].queryset) == []  # both already have a place
    past = EventFactory(starts_on=timezone.localdate() - timedelta(days=3))
    assert client.get(reverse("portal:network_training_nominate", args=(side_a.hotline.pk, past.pk))).status_code == 404
    place = places.get(analyst=second)
    withdraw = reverse("portal:network_nomination_withdraw", args=(side_a.hotline.pk, place.pk))
    assert client.get(withdraw).status_code == 405
    assert client.post(withdraw).status_code == 302
    assert not TrainingParticipation.objects.filter(pk=place.pk).exists()
    assert ModelLogEntry.objects.filter(action="network.training.withdraw", object_id=str(place.pk)).exists()


def test_other_roles_cannot_use_portal_services(side_a, make_user):
    from django.core.exceptions import PermissionDenied

    from network import services

    editor = make_user(Role.EDITOR)
    with pytest.raises(PermissionDenied):
        services.analyst_register(hotline=side_a.hotline, values={"code": "X-1"}, acting_user=editor)
    stranger = make_user()
    with pytest.raises(PermissionDenied):
        services.hotline_update_profile(hotline=side_a.hotline, values={"description": "x"}, acting_user=stranger)


def test_annual_profile_and_statistics_corrections_are_audited_until_validated(client_for, side_a, side_b):
    client = client_for(side_a.user)
    profile_url = reverse("portal:network_annual_profile_edit", args=(side_a.hotline.pk, side_a.profile.pk))
    data = {
        "year": side_a.profile.year,
        "analyst_headcount": 4,
        "fte": "3",
        "psychological_support": "regular",
        "languages": "fr, nl",
        "welfare_policy": "on",
    }
    assert client.post(profile_url, data).status_code == 302
    side_a.profile.refresh_from_db()
    assert side_a.profile.analyst_headcount == 4 and side_a.profile.submitted_by == side_a.user
    entries = ModelLogEntry.objects.filter(action="network.annual_profile.update", object_id=str(side_a.profile.pk))
    assert entries.exists()
    # Another hotline's profile is not reachable.
    foreign = reverse("portal:network_annual_profile_edit", args=(side_a.hotline.pk, side_b.profile.pk))
    assert client.post(foreign, data).status_code == 404

    statistics = side_a.statistics
    statistics.validation_status = HotlineStatistics.Validation.SUBMITTED
    statistics.save()
    url = reverse("portal:network_statistics_edit", args=(side_a.hotline.pk, statistics.pk))
    values = {
        "period_start": statistics.period_start.isoformat(),
        "period_end": statistics.period_end.isoformat(),
        "reports_received": "321",
        "content_urls_processed": "400",
        "share_assessed_illegal": "50",
        "share_removed_within_3_days": "40",
        "share_referred_le_within_3_days": "30",
    }
    assert client.post(url, values).status_code == 302
    statistics.refresh_from_db()
    assert statistics.reports_received == 321
    assert ModelLogEntry.objects.filter(action="network.statistics.update", object_id=str(statistics.pk)).exists()
    statistics.validation_status = HotlineStatistics.Validation.VALIDATED
    statistics.save()
    response = client.post(url, {**values, "reports_received": "999"})
    assert response.status_code == 302
    statistics.refresh_from_db()
    assert statistics.reports_received == 321
