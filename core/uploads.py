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
from dataclasses import dataclass

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


def sniff_kind(head: bytes, data: File) -> DocumentKind | None:
    """The document kind the content shows, or None when it is not an accepted kind."""
    if head.startswith(b"%PDF-"):
        return KINDS["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return KINDS["jpeg"]
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    return None


def _sniff_zip(data: File) -> DocumentKind | None:
    data.seek(0)
    try:
        with zipfile.ZipFile(data) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].strip()
                if mimetype == b"application/vnd.oasis.opendocument.text":
                    return KINDS["odt"]
                return None
            if "[Content_Types].xml" not in names:
                return None
            content_types = archive.read("[Content_Types].xml")[:200_000]
            if b"macroEnabled" in content_types or any(n.endswith("vbaProject.bin") for n in names):
                return None  # documents with macros are not accepted
            if "word/document.xml" in names:
                return KINDS["docx"]
            if "xl/workbook.xml" in names:
                return KINDS["xlsx"]
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return None
    return None


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
    kind = sniff_kind(head, upload)
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
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedDocument(kind=kind, original_name=clean_display_name(raw_name), size=size, sha256=digest.hexdigest())


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
