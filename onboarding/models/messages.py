"""Message templates: the subject and body of the emails staff send from records (a roundtable's
invitation, a message to a candidate), one per purpose, in each of the site's languages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.access import has_role
from accounts.roles import Role
from onboarding.message_texts import CANDIDATE_MESSAGE, PLACEHOLDERS, ROUNDTABLE_INVITATION, placeholder_problems

LANGUAGES = ("en", "fr", "es")


_placeholder_help = _("Placeholders in braces, e.g. {hotline}; each purpose offers its own.")


class MessageTemplateQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> MessageTemplateQuerySet:
        # The association's own texts: network staff keep them.
        return self.all() if has_role(user, Role.NETWORK_STAFF) else self.none()


class MessageTemplate(models.Model):
    """The text of one kind of email staff send from records, in English, French and Spanish."""

    class Purpose(models.TextChoices):
        ROUNDTABLE_INVITATION = ROUNDTABLE_INVITATION, _("Roundtable invitation")
        CANDIDATE_MESSAGE = CANDIDATE_MESSAGE, _("Message to a candidate")

    purpose = models.CharField(_("purpose"), max_length=40, choices=Purpose.choices, unique=True)
    subject_en = models.CharField(_("subject (English)"), max_length=200, help_text=_placeholder_help)
    body_en = models.TextField(_("body (English)"), help_text=_placeholder_help)
    subject_fr = models.CharField(_("subject (French)"), max_length=200, help_text=_placeholder_help)
    body_fr = models.TextField(_("body (French)"), help_text=_placeholder_help)
    subject_es = models.CharField(_("subject (Spanish)"), max_length=200, help_text=_placeholder_help)
    body_es = models.TextField(_("body (Spanish)"), help_text=_placeholder_help)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MessageTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["purpose"]

    def __str__(self) -> str:
        return str(self.get_purpose_display())

    @property
    def placeholders(self) -> dict[str, Any]:
        return PLACEHOLDERS.get(self.purpose, {})

    def text_in(self, language: str) -> tuple[str, str]:
        """(subject, body) in `language` (English for a language the site does not offer)."""
        language = language if language in LANGUAGES else "en"
        return getattr(self, f"subject_{language}"), getattr(self, f"body_{language}")

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for language in LANGUAGES:
            for field in (f"subject_{language}", f"body_{language}"):
                if problems := placeholder_problems(getattr(self, field) or "", self.placeholders):
                    errors[field] = problems
        if errors:
            raise ValidationError(errors)

    @classmethod
    def for_purpose(cls, purpose: str) -> MessageTemplate:
        """The purpose's template; the shipped texts when staff have not saved one yet."""
        from onboarding.message_defaults import DEFAULT_TEXTS

        texts = DEFAULT_TEXTS[purpose]
        defaults = {
            f"{part}_{language}": texts[language][i]
            for language in LANGUAGES
            for i, part in enumerate(("subject", "body"))
        }
        template, _created = cls.objects.get_or_create(purpose=purpose, defaults=defaults)
        return template
