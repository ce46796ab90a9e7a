"""The content in the reader's language: `localized(spec, version)` is the one lookup of translated texts.

A version's translations (models.Translation, shipped in content/gpai.<lang>.yaml) are read with one query per
version and language and kept per process, so a page's queries do not grow with its texts. A change of any
translation empties what every process kept (web processes and task workers, on any machine): through a
generation in the shared cache (CACHE_URL) that each process compares before it reads a translation. A text without a
translation, or whose translation is stale (its English source changed since), stays English and says so: it
is an `Untranslated` string, which templates render as <span lang="en">…</span> with a small "English" marker
(Django calls its __html__), never as an empty string. Results, codes, ids and hashes are never translated."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language, pgettext

from .. import models as m
from ..engine import ExpressionError, Spec, evaluate, texts_filled
from ..engine.translation import is_translated, text_hash, translate
from .evaluation import parsed_answers
from .versions import authored_spec

SOURCE_LANGUAGE = "en"
CONTENT_LANGUAGES = ("en", "de", "fr")  # English and the languages the content ships translations for


class Untranslated(str):
    """An English text shown in another language because it has no (current) translation."""

    def __html__(self) -> str:
        marker = pgettext("a text shown in English because it has no translation", "English")
        return (f'<span lang="en">{escape(str(self))}</span> '
                f'<small class="untranslated">({escape(marker)})</small>')


def content_language(language: str | None = None) -> str:
    """The language the content is shown in: the given one, else the reader's (Django's active language)."""
    code = (language or get_language() or SOURCE_LANGUAGE).lower().split("-")[0].split("_")[0]
    return code


def document_language(language: str | None = None) -> str:
    """The language a document (the PDF report) is rendered in: the given or the reader's, one of
    CONTENT_LANGUAGES, else English (one render per language that has translations, not per browser setting)."""
    code = content_language(language)
    return code if code in CONTENT_LANGUAGES else SOURCE_LANGUAGE


_LOCALIZED: dict[tuple[int, str, str], Spec] = {}
_ROWS: dict[tuple[int, str], dict[str, tuple[str, str]]] = {}


def translation_rows(version_id: int, language: str) -> dict[str, tuple[str, str]]:
    """target -> (text, source_hash) of a version's translations into one language: one query, then kept."""
    key = (version_id, language)
    if key not in _ROWS:
        _ROWS[key] = {target: (text, source_hash) for target, text, source_hash in m.Translation.objects.filter(
            version_id=version_id, language=language).values_list("target", "text", "source_hash")}
    return _ROWS[key]


def localized(spec: Spec, version: m.QuestionnaireVersion | Any, language: str | None = None) -> Spec:
    """`spec` (the version's English Spec) with its texts in `language` (default: the reader's). English is
    returned as it is. Kept per version, content hash and language until a translation changes."""
    language = content_language(language)
    if language == SOURCE_LANGUAGE:
        return spec
    forget_if_changed_elsewhere()
    key = (version.pk, spec.content_hash, language)
    if key in _LOCALIZED and not version_is_draft(version):
        return _LOCALIZED[key]
    rows = translation_rows(version.pk, language)

    def lookup(target: str, english: str) -> str:
        found = rows.get(target)
        if found is None or not found[0].strip() or found[1] != text_hash(english):
            return Untranslated(english)
        return found[0]

    result = translate(spec, lookup, language=language)
    if not version_is_draft(version):
        _LOCALIZED[key] = result
    return result


def version_is_draft(version: Any) -> bool:
    return getattr(version, "status", None) == m.VersionStatus.DRAFT


GENERATION = "translations-generation"  # the shared cache's key: a new value at each change of a translation
_SEEN: list[Any] = [object()]  # the generation this process's kept translations belong to (none yet)


def forget_translations(**_signal) -> None:
    """Any save or delete of a translation (or a version) empties the kept translations: in this process at once,
    in every other at its next translated read (forget_if_changed_elsewhere), once the change is committed (a
    process that looked earlier would keep the old words under the new generation). See apps.py."""
    _forget()

    def announce() -> None:
        generation = secrets.token_hex(8)
        cache.set(GENERATION, generation, timeout=None)
        _SEEN[0] = generation

    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(announce)
    else:
        announce()


def forget_if_changed_elsewhere() -> None:
    """Empty the kept translations when another process changed a translation since this one kept them: one
    look at the shared cache. A generation the cache lost (evicted, restarted) counts as a change."""
    generation = cache.get(GENERATION)
    if generation != _SEEN[0]:
        _forget()
        _SEEN[0] = generation


def _forget() -> None:
    _LOCALIZED.clear()
    _ROWS.clear()
    _VERSIONS_BY_HASH.clear()
    _FILLED.clear()


_VERSIONS_BY_HASH: dict[str, Any] = {}
_FILLED: dict[tuple[int, str, str], Spec] = {}


def reading_spec(spec: Spec, language: str | None = None) -> Spec:
    """A Spec about to be shown (a report rendered from a snapshot, render_report) with its texts in `language`
    (default: the active one), found through the published or retired version with its content hash. A Spec
    already translated, English, or content no version holds is returned as it is."""
    language = content_language(language)
    if language == SOURCE_LANGUAGE or is_translated(spec):
        return spec
    version = _VERSIONS_BY_HASH.get(spec.content_hash)
    if version is None:
        version = (m.QuestionnaireVersion.objects.filter(content_hash=spec.content_hash)
                   .exclude(status=m.VersionStatus.DRAFT).order_by("-published_at").first())
        if version is None:
            return spec
        _VERSIONS_BY_HASH[spec.content_hash] = version
    return display_spec(version, language)


def display_spec(version: m.QuestionnaireVersion, language: str | None = None) -> Spec:
    """The version's Spec for pages and documents people read: its texts in the reader's language, translated as
    authored ({placeholders} kept) and then filled with the constants as the language writes them. Anything that
    is stored or hashed (a result, a snapshot) is evaluated on the English Spec (versions.spec_for)."""
    language = content_language(language)
    authored = authored_spec(version)
    translated = localized(authored, version, language)
    key = (version.pk, authored.content_hash, language)
    if key in _FILLED and not version_is_draft(version):
        return _FILLED[key]
    filled = texts_filled(translated)
    if not version_is_draft(version):
        _FILLED[key] = filled
    return filled


def shown_outcome(spec: Spec, snapshot: dict[str, Any]) -> dict[str, Any]:
    """A stored result as the reader reads it. The snapshot's texts stay as they are (the snapshot is hashed, and
    its JSON is language-neutral in the sense that its codes, ids and values decide): the texts the engine
    rendered at evaluation (reasons, notices, a deadline given in words) are evaluated again with the
    translated Spec, on the completion day, and shown instead. A text whose translation is missing stays
    English, marked (Untranslated). Codes, ids, dates and every other value are the stored ones."""
    outcome = snapshot.get("result", {})
    if not is_translated(spec) or "answers" not in snapshot:
        return outcome
    completed = snapshot.get("assessment", {}).get("completed_at")
    today = dt.datetime.fromisoformat(completed).date() if completed else timezone.localdate()
    try:
        again = evaluate(spec, parsed_answers(spec, snapshot["answers"]), today=today).to_json()
    except (ValueError, ExpressionError):  # answers a later engine reads otherwise: the stored English
        return outcome

    def shown(stored: str, translated: str | None) -> str:
        return Untranslated(stored) if translated is None or translated == stored else translated

    texts: dict[str, list[str]] = {}
    for reason in again.get("reasons", []):
        texts.setdefault(reason["about"], []).append(reason["text"])
    reasons, seen = [], dict.fromkeys(texts, 0)
    for reason in outcome.get("reasons", []):
        index = seen.get(reason["about"], 0)
        seen[reason["about"]] = index + 1
        candidates = texts.get(reason["about"], [])
        again_text = candidates[index] if index < len(candidates) else None
        reasons.append({**reason, "text": shown(reason["text"], again_text)})
    notices_again = {n["id"]: n for n in again.get("notices", [])}
    notices = []
    for notice in outcome.get("notices", []):
        other = notices_again.get(notice["id"], {})
        notices.append({**notice, **{key: shown(notice[key], other.get(key)) for key in ("text", "text_passed")
                                     if notice.get(key)}})
    deadlines = {key: value if _is_date(value) else shown(value, again.get("deadlines", {}).get(key))
                 for key, value in outcome.get("deadlines", {}).items()}
    return {**outcome, "reasons": reasons, "notices": notices, "deadlines": deadlines}


def shown_reasons(spec: Spec, snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """A stored result's reasons as the reader reads them (see shown_outcome)."""
    return shown_outcome(spec, snapshot).get("reasons", [])


def _is_date(value: Any) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True
