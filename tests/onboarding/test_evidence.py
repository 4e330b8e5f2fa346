"""Evidence documents: refused uploads say why, storage failures leave nothing behind, downloads are
checked and recorded, and expired evidence reopens the items it supported (send_reminders)."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.models import OutgoingEmail
from core.uploads import check_document, private_storage
from onboarding import services
from onboarding.models import EvidenceDocument, EvidenceDownload, EvidenceLink, ItemEvent
from tests.onboarding.dossier import PDF, build_dossier, pdf, submitted

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def world():
    return build_dossier()


def item_url(item) -> str:
    return reverse("portal:onboarding_checklist_item", args=[item.pk])


def upload(client, item, name: str, content: bytes, **extra):
    return client.post(
        item_url(item),
        {"action": "upload", "document": SimpleUploadedFile(name, content), "description": "", **extra},
    )


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("board-resolution.pdf", EXECUTABLE, "is not an accepted document"),
        ("procedure.html", HTML, "is not an accepted document"),
        ("logo.svg", SVG, "is not an accepted document"),
        ("statutes.docx", PDF, "rename it or upload the right file"),
    ],
)
def test_refused_uploads_say_why_and_store_nothing(world, client_for, name, content, words):
    item = world.item("2.1")
    response = upload(client_for(world.candidate), item, name, content)
    assert response.status_code == 200
    text = response.content.decode()
    assert words in text and "Accepted: PDF" in text
    assert not EvidenceDocument.objects.exists()
    assert not private_storage().exists("onboarding")


def test_an_oversize_upload_is_refused_with_the_limit(world, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    response = upload(client_for(world.candidate), world.item("2.1"), "accounts.pdf", PDF + b"0" * (3 * 1024 * 1024))
    assert "the largest accepted file is 2 MB" in response.content.decode()
    assert not EvidenceDocument.objects.exists()


def test_a_name_with_path_parts_is_refused_by_the_check_itself(world):
    # Django's multipart parser keeps only the last path part of an uploaded name; the check refuses
    # such names in any case (e.g. a file handed over by other code).
    raw = SimpleUploadedFile("placeholder", PDF)
    raw._name = "../../private/statutes.pdf"
    with pytest.raises(ValidationError, match="without folders"):
        check_document(raw)
    with pytest.raises(ValidationError, match="without folders"):
        services.evidence_upload(hotline=world.hotline, upload=raw, acting_user=world.candidate)
    assert not EvidenceDocument.objects.exists()


def test_an_upload_through_the_portal_is_stored_safely_with_its_hash(world, client_for):
    import hashlib

    item = world.item("2.1")
    response = upload(
        client_for(world.candidate),
        item,
        "..\\..\\Statutes <final>.pdf",
        PDF,
        expires_on=(timezone.localdate() + timedelta(days=365)).isoformat(),
    )
    assert response.status_code == 302
    document = EvidenceDocument.objects.get()
    assert re.fullmatch(rf"onboarding/evidence/{world.hotline.pk}/[0-9a-f]{{32}}\.pdf", document.stored_name)
    assert (
        "/" not in document.original_name and "\\" not in document.original_name and "<" not in document.original_name
    )
    assert document.sha256 == hashlib.sha256(PDF).hexdigest() and document.size == len(PDF)
    assert document.uploaded_by == world.candidate and document.expires_on is not None
    assert private_storage().exists(document.stored_name)
    assert (
        not private_storage()
        .path(document.stored_name)
        .startswith(str(private_storage().base_location.parent / "media"))
    )
    assert EvidenceLink.objects.get().item == item


def test_storage_failing_gives_a_clear_error_and_leaves_no_rows(world, monkeypatch, client_for):
    storage = private_storage()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(type(storage), "save", broken)
    with pytest.raises(ValidationError, match="could not be stored"):
        services.evidence_upload(
            hotline=world.hotline, upload=pdf(), items=[world.item("2.1")], acting_user=world.candidate
        )
    response = upload(client_for(world.candidate), world.item("2.1"), "statutes.pdf", PDF)
    assert "could not be stored" in response.content.decode() and "Nothing was saved" in response.content.decode()
    assert not EvidenceDocument.objects.exists() and not EvidenceLink.objects.exists()
    assert world.item("2.1").state == "not_started"
    assert not ItemEvent.objects.filter(action="evidence_add").exists()


def test_a_database_failure_after_the_file_was_written_deletes_the_file(world, monkeypatch):
    written: list[str] = []
    storage = private_storage()
    original = type(storage).save

    def remember(self, name, content, **kwargs):
        stored = original(self, name, content, **kwargs)
        written.append(stored)
        return stored

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(type(storage), "save", remember)
    monkeypatch.setattr(EvidenceDocument.objects, "create", fail)
    with pytest.raises(RuntimeError):
        services.evidence_upload(
            hotline=world.hotline, upload=pdf(), items=[world.item("2.1")], acting_user=world.candidate
        )
    assert written and not storage.exists(written[0])
    assert not EvidenceDocument.objects.exists()


# -- Downloads --------------------------------------------------------------------------------
@pytest.fixture
def document(world):
    return services.evidence_upload(
        hotline=world.hotline, upload=pdf("statutes.pdf"), items=[world.item("2.1")], acting_user=world.candidate
    )


def download_urls(document) -> list[str]:
    return [
        reverse("portal:onboarding_evidence", args=[document.pk]),
        reverse("onboarding_admin:evidence_download", args=[document.pk]),
    ]


def test_the_candidate_the_assigned_reviewer_and_staff_download_and_are_recorded(world, document, client_for):
    portal, admin = download_urls(document)
    for user, url in ((world.candidate, portal), (world.reviewer, admin), (world.staff, admin)):
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF
        assert (
            response["Content-Disposition"].startswith("attachment") and response["X-Content-Type-Options"] == "nosniff"
        )
    downloads = list(EvidenceDownload.objects.order_by("downloaded_at").values_list("user__email", flat=True))
    assert downloads == [world.candidate.email, world.reviewer.email, world.staff.email]


def test_downloads_refused_to_everyone_else(world, document, client_for, make_user):
    from accounts.roles import Role

    assignment = services.reviewer_assign(
        hotline=world.hotline, reviewer=make_user(Role.REVIEWER), acting_user=world.staff
    )
    conflicted = services.reviewer_assign(
        hotline=world.hotline, reviewer=make_user(Role.REVIEWER), acting_user=world.staff
    )
    services.reviewer_declare(
        assignment=conflicted, has_conflict=True, statement="Former employee.", acting_user=conflicted.reviewer
    )
    portal, admin = download_urls(document)
    assert client_for(world.candidate2).get(portal).status_code == 404  # another candidate's user
    for reviewer in (
        world.outsider_reviewer,
        assignment.reviewer,
        conflicted.reviewer,
    ):  # unassigned, undeclared, conflicted
        assert client_for(reviewer).get(admin).status_code == 404
    capacity = make_user(Role.CAPACITY)
    response = client_for(capacity).get(admin)
    assert response.status_code in (302, 403, 404) and not getattr(response, "streaming", False)
    for url in (portal, admin):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "login" in response["Location"]
        assert not getattr(response, "streaming", False) and PDF not in response.content
    assert not EvidenceDownload.objects.exists()


# -- Expiry -----------------------------------------------------------------------------------
def test_expired_evidence_reopens_its_items_and_tells_the_candidate_and_reviewer_once(
    world, django_capture_on_commit_callbacks
):
    accepted = submitted(world, "8.2")
    services.item_accept(item=accepted, acting_user=world.reviewer)
    waiting = submitted(world, "11.3")
    document = accepted.evidence.get()
    services.evidence_link(document=document, item=world.item("8.1"), acting_user=world.candidate)
    EvidenceDocument.objects.filter(pk=document.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    EvidenceDocument.objects.filter(pk=waiting.evidence.get().pk).update(expires_on=timezone.localdate())  # valid today
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=StringIO())
    assert world.item("8.2").state == "expired"
    assert world.item("8.1").state == "in_progress"  # was only in progress: nothing to reopen
    assert world.item("11.3").state == "submitted"  # its document is valid until the end of today
    event = ItemEvent.objects.get(item=accepted, action="expire")
    assert (event.from_state, event.to_state, event.actor) == ("accepted", "expired", None)
    expired_mails = [m for m in mail.outbox if "Evidence expired" in m.body]
    recipients = {address for m in expired_mails for address in m.to}
    assert {world.candidate.email, world.reviewer.email} <= recipients
    assert all("8.2 Funding agreement for the first operating year" in m.body for m in expired_mails)

    sent = OutgoingEmail.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=StringIO())
    assert OutgoingEmail.objects.count() == sent  # idempotent
    assert ItemEvent.objects.filter(action="expire").count() == 1


def test_evidence_expiring_soon_is_announced_once(world, django_capture_on_commit_callbacks):
    item = world.item("12.3")
    services.evidence_upload(
        hotline=world.hotline,
        upload=pdf("counsellor-contract.pdf"),
        items=[item],
        expires_on=timezone.localdate() + timedelta(days=20),
        acting_user=world.candidate,
    )
    for _ in range(2):
        call_command("send_reminders", stdout=StringIO())
    notices = OutgoingEmail.objects.filter(body__contains="counsellor-contract.pdf")
    assert notices.count() == 1 and notices.get().to == [world.candidate.email]


def test_an_already_expired_document_is_refused(world):
    with pytest.raises(ValidationError, match="already out of date"):
        services.evidence_upload(
            hotline=world.hotline,
            upload=pdf(),
            expires_on=timezone.localdate() - timedelta(days=1),
            acting_user=world.candidate,
        )
