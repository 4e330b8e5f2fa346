"""The donor's report profile in the admin: the profile fields, the logo upload (checked, re-encoded,
stored privately, shown through a permission-checked view, removable), and the grant's reporting fields."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.roles import Role
from core.uploads import private_storage
from reports.donor import profiles
from reports.models import Donor, Grant
from tests.reports.donor_report_factories import donor_user, make_grant

pytestmark = pytest.mark.django_db


def image(kind: str = "PNG", size: tuple[int, int] = (120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


def donor_data(donor: Donor, **changes: Any) -> dict[str, Any]:
    return {
        "name": donor.name,
        "short_name": donor.short_name,
        "kind": donor.kind,
        "country": "",
        "website": "",
        "notes": "",
        "report_profile": donor.report_profile,
        "acknowledgement": donor.acknowledgement,
        "accepts_interim_reports": "on" if donor.accepts_interim_reports else "",
        **changes,
    }


@pytest.fixture
def donor() -> Donor:
    return Donor.objects.create(name="Safe Futures Foundation", kind=Donor.Kind.FOUNDATION)


def test_the_donor_form_edits_the_report_profile(donor: Donor, make_user: Any, client_for: Any) -> None:
    client = client_for(make_user(Role.GRANTS))
    url = reverse("reports_donor:edit", args=[donor.pk])
    html = client.get(url).content.decode()
    for name in ("report_profile", "acknowledgement", "accepts_interim_reports", "logo"):
        assert f'name="{name}"' in html, name
    assert "some donors ask for none" in html and 'enctype="multipart/form-data"' in html
    response = client.post(
        url,
        donor_data(donor, report_profile="generic", acknowledgement="Supported by the Safe Futures Foundation.")
        | {"accepts_interim_reports": ""},
    )
    assert response.status_code == 302
    donor.refresh_from_db()
    assert donor.acknowledgement == "Supported by the Safe Futures Foundation." and not donor.accepts_interim_reports
    # Acknowledgement is not required.
    assert client.post(url, donor_data(donor, acknowledgement="")).status_code == 302


def test_a_logo_is_re_encoded_stored_privately_shown_and_removed(
    donor: Donor, make_user: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(make_user(Role.GRANTS))
    url = reverse("reports_donor:edit", args=[donor.pk])
    upload = SimpleUploadedFile("logo.jpg", image("JPEG"), "image/jpeg")
    response = client.post(url, donor_data(donor) | {"logo": upload})
    assert response.status_code == 302
    donor.refresh_from_db()
    assert donor.logo_name.startswith(profiles.LOGO_FOLDER + "/") and donor.logo_name.endswith(".png")
    stored = profiles.logo_bytes(donor)
    assert stored.startswith(b"\x89PNG") and Image.open(io.BytesIO(stored)).size == (120, 40)

    logo_url = reverse("reports_donor:logo", args=[donor.pk])
    assert logo_url in client.get(url).content.decode()  # the edit page shows it
    response = client.get(logo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == stored and "no-store" in response["Cache-Control"]

    # Replacing it stores the new one and forgets the old file once saved.
    old = donor.logo_name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, donor_data(donor) | {"logo": SimpleUploadedFile("l.png", image(size=(60, 60)), "image/png")})
    donor.refresh_from_db()
    assert donor.logo_name != old and not private_storage().exists(old)

    # Removing it.
    current = donor.logo_name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, donor_data(donor) | {"logo-clear": "on"})
    assert response.status_code == 302
    donor.refresh_from_db()
    assert donor.logo_name == "" and not private_storage().exists(current)
    assert client.get(logo_url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.gif", b"GIF89a" + b"\x00" * 40, "not an image that can be read"),
        ("logo.png", image(size=(2500, 10)), "pixels on a side"),
        ("logo.txt", b"hello", "not an image that can be read"),
    ],
)
def test_a_bad_logo_is_refused_and_nothing_is_stored(
    donor: Donor, make_user: Any, client_for: Any, name: str, content: bytes, message: str
) -> None:
    client = client_for(make_user(Role.GRANTS))
    response = client.post(
        reverse("reports_donor:edit", args=[donor.pk]),
        donor_data(donor) | {"logo": SimpleUploadedFile(name, content, "image/png")},
    )
    assert response.status_code == 200 and message in response.content.decode()
    donor.refresh_from_db()
    assert donor.logo_name == ""


def test_the_logo_view_is_for_staff_who_may_see_the_donor(donor: Donor, make_user: Any, client_for: Any) -> None:
    donor.logo_name = profiles.store_logo(image())
    donor.save()
    url = reverse("reports_donor:logo", args=[donor.pk])
    assert client_for(None).get(url).status_code == 302
    assert client_for(make_user(Role.NETWORK_STAFF)).get(url).status_code == 200  # they read the donors
    for user in (
        donor_user(donor, "donor.user@example.org"),
        make_user(Role.HOTLINE_USER),
        make_user(Role.CAPACITY, is_staff=True),
    ):
        assert client_for(user).get(url).status_code in (302, 403, 404), user


def test_the_grant_form_edits_its_reporting_fields(make_user: Any, client_for: Any) -> None:
    grant = make_grant("EU-OG-2025")
    client = client_for(make_user(Role.GRANTS))
    url = reverse("reports_grant:edit", args=[grant.pk])
    html = client.get(url).content.decode()
    for name in ("report_due_days", "granting_authority", "report_contact"):
        assert f'name="{name}"' in html, name
    data = {
        "donor": grant.donor_id,
        "code": grant.code,
        "title": grant.title,
        "kind": grant.kind,
        "starts_on": "2025-01-01",
        "ends_on": "2026-12-31",
        "reporting_period_months": "12",
        "report_due_days": "90",
        "amount": "450000",
        "currency": "EUR",
        "cofunding_rate": "80",
        "granting_authority": "the European Health and Digital Executive Agency (HaDEA)",
        "report_contact": "Ana Pereira, grants officer, grants@example.org",
    }
    assert client.post(url, data | {"report_due_days": "400"}).status_code == 200
    assert client.post(url, data).status_code == 302
    grant = Grant.objects.get(pk=grant.pk)
    assert grant.report_due_days == 90 and "HaDEA" in grant.granting_authority
    assert grant.report_contact.startswith("Ana Pereira")
