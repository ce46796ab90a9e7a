"""Uploaded files checked by what they really are, not by their name or first bytes: a PDF must parse as a
PDF, a DOCX/XLSX must be a valid zip of the right parts whose uncompressed size is bounded, a text file must be
UTF-8 without NUL bytes; an evidence file must also be one of the accepted types. Used by the evidence upload
(forms.GapItemForm, services.gap) and report verification (forms.VerifyForm)."""

from __future__ import annotations

import io
import os
import zipfile

from django.core.exceptions import ValidationError

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # what an office file may expand to
MAX_ZIP_ENTRIES = 5000
OFFICE_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Extension -> (content type, accepted leading bytes). Anything else is refused.
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
    ".csv": ("text/csv", ()),
    ".md": ("text/markdown", ()),
}


def _content(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def check_pdf(upload, name: str) -> int:
    """The number of pages of a PDF that parses; ValidationError otherwise."""
    # heavy: pypdf takes about a second to import; loaded only when a PDF is checked
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    data = _content(upload)
    if not data.startswith(b"%PDF-"):
        raise ValidationError(f"“{name}” is not a PDF.")
    try:
        pages = len(PdfReader(io.BytesIO(data), strict=False).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        pages = 0
    if pages < 1:
        raise ValidationError(f"“{name}” starts like a PDF but cannot be read as one (damaged, or not a PDF).")
    return pages


def check_office_zip(upload, name: str, extension: str) -> None:
    """A DOCX/XLSX: a valid zip with its main part, at most MAX_ZIP_ENTRIES entries and
    MAX_UNCOMPRESSED_BYTES uncompressed (a zip bomb is refused before anything unpacks it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(_content(upload))) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNCOMPRESSED_BYTES:
                raise ValidationError(f"“{name}” expands to more than {MAX_UNCOMPRESSED_BYTES // 2**20} MB; "
                                      "upload a smaller document.")
            if OFFICE_PARTS[extension] not in archive.namelist() or "[Content_Types].xml" not in archive.namelist():
                raise ValidationError(f"“{name}” is a zip file but not a {extension} document.")
            if archive.testzip() is not None:
                raise ValidationError(f"“{name}” is damaged.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError, OSError):
        raise ValidationError(f"“{name}” is not a valid {extension} document (damaged, or not one).") from None


def check_text(upload, name: str) -> None:
    data = _content(upload)
    if b"\x00" in data:
        raise ValidationError(f"“{name}” is not a text file.")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(f"“{name}” is not UTF-8 text; save it as UTF-8 and upload it again.") from None


def check_evidence_upload(upload) -> tuple[str, str]:
    """(extension, content type) of an acceptable upload; ValidationError with a clear message otherwise."""
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in EVIDENCE_TYPES:
        allowed = ", ".join(sorted(EVIDENCE_TYPES))
        raise ValidationError(f"“{name}” is not an accepted type. Upload one of: {allowed}.")
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(f"“{name}” is {upload.size / 2**20:.1f} MB; the limit is "
                              f"{MAX_EVIDENCE_BYTES // 2**20} MB per file.")
    if upload.size == 0:
        raise ValidationError(f"“{name}” is empty.")
    content_type, magic = EVIDENCE_TYPES[extension]
    head = upload.read(16)
    upload.seek(0)
    if magic and not any(head.startswith(m) for m in magic):
        raise ValidationError(f"“{name}” does not look like a {extension} file.")
    # then by what the file really is, not only its first bytes
    if extension == ".pdf":
        check_pdf(upload, name)
    elif extension in OFFICE_PARTS:
        check_office_zip(upload, name, extension)
    elif not magic:
        check_text(upload, name)
    return extension, content_type
