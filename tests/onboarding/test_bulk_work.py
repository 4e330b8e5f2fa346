"""Bulk work on onboarding records: inviting several organisations to a roundtable at once (the
country's organisations not invited yet, narrowed by name, each with a suggested sector) and
reassigning the lead of several candidates; confirmed, all or nothing, audited each."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from network.models import Contact, Hotline, Organisation, Sector
from onboarding import selectors, services
from onboarding.models import Roundtable, RoundtableParticipant
from tests.network.factories import ContactFactory
from tests.onboarding.factories import (
    HotlineFactory,
    OrganisationFactory,
    ParticipantFactory,
    RoundtableFactory,
    country,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def roundtable(candidate_hotline):
    return RoundtableFactory(hotline=candidate_hotline, title="Accra stakeholder roundtable")


@pytest.fixture
def organisations():
    ghana = country("GH")
    police = OrganisationFactory(name="Ghana Police Cyber Unit", type=Organisation.Type.LAW_ENFORCEMENT, country=ghana)
    telecom = OrganisationFactory(name="Accra Telecom", type=Organisation.Type.COMPANY, country=ghana)
    ContactFactory(organisation=telecom, sector=Sector.INDUSTRY_MOBILE)
    ministry = OrganisationFactory(name="Ministry of Communications", type=Organisation.Type.GOVERNMENT, country=ghana)
    OrganisationFactory(name="Nairobi Child Line", country=country("KE"))
    return police, telecom, ministry


def test_offered_are_the_countrys_organisations_not_invited_with_a_suggested_sector(
    roundtable, organisations, network_staff
):
    police, _telecom, ministry = organisations
    ParticipantFactory(roundtable=roundtable, organisation=ministry, sector=Sector.GOVERNMENT)
    offered = selectors.invitable_organisations(roundtable=roundtable, user=network_staff)
    by_name = {row.organisation.name: row.suggested_sector for row in offered}
    assert "Ministry of Communications" not in by_name and "Nairobi Child Line" not in by_name
    assert by_name["Ghana Police Cyber Unit"] == Sector.LAW_ENFORCEMENT
    assert by_name["Accra Telecom"] == Sector.INDUSTRY_MOBILE  # from its contact; a company has no default
    narrowed = selectors.invitable_organisations(roundtable=roundtable, user=network_staff, query="police")
    assert [row.organisation for row in narrowed] == [police]
    kenya = selectors.invitable_organisations(roundtable=roundtable, user=network_staff, country=country("KE"))
    assert [row.organisation.name for row in kenya] == ["Nairobi Child Line"]


def test_invite_many_is_all_or_nothing_and_audited_each(roundtable, organisations, network_staff):
    police, telecom, ministry = organisations
    created = services.roundtable_invite_organisations(
        roundtable=roundtable,
        invitations=[(police, Sector.LAW_ENFORCEMENT), (telecom, Sector.INDUSTRY_MOBILE)],
        acting_user=network_staff,
    )
    assert {(p.organisation, p.sector, p.status) for p in created} == {
        (police, Sector.LAW_ENFORCEMENT, RoundtableParticipant.Status.INVITED),
        (telecom, Sector.INDUSTRY_MOBILE, RoundtableParticipant.Status.INVITED),
    }
    entries = ModelLogEntry.objects.filter(action="onboarding.participants.invite")
    assert sorted(entries.values_list("label", flat=True)) == ["Accra Telecom", "Ghana Police Cyber Unit"]
    with pytest.raises(ValidationError, match="Already invited: Ghana Police Cyber Unit"):
        services.roundtable_invite_organisations(
            roundtable=roundtable,
            invitations=[(ministry, Sector.GOVERNMENT), (police, Sector.LAW_ENFORCEMENT)],
            acting_user=network_staff,
        )
    assert not roundtable.participants.filter(organisation=ministry).exists()


def test_invitations_need_staff_a_sector_and_a_live_roundtable(roundtable, organisations, network_staff, make_user):
    police = organisations[0]
    with pytest.raises(PermissionDenied):
        services.roundtable_invite_organisations(
            roundtable=roundtable,
            invitations=[(police, Sector.LAW_ENFORCEMENT)],
            acting_user=make_user(Role.GRANTS, email="invite.grants@example.org"),
        )
    with pytest.raises(ValidationError, match="Choose a sector for: Ghana Police Cyber Unit"):
        services.roundtable_invite_organisations(
            roundtable=roundtable, invitations=[(police, "")], acting_user=network_staff
        )
    Roundtable.objects.filter(pk=roundtable.pk).update(status=Roundtable.Status.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        services.roundtable_invite_organisations(
            roundtable=roundtable, invitations=[(police, Sector.LAW_ENFORCEMENT)], acting_user=network_staff
        )
    assert not RoundtableParticipant.objects.exists()


def test_the_invite_page_confirms_then_invites(roundtable, organisations, network_staff, client_for):
    police, telecom, _ministry = organisations
    client = client_for(network_staff)
    url = reverse("onboarding_admin:roundtable_invite", args=[roundtable.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Ghana Police Cyber Unit" in page.text and "Nairobi Child Line" not in page.text
    assert client.get(url + "?country=KE").text.count("Nairobi Child Line") >= 1
    chosen = {
        f"pick_{police.pk}": "on",
        f"sector_{police.pk}": Sector.LAW_ENFORCEMENT,
        f"pick_{telecom.pk}": "on",
        f"sector_{telecom.pk}": "",
    }
    missing = client.post(url, chosen)
    assert "Choose the sector Accra Telecom takes part as." in missing.text
    chosen[f"sector_{telecom.pk}"] = Sector.INDUSTRY_ISP
    preview = client.post(url, chosen)
    assert (
        "Nothing has changed yet" in preview.text
        and "Accra Telecom: Industry: internet service provider" in preview.text
    )
    assert not RoundtableParticipant.objects.exists()
    done = client.post(url, {**chosen, "confirmed": "yes"})
    assert done.status_code == 302
    assert roundtable.participants.count() == 2
    assert "2 organisations invited." in client.get(done["Location"]).text
    nothing = client.post(url, {})
    assert "Tick at least one organisation to invite." in nothing.text


def test_only_network_staff_reach_the_invite_page(roundtable, organisations, make_user, client_for):
    url = reverse("onboarding_admin:roundtable_invite", args=[roundtable.pk])
    grants = client_for(make_user(Role.GRANTS, email="invite.page.grants@example.org"))
    answer = grants.post(
        url, {f"pick_{organisations[0].pk}": "on", f"sector_{organisations[0].pk}": "ngo", "confirmed": "yes"}
    )
    assert answer.status_code in (302, 403) and not RoundtableParticipant.objects.exists()


def test_contacts_sector_counts_do_not_cost_a_query_per_organisation(
    roundtable, network_staff, django_assert_max_num_queries
):
    for n in range(20):
        organisation = OrganisationFactory(name=f"Ghana Organisation {n}", country=country("GH"))
        Contact.objects.create(
            organisation=organisation,
            name=f"Person {n}",
            sector=Sector.NGO,
            lawful_basis="legitimate_interest",
            retain_until="2030-01-01",
        )
    with django_assert_max_num_queries(3):
        offered = selectors.invitable_organisations(roundtable=roundtable, user=network_staff)
    offered = [row for row in offered if row.organisation.name.startswith("Ghana Organisation")]
    assert len(offered) == 20 and {row.suggested_sector for row in offered} == {Sector.NGO}


# -- reassigning the lead of several candidates ------------------------------------------------------
def test_reassigning_leads_is_all_or_nothing_audited_each_and_only_to_network_staff(
    candidate_hotline, network_staff, make_user
):
    other = HotlineFactory(brand_name="SafeNet Togo", country=country("TG"), lead_staff=network_staff)
    colleague = make_user(Role.NETWORK_STAFF, email="new.lead@example.org")
    changed = services.candidates_reassign_lead(
        hotlines=[candidate_hotline, other], lead_staff=colleague, acting_user=network_staff
    )
    assert {h.pk for h in changed} == {candidate_hotline.pk, other.pk}
    assert set(
        Hotline.objects.filter(pk__in=[candidate_hotline.pk, other.pk]).values_list("lead_staff", flat=True)
    ) == {colleague.pk}
    entry = ModelLogEntry.objects.filter(action="onboarding.lead_reassign", object_id=str(other.pk)).get()
    assert entry.data["changed"]["lead_staff"] == [network_staff.pk, colleague.pk]
    # Already led by them: nothing to change, nothing logged.
    assert services.candidates_reassign_lead(hotlines=[other], lead_staff=colleague, acting_user=network_staff) == []
    reviewer = make_user(Role.REVIEWER, email="not.a.lead@example.org")
    with pytest.raises(ValidationError, match="cannot lead a candidate"):
        services.candidates_reassign_lead(hotlines=[other], lead_staff=reviewer, acting_user=network_staff)
    with pytest.raises(PermissionDenied):
        services.candidates_reassign_lead(hotlines=[other], lead_staff=None, acting_user=reviewer)
    assert Hotline.objects.get(pk=other.pk).lead_staff == colleague


def test_the_candidate_list_reassigns_ticked_candidates_after_confirmation(
    candidate_hotline, network_staff, make_user, client_for
):
    colleague = make_user(Role.NETWORK_STAFF, email="list.lead@example.org", first_name="Lena", last_name="Lead")
    client = client_for(network_staff)
    listing = client.get(reverse("onboarding_admin:candidates"))
    assert 'name="hotlines"' in listing.text and "Lena Lead" in listing.text
    url = reverse("onboarding_admin:candidates_reassign")
    data = {
        "hotlines": [candidate_hotline.pk],
        "lead_staff": str(colleague.pk),
        "next": "/admin/onboarding/candidates/",
    }
    preview = client.post(url, data)
    assert preview.status_code == 200 and "SafeNet Ghana: nobody yet → Lena Lead" in preview.text
    assert Hotline.objects.get(pk=candidate_hotline.pk).lead_staff is None
    done = client.post(url, {**data, "confirmed": "yes"})
    assert done.status_code == 302 and done["Location"] == "/admin/onboarding/candidates/"
    assert Hotline.objects.get(pk=candidate_hotline.pk).lead_staff == colleague
    empty = client.post(url, {"lead_staff": str(colleague.pk)}, follow=True)
    assert "Tick at least one candidate." in empty.text
