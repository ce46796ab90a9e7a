"""The forms of the gap analysis (one measure, a chapter's rows) and the Model Documentation Form, built from
content/model_documentation_form.yaml."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..core.forms import IsoDateInput, form_class, validate_plausible_date
from ..core.uploads import check_evidence_upload
from ..engine.values import MAX_NUMBER_CHARS, parse_quantity
from ..models import NOT_RECORDED, GapItem, MeasureStatus
from .model_documentation import documentation_form, unit_example

NOT_A_MEMBER = gettext_lazy("Choose a member of your organisation as owner")
NOT_A_DATE = gettext_lazy("Enter a real date as YYYY-MM-DD, for example 2027-03-31")


class GapItemForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=(), widget=forms.RadioSelect,
                               error_messages={"required": gettext_lazy("Select a status")})
    not_applicable_reason = forms.CharField(label=gettext_lazy("Why it does not apply"), required=False,
                                            max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ChoiceField(label=gettext_lazy("Owner"), required=False,
                              help_text=gettext_lazy("A member of your organisation who is responsible for the "
                                                     "measure."),
                              error_messages={"invalid_choice": NOT_A_MEMBER})
    due_date = forms.DateField(label=gettext_lazy("Due date"), required=False, widget=IsoDateInput(),
                               input_formats=["%Y-%m-%d"], help_text=gettext_lazy("For example 31 March 2027."),
                               validators=[validate_plausible_date], error_messages={"invalid": NOT_A_DATE})
    evidence = forms.CharField(label=gettext_lazy("Evidence"), required=False, max_length=10000,
                               widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=gettext_lazy("Documents, records and links that show the measure is met."))
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, max_length=10000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    upload = forms.FileField(label=gettext_lazy("Add an evidence file (optional)"), required=False,
                             help_text=gettext_lazy("PDF, PNG, JPEG, DOCX, XLSX, TXT, CSV or Markdown, at most 10 MB."))

    def __init__(self, *args, members=(), not_applicable_refused: str = "", **kwargs):
        """`not_applicable_refused`: why this measure cannot be recorded as not applicable (content constant
        `measures_never_not_applicable`), or empty."""
        super().__init__(*args, **kwargs)
        self.not_applicable_refused = not_applicable_refused
        self.fields["status"].choices = [(value, _(label)) for value, label in MeasureStatus.choices]
        self.members = {str(m.user_id): m.user for m in members}
        self.fields["owner"].choices = [("", _("No owner yet"))] + [
            (uid, user.get_full_name() or user.get_username()) for uid, user in self.members.items()]

    def clean_owner(self):
        value = self.cleaned_data.get("owner")
        if not value:
            return None
        if value not in self.members:
            raise ValidationError(NOT_A_MEMBER)
        return self.members[value]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        return check_evidence_upload(upload) if upload else upload  # checked once: the service keeps what it found

    def clean(self):
        data = super().clean()
        not_applicable = data.get("status") == MeasureStatus.NOT_APPLICABLE
        if not_applicable and self.not_applicable_refused:
            self.add_error("status", self.not_applicable_refused)
        elif not_applicable and not (data.get("not_applicable_reason") or "").strip():
            self.add_error("not_applicable_reason", _("Say why the measure does not apply"))
        return data


GAP_FIELD_LABELS = {"status": gettext_lazy("Status"), "not_applicable_reason": gettext_lazy("Why it does not apply"),
                    "owner": gettext_lazy("Owner"), "due_date": gettext_lazy("Due date"),
                    "evidence": gettext_lazy("Evidence"), "notes": gettext_lazy("Notes"),
                    "file": gettext_lazy("Evidence file")}


class ChapterRowForm(forms.Form):
    """Status, owner and due date of one measure on a chapter page (prefix: the measure id). Hidden
    initial values tell which fields the person changed, so only those are saved and checked."""

    status = forms.ChoiceField(required=False, show_hidden_initial=True)
    owner = forms.ChoiceField(required=False, show_hidden_initial=True,
                              error_messages={"invalid_choice": NOT_A_MEMBER})
    due_date = forms.DateField(required=False, widget=IsoDateInput(), input_formats=["%Y-%m-%d"],
                               show_hidden_initial=True, validators=[validate_plausible_date],
                               error_messages={"invalid": NOT_A_DATE})
    not_applicable_reason = forms.CharField(required=False, max_length=5000, show_hidden_initial=True,
                                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, item: GapItem, measure, members: dict, not_applicable_refused: str = "", **kwargs):
        super().__init__(*args, prefix=measure.id, **kwargs)
        self.item, self.measure, self.members = item, measure, members
        self.not_applicable_refused = not_applicable_refused
        unrecorded = [] if item.is_recorded else [("", _(NOT_RECORDED))]
        self.fields["status"].choices = unrecorded + [(value, _(label)) for value, label in MeasureStatus.choices]
        self.fields["owner"].choices = [("", _("No owner yet"))] + [
            (uid, user.get_full_name() or user.get_username()) for uid, user in members.items()]
        for name, field in self.fields.items():
            field.label = _("%(field)s of %(measure)s") % {"field": GAP_FIELD_LABELS[name], "measure": measure.id}
        self.fields["not_applicable_reason"].label = _("If %(measure)s does not apply: why") % {"measure": measure.id}

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if "status" in self.changed_data:
            if not status:
                self.add_error("status", _("Choose a status for %(measure)s") % {"measure": self.measure.id})
            elif status == MeasureStatus.NOT_APPLICABLE and self.not_applicable_refused:
                self.add_error("status", f"{self.measure.id}: {self.not_applicable_refused}")
        reason = (data.get("not_applicable_reason") or "").strip()
        if status == MeasureStatus.NOT_APPLICABLE and not self.not_applicable_refused and not reason:
            self.add_error("not_applicable_reason",
                           _("Say why %(measure)s does not apply") % {"measure": self.measure.id})
        return data

    def changes(self) -> dict:
        """The fields the person changed, as the record stores them."""
        out = {}
        for name in self.changed_data:
            value = self.cleaned_data.get(name)
            if name == "owner":
                value = self.members.get(value) if value else None
            out[name] = value
        return out


class QuantityField(forms.CharField):
    """A count or amount (parameters, FLOP, MWh): kept as typed, refused unless it reads as a number; the error's
    example fits the unit (`example`)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"})

    def __init__(self, *args, example: str = "", unit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.example, self.unit = example, unit

    def to_python(self, value):
        value = super().to_python(value)
        if value and len(value) > MAX_NUMBER_CHARS:  # checked before anything parses it
            raise ValidationError(f"That is too long to be a number (at most {MAX_NUMBER_CHARS} characters).",
                                  code="invalid")
        if value:
            try:
                parse_quantity(value)
            except ValueError as exc:
                message = (f"Write it as a number{f' of {self.unit}' if self.unit else ''}, for example "
                           f"{self.example}." if self.example and "larger than" not in str(exc) else str(exc))
                raise ValidationError(f"“{value}” is not a number. {message}", code="invalid") from None
        return value


def _documentation_field(f, language: str) -> forms.Field:
    # hidden initial values tell which fields this person changed: only those are saved, so two people
    # filling in different parts of the form at the same time both keep their work
    common = {"label": f.label, "help_text": f.help, "required": False, "show_hidden_initial": True}
    if f.type == "number":
        return QuantityField(max_length=100, example=unit_example(f.unit, language), unit=f.unit, **common)
    if f.type == "date":
        return forms.DateField(widget=IsoDateInput(), input_formats=["%Y-%m-%d"], error_messages={
            "invalid": "Enter a real date as YYYY-MM-DD, for example 2025-08-02"},
            validators=[validate_plausible_date], **common)
    if f.type == "choice":
        return forms.ChoiceField(choices=[("", _("Not chosen yet")), *zip(f.choices, f.choice_words, strict=True)],
                                 error_messages={"invalid_choice": "Choose one of the ranges the form gives"},
                                 **common)
    if f.type == "line":
        return forms.CharField(max_length=2000, **common)
    return forms.CharField(max_length=20000, widget=forms.Textarea(attrs={"rows": 3}), **common)


def documentation_form_class(language: str = "en") -> type[forms.Form]:
    """The Model Documentation Form's fields (content/model_documentation_form.yaml) as a Django form, its words in
    `language` (the stored values, choices included, are the same in every language)."""
    return form_class("DocumentationForm", {f.code: _documentation_field(f, language)
                                            for g in documentation_form(language) for f in g.fields})
