from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import check_document, private_storage, store_document
from tests.core.hostile_files import zip_bomb

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


# -- archives: ZIP bombs -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb()


def _peak_bytes(action) -> tuple[int, object]:
    import tracemalloc

    tracemalloc.start()
    try:
        try:
            result: object = action()
        except Exception as exc:
            result = exc
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def test_zip_bomb_is_refused_without_inflating_it(bomb):
    assert len(bomb) < 1024 * 1024
    peak, result = _peak_bytes(lambda: check_document(SimpleUploadedFile("policy.docx", bomb)))
    assert isinstance(result, ValidationError)
    assert "unpacks to far more data" in " ".join(result.messages)
    assert peak < 4 * 1024 * 1024, f"checking the archive allocated {peak / 1024 / 1024:.1f} MB"


def test_archive_inspection_reads_only_the_first_bytes_of_each_member(settings):
    """A big but plausible member (below every limit) is still never inflated whole."""
    from core import uploads

    data = zip_bomb(member="word/media/scan.xml", size=8 * 1024 * 1024)
    settings.UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    original = uploads.ARCHIVE_MAX_RATIO
    uploads.ARCHIVE_MAX_RATIO = 10**9
    try:
        peak, result = _peak_bytes(lambda: uploads.inspect_archive(data, name="big.docx"))
    finally:
        uploads.ARCHIVE_MAX_RATIO = original
    assert isinstance(result, uploads.ArchiveContents)
    assert len(result.heads["word/media/scan.xml"]) == uploads.MEMBER_HEAD_BYTES
    assert peak < 2 * 1024 * 1024


def _zip(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_declared_size(data: bytes, member: str, size: int) -> bytes:
    """The archive with `member`'s declared (central directory) size changed, as a forger would."""
    import struct

    offset = 0
    while True:
        offset = data.index(b"PK\x01\x02", offset)
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        if data[offset + 46 : offset + 46 + name_length].decode() == member:
            return data[: offset + 24] + struct.pack("<I", size) + data[offset + 28 :]
        offset += 4


def test_member_declaring_an_excessive_size_is_refused():
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"})
    forged = _with_declared_size(data, "word/document.xml", 3 * 1024 * 1024 * 1024)
    with pytest.raises(ValidationError, match="unpacks to far more data"):
        check_document(SimpleUploadedFile("forged.docx", forged))


def test_archive_with_too_many_members_is_refused(monkeypatch):
    from core import uploads

    monkeypatch.setattr(uploads, "ARCHIVE_MAX_MEMBERS", 10)
    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"}
    members |= {f"word/media/image{n}.png": PNG for n in range(10)}
    with pytest.raises(ValidationError, match="unpacks to far more data"):
        check_document(SimpleUploadedFile("many.docx", _zip(members)))


def test_archive_total_size_is_capped(monkeypatch):
    from core import uploads

    monkeypatch.setattr(uploads, "ARCHIVE_MAX_TOTAL_BYTES", 100_000)
    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"}
    members |= {f"word/media/part{n}.xml": bytes(range(256)) * 100 for n in range(5)}
    with pytest.raises(ValidationError, match="unpacks to far more data"):
        check_document(SimpleUploadedFile("total.docx", _zip(members)))


def test_archive_with_another_compression_method_is_refused():
    data = _zip(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"}, compression=zipfile.ZIP_BZIP2
    )
    with pytest.raises(ValidationError, match="compressed in a way office documents are not"):
        check_document(SimpleUploadedFile("bz.docx", data))


def test_workbook_import_command_refuses_a_zip_bomb(tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "network.xlsx"
    path.write_bytes(zip_bomb(member="xl/worksheets/sheet1.xml"))
    peak, result = _peak_bytes(lambda: call_command("import_network", str(path), "--dry-run"))
    assert isinstance(result, CommandError)
    assert "unpacks to far more data" in str(result)
    assert peak < 4 * 1024 * 1024


@pytest.mark.django_db
def test_workbook_upload_in_the_admin_refuses_a_zip_bomb(client_for, staff_user):
    from django.urls import reverse

    client = client_for(staff_user)
    bomb = SimpleUploadedFile("network.xlsx", zip_bomb(member="xl/sharedStrings.xml"))
    response = client.post(reverse("network_workbook:index"), {"workbook": bomb})
    assert response.status_code == 200
    assert "unpacks to far more data" in response.content.decode()


# -- macros and embedded programs ------------------------------------------------------------------------
OFFICE = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"}
MACRO_WORKBOOK_TYPES = b'<Types><Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'


@pytest.mark.parametrize(
    ("name", "members", "fragment"),
    [
        ("letter.docx", {**OFFICE, "word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, "contains macros"),
        (
            "sheet.xlsx",
            {
                "[Content_Types].xml": MACRO_WORKBOOK_TYPES,
                "xl/workbook.xml": b"<workbook/>",
            },
            "contains macros",
        ),
        (
            "minutes.odt",
            {
                "mimetype": b"application/vnd.oasis.opendocument.text",
                "content.xml": b"<office/>",
                "Basic/Standard/Module1.xml": b"<script/>",
            },
            "contains macros",
        ),
        (
            "letter.docx",
            {**OFFICE, "word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"},
            "embedded programs",
        ),
        ("letter.docx", {**OFFICE, "word/media/setup.exe": b"\x00" * 16}, "embedded programs"),
        ("letter.docx", {**OFFICE, "word/media/image1.png": b"MZ\x90\x00" + b"\x00" * 60}, "embedded programs"),
        ("letter.docx", {**OFFICE, "customXml/item1.xml": b"\x7fELF\x02\x01\x01"}, "embedded programs"),
    ],
)
def test_office_documents_with_macros_or_programs_are_refused(name, members, fragment):
    with pytest.raises(ValidationError) as error:
        check_document(SimpleUploadedFile(name, _zip(members)))
    assert fragment in " ".join(error.value.messages)


def test_password_protected_archive_is_refused():
    data = bytearray(_docx())
    # Set the "encrypted" flag of every entry (local and central headers), as an encrypting tool does.
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            data[start + flag_offset] |= 0x1
            start += 4
    with pytest.raises(ValidationError, match="password-protected"):
        check_document(SimpleUploadedFile("secret.docx", bytes(data)))


# -- PDFs with active content --------------------------------------------------------------------------------
def _pdf(*objects: bytes, tail: bytes = b"") -> bytes:
    body = b"%PDF-1.7\n"
    for number, content in enumerate(objects, start=1):
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n" + tail


def _object_stream(*dictionaries: bytes) -> bytes:
    import zlib

    inner = b" ".join(dictionaries)
    packed = zlib.compress(b"10 0 " + inner)
    return (
        b"<< /Type /ObjStm /N 1 /First 5 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
        + packed
        + b"\nendstream"
    )


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


@pytest.mark.parametrize(
    ("pdf", "fragment"),
    [
        (_pdf(b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"), "contains scripts"),
        (_pdf(b"<< /Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (x) >> >>"), "contains scripts"),
        (_pdf(CATALOG, _object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")), "contains scripts"),
        (_pdf(b"<< /Type /Catalog /AA << /O << /S /Launch /F (cmd.exe) >> >> >>"), "start programs"),
        (_pdf(b"<< /Type /Catalog /Names << /EmbeddedFiles << /Names [(a.exe) 3 0 R] >> >> >>"), "files attached"),
        (_pdf(CATALOG, tail=_zip({"META-INF/MANIFEST.MF": b"Main-Class: Evil\n"})), "not only a PDF"),
        (
            _pdf(
                CATALOG,
                b"<< /Length 80 >>\nstream\nMZ"
                + b"\x00" * 58
                + (66).to_bytes(4, "little")
                + b"\x00\x00PE\x00\x00"
                + b"\x00" * 8
                + b"\nendstream",
            ),
            "not only a PDF",
        ),
    ],
)
def test_pdfs_with_scripts_actions_attachments_or_programs_are_refused(pdf, fragment):
    with pytest.raises(ValidationError) as error:
        check_document(SimpleUploadedFile("report.pdf", pdf))
    assert fragment in " ".join(error.value.messages)


def test_a_script_name_inside_a_content_stream_is_only_text():
    """Words on a page are not actions: streams are skipped (only object streams are read)."""
    page = b"<< /Length 30 >>\nstream\nBT (/JavaScript /JS) Tj ET\nendstream"
    assert check_document(SimpleUploadedFile("article.pdf", _pdf(CATALOG, page))).kind.key == "pdf"


def test_pdfs_made_by_reportlab_are_accepted():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, pagesize=A4)
    document.drawString(72, 720, "Annual report of the hotline")
    document.showPage()
    document.save()
    assert check_document(SimpleUploadedFile("annual-report.pdf", buffer.getvalue())).kind.key == "pdf"
