"""Hostile files built in memory for the upload tests: small to send, costly to open carelessly."""

from __future__ import annotations

import io
import zipfile

BOMB_BYTES = 48 * 1024 * 1024


def zip_bomb(*, member: str = "[Content_Types].xml", size: int = BOMB_BYTES) -> bytes:
    """A DOCX whose one part inflates from a few dozen kilobytes to `size` bytes (streamed in, so
    building it never holds the inflated part in memory)."""
    buffer = io.BytesIO()
    chunk = b"<a/>" * (256 * 1024)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(member, "w", force_zip64=True) as part:
            for _ in range(size // len(chunk)):
                part.write(chunk)
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()
