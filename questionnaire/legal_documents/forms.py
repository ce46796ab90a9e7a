"""The form of a legal document, built from its definition (content/documents/*.yaml): one field per field of the
document, named by its id. What a field accepts is values.parse_input, so refused input answers at the field."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ..core.forms import form_class
from .definitions import DocumentDefinition, Field, definition
from .values import parse_input


class DocumentValueField(forms.Field):
    """A field of a legal document: the posted text (the ticked values of a `multi` field) parsed to its JSON
    value; empty is None (whether a field must be filled in is a check before issuing, not before saving)."""

    def __init__(self, field: Field) -> None:
        self.document_field = field
        widget = forms.CheckboxSelectMultiple if field.type == "multi" else forms.TextInput
        super().__init__(required=False, label=field.label, widget=widget)

    def to_python(self, value: Any) -> Any:
        try:
            return parse_input(self.document_field, value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from None


class LegalDocumentForm(forms.Form):
    def typed(self) -> dict[str, Any]:
        """What was posted, field by field, to show back as typed (a list for a `multi` field)."""
        return {name: field.widget.value_from_datadict(self.data, self.files, name) or
                ([] if isinstance(field.widget, forms.CheckboxSelectMultiple) else "")
                for name, field in self.fields.items()}


@cache
def legal_document_form(kind: str, language: str = "en") -> type[LegalDocumentForm]:
    """The form class of a kind of document, its labels in `language` (built once per process and language)."""
    doc: DocumentDefinition = definition(kind, language)
    return form_class(f"LegalDocumentForm_{kind}_{language}",
                      {f.id: DocumentValueField(f) for f in doc.fields().values()}, LegalDocumentForm)
