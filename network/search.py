"""What the registry offers to the admin search (`core.search`): hotlines (members and former
members; candidates are onboarding's), organisations, contacts and training events, each from its
list's `visible_to(user)` and leading to the record's page in the Network menu."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.search import SearchHit, SearchKind
from network.models import Contact, Hotline, Organisation, TrainingEvent


def _hotline(hotline: Hotline) -> SearchHit:
    return SearchHit(
        hotline.brand_name,
        reverse("network_hotline:inspect", args=[hotline.pk]),
        f"{hotline.get_stage_display()} · {hotline.country.name}",
    )


def _organisation(organisation: Organisation) -> SearchHit:
    country = organisation.country.name if organisation.country_id else ""
    detail = " · ".join(part for part in (organisation.get_type_display(), country) if part)
    return SearchHit(organisation.name, reverse("network_organisation:inspect", args=[organisation.pk]), detail)


def _contact(contact: Contact) -> SearchHit:
    detail = " · ".join(part for part in (contact.role, contact.organisation.name) if part)
    return SearchHit(contact.name, reverse("network_contact:inspect", args=[contact.pk]), detail)


def _event(event: TrainingEvent) -> SearchHit:
    title = event.title or event.course.title
    where = (
        _("online")
        if event.online
        else ", ".join(p for p in (event.city, event.country.name if event.country_id else "") if p)
    )
    detail = " · ".join(str(part) for part in (event.code, event.starts_on.isoformat(), where) if part)
    return SearchHit(title, reverse("network_event:inspect", args=[event.pk]), detail)


def search_kinds() -> list[SearchKind]:
    return [
        SearchKind(
            key="hotlines",
            label=_("Hotlines"),
            permission="network.view_hotline",
            visible=lambda user: (
                Hotline.objects.visible_to(user).exclude(stage__in=Hotline.CANDIDATE_STAGES).select_related("country")
            ),
            fields=("brand_name", "host_organisation__name", "country__name"),
            text_fields=("description",),
            hit=_hotline,
            list_url=lambda: reverse("network_hotline:index"),
            order=10,
        ),
        SearchKind(
            key="organisations",
            label=_("Organisations"),
            permission="network.view_organisation",
            visible=lambda user: Organisation.objects.visible_to(user).select_related("country"),
            fields=("name", "registration_number", "website"),
            hit=_organisation,
            list_url=lambda: reverse("network_organisation:index"),
            order=30,
        ),
        SearchKind(
            key="contacts",
            label=_("Contacts"),
            permission="network.view_contact",
            visible=lambda user: Contact.objects.visible_to(user).not_erased().select_related("organisation"),
            fields=("name", "email", "role", "organisation__name"),
            hit=_contact,
            list_url=lambda: reverse("network_contact:index"),
            order=40,
        ),
        SearchKind(
            key="training_events",
            label=_("Training events"),
            permission="network.view_trainingevent",
            visible=lambda user: TrainingEvent.objects.visible_to(user).select_related("course", "country"),
            fields=("code", "title", "course__title", "city", "provider"),
            hit=_event,
            list_url=lambda: reverse("network_event:index"),
            order=60,
        ),
    ]
