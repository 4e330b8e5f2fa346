"""Emails staff send from records: a roundtable's invitation to its participants (with its calendar
file attached), a message to a candidate's portal users and contacts.

Each recipient gets their own email, in their language (`selectors.roundtable_recipients` /
`candidate_recipients`): the purpose's template in that language (`MessageTemplate`, or the texts
staff adjusted before sending), its placeholders filled with what the recipient may read
(`selectors.roundtable_values` / `candidate_values`: names, date, place, the sender; never a
staff-only note), the short message, the sender as reply-to. The emails go through the outbox
(`core.mail.queue_message`) in the same transaction as the interaction that logs them on the
candidate's timeline and the audit entry: all of it or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit
from core.mail import queue_message
from network.models import Hotline
from onboarding import ics, selectors
from onboarding.models import Interaction, MessageTemplate, Roundtable
from onboarding.selectors import Recipient
from onboarding.selectors.emailing import Texts


@dataclass(frozen=True)
class EmailsSent:
    sent: list[Recipient]
    unreachable: list[Recipient]
    interaction: Interaction | None


def _split(recipients: list[Recipient]) -> tuple[list[Recipient], list[Recipient]]:
    sent = [r for r in recipients if r.address]
    if not sent:
        raise ValidationError(_("Nobody here has an email address to write to."))
    return sent, [r for r in recipients if not r.address]


def _send_each(
    *,
    sent: list[Recipient],
    texts: Texts,
    values: Callable[[], dict[str, str]],
    acting_user: User,
    attachment: Callable[[], tuple[str, str, str]] | None = None,
) -> str:
    """One email per recipient, in their language; returns the first subject (for the log)."""
    first = ""
    for recipient in sent:
        subject, body = selectors.filled(texts, recipient.language, values)
        message = EmailMessage(
            subject=" ".join((settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject).split())[:255],
            body=body,
            to=[recipient.address],
            reply_to=[acting_user.email] if acting_user.email else [],
        )
        if attachment is not None:
            with translation.override(recipient.language):
                message.attach(*attachment())
        queue_message(message)
        first = first or subject
    return first


def _log(
    *,
    hotline: Hotline,
    subject: str,
    sent: list[Recipient],
    unreachable: list[Recipient],
    texts: Texts,
    message: str,
    acting_user: User,
) -> Interaction:
    """The interaction on the candidate's timeline: who was emailed (and who could not be), what."""
    today = timezone.localdate()
    taken = set(Interaction.objects.filter(hotline=hotline, occurred_on=today).values_list("subject", flat=True))
    base = subject[:190]
    unique = next(s for s in (base, *(f"{base} ({n})" for n in range(2, 1000))) if s not in taken)
    lines = [_("Emailed to %(count)s recipients, each in their language:") % {"count": len(sent)}]
    lines += [f"- {r.label} [{r.language}]" for r in sent]
    if unreachable:
        lines += ["", _("Not emailed (no usable address):")]
        lines += [f"- {r.label}: {r.reason}" for r in unreachable]
    if message:
        lines += ["", _("Message:"), message]
    lines.append("")
    for language, (text_subject, _body) in sorted(texts.items()):
        lines.append(_("Subject (%(language)s): %(subject)s") % {"language": language, "subject": text_subject})
    interaction = Interaction.objects.create(
        hotline=hotline,
        kind=Interaction.Kind.EMAIL,
        occurred_on=today,
        subject=unique,
        summary="\n".join(lines),
        recorded_by=acting_user,
    )
    interaction.organisations.set({r.organisation_id for r in sent if r.organisation_id})
    return interaction


def roundtable_email_participants(
    *, roundtable: Roundtable, message: str = "", texts: Texts | None = None, acting_user: User
) -> EmailsSent:
    """Email every participant of `roundtable` who has an address: the invitation in their language,
    the roundtable's .ics attached; logged as an interaction on its candidate (when it has one)."""
    if not selectors.may_email_about(user=acting_user, hotline=roundtable.hotline):
        raise PermissionDenied(_("Only network staff and the candidate's lead can email participants."))
    sent, unreachable = _split(selectors.roundtable_recipients(roundtable=roundtable))
    chosen = selectors.message_texts(
        purpose=MessageTemplate.Purpose.ROUNDTABLE_INVITATION, languages={r.language for r in sent}, texts=texts
    )

    def calendar_file() -> tuple[str, str, str]:
        body = ics.calendar([selectors.roundtable_event(roundtable)], name=roundtable.title, now=timezone.now())
        return f"{roundtable.code}.ics", body, "text/calendar"

    with transaction.atomic():
        _send_each(
            sent=sent,
            texts=chosen,
            values=lambda: selectors.roundtable_values(roundtable=roundtable, message=message, sender=acting_user),
            acting_user=acting_user,
            attachment=calendar_file,
        )
        interaction = None
        if roundtable.hotline_id:
            interaction = _log(
                hotline=roundtable.hotline,
                subject=_("Invitation emailed: %(roundtable)s") % {"roundtable": roundtable.title},
                sent=sent,
                unreachable=unreachable,
                texts=chosen,
                message=message,
                acting_user=acting_user,
            )
        audit(
            roundtable,
            "onboarding.roundtable_email",
            user=acting_user,
            data={
                "recipients": [r.address for r in sent],
                "not_reachable": len(unreachable),
                "interaction": interaction.pk if interaction else None,
            },
        )
    return EmailsSent(sent=sent, unreachable=unreachable, interaction=interaction)


def candidate_email(
    *,
    hotline: Hotline,
    portal_users: bool,
    contacts: bool,
    message: str,
    texts: Texts | None = None,
    acting_user: User,
) -> EmailsSent:
    """Email the candidate's portal users and/or its host organisation's contacts, each in their
    language; logged as an interaction on its timeline."""
    if not selectors.may_email_about(user=acting_user, hotline=hotline):
        raise PermissionDenied(_("Only network staff and the candidate's lead can email a candidate."))
    if not (portal_users or contacts):
        raise ValidationError(_("Choose the portal users, the contacts, or both."))
    if not message.strip():
        raise ValidationError(_("Write the message."))
    recipients = selectors.candidate_recipients(hotline=hotline, portal_users=portal_users, contacts=contacts)
    sent, unreachable = _split(recipients)
    chosen = selectors.message_texts(
        purpose=MessageTemplate.Purpose.CANDIDATE_MESSAGE, languages={r.language for r in sent}, texts=texts
    )
    with transaction.atomic():
        first_subject = _send_each(
            sent=sent,
            texts=chosen,
            values=lambda: selectors.candidate_values(hotline=hotline, message=message, sender=acting_user),
            acting_user=acting_user,
        )
        interaction = _log(
            hotline=hotline,
            subject=_("Email: %(subject)s") % {"subject": first_subject},
            sent=sent,
            unreachable=unreachable,
            texts=chosen,
            message=message,
            acting_user=acting_user,
        )
        audit(
            interaction,
            "onboarding.candidate_email",
            user=acting_user,
            data={"recipients": [r.address for r in sent], "not_reachable": len(unreachable)},
        )
    return EmailsSent(sent=sent, unreachable=unreachable, interaction=interaction)
