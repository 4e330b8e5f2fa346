"""Registry rows for the public site's tests (real countries from the migration, fictional names)."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from network.models import Analyst, Country, Hotline, Organisation

_numbers = count(1)


def make_hotline(
    country: str,
    *,
    stage: str = Hotline.Stage.FULL_MEMBER,
    serves: tuple[str, ...] = (),
    name: str | None = None,
    joined_on: date | None = date(2020, 1, 15),
    full_member_on: date | None = None,
    url: str | None = None,
    analysts: int = 0,
    **fields: Any,
) -> Hotline:
    number = next(_numbers)
    home = Country.objects.get(code=country)
    organisation = Organisation.objects.create(
        name=f"Test host organisation {number}", type=Organisation.Type.NGO, country=home
    )
    if stage not in Hotline.MEMBER_STAGES and stage not in (Hotline.Stage.SUSPENDED, Hotline.Stage.CEASED):
        joined_on = None
    if stage == Hotline.Stage.FULL_MEMBER and full_member_on is None and joined_on is not None:
        full_member_on = joined_on
    hotline = Hotline.objects.create(
        brand_name=name or f"Test hotline {number}",
        host_organisation=organisation,
        country=home,
        public_reporting_url=url if url is not None else f"https://report{number}.example.org/",
        joined_on=joined_on,
        full_member_on=full_member_on if stage == Hotline.Stage.FULL_MEMBER else None,
        **fields,
    )
    # The lifecycle owns `stage` (not editable in forms); tests set it directly.
    Hotline.objects.filter(pk=hotline.pk).update(stage=stage)
    hotline.stage = stage
    hotline.countries_served.set(Country.objects.filter(code__in=(country, *serves)))
    for index in range(analysts):
        Analyst.objects.create(hotline=hotline, code=f"AN-{number:03d}-{index:02d}")
    return hotline


def set_stage(hotline: Hotline, stage: str) -> None:
    """Move a hotline as the lifecycle service would: a saved row (signals fire)."""
    hotline.stage = stage
    hotline.save()
