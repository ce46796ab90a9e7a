"""How much of a page stays English in another language: the measure of issue 29 ("at most 5 % of the text may
stay English; names, citations and codes aside"), shared by tests/test_languages.py and the browser test.

A page is compared with the same page in English. A word of the translated page counts as English when the English
page has it too, it is not a name, number or code (ALLOWED, and the names a test made, e.g. the model's), and the
language's own catalogue (locale/<lang>/LC_MESSAGES/django.po) does not use it (so "Status", "Organisation" or
"Transformer" pass in German). Until the questionnaire content is translated (issue 29 part B), the content's own
English texts can be set aside with `content_texts()`: the interface is measured alone.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"[^\W\d_]{2,}")  # words of two letters or more; "d'utilisation" is "utilisation"
PLACEHOLDER = re.compile(r"\{\w+\}")
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')  # string literals in expressions, read left to right
# names, citations and codes that stay as they are in every language
ALLOWED = {
    "gpai", "ai", "eu", "flop", "flops", "pdf", "json", "csv", "api", "gpus", "tpus", "gpu", "tpu", "art", "abs",
    "annex", "gmbh", "acme", "atlas", "b", "t", "e", "h", "nvidia", "amd", "google", "sxm", "pcie", "x", "yyyy",
    "mm", "dd", "english", "deutsch", "français", "v", "no", "sha", "html",
    "ss", "tr", "cr",  # the Code's measure ids: SS-1.1, TR-1.2, CR-1.3
}


class _Text(HTMLParser):
    """The visible text of a page's <body> (what a reader or a screen reader gets), without scripts and styles."""

    SKIP = {"script", "style", "template", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


@cache
def catalogue_words(language: str) -> frozenset[str]:
    """Every word the language's catalogue uses in its translations."""
    po = (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    translated = " ".join(re.findall(r'^msgstr(?:\[\d\])? (".*"(?:\n".*")*)', po, re.M))
    return frozenset(w.lower() for w in WORD.findall(translated))


@cache
def content_strings() -> tuple[str, ...]:
    """Every English text of the questionnaire content (questionnaire/content/**/*.yaml) and the texts quoted inside
    its expressions, white space folded."""
    texts: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and WORD.search(node):
            texts.add(re.sub(r"\s+", " ", node).strip())
            # texts quoted inside expressions, e.g. reason = ("You provide a general-purpose AI model")
            texts.update(re.sub(r"\s+", " ", quoted) for quoted in QUOTED.findall(node) if " " in quoted.strip())

    for path in sorted((ROOT / "questionnaire/content").glob("**/*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return tuple(sorted(texts, key=len, reverse=True))


@cache
def content_texts() -> tuple[re.Pattern, ...]:
    """The content's texts as patterns, longest first, a `{placeholder}` matching what the engine puts there: what
    part B of issue 29 translates through the content's translation rows."""
    texts = content_strings()
    patterns = []
    for text in texts:
        # a placeholder at either end matches nothing (it would swallow the page's text around it); one between
        # two literal parts matches what the engine put there
        parts = [re.escape(part) for part in PLACEHOLDER.split(text)]
        while parts and not parts[0].strip():
            parts.pop(0)
        while parts and not parts[-1].strip():
            parts.pop()
        if parts and WORD.search(" ".join(parts)):
            literal = PLACEHOLDER.sub("", text).strip()
            before = r"(?<!\w)" if re.match(r"\w", literal) else ""  # whole words only
            after = r"(?!\w)" if re.search(r"\w$", literal) else ""
            patterns.append(re.compile(before + r".{0,600}?".join(parts) + after, re.IGNORECASE))
    return tuple(patterns)


def without_content(text: str) -> str:
    """The text with every stretch that is a content text taken out (each content text is looked for in the whole
    text, so one taken out first cannot hide another)."""
    covered = bytearray(len(text))
    for pattern in content_texts():
        for match in pattern.finditer(text):
            covered[match.start():match.end()] = b"\x01" * (match.end() - match.start())
    for match in re.finditer("…", text):  # a content text cut short by truncatechars ("… C(2025) 8311 (Expl…")
        end = match.start()
        for length in range(min(end, 80), 11, -1):
            start = text[end - length:end].strip()
            if any(raw.startswith(start) for raw in content_strings()):
                covered[end - length:match.end()] = b"\x01" * (length + 1)
                break
    return "".join(" " if covered[i] else c for i, c in enumerate(text))


def english_left(english_html: str, translated_html: str, language: str, *, names=(),
                 content_aside: bool = False) -> tuple[list[str], int]:
    """The words of the translated page that stayed English, and how many words it has."""
    english = visible_text(english_html)
    translated = visible_text(translated_html)
    if content_aside:
        english, translated = without_content(english), without_content(translated)
    # tokens that hold a digit are hashes (3aacab4…), ids and numbers, not words
    english, translated = re.sub(r"\S*\d\S*", " ", english), re.sub(r"\S*\d\S*", " ", translated)
    english_words = {w.lower() for w in WORD.findall(english)}
    allowed = ALLOWED | catalogue_words(language) | {w.lower() for name in names for w in WORD.findall(name)}
    words = WORD.findall(translated)
    left = [w for w in words if w.lower() in english_words and w.lower() not in allowed]
    return left, len(words)


def english_share(english_html: str, translated_html: str, language: str, **kwargs) -> float:
    left, total = english_left(english_html, translated_html, language, **kwargs)
    return len(left) / total if total else 0.0
