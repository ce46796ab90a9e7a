"""Uploaded files checked by what they really are, not by their name or first bytes: a PDF must parse as a
PDF, a DOCX/XLSX must be a valid zip of the right parts whose uncompressed size is bounded, a text file must be
UTF-8 without NUL bytes; an evidence file must also be one of the accepted types. Used by the evidence upload
(code_of_practice.forms.GapItemForm, code_of_practice.gap) and report verification (reports.forms.VerifyForm)."""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import resource
import select
import signal
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
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


# An uploaded PDF is parsed once, in a child process with limits: a small file can describe a huge page tree or
# object table (9.6 MB with 85,000 pages took 8 s of pypdf), so it is refused beyond these before it is walked,
# and the parse is stopped after settings.UPLOAD_CHECK_SECONDS (1 s unless configured) whatever the file does
# (the team's bar: no input holds a worker for more than a second).
MAX_PDF_PAGES = 2000
MAX_PDF_OBJECTS = 50_000
MAX_PDF_ATTACHMENT_BYTES = 5 * 1024 * 1024
PDF_CHECK_MEMORY_BYTES = 1024 * 1024 * 1024  # on top of what the web process already uses


@dataclass(frozen=True)
class PdfFacts:
    """What one parse of an uploaded PDF found: its pages, and the attachment asked for (or None)."""

    pages: int
    attachment: bytes | None = None


class TooSlow(Exception):
    """The child process did not answer within its time."""


def run_limited(work: Callable[..., dict[str, Any]], *args: Any, seconds: float) -> dict[str, Any] | None:
    """`work(*args)` in a forked child with a CPU and memory limit, answered within `seconds` of wall time:
    its JSON result, None when the child died (a limit hit, a crash), TooSlow when it did not answer in time.
    The parent only waits; what the child parses cannot hold the web worker longer than this."""
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns, never runs the parent's clean-up
        status = 1
        try:
            os.close(readable)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            logging.disable(logging.CRITICAL)  # a lock another thread held at the fork would never be released
            _limit_child(seconds)
            payload = json.dumps(work(*args)).encode()
            with os.fdopen(writable, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(writable)
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    try:
        with os.fdopen(readable, "rb", buffering=0) as pipe:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([pipe], [], [], remaining)[0]:
                    raise TooSlow
                chunk = pipe.read(1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    except TooSlow:
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        os.waitpid(pid, 0)
    try:
        return json.loads(b"".join(chunks)) if chunks else None
    except ValueError:
        return None


def _limit_child(seconds: float) -> None:
    cpu = max(1, int(seconds + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        with open("/proc/self/statm") as statm:  # the address space already mapped (Linux)
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (used + PDF_CHECK_MEMORY_BYTES, resource.RLIM_INFINITY))
    except (OSError, ValueError):
        pass  # not Linux: the CPU and wall-clock limits remain


def _pypdf():
    # Loaded only when a PDF is checked, in the parent, so that each child starts with it.
    # heavy: pypdf takes about a second to import
    import pypdf
    from pypdf import errors

    return pypdf, errors


def _read_pdf(data: bytes, attachment: str | None) -> dict[str, Any]:
    """In the child: the counts first (objects, the page tree's claimed count), the page tree walked only within
    MAX_PDF_PAGES, then the attachment asked for."""
    pypdf, errors = _pypdf()
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        objects = sum(len(table) for table in reader.xref.values()) + len(reader.xref_objStm)
        if objects > MAX_PDF_OBJECTS:
            return {"refused": "objects"}
        pages = _count_pages(reader.trailer["/Root"].get_object()["/Pages"].get_object(), pypdf)
        if pages is None:
            return {"refused": "pages"}
        found = None
        if attachment:
            content = reader.attachments.get(attachment)
            if content and len(content[0]) <= MAX_PDF_ATTACHMENT_BYTES:
                found = base64.b64encode(content[0]).decode()
        return {"pages": pages, "attachment": found}
    except (errors.PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        return {"pages": 0}


def _count_pages(root, pypdf) -> int | None:
    """The leaves of the page tree, or None beyond MAX_PDF_PAGES: the claimed /Count and every /Kids array are
    checked before their objects are read, and each node is read once (a tree may loop)."""
    claimed = root.get("/Count")
    if isinstance(claimed, int) and claimed > MAX_PDF_PAGES:
        return None
    pages, stack, seen = 0, [root], set()
    while stack:
        node = stack.pop()
        kids = node.get("/Kids")
        if kids is None:
            pages += 1
            if pages > MAX_PDF_PAGES:
                return None
            continue
        kids = kids.get_object()
        if len(kids) > MAX_PDF_PAGES or len(seen) > 2 * MAX_PDF_PAGES:
            return None
        for kid in kids:
            key = kid.idnum if isinstance(kid, pypdf.generic.IndirectObject) else id(kid)
            if key not in seen:
                seen.add(key)
                stack.append(kid.get_object())
    return pages


def inspect_pdf(data: bytes, name: str, *, attachment: str | None = None) -> PdfFacts:
    """Parse an uploaded PDF once, bounded (see MAX_PDF_PAGES): its pages and, if asked for, one attachment;
    ValidationError with a message for the field otherwise."""
    if not data.startswith(b"%PDF-"):
        raise ValidationError(f"“{name}” is not a PDF.")
    if data.count(b" obj") > MAX_PDF_OBJECTS:  # every object not in an object stream: "12 0 obj"; milliseconds
        raise ValidationError(f"“{name}” is made of more than {MAX_PDF_OBJECTS:,} objects; upload a simpler PDF.")
    _pypdf()
    try:
        found = run_limited(_read_pdf, data, attachment, seconds=settings.UPLOAD_CHECK_SECONDS)
    except TooSlow:
        raise ValidationError(f"“{name}” takes too long to read (more than {settings.UPLOAD_CHECK_SECONDS} "
                              "seconds); upload a simpler PDF.") from None
    found = found or {"refused": "complex"}
    refused = found.get("refused")
    if refused == "objects":  # in object streams, counted by the parse
        raise ValidationError(f"“{name}” is made of more than {MAX_PDF_OBJECTS:,} objects; upload a simpler PDF.")
    if refused == "pages":
        raise ValidationError(f"“{name}” has more than {MAX_PDF_PAGES:,} pages; upload a shorter PDF.")
    if refused:
        raise ValidationError(f"“{name}” is too complex to read; upload a simpler PDF.")
    if found.get("pages", 0) < 1:
        raise ValidationError(f"“{name}” starts like a PDF but cannot be read as one (damaged, or not a PDF).")
    attached = found.get("attachment")
    return PdfFacts(found["pages"], base64.b64decode(attached) if attached else None)


def check_pdf(upload, name: str, *, attachment: str | None = None) -> PdfFacts:
    """An uploaded PDF that parses, within the bounds (inspect_pdf); ValidationError otherwise."""
    return inspect_pdf(_content(upload), name, attachment=attachment)


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


@dataclass(frozen=True)
class CheckedUpload:
    """An evidence upload that passed check_evidence_upload, with what the check found: the form checks it (the
    message goes to the field) and the service stores it without parsing it again."""

    file: Any
    extension: str
    content_type: str


def check_evidence_upload(upload) -> CheckedUpload:
    """An acceptable upload with its extension and content type; ValidationError with a clear message
    otherwise."""
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
    return CheckedUpload(upload, extension, content_type)
