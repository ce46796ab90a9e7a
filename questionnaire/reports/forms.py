"""Verifying a report: an uploaded PDF or a pasted hash."""

from __future__ import annotations

import re

from django import forms

from ..core.uploads import check_pdf

MAX_REPORT_BYTES = 10 * 1024 * 1024


class VerifyForm(forms.Form):
    pdf = forms.FileField(label="Upload a report PDF", required=False,
                          help_text="The PDF downloaded from this assessment (at most 10 MB).")
    digest = forms.CharField(label="Or paste a hash", required=False, max_length=80,
                             help_text="The report snapshot SHA-256 from the report's cover (or the first 12 "
                                       "characters shown in its header), the snapshot SHA-256 from the result "
                                       "page, or the SHA-256 of the PDF file.")

    def __init__(self, *args, attachment: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.attachment = attachment  # the attachment the verification reads, found in the one parse of the PDF
        self.pdf_facts = None

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if upload is None:
            return None
        if upload.size > MAX_REPORT_BYTES:
            raise forms.ValidationError("The file is larger than 10 MB; a report of this tool is much smaller.")
        if upload.read(5) != b"%PDF-":
            raise forms.ValidationError("The file is not a PDF.")
        self.pdf_facts = check_pdf(upload, upload.name or "the file", attachment=self.attachment)
        return upload

    def clean_digest(self):
        value = (self.cleaned_data.get("digest") or "").strip().lower().removeprefix("sha256:")
        if value and not re.fullmatch(r"[0-9a-f]{12,64}", value):
            raise forms.ValidationError("A hash is 12 to 64 characters, 0–9 and a–f.")
        return value

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("pdf") and not data.get("digest"):
            raise forms.ValidationError("Upload a PDF or paste a hash.")
        return data
