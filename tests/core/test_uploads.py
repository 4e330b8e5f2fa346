from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import check_document, private_storage, store_document

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("statutes.pdf", PDF, "pdf"),
        ("scan.png", PNG, "png"),
        ("policy.docx", _docx(), "docx"),
        ("mou.odt", _odt(), "odt"),
    ],
)
def test_accepted_documents(name, content, kind):
    checked = check_document(SimpleUploadedFile(name, content))
    assert checked.kind.key == kind
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "not an accepted document"),
        ("page.html", b"<html><script>alert(1)</script></html>", "not an accepted document"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
            "not an accepted document",
        ),
        ("statutes.docx", PDF, "rename it"),
        ("../../etc/passwd.pdf", PDF, "without folders"),
        ("folder\\file.pdf", PDF, "without folders"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_refused_documents_say_why(name, content, fragment):
    upload = SimpleUploadedFile("placeholder", content)
    upload._name = name  # as received, before any clean-up of the name
    with pytest.raises(ValidationError) as error:
        check_document(upload)
    assert fragment in " ".join(error.value.messages)


def test_oversize_document_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="largest accepted file"):
        check_document(SimpleUploadedFile("big.pdf", PDF + b"0" * 2048))


def test_stored_under_a_random_name_outside_media(settings):
    upload = SimpleUploadedFile("Statutes (final).pdf", PDF)
    checked = check_document(upload)
    name = store_document(upload, checked, folder="evidence")
    assert name.startswith("evidence/") and name.endswith(".pdf")
    assert "Statutes" not in name
    path = private_storage().path(name)
    assert str(settings.PRIVATE_ROOT) in path
    assert str(settings.MEDIA_ROOT) not in path
