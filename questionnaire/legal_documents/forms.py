"""The form of a legal document, built from its definition (content/documents/*.yaml): one field per field of the
document, named by its id. What a field accepts is values.parse_input, so refused input answers at the field."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ..core.forms import form_class
from .definitions import Column, DocumentDefinition, Field, definition
from .values import MAX_ROWS, cell_text, parse_input, parse_scalar


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


# ---------------------------------------------------------------- tables: one row per form of a formset

def _cell_field(column: Column) -> forms.Field:
    """A cell as typed, checked by the cell's type (values.parse_scalar), so a bad cell is refused at itself."""
    class CellField(forms.CharField):
        def clean(self, value):
            text = super().clean(value)
            if text:
                try:
                    parse_scalar(column.type, text)
                except ValueError as exc:
                    raise ValidationError(str(exc), code="invalid") from None
            return text
    return CellField(label=column.label, required=False, max_length=2000)


class TableRowForm(forms.Form):
    columns: tuple[Column, ...] = ()

    def clean(self):
        data = super().clean()
        filled = any((data.get(c.id) or "").strip() for c in self.columns)
        if filled and not self.cleaned_data.get("DELETE"):
            for column in self.columns:
                if not column.optional and not (data.get(column.id) or "").strip() and column.id not in self.errors:
                    self.add_error(column.id, f"Fill in “{column.label}”")
        return data

    def row(self) -> dict[str, Any] | None:
        """The row's JSON value (cells parsed by their types), or None for an empty or removed row."""
        data = self.cleaned_data
        if data.get("DELETE") or not any((data.get(c.id) or "").strip() for c in self.columns):
            return None
        return {c.id: parse_scalar(c.type, data[c.id]) if (data.get(c.id) or "").strip() else ""
                for c in self.columns}


class TableFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]] | None:
        """The kept rows in the order the person gave (ORDER), then as shown; None when there are none."""
        forms_ = [f for f in self.forms if f.row() is not None]
        forms_.sort(key=lambda f: (f.cleaned_data.get("ORDER") is None, f.cleaned_data.get("ORDER") or 0))
        return [f.row() for f in forms_] or None

    def first_error(self) -> tuple[str, str] | None:
        """(html id of the first refused cell, "Row 2, Rank: …") for the error summary."""
        if self.non_form_errors():
            return (f"f-{self.prefix}", " ".join(self.non_form_errors()))
        for number, form in enumerate(self.forms, 1):
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                return (form[name].auto_id if name in form.fields else f"f-{self.prefix}",
                        f"Row {number}{f', {label}' if label else ''}: {' '.join(errors)}")
        return None


@cache
def table_formset(kind: str, field_id: str) -> type[TableFormSet]:
    """The formset of a table field: one form per row, add (an extra row), remove (DELETE), reorder (ORDER),
    at most values.MAX_ROWS rows."""
    f = definition(kind).fields()[field_id]
    row_form = type(f"TableRowForm_{kind}_{field_id}", (TableRowForm,),
                    {"columns": f.columns, **{c.id: _cell_field(c) for c in f.columns}})
    return forms.formset_factory(row_form, formset=TableFormSet, extra=1, can_order=True, can_delete=True,
                                 max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True)


def table_initial(f: Field, value: Any) -> list[dict[str, str]]:
    """Stored rows as the formset shows them (every cell as text)."""
    return [{c.id: cell_text(row.get(c.id)) if row.get(c.id) not in (None, "") else "" for c in f.columns}
            for row in (value or [])]


def posted_table(kind: str, f: Field, data, *, add_row: bool = False,
                 initial: list | None = None) -> TableFormSet | None:
    """The bound formset of a table field when the post carries its rows (a browser's form), else None (a script
    may still post the field as text, one row per line, cells separated by "|")."""
    if f"{f.id}-TOTAL_FORMS" not in data:
        return None
    formset_class = table_formset(kind, f.id)
    if add_row:
        data = data.copy()
        total = data.get(f"{f.id}-TOTAL_FORMS", "0")
        data[f"{f.id}-TOTAL_FORMS"] = str(min(int(total) + 1 if total.isdigit() else 1, MAX_ROWS))
    return formset_class(data, prefix=f.id, initial=initial)
