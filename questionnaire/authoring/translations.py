"""Translatable texts of a version, the translation files shipped with the content (content/gpai.<lang>.yaml)
and what each language is missing or has stale (its English source changed after it was translated)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from .. import models as m
from ..core.translations import CONTENT_LANGUAGES, forget_translations
from ..core.versions import authored_spec
from ..engine import Spec
from ..engine.translation import placeholders, text_hash, texts
from .content import YAML_LOADER

__all__ = ["LANGUAGES", "TranslationStatus", "file_translation_status", "is_stale", "load_translations",
           "source_texts", "text_hash", "translation_files", "translation_status", "version_translation_status"]

LANGUAGES = tuple(code for code in CONTENT_LANGUAGES if code != "en")  # the languages the content ships


def source_texts(spec: Spec) -> dict[str, str]:
    """Every translatable text of a version by target name."""
    return texts(spec)


def is_stale(texts: dict[str, str], target: str, source_hash: str) -> bool:
    source = texts.get(target)
    return source is None or text_hash(source) != source_hash


@dataclass
class TranslationStatus:
    """One language of one version: which English texts have no translation, which translations were made
    from an English text that has since changed, which name no text of the version, and which lost a
    {placeholder} of their English text."""

    language: str
    total: int
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not (self.missing or self.stale or self.unknown or self.placeholders)

    def warnings(self) -> list[str]:
        out = []
        for label, targets in (("missing", self.missing), ("stale (English changed since)", self.stale),
                               ("not a text of this version", self.unknown),
                               ("placeholders differ from the English", self.placeholders)):
            if targets:
                shown = ", ".join(targets[:5]) + (f" and {len(targets) - 5} more" if len(targets) > 5 else "")
                out.append(f"{self.language}: {len(targets)} of {self.total} texts {label}: {shown}")
        return out


def translation_status(spec: Spec, rows: list[tuple[str, str, str, str]],
                       languages: tuple[str, ...] = LANGUAGES) -> list[TranslationStatus]:
    """rows: (target, language, text, source_hash) of the version's translations."""
    english = source_texts(spec)
    statuses = {language: TranslationStatus(language, len(english)) for language in languages}
    seen: dict[str, set[str]] = {language: set() for language in languages}
    for target, language, text, source_hash in rows:
        status = statuses.setdefault(language, TranslationStatus(language, len(english)))
        seen.setdefault(language, set()).add(target)
        if target not in english:
            status.unknown.append(target)
        elif is_stale(english, target, source_hash):
            status.stale.append(target)
        elif placeholders(text) != placeholders(english[target]):
            status.placeholders.append(target)
    for language, status in statuses.items():
        status.missing = [target for target in english if target not in seen[language]]
    return list(statuses.values())


def version_translation_status(version: m.QuestionnaireVersion) -> list[TranslationStatus]:
    """What each shipped language of a version is missing or has stale, from its translation rows."""
    rows = list(m.Translation.objects.filter(version=version).values_list("target", "language", "text", "source_hash"))
    return translation_status(authored_spec(version), rows)


def translation_files(content_path: Path) -> dict[str, Path]:
    """The translation files beside a content file: gpai.yaml -> {"de": gpai.de.yaml, "fr": gpai.fr.yaml}."""
    stem = Path(content_path).name.removesuffix(".yaml")
    return {p.name.removeprefix(stem + ".").removesuffix(".yaml"): p
            for p in sorted(Path(content_path).parent.glob(f"{stem}.*.yaml"))}


def read_translation_file(path: Path) -> dict[str, dict[str, str]]:
    """A translation file: `texts:` target -> {en: the English text it was made from, text: the translation}."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}  # noqa: S506 (a safe loader)
    texts = data.get("texts") or {}
    return {str(target): {"en": str(item.get("en") or ""), "text": str(item.get("text") or "")}
            for target, item in texts.items() if isinstance(item, dict)}


def file_translation_status(spec: Spec, content_path: Path) -> list[TranslationStatus]:
    """What each translation file beside a content file is missing or has stale against that content."""
    rows = [(target, language, item["text"], text_hash(item["en"]))
            for language, path in translation_files(content_path).items()
            for target, item in read_translation_file(path).items() if item["text"].strip()]
    return translation_status(spec, rows)


@transaction.atomic
def load_translations(version: m.QuestionnaireVersion, content_path: Path) -> list[TranslationStatus]:
    """Write the translation files beside `content_path` as the version's translation rows (each recording the
    hash of the English text it was made from, so that a changed English text shows it stale) and return what
    each language is missing or has stale. Rows the files do not name (authored in the admin) are kept."""
    english = source_texts(authored_spec(version))
    for language, path in translation_files(content_path).items():
        existing = {t.target: t for t in m.Translation.objects.filter(version=version, language=language)}
        new, changed = [], []
        for position, (target, item) in enumerate(read_translation_file(path).items()):
            if not item["text"].strip() or target not in english:
                continue
            source_hash = text_hash(item["en"])
            row = existing.get(target)
            if row is None:
                new.append(m.Translation(version=version, position=position, target=target, language=language,
                                         text=item["text"], source_hash=source_hash))
            elif (row.text, row.source_hash) != (item["text"], source_hash):
                row.text, row.source_hash = item["text"], source_hash
                changed.append(row)
        m.Translation.objects.bulk_create(new)
        m.Translation.objects.bulk_update(changed, ["text", "source_hash"])
    forget_translations()
    return version_translation_status(version)
