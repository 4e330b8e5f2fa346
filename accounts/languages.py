"""A person's language, for what is sent to them (reminder digests): the preferred language of their
profile (Wagtail's `UserProfile.preferred_language`, set on the account page), when it is one of the
toolkit's languages; otherwise the site's default language."""

from __future__ import annotations

from django.conf import settings

from accounts.models import User


def _known(language: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    if language and language in codes:
        return language
    if language and language.split("-")[0] in codes:
        return language.split("-")[0]
    return settings.LANGUAGE_CODE


def language_of(user: User) -> str:
    return languages_by_email([user.email]).get(user.email, settings.LANGUAGE_CODE)


def languages_by_email(emails: list[str]) -> dict[str, str]:
    """{email: language} for these addresses (a query per 500); an address without an account gets the
    default language."""
    lowered = sorted({email.lower() for email in emails})
    found: dict[str, str | None] = {}
    for start in range(0, len(lowered), 500):  # stays under the database's limit of parameters
        found.update(
            User.objects.filter(email__in=lowered[start : start + 500]).values_list(
                "email", "wagtail_userprofile__preferred_language"
            )
        )
    return {email: _known(found.get(email.lower())) for email in emails}
