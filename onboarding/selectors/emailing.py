"""Emails from records: who may send them and who receives them.

A roundtable's participants are reached through the contact named on each participation (a
participation without a contact, or whose contact has no address or was erased, is listed as not
reachable); a candidate through its portal users and/or its host organisation's contacts (those still
within their retention date). Each address gets its language from `core.mail.languages_by_address`,
the one rule for the language of what a person is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.access import has_role, is_staff_user
from accounts.models import User
from accounts.roles import Role
from accounts.selectors import organisation_affiliations
from core.mail import languages_by_address
from network.models import Contact, Hotline
from onboarding.message_texts import PLACEHOLDERS, fill, placeholder_problems
from onboarding.models import MessageTemplate, Roundtable, RoundtableParticipant

# (subject, body) per language.
Texts = dict[str, tuple[str, str]]


@dataclass(frozen=True)
class Recipient:
    """One person an email from a record is for; `address` empty when they cannot be emailed (`reason`)."""

    name: str
    organisation: str
    organisation_id: int | None
    kind: str  # "contact" or "portal user"
    address: str = ""
    language: str = ""
    reason: str = ""

    @property
    def label(self) -> str:
        who = f"{self.name} ({self.organisation})" if self.organisation else self.name
        return f"{who} <{self.address}>" if self.address else who


def may_email_about(*, user: Any, hotline: Hotline | None) -> bool:
    """Network staff, and the candidate's lead staff member, email from a candidate's records."""
    if has_role(user, Role.NETWORK_STAFF):
        return True
    return hotline is not None and is_staff_user(user) and hotline.lead_staff_id == user.pk


def _with_languages(recipients: list[Recipient]) -> list[Recipient]:
    """Each reachable recipient once (first mention of an address), with its language."""
    languages = languages_by_address([r.address for r in recipients if r.address])
    seen: set[str] = set()
    result = []
    for recipient in recipients:
        if recipient.address:
            key = recipient.address.lower()
            if key in seen:
                continue
            seen.add(key)
            recipient = Recipient(**{**recipient.__dict__, "language": languages[recipient.address]})
        result.append(recipient)
    return result


def _contact_recipient(contact: Contact | None, organisation: Any, *, kind: str = "contact") -> Recipient:
    if contact is None:
        return Recipient(
            name=organisation.name,
            organisation="",
            organisation_id=organisation.pk,
            kind=kind,
            reason=_("no contact named for this organisation"),
        )
    if contact.is_erased:
        reason = _("contact erased")
    elif contact.is_past_retention:
        reason = _("contact past its retention date")
    elif not contact.email:
        reason = _("no email address")
    else:
        reason = ""
    return Recipient(
        name=contact.name if not contact.is_erased else _("(erased contact)"),
        organisation=organisation.name,
        organisation_id=organisation.pk,
        kind=kind,
        address="" if reason else contact.email,
        reason=reason,
    )


def roundtable_recipients(*, roundtable: Roundtable) -> list[Recipient]:
    """The participants of `roundtable` (any attendance), by sector then organisation."""
    participants = RoundtableParticipant.objects.filter(roundtable=roundtable).select_related("organisation", "contact")
    return _with_languages([_contact_recipient(p.contact, p.organisation) for p in participants])


def candidate_recipients(*, hotline: Hotline, portal_users: bool = True, contacts: bool = True) -> list[Recipient]:
    """The candidate's active portal users and/or its host organisation's contacts."""
    organisation = hotline.host_organisation
    found: list[Recipient] = []
    if portal_users:
        user_ids = organisation_affiliations(organisation_ids=[organisation.pk]).values("user_id")
        for user in User.objects.filter(pk__in=user_ids).order_by("email"):
            found.append(
                Recipient(
                    name=user.get_full_name() or user.email,
                    organisation=organisation.name,
                    organisation_id=organisation.pk,
                    kind="portal user",
                    address=user.email,
                    reason="" if user.email else _("no email address"),
                )
            )
    if contacts:
        today = timezone.localdate()
        for contact in Contact.objects.filter(organisation=organisation).order_by("name"):
            if contact.is_erased or contact.retain_until < today:
                continue  # not ours to write to any more: not listed at all
            found.append(_contact_recipient(contact, organisation))
    return _with_languages(found)


# -- What the emails say ----------------------------------------------------------------------
@dataclass(frozen=True)
class Preview:
    """The email one language's recipients get."""

    language: str
    language_name: str
    recipients: int
    subject: str
    body: str


def sender_signature(user: Any) -> str:
    return f"{user.get_full_name() or user.email}\n{settings.ASSOCIATION_NAME}"


def roundtable_values(*, roundtable: Roundtable, message: str, sender: Any) -> dict[str, str]:
    """The invitation's placeholders, in the active language (the date on the roundtable's clock)."""
    return {
        "roundtable": roundtable.title,
        "date": roundtable.when_label,
        "place": roundtable.venue or _("online"),
        "country": str(roundtable.country.name),
        "hotline": roundtable.hotline.brand_name if roundtable.hotline_id else "—",
        "sender": sender_signature(sender),
        "message": message,
    }


def candidate_values(*, hotline: Hotline, message: str, sender: Any) -> dict[str, str]:
    """A candidate message's placeholders: its names and the sender, nothing staff-only."""
    return {
        "hotline": hotline.brand_name,
        "organisation": hotline.host_organisation.name,
        "country": str(hotline.country.name),
        "sender": sender_signature(sender),
        "message": message,
    }


def message_texts(*, purpose: str, languages: set[str], texts: Texts | None = None) -> Texts:
    """The texts of each language: those given (staff's changes), else the purpose's template; a text
    with an unknown or malformed placeholder raises ValidationError naming it."""
    template = MessageTemplate.for_purpose(purpose)
    chosen = {language: (texts or {}).get(language) or template.text_in(language) for language in sorted(languages)}
    problems = [
        problem
        for subject, body in chosen.values()
        for text in (subject, body)
        for problem in placeholder_problems(text, PLACEHOLDERS[purpose])
    ]
    if problems:
        raise ValidationError(sorted(set(problems)))
    return chosen


def filled(texts: Texts, language: str, values: Callable[[], dict[str, str]]) -> tuple[str, str]:
    """(subject, body) for a recipient reading `language`, placeholders filled under that language."""
    with translation.override(language):
        current = values()
        subject, body = texts[language]
        return " ".join(fill(subject, current).split()), fill(body, current)


def previews(*, texts: Texts, recipients: list[Recipient], values: Callable[[], dict[str, str]]) -> list[Preview]:
    """One preview per language among the reachable recipients."""
    names = dict(settings.LANGUAGES)
    counts: dict[str, int] = {}
    for recipient in recipients:
        if recipient.address:
            counts[recipient.language] = counts.get(recipient.language, 0) + 1
    return [
        Preview(language, str(names.get(language, language)), counts[language], *filled(texts, language, values))
        for language in sorted(counts)
        if language in texts
    ]
