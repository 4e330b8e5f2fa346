"""Email from records: a roundtable's participants get the invitation in their own language with the
.ics attached, a candidate's users and contacts a message; both through the outbox, logged as an
interaction, audited; only network staff (and the candidate's lead) may send. Message templates:
placeholders checked on save, shipped in three languages, edited by network staff only."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from accounts.services import affiliation_set
from core.models import OutgoingEmail
from onboarding import selectors, services
from onboarding.message_defaults import DEFAULT_TEXTS
from onboarding.message_texts import PLACEHOLDERS, ROUNDTABLE_INVITATION, fill, placeholder_problems
from onboarding.models import CandidateProfile, Interaction, MessageTemplate, Roundtable
from tests.network.factories import ContactFactory
from tests.onboarding.factories import ParticipantFactory, RoundtableFactory

pytestmark = pytest.mark.django_db


# -- placeholders (pure) ----------------------------------------------------------------------
def test_placeholders_are_checked_against_the_purpose():
    allowed = PLACEHOLDERS[ROUNDTABLE_INVITATION]
    assert placeholder_problems("Invitation: {roundtable} on {date}; {{literal}}", allowed) == []
    (problem,) = placeholder_problems("Dear {name}, see {name}", allowed)
    assert "{name}" in problem and "{roundtable}" in problem
    assert placeholder_problems("{roundtable.hotline}", allowed)  # never an object's attributes
    assert placeholder_problems("{date:%Y}", allowed)
    assert placeholder_problems("{date!r}", allowed)
    assert "brace" in placeholder_problems("Dear {roundtable", allowed)[0]


def test_fill_puts_values_in_and_closes_the_gap_of_an_empty_message():
    text = "Hello {roundtable},\n\n{message}\n\nBye {{x}}"
    assert fill(text, {"roundtable": "RT", "message": ""}) == "Hello RT,\n\nBye {x}"


def test_the_shipped_texts_exist_in_three_languages_and_are_valid():
    for purpose, texts in DEFAULT_TEXTS.items():
        assert set(texts) == {"en", "fr", "es"}
        template = MessageTemplate.for_purpose(purpose)
        template.full_clean()
        for language in ("en", "fr", "es"):
            subject, body = template.text_in(language)
            assert subject and "{sender}" in body and "{message}" in body
    assert MessageTemplate.objects.count() == 2  # shipped by the migration, not made twice


def test_an_unknown_placeholder_is_refused_on_save_naming_the_field():
    template = MessageTemplate.for_purpose(MessageTemplate.Purpose.CANDIDATE_MESSAGE)
    template.body_fr = "Bonjour {roundtable}"  # offered for invitations, not for candidates
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert set(error.value.message_dict) == {"body_fr"}
    assert "{roundtable}" in error.value.message_dict["body_fr"][0]


# -- a roundtable's participants --------------------------------------------------------------
@pytest.fixture
def roundtable(make_user):
    roundtable = RoundtableFactory(status=Roundtable.Status.PLANNED, title="Kenya stakeholders")
    Roundtable.objects.filter(pk=roundtable.pk).update(
        starts_at=roundtable.starts_at.replace(year=roundtable.starts_at.year + 1)
    )
    roundtable.refresh_from_db()
    french = ContactFactory(email="amelie@police.example", name="Amélie Police")
    make_user(email="amelie@police.example", language="fr")
    spanish = ContactFactory(email="lucia@isp.example", name="Lucía ISP")
    make_user(email="lucia@isp.example", language="es")
    english = ContactFactory(email="john@ministry.example", name="John Ministry")
    silent = ContactFactory(email="", name="No Address")
    for contact, sector in ((french, "law_enforcement"), (spanish, "industry_isp"), (english, "government")):
        ParticipantFactory(roundtable=roundtable, organisation=contact.organisation, contact=contact, sector=sector)
    ParticipantFactory(roundtable=roundtable, organisation=silent.organisation, contact=silent, sector="ngo")
    ParticipantFactory(roundtable=roundtable, sector="regulator")  # no contact named
    return roundtable


def test_each_participant_gets_the_invitation_in_their_language_with_the_ics(
    roundtable, network_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.roundtable_email_participants(
            roundtable=roundtable, message="Lunch is provided.", acting_user=network_staff
        )
    assert len(result.sent) == 3 and len(result.unreachable) == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"amelie@police.example", "lucia@isp.example", "john@ministry.example"}
    assert "Invitation : Kenya stakeholders" in by_address["amelie@police.example"].subject
    assert "Madame, Monsieur" in by_address["amelie@police.example"].body
    assert "Invitación: Kenya stakeholders" in by_address["lucia@isp.example"].subject
    assert "Dear colleague" in by_address["john@ministry.example"].body
    for message in mail.outbox:
        assert "Lunch is provided." in message.body
        assert message.reply_to == [network_staff.email]
        (attachment,) = message.attachments
        assert attachment.filename == f"{roundtable.code}.ics" and attachment.mimetype == "text/calendar"
        content = attachment.content if isinstance(attachment.content, str) else attachment.content.decode()
        assert "BEGIN:VEVENT" in content and f"roundtable-{roundtable.pk}@onboarding" in content
    assert "{" not in "".join(message.body for message in mail.outbox)

    interaction = result.interaction
    assert interaction.hotline == roundtable.hotline and interaction.kind == Interaction.Kind.EMAIL
    assert "amelie@police.example" in interaction.summary and "No Address" in interaction.summary
    assert "no contact named" in interaction.summary
    assert interaction.organisations.count() == 3
    entry = ModelLogEntry.objects.get(action="onboarding.roundtable_email")
    assert entry.object_id == str(roundtable.pk) and len(entry.data["recipients"]) == 3

    # The same day again: a second interaction, not a clash with the first.
    services.roundtable_email_participants(roundtable=roundtable, acting_user=network_staff)
    assert Interaction.objects.filter(hotline=roundtable.hotline, kind=Interaction.Kind.EMAIL).count() == 2


def test_sending_is_all_or_nothing(roundtable, network_staff):
    from core import mail as outbox

    real = outbox.queue_message
    calls = []

    def failing_second(message):
        calls.append(message)
        if len(calls) == 2:
            raise RuntimeError("outbox down")
        return real(message)

    with (
        mock.patch("onboarding.services.emailing.queue_message", side_effect=failing_second),
        pytest.raises(RuntimeError),
    ):
        services.roundtable_email_participants(roundtable=roundtable, acting_user=network_staff)
    assert OutgoingEmail.objects.count() == 0
    assert not Interaction.objects.filter(kind=Interaction.Kind.EMAIL).exists()


def test_who_may_email_participants(roundtable, make_user):
    for role in (Role.REVIEWER, Role.GRANTS, Role.CAPACITY):
        with pytest.raises(PermissionDenied):
            services.roundtable_email_participants(roundtable=roundtable, acting_user=make_user(role))
    lead = make_user(Role.CAPACITY)
    roundtable.hotline.lead_staff = lead
    roundtable.hotline.save()
    assert selectors.may_email_about(user=lead, hotline=roundtable.hotline)
    services.roundtable_email_participants(roundtable=roundtable, acting_user=lead)


# -- a candidate --------------------------------------------------------------------------------
@pytest.fixture
def candidate(candidate_hotline, make_user):
    user = make_user(email="ama@safenet.example", language="es", first_name="Ama", last_name="Mensah")
    affiliation_set(user=user, target=candidate_hotline.host_organisation, acting_user=None)
    ContactFactory(organisation=candidate_hotline.host_organisation, email="board@safenet.example", name="Board")
    CandidateProfile.objects.create(
        hotline=candidate_hotline, identified_on="2026-01-05", notes="STAFF-ONLY: funding looks shaky"
    )
    return candidate_hotline


def test_a_candidate_gets_a_message_and_it_is_on_its_timeline(
    candidate, network_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.candidate_email(
            hotline=candidate,
            portal_users=True,
            contacts=True,
            message="Your legal review is due next week.",
            acting_user=network_staff,
        )
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"ama@safenet.example", "board@safenet.example"}
    assert "un mensaje de la asociación" in by_address["ama@safenet.example"].subject
    assert "a message from the association" in by_address["board@safenet.example"].subject
    for message in mail.outbox:
        assert "Your legal review is due next week." in message.body
        assert "STAFF-ONLY" not in message.body and message.attachments == []
    timeline = selectors.candidate_timeline(hotline=candidate)
    assert any(entry.obj == result.interaction for entry in timeline)
    assert ModelLogEntry.objects.filter(action="onboarding.candidate_email", object_id=str(result.interaction.pk))

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.candidate_email(
            hotline=candidate, portal_users=False, contacts=True, message="Contacts only.", acting_user=network_staff
        )
    assert [message.to for message in mail.outbox] == [["board@safenet.example"]]


def test_a_candidate_message_needs_an_audience_and_words(candidate, network_staff, make_user):
    with pytest.raises(ValidationError):
        services.candidate_email(
            hotline=candidate, portal_users=False, contacts=False, message="x", acting_user=network_staff
        )
    with pytest.raises(ValidationError):
        services.candidate_email(
            hotline=candidate, portal_users=True, contacts=True, message=" ", acting_user=network_staff
        )
    with pytest.raises(PermissionDenied):
        services.candidate_email(
            hotline=candidate, portal_users=True, contacts=True, message="x", acting_user=make_user(Role.REVIEWER)
        )


# -- the screens --------------------------------------------------------------------------------
def test_the_roundtable_screen_prefills_confirms_then_sends(
    roundtable, network_staff, client_for, django_capture_on_commit_callbacks
):
    client = client_for(network_staff)
    url = reverse("onboarding_admin:roundtable_email", args=[roundtable.pk])
    assert url in client.get(reverse("onboarding_admin:roundtable", args=[roundtable.pk])).content.decode()
    page = client.get(url).content.decode()
    assert "Invitation : {roundtable}" in page and "Invitación: {roundtable}" in page  # prefilled, per language
    assert "No Address" in page and "no contact named" in page

    form = {
        "message": "See you there.",
        **{f"subject_{code}": DEFAULT_TEXTS[ROUNDTABLE_INVITATION][code][0] for code in ("en", "fr", "es")},
        **{f"body_{code}": DEFAULT_TEXTS[ROUNDTABLE_INVITATION][code][1] for code in ("en", "fr", "es")},
    }
    bad = client.post(url, {**form, "body_fr": "Bonjour {nom}"})
    assert "Unknown placeholder {nom}" in bad.content.decode() and OutgoingEmail.objects.count() == 0

    confirm = client.post(url, form).content.decode()
    assert "data-confirm-step" in confirm and "amelie@police.example" in confirm and "FR" in confirm
    assert "See you there." in confirm and f"{roundtable.code}.ics" in confirm
    assert OutgoingEmail.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**form, "confirmed": "yes"})
    assert done.status_code == 302 and len(mail.outbox) == 3


def test_the_candidate_screen_sends_to_whom_was_ticked(
    candidate, network_staff, client_for, django_capture_on_commit_callbacks
):
    client = client_for(network_staff)
    url = reverse("onboarding_admin:candidate_email", args=[candidate.pk])
    assert url in client.get(reverse("onboarding_admin:candidate", args=[candidate.pk])).content.decode()
    texts = DEFAULT_TEXTS[MessageTemplate.Purpose.CANDIDATE_MESSAGE]
    form = {
        "portal_users": "on",
        "message": "Hello.",
        **{f"subject_{code}": texts[code][0] for code in ("en", "es")},
        **{f"body_{code}": texts[code][1] for code in ("en", "es")},
    }
    confirm = client.post(url, form).content.decode()
    assert "ama@safenet.example" in confirm and "board@safenet.example" not in confirm
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**form, "confirmed": "yes"})
    assert [message.to for message in mail.outbox] == [["ama@safenet.example"]]


def test_who_reaches_the_screens(roundtable, candidate, make_user, client_for):
    urls = [
        reverse("onboarding_admin:roundtable_email", args=[roundtable.pk]),
        reverse("onboarding_admin:candidate_email", args=[candidate.pk]),
    ]
    for url in urls:
        assert client_for(None).get(url).status_code == 302  # to sign in
        for role in (Role.REVIEWER, Role.GRANTS, Role.EDITOR):
            response = client_for(make_user(role)).get(url)
            assert response.status_code in (302, 403, 404), (url, role)
            assert b"Check before sending" not in response.content
    portal = make_user(email="portal@example.org")
    affiliation_set(user=portal, target=candidate.host_organisation, acting_user=None)
    assert client_for(portal).get(urls[1]).status_code in (302, 403, 404)
    grants = client_for(make_user(Role.GRANTS))
    # Grants managers read the roundtable, without the button.
    page = grants.get(reverse("onboarding_admin:roundtable", args=[roundtable.pk])).content.decode()
    assert urls[0] not in page


def test_message_templates_are_edited_by_network_staff_only(network_staff, make_user, client_for):
    template = MessageTemplate.for_purpose(MessageTemplate.Purpose.ROUNDTABLE_INVITATION)
    edit = reverse("onboarding_message_templates:edit", args=[template.pk])
    staff = client_for(network_staff)
    assert staff.get(reverse("onboarding_message_templates:index")).status_code == 200
    page = staff.get(edit).content.decode()
    assert "{roundtable}" in page and "Spanish" in page
    fields = {
        name: getattr(template, name) for name in ("subject_en", "body_en", "subject_fr", "body_fr", "subject_es")
    }
    refused = staff.post(edit, {**fields, "body_es": "Hola {persona}"})
    assert "Unknown placeholder {persona}" in refused.content.decode()
    saved = staff.post(edit, {**fields, "body_es": "Hola, {message}\n{sender}"})
    assert saved.status_code == 302
    template.refresh_from_db()
    assert template.body_es == "Hola, {message}\n{sender}"
    assert staff.get(reverse("onboarding_message_templates:add")).status_code == 302  # nobody adds one
    assert staff.get(reverse("onboarding_message_templates:delete", args=[template.pk])).status_code == 302
    assert MessageTemplate.objects.count() == 2
    for role in (Role.REVIEWER, Role.EDITOR, Role.GRANTS):
        response = client_for(make_user(role)).get(edit)
        assert response.status_code in (302, 403), role
