"""Donor profiles: how a report acknowledges its donor.

- `eu`: the European Union's rules for funded material: the EU emblem with "Funded by the European
  Union" on the cover, and the standard disclaimer naming the granting authority (the grant's
  `granting_authority`, else the European Commission), on the cover and in every page's footer.
- `generic`: the donor's own acknowledgement text and, if staff uploaded one, its logo.

A report never carries the EU's texts unless its donor's profile is `eu`. The texts are frozen into
the report's data in the report's language (`texts_for`), so a later change of wording never changes
a published report.

Logos: `clean_logo(upload)` accepts a PNG or JPEG of at most `LOGO_MAX_BYTES`, at most
`LOGO_MAX_PIXELS` on a side, opened and re-encoded by Pillow as a fresh PNG (nothing of the upload but
its pixels is kept); `store_logo` writes it to private storage. The PDF embeds it from the data.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from core.uploads import private_storage, store_bytes

EU = "eu"
GENERIC = "generic"

LOGO_FOLDER = "donor-logos"
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 2000


@dataclass(frozen=True)
class ProfileTexts:
    profile: str
    funding_statement: str
    disclaimer: str
    acknowledgement: str
    logo_png: str


def eu_disclaimer(granting_authority: str) -> str:
    authority = granting_authority.strip() or _("the European Commission")
    return _(
        "Views and opinions expressed are however those of the author(s) only and do not necessarily reflect those "
        "of the European Union or %(authority)s. Neither the European Union nor the granting authority can be held "
        "responsible for them."
    ) % {"authority": authority}


def texts_for(*, donor: Any, grant: Any, language: str) -> ProfileTexts:
    """The profile's texts for a report on `grant`, in `language`."""
    with translation.override(language):
        if donor.report_profile == EU:
            return ProfileTexts(
                profile=EU,
                funding_statement=_("Funded by the European Union"),
                disclaimer=eu_disclaimer(grant.granting_authority),
                acknowledgement="",
                logo_png="",
            )
        return ProfileTexts(
            profile=GENERIC,
            funding_statement="",
            disclaimer="",
            acknowledgement=donor.acknowledgement.strip(),
            logo_png=logo_base64(donor),
        )


def clean_logo(upload: Any) -> bytes:
    """The uploaded logo as a fresh PNG, or a ValidationError naming what is wrong."""
    from PIL import Image, UnidentifiedImageError

    size = getattr(upload, "size", None)
    if size is not None and size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo is larger than %(size)s KB.") % {"size": LOGO_MAX_BYTES // 1024})
    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo is larger than %(size)s KB.") % {"size": LOGO_MAX_BYTES // 1024})
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise ValidationError(_("Upload the logo as a PNG or JPEG image."))
            if max(image.size) > LOGO_MAX_PIXELS:
                raise ValidationError(
                    _("The logo is larger than %(pixels)s pixels on a side.") % {"pixels": LOGO_MAX_PIXELS}
                )
            image.load()
            converted = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not an image that can be read; upload a PNG or JPEG.")) from None
    out = io.BytesIO()
    converted.save(out, format="PNG", optimize=True)
    return out.getvalue()


def store_logo(png: bytes) -> str:
    return store_bytes(png, folder=LOGO_FOLDER, extension="png")


def logo_exists(donor: Any) -> bool:
    """Whether the donor's stored logo is there (a name that is not a stored file is no logo)."""
    if not donor.logo_name or not donor.logo_name.startswith(f"{LOGO_FOLDER}/"):
        return False
    try:
        return private_storage().exists(donor.logo_name)
    except (SuspiciousFileOperation, OSError):
        return False


def logo_bytes(donor: Any) -> bytes:
    if not logo_exists(donor):
        return b""
    with private_storage().open(donor.logo_name, "rb") as handle:
        return handle.read()


def logo_base64(donor: Any) -> str:
    data = logo_bytes(donor)
    return base64.b64encode(data).decode("ascii") if data else ""
