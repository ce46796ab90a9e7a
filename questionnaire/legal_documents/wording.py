"""What a document's deadline says, in the reader's language.

`deadlines.dues` keeps each sentence in English with its figures (`Due.what`, language-neutral: the CSV, the API
and the document's JSON carry it) and the content's sentence and values it was written from (`Due.text`,
`Due.values`). Pages, the calendar feed and the reminder digest show `due_what(due)`: the sentence of
content/documents/translations/<language>.yaml (`deadlines:`, keyed by the English sentence) with the same values,
a word among them (a harm category) translated too. A sentence or word without a translation, or whose English
changed since (its key no longer matches), is shown in English, marked (core.translations.Untranslated), never
empty. A fixed interface text (a Due without `text`) comes from the gettext catalogues."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from ..core.translations import SOURCE_LANGUAGE, Untranslated, document_language
from .deadlines import Due
from .definitions import deadline_translations


def _sentence(english: str, text: str, values: tuple[tuple[str, Any], ...], language: str) -> str:
    if language == SOURCE_LANGUAGE:
        return english
    translations = deadline_translations(language)
    sentence = translations.get(text)
    words = {name: translations.get(value) if isinstance(value, str) else value for name, value in values}
    if sentence is None or None in words.values():
        return Untranslated(english)
    try:
        return sentence.format(**words)
    except (KeyError, IndexError, ValueError):  # a translation naming a placeholder the English has not
        return Untranslated(english)


def _catalogue(text: str, language: str) -> str:
    """A fixed interface text of a Due (gettext_noop in deadlines.py), from the catalogue of `language`."""
    if not text:
        return ""
    with translation.override(language):
        return translation.gettext(text)


def due_what(due: Due, language: str | None = None) -> str:
    """What is due, in `language` (default: the reader's), with its figures."""
    language = document_language(language)
    if not due.text:
        return _catalogue(due.what, language)
    return _sentence(due.what, due.text, due.values, language)


def due_note(due: Due, language: str | None = None) -> str:
    """The Due's note (why it has no date yet), in `language` (default: the reader's)."""
    language = document_language(language)
    if not due.note_text:
        return _catalogue(due.note, language)
    return _sentence(due.note, due.note_text, (), language)
