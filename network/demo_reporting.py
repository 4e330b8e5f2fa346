"""Demo data for the public "where to report" cards: the languages each member hotline takes reports
in, whether reports can be anonymous, and, per programme region, the oldest member taking reports
from the region's countries that no member serves. Called once from `network.demo.seed`."""

from __future__ import annotations

from typing import Any

from core import dataversion
from core.seeding import DemoContext
from network.models import AnonymousReports, Hotline

# The main language of the demo's countries (ISO 639-1); others take reports in English.
MAIN_LANGUAGE = {
    "AT": "de", "BE": "fr, nl", "BG": "bg", "BR": "pt", "CH": "de, fr, it", "CO": "es", "CY": "el", "CZ": "cs",
    "DE": "de", "DK": "da", "EE": "et", "ES": "es", "FI": "fi", "FR": "fr", "GR": "el", "HR": "hr", "HU": "hu",
    "IE": "en", "IT": "it", "JP": "ja", "KR": "ko", "LT": "lt", "LU": "fr, de", "LV": "lv", "MT": "mt", "MX": "es",
    "NL": "nl", "PE": "es", "PL": "pl", "PT": "pt", "RO": "ro", "RU": "ru", "SE": "sv", "SI": "sl", "SK": "sk",
    "TH": "th", "TR": "tr", "TW": "zh", "US": "en", "GB": "en", "CA": "en, fr", "AU": "en", "NZ": "en",
    "ZA": "en, af", "AR": "es", "CL": "es", "PH": "en, tl", "IN": "en, hi", "KE": "en, sw", "UA": "uk",
}  # fmt: skip


def seed_public_reporting(ctx: DemoContext, hotlines: list[Any]) -> None:
    rng = ctx.rng
    members = [h for h in hotlines if h.stage in Hotline.MEMBER_STAGES]
    first_in_region: dict[str, Any] = {}
    for hotline in sorted(members, key=lambda h: (h.joined_on, h.brand_name)):
        first_in_region.setdefault(hotline.country.programme_region, hotline)
    for hotline in members:
        languages = MAIN_LANGUAGE.get(hotline.country_id, "en")
        hotline.reporting_languages = languages if "en" in languages else f"{languages}, en"
        hotline.anonymous_reports = AnonymousReports.YES if rng.random() < 0.85 else AnonymousReports.NO
        hotline.accepts_regional_reports = first_in_region.get(hotline.country.programme_region) is hotline
    Hotline.objects.bulk_update(members, ["reporting_languages", "anonymous_reports", "accepts_regional_reports"])
    dataversion.bump(Hotline)
    ctx.log(f"public reporting details for {len(members)} member hotlines, {len(first_in_region)} regional")
