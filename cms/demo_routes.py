"""Demo data: the international reporting route the directory names for countries without a member
hotline (fictional, in the three languages). Called once from `cms.demo`."""

from __future__ import annotations

import uuid

from wagtail.models import Locale

from cms.models import ReportingRoute

ROUTE = {
    "en": (
        "International Reporting Gateway",
        "Where no national hotline exists yet, report here: trained analysts pass each report to the hotline "
        "or the police able to act on it.",
    ),
    "fr": (
        "Passerelle internationale de signalement",
        "Là où il n'existe pas encore de hotline nationale, signalez ici : des analystes formés transmettent "
        "chaque signalement à la hotline ou à la police à même d'agir.",
    ),
    "es": (
        "Pasarela internacional de denuncias",
        "Donde aún no hay una línea de denuncia nacional, denuncie aquí: analistas formados transmiten cada "
        "denuncia a la línea o a la policía que pueda actuar.",
    ),
}


def seed_reporting_routes() -> None:
    key = uuid.uuid4()
    for language, (name, description) in ROUTE.items():
        ReportingRoute.objects.create(
            locale=Locale.objects.get(language_code=language),
            translation_key=key,
            name=name,
            url="https://report.example.org/",
            address="report@example.org",
            languages="en, fr, es, ar, ru",
            description=description,
        )
