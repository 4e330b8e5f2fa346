"""Uploaded office documents: checked by content, size-limited, stored privately.

The toolkit accepts documents *about organisations* only: PDF, DOCX, ODT, XLSX and PNG/JPEG
scans. The type is decided by the bytes, never by the name or the browser's claim; a file whose
name says one type and whose content says another is refused. Files are stored under a random
name in the private storage (outside the public media folder) and served only through views that
check access first (`private_file_response`).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.http import FileResponse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class DocumentKind:
    key: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


KINDS = {
    "pdf": DocumentKind("pdf", "PDF", ("pdf",), "application/pdf"),
    "docx": DocumentKind(
        "docx",
        "Word document (DOCX)",
        ("docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": DocumentKind(
        "xlsx",
        "Spreadsheet (XLSX)",
        ("xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "odt": DocumentKind("odt", "OpenDocument text (ODT)", ("odt",), "application/vnd.oasis.opendocument.text"),
    "png": DocumentKind("png", "PNG image", ("png",), "image/png"),
    "jpeg": DocumentKind("jpeg", "JPEG image", ("jpg", "jpeg"), "image/jpeg"),
}
ACCEPTED_EXTENSIONS = sorted({ext for kind in KINDS.values() for ext in kind.extensions})
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ACCEPTED_EXTENSIONS)


def accepted_types_text() -> str:
    return _("Accepted: PDF, DOCX, ODT, XLSX, PNG or JPEG, up to %(size)s MB.") % {
        "size": settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    }


@dataclass(frozen=True)
class CheckedDocument:
    kind: DocumentKind
    original_name: str
    size: int
    sha256: str


def private_storage() -> Storage:
    return storages["private"]


def sniff_kind(head: bytes, *, archive: ArchiveContents | None = None) -> DocumentKind | None:
    """The document kind the content shows (for a ZIP, from its inspected members), or None when it
    is not an accepted kind."""
    if head.startswith(b"%PDF-"):
        return KINDS["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return KINDS["jpeg"]
    if head.startswith(b"PK\x03\x04") and archive is not None:
        return _sniff_zip(archive)
    return None


# -- archives (DOCX, XLSX and ODT are ZIP archives) ---------------------------------------------------
# Generous for real office documents, far below what would exhaust a web worker. A member is never
# decompressed beyond its declared size (zipfile stops there), so checking the declared sizes bounds
# what any later reader (openpyxl for the workbook import) can inflate.
ARCHIVE_MAX_MEMBERS = 5_000
ARCHIVE_MAX_TOTAL_BYTES = 200 * 1024 * 1024
ARCHIVE_MAX_MEMBER_BYTES = 100 * 1024 * 1024
# Office XML compresses well, but not a thousandfold; small members may have any ratio.
ARCHIVE_MAX_RATIO = 200
ARCHIVE_RATIO_FROM_BYTES = 1024 * 1024
# How much of each member is read: the parts that describe the document in full (up to a cap), of
# the others only enough to recognise an executable.
DESCRIBING_PARTS = {"[Content_Types].xml": 256 * 1024, "mimetype": 100, "META-INF/manifest.xml": 256 * 1024}
MEMBER_HEAD_BYTES = 8


@dataclass(frozen=True)
class ArchiveContents:
    names: frozenset[str]
    # The first bytes of every member: all of a describing part, `MEMBER_HEAD_BYTES` of the others.
    heads: dict[str, bytes]


def inspect_archive(data: IO[bytes] | bytes, *, name: str = "") -> ArchiveContents:
    """Open a ZIP archive without trusting it: refuse too many members, members (or a total) whose
    declared size is excessive, members that compress suspiciously well, compression methods other
    than the two office formats use, and encrypted members; then read at most a few bytes of each
    member (`archive.open(name).read(n)`, never `archive.read(name)`, which inflates it whole).

    Raises ValidationError with a plain message; returns the member names and their first bytes."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    label = name or _("The file")
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            _check_archive_sizes(members, label)
            heads = {}
            for info in members:
                if info.is_dir():
                    continue
                if info.flag_bits & 0x1:
                    raise ValidationError(
                        _("“%(name)s” is password-protected; upload a copy without a password.") % {"name": label},
                        code="encrypted",
                    )
                limit = DESCRIBING_PARTS.get(info.filename, MEMBER_HEAD_BYTES)
                with archive.open(info) as member:
                    heads[info.filename] = member.read(limit)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError, ValueError, EOFError):
        raise ValidationError(
            _("“%(name)s” is a damaged archive and cannot be opened; save it again and upload that copy.")
            % {"name": label},
            code="bad_archive",
        ) from None
    finally:
        stream.seek(0)
    return ArchiveContents(names=frozenset(heads), heads=heads)


def _check_archive_sizes(members: list[zipfile.ZipInfo], label: str) -> None:
    too_big = ValidationError(
        _(
            "“%(name)s” unpacks to far more data than an office document holds, so it was not opened; "
            "save the document again and upload that copy."
        )
        % {"name": label},
        code="archive_too_large",
    )
    if len(members) > ARCHIVE_MAX_MEMBERS:
        raise too_big
    total = 0
    for info in members:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ValidationError(
                _("“%(name)s” is compressed in a way office documents are not; save it again and upload that copy.")
                % {"name": label},
                code="bad_archive",
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (
            info.file_size > ARCHIVE_MAX_MEMBER_BYTES
            or total > ARCHIVE_MAX_TOTAL_BYTES
            or (info.file_size > ARCHIVE_RATIO_FROM_BYTES and ratio > ARCHIVE_MAX_RATIO)
        ):
            raise too_big


# Parts that carry macros or programs inside office documents.
MACRO_PARTS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$|^(Basic|Scripts)/", re.IGNORECASE)
MACRO_CONTENT_TYPES = (b"macroenabled", b"vbaproject", b"ms-office.vba")
EMBEDDED_OBJECT_PARTS = re.compile(r"(^|/)(activeX|embeddings)/.*\.bin$", re.IGNORECASE)
EXECUTABLE_NAMES = re.compile(
    r"\.(exe|dll|com|scr|pif|bat|cmd|ps1|vbs|vbe|js|jse|wsf|wsh|hta|msi|msp|jar|sh|app|elf|so|dylib|lnk)$",
    re.IGNORECASE,
)
# Executable formats, and OLE compound files (which carry embedded programs and macros).
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _sniff_zip(contents: ArchiveContents) -> DocumentKind | None:
    names = contents.names
    if "mimetype" in names:
        if contents.heads["mimetype"].strip() == b"application/vnd.oasis.opendocument.text":
            return KINDS["odt"]
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return KINDS["docx"]
    if "xl/workbook.xml" in names:
        return KINDS["xlsx"]
    return None


def _check_archive_content(contents: ArchiveContents, label: str) -> None:
    content_types = contents.heads.get("[Content_Types].xml", b"").lower()
    manifest = contents.heads.get("META-INF/manifest.xml", b"").lower()
    if (
        any(MACRO_PARTS.search(name) for name in contents.names)
        or any(marker in content_types for marker in MACRO_CONTENT_TYPES)
        or b"basic/" in manifest
        or b"scripts/" in manifest
    ):
        raise ValidationError(
            _("“%(name)s” contains macros; save it as a document without macros and upload that copy.")
            % {"name": label},
            code="macros",
        )
    for name, head in contents.heads.items():
        if (
            EMBEDDED_OBJECT_PARTS.search(name)
            or EXECUTABLE_NAMES.search(name)
            or head.startswith(EXECUTABLE_MAGIC)
            or head.startswith(OLE_MAGIC)
        ):
            raise ValidationError(
                _("“%(name)s” contains embedded programs or objects; save it again without them and upload that copy.")
                % {"name": label},
                code="embedded_program",
            )


# -- PDF ----------------------------------------------------------------------------------------------
# Names of actions that run scripts, start programs or carry files (PDF 2.0, ISO 32000-2, 12.6).
PDF_SCRIPT_NAMES = frozenset({b"JavaScript", b"JS", b"RichMedia", b"XFA"})
PDF_LAUNCH_NAMES = frozenset({b"Launch"})
PDF_FILE_NAMES = frozenset({b"EmbeddedFile", b"EmbeddedFiles", b"FileAttachment", b"GoToE"})
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n(.*?)endstream", re.DOTALL)
_PDF_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm")
_PDF_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/<>\[\]()%{}]+)")
# Object streams (compressed dictionaries) are inflated to look inside, within these bounds.
PDF_MAX_OBJECT_STREAM_BYTES = 8 * 1024 * 1024
PDF_MAX_INFLATED_BYTES = 64 * 1024 * 1024


def _check_pdf(data: bytes, label: str) -> None:
    """Refuse a PDF whose dictionaries name scripts, launch actions or embedded files (also inside
    compressed object streams, and spelled with #xx escapes), and a PDF that is also a program or
    an archive (a polyglot)."""
    if _is_polyglot(data):
        raise ValidationError(
            _(
                "“%(name)s” is not only a PDF: it also contains a program or an archive. "
                "Print it to PDF again and upload that copy."
            )
            % {"name": label},
            code="polyglot",
        )
    names = _pdf_names(data, label)
    if names & PDF_SCRIPT_NAMES:
        message, code = _("“%(name)s” contains scripts; print it to PDF again without them."), "pdf_scripts"
    elif names & PDF_LAUNCH_NAMES:
        message, code = (
            _("“%(name)s” contains actions that start programs; print it to PDF again without them."),
            "pdf_launch",
        )
    elif names & PDF_FILE_NAMES:
        message, code = (
            _("“%(name)s” has files attached inside it; print it to PDF again without them."),
            "pdf_attachments",
        )
    else:
        return
    raise ValidationError(message % {"name": label}, code=code)


def _pdf_names(data: bytes, label: str) -> set[bytes]:
    """Every name used in the PDF's dictionaries: outside streams, and inside object streams."""
    dictionaries = [_PDF_STREAM.sub(b"stream endstream", data)]
    inflated = 0
    for match in _PDF_STREAM.finditer(data):
        header = data[max(0, match.start() - 1024) : match.start()]
        header = header[header.rfind(b"obj") + 3 :] if b"obj" in header else header
        if not _PDF_OBJECT_STREAM.search(_unescape_names(header)):
            continue
        body = _inflate_object_stream(match.group(1), header, label)
        inflated += len(body)
        if inflated > PDF_MAX_INFLATED_BYTES:
            raise _pdf_unreadable(label)
        dictionaries.append(body)
    found: set[bytes] = set()
    for chunk in dictionaries:
        found.update(_PDF_NAME.findall(_unescape_names(chunk)))
    return found


def _inflate_object_stream(body: bytes, header: bytes, label: str) -> bytes:
    found = _PDF_FILTER.search(_unescape_names(header))
    if found is None:
        return body
    if _PDF_NAME.findall(found.group(1)) != [b"FlateDecode"]:
        raise _pdf_unreadable(label)  # an object stream we cannot read could hide anything
    inflater = zlib.decompressobj()
    try:
        inflated = inflater.decompress(body, PDF_MAX_OBJECT_STREAM_BYTES)
    except zlib.error:
        raise _pdf_unreadable(label) from None
    if inflater.unconsumed_tail:
        raise _pdf_unreadable(label)
    return inflated


def _unescape_names(data: bytes) -> bytes:
    return _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def _pdf_unreadable(label: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” could not be checked; print it to PDF again and upload that copy.") % {"name": label},
        code="pdf_unreadable",
    )


def _is_polyglot(data: bytes) -> bool:
    """A PDF that is also a ZIP (a Java archive runs as a program), a Windows program (MZ with a PE
    header where it points) or a Linux program (an ELF header)."""
    if zipfile.is_zipfile(io.BytesIO(data)):
        return True
    for match in re.finditer(rb"MZ", data):
        offset = match.start()
        pointer = data[offset + 0x3C : offset + 0x40]
        if len(pointer) == 4:
            header = offset + int.from_bytes(pointer, "little")
            if data[header : header + 4] == b"PE\x00\x00":
                return True
    return re.search(rb"\x7fELF[\x01\x02][\x01\x02]\x01", data) is not None


_UNSAFE_NAME = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def clean_display_name(name: str) -> str:
    """A name safe to show and to offer as a download name (the stored name is random)."""
    name = unicodedata.normalize("NFC", name).strip()
    name = _UNSAFE_NAME.sub("_", name).strip(" ._") or "document"
    stem, dot, ext = name.rpartition(".")
    if dot and len(name) > 120:
        name = stem[: 120 - len(ext) - 1] + "." + ext
    return name[:120]


def check_document(upload: File) -> CheckedDocument:
    """Validate an uploaded document; raise ValidationError with a message naming what is wrong."""
    raw_name = upload.name or ""
    if not raw_name or any(part in raw_name for part in ("/", "\\", "\x00")) or raw_name in {".", ".."}:
        raise ValidationError(
            _("The file name “%(name)s” is not allowed: give a plain file name without folders.")
            % {"name": raw_name[:80]},
            code="bad_name",
        )
    size = upload.size if upload.size is not None else 0
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; the largest accepted file is %(limit)s MB.")
            % {"name": raw_name, "size": size / (1024 * 1024), "limit": limit // (1024 * 1024)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": raw_name}, code="empty")
    upload.seek(0)
    head = upload.read(16)
    archive = inspect_archive(upload, name=raw_name) if head.startswith(b"PK\x03\x04") else None
    kind = sniff_kind(head, archive=archive)
    extension = raw_name.rpartition(".")[2].lower() if "." in raw_name else ""
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not an accepted document. %(accepted)s")
            % {"name": raw_name, "accepted": accepted_types_text()},
            code="bad_type",
        )
    if extension not in kind.extensions:
        raise ValidationError(
            _("“%(name)s” contains a %(kind)s but its name ends in “.%(ext)s”; rename it or upload the right file.")
            % {"name": raw_name, "kind": kind.label, "ext": extension or "(nothing)"},
            code="type_mismatch",
        )
    _check_active_content(kind, upload, raw_name, archive=archive)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedDocument(kind=kind, original_name=clean_display_name(raw_name), size=size, sha256=digest.hexdigest())


def _check_active_content(kind: DocumentKind, upload: File, label: str, *, archive: ArchiveContents | None) -> None:
    """Refuse what a reader would run: macros and embedded programs in office documents, scripts,
    launch actions and attached files in PDFs (the size was checked first, so reading is bounded)."""
    if kind.key == "pdf":
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        _check_pdf(data, label)
    elif archive is not None:
        _check_archive_content(archive, label)


def store_document(upload: File, checked: CheckedDocument, *, folder: str) -> str:
    """Save under a random name in the private storage; returns the stored name."""
    name = f"{folder.strip('/')}/{uuid.uuid4().hex}.{checked.kind.extensions[0]}"
    upload.seek(0)
    return private_storage().save(name, upload)


def store_bytes(data: bytes, *, folder: str, extension: str) -> str:
    name = f"{folder.strip('/')}/{uuid.uuid4().hex}.{extension}"
    return private_storage().save(name, File(io.BytesIO(data), name=name))


def private_file_response(stored_name: str, *, download_name: str, content_type: str) -> FileResponse:
    """Stream a private file as an attachment; callers check access before calling this."""
    handle = private_storage().open(stored_name, "rb")
    response = FileResponse(handle, as_attachment=True, filename=download_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
