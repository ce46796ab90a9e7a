"""Uploaded files checked by what they really are, not by their name or first bytes: a PDF must parse as a
PDF, a DOCX/XLSX must be a valid zip of the right parts whose uncompressed size is bounded, a text file must be
UTF-8 without NUL bytes. Used by evidence uploads (services.gap) and report verification (report_views)."""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import ValidationError

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # what an office file may expand to
MAX_ZIP_ENTRIES = 5000
OFFICE_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def _content(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def check_pdf(upload, name: str) -> int:
    """The number of pages of a PDF that parses; ValidationError otherwise."""
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
